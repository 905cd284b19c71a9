"""The Settings sections of the second factors: Two-factor sign-in (turn the authenticator
app on and off, recovery codes) and Passkeys (list, add, rename, remove). The passkey
pages and forms are ordinary HTML views that work without JavaScript; adding a passkey
needs the browser's WebAuthn API (accounts.mfa.ceremonies)."""

import secrets

import webauthn
from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
)
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from accounts import notifications
from accounts.mfa import ceremonies, json_bodies, recovery, totp
from accounts.mfa.forms import PasskeyNameForm, PasskeyRenameForm, TwoFactorSetupForm
from accounts.mfa.json_bodies import Refusal
from accounts.models import Passkey, TOTPDevice
from accounts.settings_area import sudo
from accounts.settings_area.sections import render_settings
from accounts.signin import flow
from core.htmx import Question, ask_first, focus_on, redirect_to, target_number
from core.submissions import submitted


@require_GET
def two_factor(request):
    device = TOTPDevice.objects.filter(user=request.user).first()
    context = {
        "device": device,
        "recovery_left": recovery.recovery_codes_left(request.user) if device else 0,
        "recovery_total": recovery.RECOVERY_CODE_COUNT,
    }
    return render_settings(request, "accounts/two_factor.html", context)


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Turning on: the QR code and the secret, then the app's first code. POST only
    starts it (behind sudo mode); a GET shows a setup that is under way."""
    if flow.has_second_factor(request.user):
        messages.info(request, _("Two-factor sign-in is already on."))
        return redirect_to(request, reverse("accounts:two_factor"))
    secret = request.session.get(totp.SETUP_SECRET)
    if request.method == "GET" and not secret:
        return redirect_to(request, reverse("accounts:two_factor"))
    if request.method == "POST" and (prompt := sudo.require(request)):
        return prompt
    if not secret:
        secret = request.session[totp.SETUP_SECRET] = totp.new_secret()
    data = request.POST if request.method == "POST" and "code" in request.POST else None
    form = TwoFactorSetupForm(request.user, secret, data)
    if form.is_bound and form.is_valid():
        if totp.turn_on(request.user, secret, form.cleaned_data["code"]) is None:
            messages.info(request, _("Two-factor sign-in is already on."))
            return redirect_to(request, reverse("accounts:two_factor"))
        del request.session[totp.SETUP_SECRET]
        notifications.notify(request, request.user, "two_factor_enabled")
        codes = recovery.new_recovery_codes(request.user)
        messages.success(request, _("Two-factor sign-in is on."))
        return render_recovery_codes(request, codes)
    uri = totp.provisioning_uri(request.user, secret)
    context = {
        "form": form,
        "qr_code": totp.qr_code_svg(uri),
        "secret": totp.grouped(secret),
    }
    return render_settings(
        request, "accounts/two_factor_setup.html", context, form="two-factor-setup-form"
    )


def render_recovery_codes(request, codes):
    context = {"codes": codes}
    return render_settings(request, "accounts/recovery_codes.html", context)


@require_POST
def recovery_codes(request):
    """New recovery codes (the old ones stop working), shown once."""
    if not flow.has_second_factor(request.user):
        return redirect_to(request, reverse("accounts:two_factor"))
    if prompt := sudo.require(request):
        return prompt
    codes = recovery.new_recovery_codes(request.user)
    notifications.notify(request, request.user, "recovery_codes_regenerated")
    messages.success(request, _("You have new recovery codes. The old ones no longer work."))
    return render_recovery_codes(request, codes)


@require_POST
def recovery_codes_download(request):
    """The recovery codes on the page, as a text file. The page sends them back (only
    their hashes are kept): only the member's own unused codes are written."""
    codes = recovery.unused_recovery_codes(request.user, request.POST.getlist("code")[:20])
    if not codes:
        return HttpResponseBadRequest(
            _("These are not your recovery codes, or they were replaced."),
            content_type="text/plain; charset=utf-8",
        )
    lines = [
        _("Recovery codes for %(name)s (%(site)s). Each works once.")
        % {"name": request.user.get_username(), "site": request.get_host()},
        "",
        *codes,
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="recovery-codes.txt"'
    return response


@require_http_methods(["GET", "POST"])
def two_factor_disable(request):
    """Turning off asks first (GET: the question), then needs sudo mode (POST)."""
    if not flow.has_second_factor(request.user):
        return redirect_to(request, reverse("accounts:two_factor"))
    if request.method == "GET":
        question = Question(
            element_id="two-factor-off",
            text=_(
                "Turn off two-factor sign-in? Your password alone will sign in to your account, "
                "and your recovery codes will stop working."
            ),
            action=reverse("accounts:two_factor_disable"),
            button=_("Turn off"),
            back_url=reverse("accounts:two_factor"),
        )
        template = "accounts/two_factor_disable.html"
        return ask_first(request, template, {}, question, render=render_settings)
    if prompt := sudo.require(request):
        return prompt
    totp.turn_off(request.user)
    notifications.notify(request, request.user, "two_factor_disabled")
    messages.success(request, _("Two-factor sign-in is off. Your recovery codes no longer work."))
    return redirect_to(request, reverse("accounts:two_factor"))


def own_passkey(request, pk):
    """The member's own passkey `pk`; anyone else's is not found."""
    return get_object_or_404(Passkey, pk=pk, user=request.user)


def render_passkeys(request, form, *, line=None):
    """The passkeys section: with htmx, its add form alone (#passkey-add), or one
    passkey's line (#passkey-<pk>: Cancel in its rename or remove puts it back)."""
    context = {
        "passkeys": request.user.passkeys.all(),
        "form": form,
        "passkey": line,
        "focus": request.GET.get("focus"),
    }
    if form.is_bound and form.is_valid():
        context["ready"] = form.cleaned_data["name"]
    fragments = {"passkey-add": "add"}
    if line is not None:
        fragments[f"passkey-{line.pk}"] = "item"
    template = "accounts/passkeys.html"
    return render_settings(request, template, context, form="add", fragments=fragments)


@require_GET
def passkeys(request):
    line = target_number(request, "passkey-")
    line = own_passkey(request, line) if line is not None else None
    return render_passkeys(request, PasskeyNameForm(), line=line)


@require_POST
def passkey_add(request):
    """The name of a new passkey. In sudo mode (else after the password prompt) the page
    comes back ready to make it: passkeys.js does the rest."""
    form = PasskeyNameForm(request.POST)
    if form.is_valid() and (prompt := sudo.require(request)):
        return prompt
    return render_passkeys(request, form)


@require_http_methods(["GET", "POST"])
def passkey_rename(request, pk):
    """A form for the name: a page without JavaScript, in place of the line with htmx."""
    passkey = own_passkey(request, pk)
    form = PasskeyRenameForm(submitted(request), initial={"name": passkey.name})
    if form.is_bound and form.is_valid():
        passkey.name = form.cleaned_data["name"]
        passkey.save(update_fields=["name"])
        messages.success(request, _("The passkey has been renamed."))
        return redirect_to(request, reverse("accounts:passkeys"))
    context = {"passkey": passkey, "form": form}
    fragments = {f"passkey-{passkey.pk}": "rename"}
    template = "accounts/passkey_rename.html"
    return render_settings(request, template, context, form="rename", fragments=fragments)


@require_http_methods(["GET", "POST"])
def passkey_remove(request, pk):
    """Asks first (GET: a page without JavaScript, in place of the line with htmx), then
    removes the passkey (POST, in sudo mode)."""
    passkey = own_passkey(request, pk)
    if request.method == "GET":
        passkeys_url = reverse("accounts:passkeys")
        question = Question(
            element_id=f"passkey-{passkey.pk}",
            text=_("Remove the passkey “%(name)s”? You will no longer be able to sign in with it.")
            % {"name": passkey.name},
            action=reverse("accounts:passkey_remove", args=[passkey.pk]),
            button=_("Remove"),
            back_url=passkeys_url,
            restore_url=focus_on(passkeys_url, "remove"),
            small=True,
        )
        template = "accounts/passkey_remove.html"
        return ask_first(request, template, {"passkey": passkey}, question, render=render_settings)
    if prompt := sudo.require(request):
        return prompt
    passkey.delete()
    notifications.notify(request, request.user, "passkey_removed", passkey_name=passkey.name)
    messages.success(request, _("The passkey “%(name)s” has been removed.") % {"name": passkey})
    return redirect_to(request, reverse("accounts:passkeys"))


@never_cache
@require_POST
@json_bodies.answers_json
def passkey_register_options(request):
    ceremonies.require_sudo(request)
    json_bodies.read_json(request, ceremonies.OPTIONS_BODY)
    user = request.user
    existing = list(user.passkeys.all())
    # One handle per member, so that their authenticators keep one account, not several.
    handle = existing[0].user_handle if existing else bytes_to_base64url(secrets.token_bytes(32))
    options = webauthn.generate_registration_options(
        rp_id=ceremonies.rp_id(request),
        rp_name=_("Board"),
        user_id=base64url_to_bytes(handle),
        user_name=user.get_username(),
        user_display_name=user.display_name,
        timeout=ceremonies.CHALLENGE_SECONDS * 1000,
        exclude_credentials=[ceremonies.descriptor(passkey) for passkey in existing],
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    return ceremonies.new_challenge(
        request, ceremonies.REGISTRATION, options, user=user.pk, user_handle=handle
    )


@require_POST
@json_bodies.answers_json
def passkey_register(request):
    ceremonies.require_sudo(request)
    state = ceremonies.take_challenge(request, ceremonies.REGISTRATION)
    if state.get("user") != request.user.pk:
        raise ceremonies.expired()
    data = json_bodies.read_json(request, ceremonies.REGISTRATION_BODY)
    form = PasskeyNameForm({"name": data["name"]})
    if not form.is_valid():
        raise Refusal(form.errors["name"][0])
    credential = data["credential"]
    try:
        verified = webauthn.verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(state["challenge"]),
            expected_rp_id=ceremonies.rp_id(request),
            expected_origin=ceremonies.origins(request),
        )
    except ceremonies.INVALID as error:
        raise ceremonies.not_verified() from error
    # The authenticator's signed data names the credential the browser named, which
    # keeps its id within a credential id's 1023 bytes (and the column).
    if verified.credential_id != base64url_to_bytes(credential["rawId"]):
        raise ceremonies.not_verified()
    transports = credential["response"]["transports"] or []
    passkey = ceremonies.save_passkey(
        request.user,
        verified,
        name=form.cleaned_data["name"],
        transports=[t for t in transports if t in ceremonies.TRANSPORTS],
        user_handle=state["user_handle"],
    )
    notifications.notify(request, request.user, "passkey_added", passkey_name=passkey.name)
    messages.success(request, _("The passkey “%(name)s” has been added.") % {"name": passkey})
    return JsonResponse({"redirect": reverse("accounts:passkeys")})
