from core.redirects import is_safe_url


def next_url(request):
    """The `next` being carried through login or signup, only when it is same-site."""
    candidate = request.POST.get("next") or request.GET.get("next")
    return {"next_url": candidate if is_safe_url(request, candidate) else ""}
