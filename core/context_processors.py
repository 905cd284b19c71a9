from core.redirects import requested_next


def next_url(request):
    """The `next` being carried through login or signup, only when it is same-site."""
    return {"next_url": requested_next(request) or ""}
