"""Signing in with a passkey: as the first step (no username typed), or as the second
step after the password or a passkey that did not verify its user. The checks are in
accounts.mfa.ceremonies; who is signed in, in accounts.signin.flow."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from webauthn.helpers.structs import (
    UserVerificationRequirement,
)

from accounts.mfa import ceremonies, json_bodies
from accounts.mfa.json_bodies import Refusal
from accounts.signin import flow
from accounts.signin.factors import PASSKEY, SECURITY_KEY


@login_not_required
@never_cache
@require_POST
@json_bodies.answers_json
def passkey_login_options(request):
    json_bodies.read_json(request, ceremonies.OPTIONS_BODY)
    # No allowed credentials: the browser offers the passkeys it holds for this site.
    return ceremonies.authentication_options(request, ceremonies.LOGIN)


@login_not_required
@require_POST
@json_bodies.answers_json
def passkey_login(request):
    state = ceremonies.take_challenge(request, ceremonies.LOGIN)
    credential, data = ceremonies.read_assertion(request)
    passkey = ceremonies.find_passkey(credential)
    user_verified = ceremonies.check_assertion(request, passkey, credential, state)
    # A passkey that verified its user is both factors; without, one, like a password.
    factor = PASSKEY if user_verified else SECURITY_KEY
    try:
        url = flow.begin(request, passkey.user, factor, remember=data.get("remember") is True)
    except flow.Refused as refused:
        raise Refusal(str(refused), status=403) from None
    return JsonResponse({"redirect": url})


def pending_user(request):
    user = flow.pending_user(request)
    if user is None:
        raise Refusal(_("The sign-in was not finished in time. Please log in again."), status=403)
    return user


def needs_user_verification(request):
    """After a passkey without user verification, only one with it may follow."""
    return SECURITY_KEY not in flow.second_factors(request)


@login_not_required
@never_cache
@require_POST
@json_bodies.answers_json
def passkey_second_step_options(request):
    json_bodies.read_json(request, ceremonies.OPTIONS_BODY)
    user = pending_user(request)
    passkeys = list(user.passkeys.all())
    if not passkeys:
        raise Refusal(_("This account has no passkey. Enter a code instead."))
    verification = (
        UserVerificationRequirement.REQUIRED
        if needs_user_verification(request)
        else UserVerificationRequirement.PREFERRED
    )
    return ceremonies.authentication_options(
        request, ceremonies.SECOND_STEP, passkeys, verification, user=user.pk
    )


@login_not_required
@require_POST
@json_bodies.answers_json
def passkey_second_step(request):
    user = pending_user(request)
    state = ceremonies.take_challenge(request, ceremonies.SECOND_STEP)
    credential, _data = ceremonies.read_assertion(request)
    if state.get("user") != user.pk:
        raise ceremonies.expired()
    passkey = ceremonies.find_passkey(credential)
    if passkey.user_id != user.pk:
        raise Refusal(_("This passkey belongs to another account."), status=403)
    factor = (
        PASSKEY if ceremonies.check_assertion(request, passkey, credential, state) else SECURITY_KEY
    )
    if factor not in flow.second_factors(request):
        raise Refusal(
            _(
                "This passkey did not ask for its PIN or your fingerprint, so it cannot be "
                "both steps. Enter a code from your authenticator app or your password, or "
                "use the passkey with its PIN."
            ),
            status=403,
        )
    return JsonResponse({"redirect": flow.finish(request, user, factor)})
