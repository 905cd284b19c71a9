"""Email addresses: confirming one by a mailed link, changing it, and the hold on signing
in until an address is confirmed (verification.py), with the Email section and the
check-your-inbox page (views.py)."""
