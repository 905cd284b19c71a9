"""Full page or fragment, decided in one place."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseLocation


def wants_fragment(request):
    """True for an HTMX request that swaps part of the page.

    Boosted requests and history restores replace the whole page, and a request
    without HX-Request is a plain browser request: those get the full page.
    """
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page(request, template_name, context=None, *, fragment=None, status=None):
    """Render `template_name`, or for an HTMX swap only its `{% partialdef fragment %}`.

    A fragment for #main ("content") is preceded by the page's `title` partial, which
    htmx puts in the document title, and every fragment is followed by the navbar and
    the messages, swapped out of band so they always show the current state.
    """
    if fragment and wants_fragment(request):
        parts = []
        if fragment == "content":
            title = render_to_string(f"{template_name}#title", context, request)
            # The partial's output is already escaped; strip() would lose that mark.
            title = mark_safe(title.strip())  # noqa: S308
            parts.append(format_html("<title>{} · {}</title>", title, _("Board")))
        parts.append(render_to_string(f"{template_name}#{fragment}", context, request))
        parts.append(render_to_string("partials/oob.html", context, request))
        response = HttpResponse("".join(parts), status=status)
    else:
        response = render(request, template_name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def render_form_page(request, template_name, context, *, status=None):
    """A form page: the whole page for a GET, only the form (status 422) when it has errors.

    Plain browsers get the whole page either way; 422 tells htmx and tests that the
    submission was refused, and htmx is configured to swap it (see base.html).
    """
    form = context["form"]
    invalid = form.is_bound and not form.is_valid()
    return render_page(
        request,
        template_name,
        context,
        fragment="form" if invalid else "content",
        status=status or (422 if invalid else None),
    )


def redirect_to(request, url):
    """Go to `url`: a redirect, or for HTMX an HX-Location that swaps #main.

    `url` is a path, never a URL name: what users send must not reach reverse()."""
    if wants_fragment(request):
        response = HttpResponseLocation(url, target="#main")
    else:
        response = redirect(url)
    patch_vary_headers(response, ["HX-Request"])
    return response


def render_oob(request, context=None):
    """Only the out-of-band parts (navbar, messages): the target itself is emptied."""
    response = HttpResponse(render_to_string("partials/oob.html", context, request))
    patch_vary_headers(response, ["HX-Request"])
    return response


class HtmxFormViewMixin:
    """Django's class-based form views (password reset), answering htmx like our views."""

    def render_to_response(self, context, **response_kwargs):
        status = response_kwargs.get("status")
        if "form" in context and context["form"] is not None:
            return render_form_page(self.request, self.template_name, context, status=status)
        return render_page(self.request, self.template_name, context, fragment="content")

    def form_valid(self, form):
        response = super().form_valid(form)
        return redirect_to(self.request, response.url)
