"""The second factors and their Settings sections: an authenticator app (totp.py),
recovery codes (recovery.py) and passkeys (ceremonies.py, the WebAuthn checks; their JSON
bodies in json_bodies.py). Signing in with them is accounts.signin's."""
