"""Switching the language with a link.

Django's set_language view changes the language only for a POST, which needs a form
with a CSRF token on every page, and that token makes every page different for every
visitor. The language is a preference of this browser, not a change to anything on the
server, so a link does it here: GET /language/ko/?next=/articles/ sets the language
cookie and returns to `next` (a same-site path only). Pages then carry no per-visitor
token and can be served to anonymous visitors from the cache (core/pagecache.py).
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from core.redirects import same_site_path


@login_not_required
@require_GET
def switch_language(request, code):
    if code not in dict(settings.LANGUAGES):
        raise Http404
    response = redirect(same_site_path(request.GET.get("next")) or reverse("articles:index"))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
