"""Where to send a user next, without ever sending them off-site.

A `next` is user input. It is followed only when it is a path on this site: one leading
slash, then no host, scheme, backslash trick or invisible character. Anything else
("foo", "?page=2", "//evil.example", "%2Farticles%2F") gives the default page instead.
It is never passed to reverse() or resolve_url(), which would take it for a URL name.
"""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme

# Characters a URL never holds as they are (RFC 3986): a browser sends them encoded.
NOT_IN_URLS = frozenset(' "<>\\^`{|}')


def same_site_path(url):
    """`url` when it is a path on this site ("/articles/?page=2"), else None: one leading
    slash (two, or a backslash after it, is read by browsers as another host), no control
    or invisible character, which a browser may drop before reading it, and none that a
    URL only holds encoded (a space, a quote: what a browser sends is encoded)."""
    if (
        url
        and url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and url.isprintable()
        and NOT_IN_URLS.isdisjoint(url)
    ):
        return url
    return None


def local_path(request, url):
    """The path and query of a same-site URL, absolute (a Referer) or not, else None."""
    if not url or not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(url)
    return same_site_path(parts.path + (f"?{parts.query}" if parts.query else ""))


def requested_next(request):
    """The `next` of this POST or GET when it is a same-site path, else None."""
    return same_site_path(request.POST.get("next") or request.GET.get("next"))


def next_url(request):
    """Where to go after logging in, signing up or out: the same-site `next`, else the
    article list (LOGIN_REDIRECT_URL)."""
    return requested_next(request) or str(settings.LOGIN_REDIRECT_URL)


def with_next(request, path):
    """`path` carrying this request's same-site `next` along (to the next step of a form)."""
    nxt = requested_next(request)
    return f"{path}?{urlencode({'next': nxt})}" if nxt else path
