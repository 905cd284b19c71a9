"""The Sessions section: where the member is signed in, signing one or all others out."""

from django.contrib import messages
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import UserSession
from accounts.sessions import devices
from accounts.settings_area import sudo
from accounts.settings_area.sections import render_settings
from accounts.signin.factors import SIGN_IN_METHODS
from core.htmx import Question, ask_first, focus_on, redirect_to


def live_sessions(user):
    """The user's sessions that have not expired."""
    return user.sessions.filter(expire_date__gt=timezone.now())


def current_sessions(request):
    """The user's live sessions, this one first, then the most recently active."""
    current = request.session.session_key
    rows = live_sessions(request.user).order_by("-last_activity")
    items = [
        {
            "session": row,
            "device": devices.describe_user_agent(row.user_agent),
            "current": row.session_key == current,
            "method": SIGN_IN_METHODS.get(row.sign_in_method, ""),
        }
        for row in rows
    ]
    return sorted(items, key=lambda item: not item["current"])  # stable: keeps the order


@require_GET
def sessions(request):
    # Cancel in the confirmation (sign_out_other_sessions) puts the button back, with the
    # focus on it.
    context = {"sessions": current_sessions(request), "focus": request.GET.get("focus")}
    fragments = {"sign-out-others": "sign-out-others"}
    return render_settings(request, "accounts/sessions.html", context, fragments=fragments)


@require_POST
def sign_out_session(request, public_id):
    if prompt := sudo.require(request):
        return prompt
    session = next((s for s in request.user.sessions.all() if s.public_id == public_id), None)
    if session is None or session.session_key == request.session.session_key:
        raise Http404  # unknown, someone else's, or this one (use Log out)
    session.delete()
    messages.success(request, _("That session has been signed out."))
    return redirect_to(request, reverse("accounts:sessions"))


@require_http_methods(["GET", "POST"])
def sign_out_other_sessions(request):
    """Asks first (GET: a page without JavaScript, in place of the button with htmx),
    then signs every other session out (POST, in sudo mode)."""
    if request.method == "GET":
        current = request.session.session_key
        others = live_sessions(request.user).exclude(session_key=current).count()
        sessions_url = reverse("accounts:sessions")
        question = Question(
            element_id="sign-out-others",
            text=ngettext(
                "Sign out of %(counter)s other session? It will need to log in again.",
                "Sign out of %(counter)s other sessions? They will need to log in again.",
                others,
            )
            % {"counter": others},
            action=reverse("accounts:sign_out_other_sessions"),
            button=_("Sign out"),
            back_url=sessions_url,
            restore_url=focus_on(sessions_url, "sign-out-others"),
            css="card card-body",
        )
        template = "accounts/sign_out_others.html"
        context = {"others": others}
        return ask_first(request, template, context, question, render=render_settings)
    if prompt := sudo.require(request):
        return prompt
    count = UserSession.end_all_for(request.user, except_key=request.session.session_key)
    message = ngettext(
        "Signed out of %(count)s other session.", "Signed out of %(count)s other sessions.", count
    )
    messages.success(request, message % {"count": count})
    return redirect_to(request, reverse("accounts:sessions"))
