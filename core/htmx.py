"""Full page or fragment, decided in one place.

Every page template holds its `<main>` content in a `{% partialdef main inline %}` and
its title in `{% partialdef title %}`. A browser gets the whole page; an htmx request
that swaps part of the page gets only the partial the view names, with the title and,
out of band, the navbar and the messages. Every response varies on HX-Request
(VaryOnHtmxMiddleware), so no cache hands a fragment to a browser or the other way round.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect, HttpResponseLocation, reswap, retarget

from core.redirects import local_path

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


def target_number(request, prefix):
    """For an htmx swap of the element "<prefix><n>" (a line of a list: "passkey-3"), n;
    else None."""
    target = request.htmx.target if wants_fragment(request) else None
    number = (target or "").removeprefix(prefix)
    plain = number.isascii() and number.isdecimal() and len(number) <= 18  # fits a bigint
    return int(number) if target and target.startswith(prefix) and plain else None


def triggered_by(request):
    """The name of the field whose event sent this htmx request (HX-Trigger-Name)."""
    return request.htmx.trigger_name if wants_fragment(request) else None


# Partials that stand for a page's content: an answer with one of them carries the page's
# title too (the settings panel is the page, less the navigation beside it).
PAGE_PARTS = {MAIN, "panel"}
# In `fragments`, the partial for any element that asks (e.g. an error message).
ANY_TARGET = "*"


def render_page(
    request,
    template_name,
    context=None,
    *,
    fragments=None,
    form=None,
    status=None,
    out_of_band=True,
    whole_request=True,
):
    """The one renderer: `template_name` whole for a browser; for an htmx swap, the partial
    that answers the element that asked.

    Which partial answers is declared, not decided by the view:
    - `form`: the partial that holds context["form"]. When that form was sent and refused,
      the answer has status 422 and, for htmx, is this partial (with its errors).
    - `fragments`: {element id: partial} for the elements the page lets htmx swap on
      their own (a list row, a confirmation in place of a button); "other.html#name"
      names another template's partial, ANY_TARGET every element.
    - Anything else gets the page's main content, put into #main whatever element asked.

    The main content and the other PAGE_PARTS come with the page's title. Fragments are
    followed by the navbar and the messages, swapped out of band so that they always
    show the current state (unless `out_of_band` is False: an error message that goes
    into the messages area itself).

    With whole_request=False the template sees only `context`: no user, no session, no
    messages (for the error page of a request whose database is unreachable).
    """
    bound = (context or {}).get("form") if form else None
    refused = bound is not None and bound.is_bound and not bound.is_valid()
    if refused:
        status = status or 422  # htmx is configured to swap it (see base.html)
    request_for_templates = request if whole_request else None
    if not wants_fragment(request):
        content = render_to_string(template_name, context, request_for_templates)
        return HttpResponse(content, status=status)
    fragments = fragments or {}
    target = request.htmx.target
    fragment = form if refused else fragments.get(target, fragments.get(ANY_TARGET, MAIN))
    template, _hash, fragment = fragment.rpartition("#")
    template = template or template_name
    parts = []
    if fragment in PAGE_PARTS:
        title = render_to_string(f"{template}#title", context, request_for_templates)
        # The partial's output is already escaped; strip() would lose that mark.
        title = mark_safe(title.strip())  # noqa: S308
        parts.append(format_html("<title>{} · {}</title>", title, _("Board")))
    parts.append(render_to_string(f"{template}#{fragment}", context, request_for_templates))
    if out_of_band and whole_request:
        parts.append(render_to_string("partials/oob.html", context, request))
    response = HttpResponse("".join(parts), status=status)
    if fragment == MAIN and target != MAIN:
        response = reswap(retarget(response, "#main"), "innerHTML")
    return response


def render_out_of_band(request, status=None):
    """Only the navbar and the messages, out of band: the element that asked is emptied
    (a deleted row), or stays as it is when htmx does not swap the answer (204)."""
    return HttpResponse(render_to_string("partials/oob.html", request=request), status=status)


@dataclass(frozen=True)
class Question:
    """An "ask first" confirmation, rendered by partials/ask_first.html."""

    element_id: str  # with htmx, the element it takes the place of (and gives back)
    text: str  # "Delete “…”? This cannot be undone."
    action: str  # where the confirming POST goes
    button: str  # what the button does: "Delete"
    back_url: str  # Cancel without JavaScript
    restore_url: str = ""  # Cancel with htmx: a GET answering element_id; else back_url
    button_detail: str = ""  # said after the button's label to screen readers only
    post_target: str = ""  # the element the POST's answer replaces (default: the page)
    tag: str = "div"
    css: str = ""  # the element's classes
    text_css: str = "fw-semibold mb-2"
    small: bool = False  # small buttons, as in a list


def ask_first(request, template_name, context, question, *, fragments=None, render=None):
    """Ask `question` before doing it: the page `template_name` (its content shows the
    question: {% include "partials/ask_first.html" %}) for a browser; with htmx, the
    partial `fragments` names for the element that asked (by default "confirmation" for
    question.element_id), in its place. `render` renders the page (default render_page;
    a settings page passes the settings' own)."""
    fragments = fragments or {question.element_id: "confirmation"}
    context = {**context, "question": question}
    return (render or render_page)(request, template_name, context, fragments=fragments)


def focus_on(url, button):
    """`url` asking for the element it answers with the focus on `button` (Cancel puts
    back the element that asked, and the focus where it was)."""
    return f"{url}?{urlencode({'focus': button})}"


def current_page(request):
    """The page an htmx request was sent from, when it is on this site (else None)."""
    return local_path(request, request.htmx.current_url) if wants_fragment(request) else None


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
        return render_page(
            self.request, self.template_name, context, form=self.form_partial, status=status
        )

    def form_valid(self, form):
        response = super().form_valid(form)
        return redirect_to(self.request, response.url)
