"""Error pages: a full page for browsers, a message in the flash area for htmx swaps."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from core.htmx import wants_fragment


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
    return render(request, "500.html", status=500)


def csrf_failure(request, reason=""):
    return _error(
        request,
        403,
        _("Please try again"),
        _("This form had expired. Reload the page and submit it again; nothing was changed."),
    )
