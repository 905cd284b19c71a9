"""JSON endpoints that never answer with a server error: every field of a body is checked
against a declared shape before anything reads it (read_json), and a refusal becomes
`{"error": message}` with its status (answers_json)."""

import functools
import json

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils.translation import gettext as _


class Refusal(Exception):
    """A request a JSON endpoint refuses: `message` is shown to the member."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status


def answers_json(view):
    """A refusal becomes `{"error": message}` with its status, never a server error."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Refusal as refusal:
            return JsonResponse({"error": str(refusal.message)}, status=refusal.status)

    return wrapper


def not_understood():
    return Refusal(_("The request was not understood. Reload the page and try again."))


MAX_ITEMS = 16  # in a list: the transports


class Nullable:
    """A rule for a field that may be left out, or null."""

    def __init__(self, rule):
        self.rule = rule


def text(max_length=None, pattern=None):
    """A rule: a string of UTF-8 text (JSON's "\\ud800" is not), at most max_length
    characters, matching `pattern`."""

    def check(value):
        return (
            isinstance(value, str)
            and (max_length is None or len(value) <= max_length)
            and (pattern is None or pattern.fullmatch(value) is not None)
            and is_utf8(value)
        )

    return check


def is_utf8(value):
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def one_of(*choices):
    return lambda value: isinstance(value, str) and value in choices


def boolean(value):
    return isinstance(value, bool)


def checked(value, rule, path):
    """`value` as `rule` allows it, else a Refusal naming the field at `path`.

    A rule is a dict (a JSON object: each key with its rule; other keys are dropped),
    a list of one rule (a JSON array of at most MAX_ITEMS values that follow it), a
    Nullable(rule), or a function saying whether a value is right.
    """
    if isinstance(rule, Nullable):
        return None if value is None else checked(value, rule.rule, path)
    if isinstance(rule, dict):
        if not isinstance(value, dict):
            raise wrong_field(path)
        return {
            key: checked(value.get(key), inner, f"{path}.{key}" if path else key)
            for key, inner in rule.items()
        }
    if isinstance(rule, list):
        if not isinstance(value, list) or len(value) > MAX_ITEMS:
            raise wrong_field(path)
        return [checked(item, rule[0], f"{path}[{i}]") for i, item in enumerate(value)]
    if not rule(value):
        raise wrong_field(path)
    return value


def wrong_field(path):
    return Refusal(
        _(
            "The request was not understood: “%(field)s” is missing or not valid. Reload "
            "the page and try again."
        )
        % {"field": path}
    )


def read_json(request, shape):
    """The request's body, a JSON object checked against `shape` (see checked())."""
    if request.content_type != "application/json":
        raise not_understood()
    try:
        data = json.loads(request.body.decode())
    # Too big for Django (DATA_UPLOAD_MAX_MEMORY_SIZE), not UTF-8, not JSON, or nested
    # too deep for the parser.
    except (RequestDataTooBig, ValueError, RecursionError):
        raise not_understood() from None
    if not isinstance(data, dict):
        raise not_understood()
    return checked(data, shape, "")
