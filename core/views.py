"""Error pages: a full page for browsers, a message for the messages area to htmx."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.utils.translation import gettext as _

from core.htmx import ANY_TARGET, render_page

logger = logging.getLogger(__name__)

# How long a client should wait before trying again while the database is unreachable.
RETRY_AFTER_SECONDS = 30


def _error(request, status, title, explanation):
    context = {"status": status, "title": title, "explanation": explanation}
    return render_page(
        request,
        "error.html",
        context,
        fragments={ANY_TARGET: "message"},
        status=status,
        out_of_band=False,
    )


def permission_denied(request, exception=None):
    return _error(request, 403, _("Not allowed"), _("You are not allowed to do that."))


def page_not_found(request, exception=None):
    return _error(
        request, 404, _("Not found"), _("There is nothing here. It may have been deleted.")
    )


def csrf_failure(request, reason=""):
    return _error(
        request,
        403,
        _("Please try again"),
        _("This form had expired. Reload the page and submit it again; nothing was changed."),
    )


def server_error(request):
    """500, or 503 with Retry-After when the database could not be reached.

    Rendered without the request's user, session and messages: they come from the
    database, which may be what failed.
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
    try:
        response = render_page(
            request,
            "500.html",
            context,
            fragments={ANY_TARGET: "message"},
            status=status,
            whole_request=False,
        )
    except Exception:  # the apology itself must not fail
        logger.exception("The %s page could not be rendered", status)
        content = f"{title}\n\n{explanation}\n"
        response = HttpResponse(content, status=status, content_type="text/plain; charset=utf-8")
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
