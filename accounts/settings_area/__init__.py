"""The Settings area: its shell of sections (sections.py), sudo mode (sudo.py), and the
sections of its own: Profile, Password and Danger zone (views.py). The other sections
live with their concern (email, mfa, sessions)."""
