"""Where a member is signed in: the session engine (store.py), what a session records
about itself (activity.py, devices.py), the middleware that keeps it (middleware.py)
and the Sessions section (views.py)."""
