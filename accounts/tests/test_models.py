"""How the accounts' models name themselves (in the admin and its history): a factor is
named for what it is, never by its secret."""

import pyotp
import pytest
from django.utils import timezone

from accounts.mfa import recovery
from accounts.models import RecoveryCode, TOTPDevice, time_zone_choices
from accounts.tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_an_authenticator_app_is_named_without_its_secret():
    device = TOTPDevice.objects.create(user=make_user(), secret=pyotp.random_base32())
    assert str(device) == "Authenticator app"


def test_a_recovery_code_is_named_by_whether_it_was_used_never_by_the_code():
    user = make_user()
    codes = recovery.new_recovery_codes(user)
    row = RecoveryCode.objects.filter(user=user).first()
    assert str(row) == "Recovery code"
    row.used_at = timezone.now()
    assert str(row) == "Recovery code (used)"
    assert not any(code in str(row) or row.code_hash in str(row) for code in codes)


def test_time_zones_are_offered_by_their_names_with_spaces():
    choices = dict(time_zone_choices())
    assert choices["America/New_York"] == "America/New York"
    assert choices["Asia/Seoul"] == "Asia/Seoul"
    assert list(choices) == sorted(choices)
