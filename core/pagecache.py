"""Pages from the cache, until something on them changes.

Most visits read: the article list and articles, and the login and signup forms. Such
a page is the same for every anonymous visitor in a language, and for every member but
the authors of what it shows (their edit and delete buttons), but for a few values that
must be new in each response: the CSP nonce, the CSRF token of a form and, for members,
the username in the navbar. `@cached_page` keeps such a page (or its htmx fragment) in
the cache with placeholders for those, and serves it again without rendering it or
asking the database, each response with its own values.

- Only for a GET that answered 200 without the view reading the CSRF token itself, and
  for someone who has no message waiting.
- Anonymous visitors share one copy. Members share another, only where the view said
  before rendering whose page would differ (`for_members`): those authors get a page
  rendered for them, and the others the copy, rendered with a stand-in member.
- Only the canonical address of a page has a copy, so that nobody can fill the cache
  by making addresses up: the path the URL pattern gives for the view's arguments
  (`/articles/3/`, never `/articles/0003/`), no query string or, for a paged view,
  exactly `?page=N` where N is the page shown, as written on the page's own links
  (`page_shown`), and for htmx only the targets our templates send (KEPT_TARGETS). Any
  other request is rendered as usual, and neither kept nor, but for `?page=N` past the
  end, looked up. The key holds no value a client sent: the path, language, visitor or
  member, and full page or fragment each have a bounded set of values.
- Every copy is stamped with the content version. Saving or deleting an article or a
  user changes the version once the transaction commits, and copies with another
  stamp are never served: a page cached while a change was being saved is stamped with
  the old version, and dies with it.
- The copies, the version and the counts live in a cache of their own (CACHES["pages"],
  REDIS_PAGES_URL), which may be a Redis instance that evicts what was least used,
  apart from the sessions and rate limits that must never be evicted.
- Needs a cache that every server process shares (Redis): with the local-memory cache
  a change made through one process would not reach the copies of the others, so it is
  off there (ANONYMOUS_PAGE_CACHE). An unreachable cache costs a rendered page, never an
  error; copies expire after PAGE_CACHE_SECONDS anyway, so a version change lost in an
  outage cannot leave a stale page for long.
"""

import contextlib
import functools
import hashlib
import hmac
import logging
import re
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.connection import ConnectionProxy
from django.utils.html import conditional_escape

from core.cache import UNAVAILABLE
from core.htmx import MAIN, wants_fragment

logger = logging.getLogger(__name__)

# The copies, the content version and the counts (settings.CACHES["pages"]).
cache = ConnectionProxy(caches, "pages")

VERSION_KEY = "pages:version"
# The htmx targets that our templates send to cached views: the body's hx-target="#main".
# (Only an article's author asks for its list row or its buttons back, and authors get
# those rendered anyway.)
KEPT_TARGETS = frozenset({MAIN})
# The only query string, besides none, that a paged view's copy is kept under: one page
# number in ASCII digits without leading zeros (the view then says which page it shows).
PAGE_QUERY = re.compile(r"page=[1-9][0-9]*")


def placeholder(name):
    """A stand-in for a value that differs per response, put in after rendering."""
    return _placeholder_for(settings.SECRET_KEY, name)


@functools.cache
def _placeholder_for(secret_key, name):
    # The same in every process of a deployment (they share the copies), and not
    # guessable from outside, so that no article can contain one.
    digest = hmac.new(secret_key.encode(), name.encode(), hashlib.sha256)
    return f"{name}{digest.hexdigest()[:32]}"


class StandInMember:
    """Who a page shared by members is rendered for: signed in, named by a placeholder,
    the author of nothing (no user has no primary key)."""

    is_authenticated = True
    is_anonymous = False
    pk = id = None
    # Members asked to confirm their address are not served shared pages (_shareable).
    email = pending_email = ""
    email_verified = True
    has_unconfirmed_email = False

    def get_username(self):
        return placeholder("username")

    @property
    def display_name(self):
        return placeholder("display_name")

    @property
    def time_zone(self):
        return placeholder("time_zone")


def fill_member(content, user):
    """Put the member's own values in for the stand-in's (escaped, as a template would)."""
    for name, value in (
        ("username", user.get_username()),
        ("display_name", user.display_name),
        ("time_zone", user.time_zone),
    ):
        content = content.replace(placeholder(name), conditional_escape(value))
    return content


# What a view is rendering: a page for everyone without an account, a page that members
# may share (once the view has said whose page differs), or one that is theirs alone.
VISITORS, MEMBERS, MEMBERS_IF_SAID = "visitors", "members", "members if said"


def for_members(request, authors):
    """Say, before rendering, that the page differs only for the members `authors`
    (user ids). For any other member it is then rendered for all of them and kept."""
    if getattr(request, "_sharing", None) == MEMBERS_IF_SAID and request.user.pk not in authors:
        request._sharing = MEMBERS
        request._authors = frozenset(authors)


def placeholders(request):
    """What templates get instead of this response's CSP nonce and CSRF token, and of
    the member, while a page is rendered to be shared (core.context_processors)."""
    sharing = getattr(request, "_sharing", None)
    if sharing not in (VISITORS, MEMBERS):
        return {}
    stand_ins = {"csp_nonce": placeholder("nonce"), "csrf_token": placeholder("csrftoken")}
    if sharing == MEMBERS:
        stand_ins["user"] = StandInMember()
    return stand_ins


