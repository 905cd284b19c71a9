def login_next(url_name):
    """Mark a POST-only view with the page (same URL kwargs) to show after a login it needed.

    A POST cannot be replayed after logging in, and sending the user to a POST-only URL
    would end in a 405, so core.middleware.LoginRequiredMiddleware uses this page instead.
    """

    def decorator(view_func):
        view_func.login_next = url_name
        return view_func

    return decorator
