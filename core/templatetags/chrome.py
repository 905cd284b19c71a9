"""The navbar and the footer, rendered once per language and login state.

Every page and every htmx fragment (out of band) carries the navbar, and every page the
footer. Rendering them anew each time cost a signed-in page more than everything else
it does: a dozen URL reversals and translations that give the same HTML every time.
They differ between requests only by the username, the CSRF token of the logout form
and, in the footer, the current address that the language links return to. So each is
rendered once per process for each language and login state with placeholders for
those (core.pagecache.placeholder), and the placeholders are filled per response, the
username escaped as the template would have escaped it.

In development (DEBUG) they are rendered every time, so that a changed template shows.
"""

import functools
from urllib.parse import quote

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from core.pagecache import StandInMember, fill_member, placeholder

register = template.Library()


class _Visitor:
    is_authenticated = False


@register.simple_tag(takes_context=True)
def navbar(context, oob=False):
    """partials/navbar.html for this request's user; `oob` to swap it out of band."""
    user = context.get("user")
    signed_in = user is not None and user.is_authenticated
    html = _rendered(
        "partials/navbar.html", translation.get_language(), signed_in=signed_in, oob=bool(oob)
    )
    if signed_in:
        # The token first: a username can never bring a placeholder in with it.
        html = html.replace(placeholder("csrftoken"), str(context["csrf_token"]))
        html = fill_member(html, user)
    return mark_safe(html)  # noqa: S308 (our template's output and escaped values)


@register.simple_tag(takes_context=True)
def footer(context):
    """partials/footer.html, its language links returning to the current address."""
    html = _rendered("partials/footer.html", translation.get_language())
    here = quote(context["request"].get_full_path())  # as the urlencode filter does
    return mark_safe(html.replace(placeholder("here"), here))  # noqa: S308


def _rendered(template_name, language, *, signed_in=False, oob=False):
    render = _render if settings.DEBUG else _render_once
    # The secret key is part of the key: the placeholders follow it.
    return render(template_name, language, signed_in, oob, settings.SECRET_KEY)


def _render(template_name, language, signed_in, oob, _secret_key):
    context = {
        "user": StandInMember() if signed_in else _Visitor(),
        "csrf_token": placeholder("csrftoken"),
        "here": placeholder("here"),
        "oob": oob,
    }
    with translation.override(language):
        return render_to_string(template_name, context)


_render_once = functools.cache(_render)
