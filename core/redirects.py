"""Where to send a user next, without ever sending them off-site."""

from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_url(request, url):
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def local_path(request, url):
    """The path and query of a same-site URL (absolute or not), or None for anything else."""
    if not is_safe_url(request, url):
        return None
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def next_url(request, default=None):
    """The `next` of a GET or POST when it is same-site, else `default` (the article list)."""
    candidate = request.POST.get("next") or request.GET.get("next")
    if is_safe_url(request, candidate):
        return candidate
    return resolve_url(default or settings.LOGIN_REDIRECT_URL)
