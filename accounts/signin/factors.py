"""The factors a sign-in is made of (accounts.signin.flow decides which are enough), and
the names a session's sign-in is recorded under.

- PASSWORD: something the member knows.
- CODE: an authenticator app's code; RECOVERY_CODE stands in for the app: something the
  member has.
- PASSKEY: a passkey that verified its user (a PIN, a fingerprint, a face): something the
  member has and knows or is, so both factors at once.
- SECURITY_KEY: a passkey that did not verify its user (a security key without a PIN):
  something the member has, one factor only.
"""

from django.utils.translation import gettext_lazy

PASSWORD = "password"
CODE = "code"
RECOVERY_CODE = "recovery-code"
PASSKEY = "passkey"
SECURITY_KEY = "security-key"


class Method:
    """How a session signed in (UserSession.sign_in_method, shown on the sessions page):
    accounts.signin.flow.METHODS names the factors used, in order."""

    PASSWORD = "password"
    PASSWORD_AND_CODE = "password+code"  # an authenticator app's code
    PASSWORD_AND_RECOVERY_CODE = "password+recovery"
    PASSWORD_AND_PASSKEY = "password+passkey"
    PASSKEY = "passkey"  # one that verified its user: both factors
    SECURITY_KEY = "security-key"  # a passkey that did not verify its user, alone
    PASSKEY_AND_CODE = "security-key+code"
    PASSKEY_AND_PASSWORD = "security-key+password"


SIGN_IN_METHODS = {
    Method.PASSWORD: gettext_lazy("Password"),
    Method.PASSWORD_AND_CODE: gettext_lazy("Password and authenticator code"),
    Method.PASSWORD_AND_RECOVERY_CODE: gettext_lazy("Password and recovery code"),
    Method.PASSWORD_AND_PASSKEY: gettext_lazy("Password and passkey"),
    Method.PASSKEY: gettext_lazy("Passkey"),
    Method.SECURITY_KEY: gettext_lazy("Passkey without PIN or fingerprint"),
    Method.PASSKEY_AND_CODE: gettext_lazy("Passkey and authenticator code"),
    Method.PASSKEY_AND_PASSWORD: gettext_lazy("Passkey and password"),
}
