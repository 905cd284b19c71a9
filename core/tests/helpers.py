"""What the tests of every app share."""

import re
import sys
from html.parser import HTMLParser

from django.db import connection
from django.test import Client

# The header htmx sends with each of its requests.
HX = {"HX-Request": "true"}

_MENU_NAME = re.compile(r'<span class="user-menu-name">([^<]*)</span>')


def menu_name(html):
    """The name on the navbar's account menu, as written in the HTML (escaped); None
    when the page is not a signed-in member's."""
    found = _MENU_NAME.search(html)
    return found[1] if found else None


def logged_in_client(user, **client_kwargs):
    """A test client signed in as `user` (without going through the login form)."""
    client = Client(**client_kwargs)
    client.force_login(user)
    return client


class RivalCommitsFirst:
    """Lose a race on purpose: while active, `rival()` runs (and its rows are written)
    the moment `saving` (a function of the app) opens its transaction, after everything
    was checked and just before the app's own INSERT, as if a simultaneous request had
    won in between.

    The rival's rows are written before that savepoint, so rolling back the refused
    save does not remove them, as the winner's row stays when the loser's INSERT fails.
    Only a savepoint opened inside `saving` counts: validation opens some too.
    """

    def __init__(self, saving, rival):
        self.saving, self.rival, self.done = saving, rival, False

    def __call__(self, execute, sql, params, many, context):
        if not self.done and sql.startswith("SAVEPOINT") and self._inside_saving():
            self.done = True
            self.rival()
        return execute(sql, params, many, context)

    def _inside_saving(self):
        frame = sys._getframe()
        while frame is not None:
            if frame.f_code is self.saving.__code__:
                return True
            frame = frame.f_back
        return False

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc_info):
        self._wrapper.__exit__(*exc_info)


def texts_of(html, role):
    """The text of each element with this ARIA role (alert, status...), tags removed."""
    found = re.findall(rf'<(\w+)[^>]*\brole="{role}"[^>]*>(.*?)</\1>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", inner).split()) for _tag, inner in found]


def title_of(html):
    """The text of the document's <title>."""
    return " ".join(re.search(r"<title>(.*?)</title>", html, re.S)[1].split())


def heading_of(html):
    """The text of the page's h1."""
    return " ".join(
        re.sub(r"<[^>]+>", " ", re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)[1]).split()
    )


class _MessagesParser(HTMLParser):
    """Collects the text of each message in the messages area (#messages)."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # inside #messages, how deep
        self.messages = []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += 1
            if self.depth == 2:
                self.messages.append("")
        elif dict(attrs).get("id") == "messages":
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth >= 2:
            self.messages[-1] += data


def messages_of(html):
    """The messages shown in the messages area, in order."""
    parser = _MessagesParser()
    parser.feed(html)
    return [" ".join(message.split()) for message in parser.messages]


def keys_in_caches():
    """How many keys the app's caches hold together: the DBSIZE of each Redis database
    (once where several aliases share one), else the entries of the local-memory cache
    (which a live server shares: it runs in the test's process)."""
    from django.conf import settings
    from django.core.cache import caches
    from django.core.cache.backends.locmem import _caches

    counted, total = set(), 0
    for alias, config in settings.CACHES.items():
        where = (config["BACKEND"], config.get("LOCATION", ""))
        if where in counted:
            continue
        counted.add(where)
        if "redis" in config["BACKEND"].lower():
            total += caches[alias]._cache.get_client().dbsize()
        else:
            total += len(_caches.get(where[1], {}))
    return total
