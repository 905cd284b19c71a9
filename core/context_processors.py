from core import pagecache
from core.redirects import requested_next


def next_url(request):
    """The `next` being carried through login or signup, only when it is same-site."""
    return {"next_url": requested_next(request) or ""}


def page_cache(request):
    """Placeholders for the CSP nonce and the CSRF token while a page is rendered to be
    shared from the cache (core/pagecache.py); each response then gets its own."""
    return pagecache.placeholders(request)
