"""The factors a sign-in is made of (accounts.login_flow decides which are enough).

- PASSWORD: something the member knows.
- CODE: an authenticator app's code; RECOVERY_CODE stands in for the app: something the
  member has.
- PASSKEY: a passkey that verified its user (a PIN, a fingerprint, a face): something the
  member has and knows or is, so both factors at once.
- SECURITY_KEY: a passkey that did not verify its user (a security key without a PIN):
  something the member has, one factor only.
"""

PASSWORD = "password"
CODE = "code"
RECOVERY_CODE = "recovery-code"
PASSKEY = "passkey"
SECURITY_KEY = "security-key"
