"""Someone with a browser, over HTTP: for tests against real servers (pytest-django's
live server, or production servers started as processes: support.production)."""

import re

import requests
from requests.adapters import HTTPAdapter

from accounts.tests.factories import PASSWORD

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _FromAddress(HTTPAdapter):
    """Connections that leave from one local address (127.0.0.0/8 is all loopback)."""

    def __init__(self, source):
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


class Visitor:
    """Someone with a browser: one cookie jar, whichever server answers.

    The servers all listen on 127.0.0.1, so the cookies one sets are sent to the others,
    as they would be behind one load balancer. `source` (e.g. "127.0.0.7") makes the
    visitor connect from that address, so that a server sees several clients, each with
    its own address, as an attacker with many addresses would look.
    """

    def __init__(self, timeout=30, source=None):
        self.http = requests.Session()
        self.timeout = timeout
        if source:
            adapter = _FromAddress(source)
            self.http.mount("http://", adapter)
            self.http.mount("https://", adapter)

    def get(self, url, **kwargs):
        return self.http.get(url, allow_redirects=False, timeout=self.timeout, **kwargs)

    def post_form(self, url, data, **kwargs):
        """Open the form at `url` as a browser would, then submit `data` with its token."""
        token = self.csrf_token(url)
        return self.post(url, {"csrfmiddlewaretoken": token, **data}, **kwargs)

    def post(self, url, data, **kwargs):
        return self.http.post(url, data=data, allow_redirects=False, timeout=self.timeout, **kwargs)

    def csrf_token(self, url):
        page = self.get(url)
        found = _CSRF_INPUT.search(page.text)
        assert found, f"no CSRF token in GET {url} ({page.status_code})"
        return found[1]

    def sign_up(self, server_url, username, email=""):
        data = {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD}
        return self.post_form(f"{server_url}/accounts/signup/", data)

    def log_in(self, server_url, username, password=PASSWORD):
        data = {"username": username, "password": password}
        return self.post_form(f"{server_url}/accounts/login/", data)

    def log_out(self, server_url):
        token = self.csrf_token(f"{server_url}/articles/")
        return self.post(f"{server_url}/accounts/logout/", {"csrfmiddlewaretoken": token})

    def is_logged_in(self, server_url):
        """Whether a page that needs a login shows (200) rather than sends to login (302)."""
        response = self.get(f"{server_url}/accounts/update/")
        assert response.status_code in (200, 302), response.status_code
        return response.status_code == 200
