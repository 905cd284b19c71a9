"""Signing up, in and out: the sign-in policy (flow.py) and every way in that asks it:
the password (views.py), a passkey (passkey_login.py), the second step (second_step.py)
and a reset link (password_reset.py)."""
