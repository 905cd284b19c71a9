"""The Email section, the check-your-inbox page, sending the link again, the link itself
and cancelling a change of address."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import notifications
from accounts.email import verification
from accounts.email.forms import AddressForm, EmailForm
from accounts.email.verification import LinkRefused
from accounts.settings_area import sudo
from accounts.settings_area.sections import render_settings
from core.htmx import (
    redirect_to,
    render_out_of_band,
    render_page,
    wants_fragment,
)
from core.redirects import local_path
from core.submissions import refuse, save_or_report_conflict, submitted

CHECK_INBOX = "accounts/verification/check_inbox.html"


CONFIRM = "accounts/verification/confirm_email.html"


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def check_inbox(request):
    """Where a sign-in held for its address waits. An account without any address (only
    whoever gave its password and factors on this browser gets here) adds one."""
    user = verification.waiting_user(request)
    context = inbox_context(user)
    if user is None or context["address"] or request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to(request, reverse("accounts:check_inbox"))
        return render_page(request, CHECK_INBOX, context)
    form = AddressForm(submitted(request))
    if form.is_bound and form.is_valid():
        if verification.too_many_links(user):
            refuse(form, verification.TOO_MANY_LINKS)
            context["form"] = form
            return render_page(
                request,
                CHECK_INBOX,
                context,
                form="address-form",
                status=verification.TOO_MANY,
            )
        verification.change_email(user, form.cleaned_data["email"])
        verification.send_link(request, user)
        return redirect_to(request, reverse("accounts:check_inbox"))
    context["form"] = form
    return render_page(request, CHECK_INBOX, context, form="address-form")


def inbox_context(user, refused=None):
    address = verification.waiting_address(user) if user else ""
    return {"address": address, "duration": verification.link_lifetime(), "refused": refused}


@login_not_required
@require_POST
def resend_verification(request):
    """Send the link again (from the banner, the Email settings or the check-your-inbox
    page), at most RATE_LIMITS["verify-email-user"] times."""
    user = verification.waiting_user(request)
    if user is None:
        messages.info(request, _("Log in again to have the link sent again."))
        return redirect_to(request, reverse("accounts:login"))
    address = verification.waiting_address(user)
    if address and verification.too_many_links(user):
        if wants_fragment(request):
            messages.error(request, verification.TOO_MANY_LINKS)
            response = render_out_of_band(request)
            response.status_code = verification.TOO_MANY
            return response
        return render_page(
            request,
            CHECK_INBOX,
            inbox_context(user, verification.TOO_MANY_LINKS),
            status=verification.TOO_MANY,
        )
    if address:
        verification.send_link(request, user)
        messages.success(request, _("We sent a new link to %(address)s.") % {"address": address})
    else:
        messages.info(request, _("Your email address is confirmed already."))
    if wants_fragment(request):
        return render_out_of_band(request)  # the message says it; the page stays
    return redirect(back_to(request))


def back_to(request):
    """The page the form was on (its Referer, when on this site), else a default."""
    came_from = local_path(request, request.headers.get("Referer"))
    if came_from:
        return came_from
    return reverse("accounts:email" if request.user.is_authenticated else "accounts:check_inbox")


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def confirm_email(request, token):
    """The link from the email: GET shows what it confirms, the button POSTs."""
    try:
        account, address = verification.read_link(token)
        if request.method == "GET":
            return render_page(request, CONFIRM, {"account": account, "address": address})
        account, address, replaced = verification.confirm(account.pk, address)
    except LinkRefused as refused:
        status = 400 if request.method == "GET" else 422  # htmx swaps a refused POST
        return render_page(request, CONFIRM, {"refused": refused.args[0]}, status=status)
    if replaced and replaced.lower() != address.lower():
        notifications.notify(request, account, "email_changed", to=replaced, new_address=address)
    if request.session.get(verification.WAITING_USER) == account.pk:
        del request.session[verification.WAITING_USER]
    return confirmed(request, account, address)


def confirmed(request, account, address):
    """Say so, and go where the visitor can go on from."""
    names = {"address": address, "name": account.get_username()}
    if request.user.pk == account.pk:
        messages.success(request, _("Your email address %(address)s is confirmed.") % names)
        return redirect_to(request, reverse("accounts:email"))
    if not request.user.is_authenticated:
        message = _("Your email address %(address)s is confirmed. You can log in now.")
        messages.success(request, message % names)
        return redirect_to(request, reverse("accounts:login"))
    message = _(
        "The address %(address)s of the account %(name)s is confirmed. You are still "
        "signed in as %(you)s."
    )
    messages.success(request, message % {**names, "you": request.user.get_username()})
    return redirect_to(request, str(settings.LOGIN_REDIRECT_URL))


@require_POST
def cancel_email_change(request):
    user = request.user
    if user.pending_email:
        names = {"address": user.pending_email, "current": user.email or _("(none)")}
        user.pending_email = ""
        user.save(update_fields=["pending_email"])
        message = _("The change to %(address)s is cancelled. Your address stays %(current)s.")
        messages.success(request, message % names)
    return redirect_to(request, reverse("accounts:email"))


@require_http_methods(["GET", "POST"])
def email(request):
    """A new address takes effect once confirmed by the link sent to it (see
    accounts.email.verification); clearing it, at once."""
    form = EmailForm(submitted(request), instance=request.user)
    status = None
    if form.is_bound and form.is_valid():
        if form.has_changed() and (prompt := sudo.require(request)):
            return prompt
        if form.sends_link() and verification.too_many_links(request.user):
            refuse(form, verification.TOO_MANY_LINKS)
            status = verification.TOO_MANY
        elif save_or_report_conflict(form):
            verification.email_saved(
                request,
                request.user,
                form.outcome,
                previous=form.previous,
                previous_verified=form.previous_verified,
            )
            return redirect_to(request, request.path)
    return render_settings(
        request, "accounts/email.html", {"form": form}, form="email-form", status=status
    )