def _fill(request, content):
    """Put this response's nonce, the CSRF token if the page has a form, and the
    member's names in (the names last: they cannot bring a placeholder in with them)."""
    nonce = placeholder("nonce")
    if nonce in content:
        content = content.replace(nonce, str(get_nonce(request)))
    token = placeholder("csrftoken")
    if token in content:
        content = content.replace(token, get_token(request))  # sets the CSRF cookie too
    if request.user.is_authenticated:
        content = fill_member(content, request.user)
    return content


def enabled():
    return settings.ANONYMOUS_PAGE_CACHE


def content_changed():
    """Retire every cached page, once the current transaction (if any) commits."""
    if enabled():
        transaction.on_commit(_new_version)


def _new_version():
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except UNAVAILABLE as error:
        logger.warning("Cached pages could not be retired (%s); they expire on their own.", error)


def _first_version():
    """Start the versions (an empty or restarted cache); None if the cache is down."""
    version = uuid.uuid4().hex
    try:
        if cache.add(VERSION_KEY, version, timeout=None):
            return version
        return cache.get(VERSION_KEY)
    except UNAVAILABLE:
        return None


def stamped_get(key):
    """What is kept under `key` for the current content version (None if nothing is, or
    it was kept for another version), and the current version to stamp a new value
    with (None while the cache is down: then keep nothing)."""
    if not enabled():
        return None, None
    try:
        found = cache.get_many([VERSION_KEY, key])
    except UNAVAILABLE:
        return None, None
    version = found.get(VERSION_KEY) or _first_version()
    stored = found.get(key)
    if version and stored and stored[0] == version:
        return stored[1], version
    return None, version


def stamped_set(key, version, value):
    """Keep `value` for `version`, read before the data behind `value` was: if a change
    committed meanwhile, the value is stamped with the old version and never served."""
    if version:
        with contextlib.suppress(UNAVAILABLE):
            cache.set(key, (version, value), timeout=settings.PAGE_CACHE_SECONDS)


def cached_count(name, count):
    """`count()`, kept in the cache for the current content version (like the pages),
    so that a member's list does not count every article at every visit."""
    number, version = stamped_get(f"counts:{name}")
    if number is None:
        number = count()
        stamped_set(f"counts:{name}", version, number)
    return number


def page_shown(request, number):
    """Say which page of a list a paged view (`cached_page(paged=True)`) is rendering: the
    copy is kept under `?page=N` only when N is that page, so that `?page=99` past the
    end (the last page) or `?page=x` (the first) is rendered and not kept."""
    request._page_shown = number


def _canonical_address(request, paged):
    """Whether the request names its page the one way a copy is kept under: the path
    that the URL pattern gives for the view's arguments, and no query string, or for a
    paged view `page=N` (checked against the page shown once it is rendered)."""
    match = request.resolver_match
    if request.path != reverse(match.view_name, args=match.args, kwargs=match.kwargs):
        return False  # e.g. /articles/0003/ for /articles/3/
    query = request.META.get("QUERY_STRING", "")
    return not query or (paged and PAGE_QUERY.fullmatch(query) is not None)


def _shows_page_asked_for(request):
    query = request.META.get("QUERY_STRING", "")
    return not query or query == f"page={getattr(request, '_page_shown', None)}"


def _key(request, paged):
    """The key of this request's copy; None when it may have none (not its canonical
    address, or a fragment for a target our templates do not send)."""
    if not _canonical_address(request, paged):
        return None
    if wants_fragment(request):
        if request.htmx.target not in KEPT_TARGETS:
            return None
        mode = f"fragment:{request.htmx.target}"
    else:
        mode = "page"
    audience = "member" if request.user.is_authenticated else "visitor"
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"pages:{request.LANGUAGE_CODE}:{audience}:{mode}:{path}"


def _shareable(request):
    """Whether this request may be answered with, or fill, a shared copy."""
    user = request.user
    if user.is_authenticated and user.has_unconfirmed_email:
        return False  # their pages carry the banner asking to confirm the address
    return not len(messages.get_messages(request))  # len() leaves them waiting


def _respond(request, stored):
    response = HttpResponse(_fill(request, stored["content"]))
    for name, value in stored["headers"]:
        response[name] = value
    return response


def cached_page(view=None, *, paged=False):
    """Serve the view's page from the cache where it is shared (see the module's doc).
    `paged=True`: its copies are kept per `?page=N` too (the view calls page_shown)."""
    if view is None:
        return functools.partial(cached_page, paged=paged)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not enabled() or request.method != "GET":
            return view(request, *args, **kwargs)
        key = _key(request, paged)
        if key is None or not _shareable(request):
            return view(request, *args, **kwargs)
        stored, version = stamped_get(key)
        if stored is not None and request.user.pk not in stored["authors"]:
            return _respond(request, stored)
        if not version:  # the cache is down
            return view(request, *args, **kwargs)
        request._sharing = MEMBERS_IF_SAID if request.user.is_authenticated else VISITORS
        try:
            response = view(request, *args, **kwargs)
        finally:
            sharing, request._sharing = request._sharing, None
        if sharing == MEMBERS_IF_SAID:
            return response  # rendered for this member alone
        if (
            response.status_code != 200
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            or not _shows_page_asked_for(request)
        ):
            # Not a page to share: an error, the view used this visitor's token itself,
            # or a page number that is not the page shown (past the end).
            response.content = _fill(request, response.content.decode(response.charset))
            return response
        stored = {
            "content": response.content.decode(response.charset),
            "headers": list(response.items()),
            "authors": getattr(request, "_authors", frozenset()),
        }
        stamped_set(key, version, stored)
        return _respond(request, stored)

    return wrapper
