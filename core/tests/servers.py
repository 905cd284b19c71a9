"""Real app servers and HTTP clients for tests that need more than one process.

`Server` runs the production command (scripts/serve.sh: checks, migrations, static
files, gunicorn) on a free port; `Visitor` is a person with a browser's cookie jar who
fills in the app's forms over HTTP. Both talk to each other only over the network.
"""

import contextlib
import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

from accounts.tests.factories import PASSWORD
from e2e.smtp import free_port

BASE_DIR = Path(__file__).resolve().parents[2]
SECRET_KEY = "tests-only-secret-key-" + "k" * 40


def server_environment(**overrides):
    """A production environment for the app, without anything this test run configured."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_")
        and key not in ("DATABASE_URL", "REDIS_URL", "REDIS_PAGES_URL", "EMAIL_HOST", "EMAIL_PORT")
    }
    env.update(
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain http on 127.0.0.1: there is no TLS proxy in front in these tests.
        DJANGO_HTTPS="false",
        # Tests sign up many people from one address.
        DJANGO_SIGNUP_LIMIT_PER_HOUR="1000",
        WEB_CONCURRENCY="2",
        GUNICORN_LOG_LEVEL="warning",
    )
    env.update({key: str(value) for key, value in overrides.items()})
    return env


SERVE = [str(BASE_DIR / "scripts" / "serve.sh")]
# Only the server, without the start's checks and migrations (for a database that is
# unreachable from the start).
GUNICORN_ONLY = [str(BASE_DIR / ".venv" / "bin" / "gunicorn"), "--config", "core/gunicorn.py"]


class Server:
    """The production command, started in its own process group on a free port."""

    def __init__(self, log_path, command=SERVE, **env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_path)
        self.command = command
        self.env = server_environment(BIND=f"127.0.0.1:{self.port}", DJANGO_DEBUG="false", **env)
        self.process = None

    def start(self, timeout=90):
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server exited at start:\n{self.log()[-3000:]}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"the server did not answer in {timeout} s:\n{self.log()[-3000:]}")

    def stop(self):
        """A graceful stop (SIGTERM to gunicorn and its workers), forced after 20 s."""
        self._signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self):
        """SIGKILL to every process of this server, as a crash or an OOM kill would."""
        self._signal(signal.SIGKILL)
        self.process.wait(timeout=20)

    def _signal(self, signum):
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)

    def log(self):
        return self.log_path.read_text(errors="replace")

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


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


def all_at_once(count, action):
    """Run action(i) for i in range(count) in `count` threads released together.

    Returns the results (or the exception a thread raised) in order of i.
    """
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        try:
            barrier.wait(timeout=60)
            results[i] = action(i)
        except Exception as error:
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results
