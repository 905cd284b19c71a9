"""Error pages: a full page for browsers, a message in the flash area for htmx swaps."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from core.htmx import wants_fragment

logger = logging.getLogger(__name__)

# How long a client should wait before trying again while the database is unreachable.
RETRY_AFTER_SECONDS = 30


def _error(request, status, title, explanation):
    context = {"status": status, "title": title, "explanation": explanation}
    template = "partials/error.html" if wants_fragment(request) else "error.html"
    return render(request, template, context, status=status)


def permission_denied(request, exception=None):
    return _error(request, 403, _("Not allowed"), _("You are not allowed to do that."))


def page_not_found(request, exception=None):
    return _error(
        request, 404, _("Not found"), _("There is nothing here. It may have been deleted.")
    )


def server_error(request):
    """500, or 503 with Retry-After when the database could not be reached.

    Rendered without the request's context processors: the session and the user come
    from the database, which may be what failed.
    """
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        status, title = 503, _("Temporarily unavailable")
        explanation = _(
            "We cannot reach our database at the moment, so this was not done. "
            "Please try again in a minute."
        )
    else:
        status, title = 500, _("Something went wrong on our side")
        explanation = _(
            "Nothing you typed has been lost from the page: go back and try again in a moment."
        )
    context = {"status": status, "title": title, "explanation": explanation}
    template = "partials/error.html" if wants_fragment(request) else "500.html"
    try:
        content = render_to_string(template, context)
    except Exception:
        logger.exception("The %s page could not be rendered", status)
        content = f"{title}\n\n{explanation}\n"
        response = HttpResponse(content, status=status, content_type="text/plain; charset=utf-8")
    else:
        response = HttpResponse(content, status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def csrf_failure(request, reason=""):
    return _error(
        request,
        403,
        _("Please try again"),
        _("This form had expired. Reload the page and submit it again; nothing was changed."),
    )
