"""Recovery codes: random, shown once, stored only as hashes; using one is one conditional
UPDATE, so two requests with the same code cannot both succeed."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from accounts.mfa import totp
from accounts.models import RecoveryCode

RECOVERY_CODE_COUNT = 10


# Lower case letters and digits that cannot be taken for one another (no 0/o, 1/l/i).
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


RECOVERY_GROUP = 5  # "abcde-fghjk"


def hash_recovery_code(user, code):
    return hashlib.sha256(
        f"board-recovery-code:{user.pk}:{totp.normalize(code)}".encode()
    ).hexdigest()


def new_recovery_codes(user):
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones, returned in
    clear text this once (only their hashes are kept)."""
    codes = []
    while len(codes) < RECOVERY_CODE_COUNT:
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(2 * RECOVERY_GROUP))
        code = f"{raw[:RECOVERY_GROUP]}-{raw[RECOVERY_GROUP:]}"
        if code not in codes:
            codes.append(code)
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(user=user, code_hash=hash_recovery_code(user, code)) for code in codes
        )
    return codes


def use_recovery_code(user, code):
    """Whether `code` is one of the user's unused recovery codes (it is now used)."""
    used = RecoveryCode.objects.filter(
        user=user, code_hash=hash_recovery_code(user, code), used_at=None
    ).update(used_at=timezone.now())
    return used == 1


def unused_recovery_codes(user, codes):
    """Those of `codes` that are the user's unused recovery codes, in their order."""
    hashes = {hash_recovery_code(user, code): code for code in codes}
    found = set(
        RecoveryCode.objects.filter(user=user, code_hash__in=hashes, used_at=None).values_list(
            "code_hash", flat=True
        )
    )
    return [code for digest, code in hashes.items() if digest in found]


def recovery_codes_left(user):
    return RecoveryCode.objects.filter(user=user, used_at=None).count()
