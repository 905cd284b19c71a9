"""Full page or fragment, decided in one place.

Every page template holds its `<main>` content in a `{% partialdef main inline %}` and
its title in `{% partialdef title %}`. A browser gets the whole page; an htmx request
that swaps part of the page gets only the partial the view names, with the title and,
out of band, the navbar and the messages. Every response varies on HX-Request
(VaryOnHtmxMiddleware), so no cache hands a fragment to a browser or the other way round.
"""

from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect, HttpResponseLocation, reswap, retarget

MAIN = "main"


def wants_fragment(request, target=None):
    """True for an htmx request that swaps part of the page (and, with `target`, swaps
    the element with that id).

    Boosted requests and history restores replace the whole page, and a request
    without HX-Request is a plain browser request: those get the full page.
    """
    htmx = getattr(request, "htmx", None)
    swaps_part = bool(htmx) and not htmx.boosted and not htmx.history_restore_request
    return swaps_part and (target is None or htmx.target == target)


def triggered_by(request):
    """The name of the field whose event sent this htmx request (HX-Trigger-Name)."""
    return request.htmx.trigger_name if wants_fragment(request) else None


def render_page(
    request,
    template_name,
    context=None,
    *,
    fragment=MAIN,
    status=None,
    out_of_band=True,
    whole_request=True,
    titled=False,
):
    """Render `template_name`, or for an htmx swap only its `fragment` partial.

    The page's main content goes into #main whatever element sent the request, with the
    page's title (other fragments get the title too when `titled`). Fragments are
    followed by the navbar and the messages, swapped out of band so that they always
    show the current state (unless `out_of_band` is False: an error message that goes
    into the messages area itself).

    With whole_request=False the template sees only `context`: no user, no session, no
    messages (for the error page of a request whose database is unreachable).
    """
    request_for_templates = request if whole_request else None
    if not wants_fragment(request):
        content = render_to_string(template_name, context, request_for_templates)
        return HttpResponse(content, status=status)
    parts = []
    if fragment == MAIN or titled:
        title = render_to_string(f"{template_name}#title", context, request_for_templates)
        # The partial's output is already escaped; strip() would lose that mark.
        title = mark_safe(title.strip())  # noqa: S308
        parts.append(format_html("<title>{} · {}</title>", title, _("Board")))
    parts.append(render_to_string(f"{template_name}#{fragment}", context, request_for_templates))
    if out_of_band and whole_request:
        parts.append(render_to_string("partials/oob.html", context, request))
    response = HttpResponse("".join(parts), status=status)
    if fragment == MAIN and request.htmx.target != "main":
        response = reswap(retarget(response, "#main"), "innerHTML")
    return response


def render_form_page(request, template_name, context, *, form_partial, status=None):
    """A form page: the whole page for a GET, only the form (`form_partial`, status 422)
    when it has errors.

    Plain browsers get the whole page either way; 422 tells htmx and tests that the
    submission was refused, and htmx is configured to swap it (see base.html).
    """
    form = context["form"]
    invalid = form.is_bound and not form.is_valid()
    return render_page(
        request,
        template_name,
        context,
        fragment=form_partial if invalid else MAIN,
        status=status or (422 if invalid else None),
    )


def render_out_of_band(request):
    """Only the navbar and the messages, out of band: the element that asked is emptied."""
    return HttpResponse(render_to_string("partials/oob.html", request=request))


def redirect_to(request, url, *, reload=False):
    """Go to `url`: a redirect, or for an htmx swap an HX-Location into #main (with
    `reload`, an HX-Redirect: the browser loads the whole page).

    `url` is a path, never a URL name: what users send must not reach reverse().
    """
    if not wants_fragment(request):
        return redirect(url)
    if reload:
        return HttpResponseClientRedirect(url)
    return HttpResponseLocation(url, target="#main")


class VaryOnHtmxMiddleware:
    """Every page answers htmx with a fragment and browsers with the whole page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_vary_headers(response, ["HX-Request"])
        return response


class HtmxFormViewMixin:
    """Django's class-based form views (password reset), answering htmx like our views.

    Set `form_partial` to the template's partial that holds the form.
    """

    form_partial = None

    def render_to_response(self, context, **response_kwargs):
        status = response_kwargs.get("status")
        if context.get("form") is not None:
            return render_form_page(
                self.request,
                self.template_name,
                context,
                form_partial=self.form_partial,
                status=status,
            )
        return render_page(self.request, self.template_name, context)

    def form_valid(self, form):
        response = super().form_valid(form)
        return redirect_to(self.request, response.url)
