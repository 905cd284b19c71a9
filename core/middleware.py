from django.contrib import messages
from django.contrib.auth.middleware import (
    LoginRequiredMiddleware as DjangoLoginRequiredMiddleware,
)
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from core import drafts
from core.htmx import redirect_to
from core.redirects import local_path


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's deny-by-default login requirement, made safe for POSTs and HTMX.

    - The `next` of a GET is the page asked for. A POST cannot be repeated after login,
      so its `next` is a page the user can GET: the form itself for a view that keeps
      drafts (core.drafts; the posted text is kept for after the login), else the
      same-site page the user was on (HX-Current-URL for HTMX, Referer otherwise), else
      the page the view names with @login_next, else its own URL.
    - An HTMX request gets an HX-Redirect (status 200), because htmx would silently
      follow a 302 and swap the login page into a fragment.
    - A page behind the login, and any page answered to a signed-in person (it shows
      their name, their drafts, their email...), is marked `private, no-store`, so that
      neither a shared cache nor the browser's back button keeps it.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.login_required = getattr(view_func, "login_required", True)
        return super().process_view(request, view_func, view_args, view_kwargs)

    def process_response(self, request, response):
        if getattr(request, "login_required", False) or request.user.is_authenticated:
            add_never_cache_headers(response)
        return response

    def handle_no_permission(self, request, view_func):
        login = redirect_to_login(self.next_for(request, view_func))  # LOGIN_URL?next=...
        return redirect_to(request, login.url, reload=True)

    def next_for(self, request, view_func):
        if request.method in ("GET", "HEAD"):
            return request.get_full_path()
        draft_fields = getattr(view_func, "draft_fields", None)
        if draft_fields and drafts.save(request, draft_fields):
            messages.info(request, _("Please log in again. What you wrote has been kept."))
            return request.path
        came_from = request.headers.get("HX-Current-URL") or request.headers.get("Referer")
        page = local_path(request, came_from)
        if page:
            return page
        url_name = getattr(view_func, "login_next", None)
        if url_name:
            return reverse(url_name, kwargs=request.resolver_match.kwargs)
        return request.get_full_path()


class PrintableUserAgentMiddleware:
    """The User-Agent header, which sessions, the lockout's records and security notices
    store, without characters a database refuses or a page should not show (a NUL is
    an error in PostgreSQL's text columns): control characters are dropped."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        agent = request.META.get("HTTP_USER_AGENT")
        if agent and not agent.isprintable():
            request.META["HTTP_USER_AGENT"] = "".join(c for c in agent if c.isprintable())
        return self.get_response(request)
