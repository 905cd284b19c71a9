"""{% kept name value... %}…{% endkept %}: a part of a page rendered once per process for
the values it shows.

A list page renders twenty rows, and each row costs a URL, a translated "by …", a date
in the language's format and a dozen escaped values: half of the page's time, for the
same HTML as at the last visit. The tag keeps what its body rendered under the values
it names (an article's id, title, dates and author's name, say) and the language, so a
changed article has a new key and its old row is simply never asked for again: nothing
to retire, nothing shared between processes, right on every server at once. The body
must depend on nothing else (no per-visitor value, no token, no nonce).

- Per-visitor parts stay outside the tag: an author's buttons on their own row are
  rendered after the kept part, for them alone.
- At most KEPT_ENTRIES bodies are kept per process; the least recently used go first,
  so made-up values can only push rows out, never grow the memory.
- In development (DEBUG) the body is rendered every time, so that a changed template
  shows; in production a template changes only with a deploy, which restarts the
  processes.
"""

import threading
from collections import OrderedDict

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.safestring import mark_safe

register = template.Library()

KEPT_ENTRIES = 4096


class KeptBodies:
    """A bounded map from key to rendered HTML, least recently used out first."""

    def __init__(self, size):
        self.size = size
        self._bodies = OrderedDict()
        self._lock = threading.Lock()  # the development server runs a thread per request

    def get(self, key):
        with self._lock:
            body = self._bodies.get(key)
            if body is not None:
                self._bodies.move_to_end(key)
            return body

    def put(self, key, body):
        with self._lock:
            self._bodies[key] = body
            self._bodies.move_to_end(key)
            while len(self._bodies) > self.size:
                self._bodies.popitem(last=False)

    def clear(self):
        with self._lock:
            self._bodies.clear()

    def __len__(self):
        return len(self._bodies)


kept_bodies = KeptBodies(KEPT_ENTRIES)


class KeptNode(template.Node):
    def __init__(self, nodelist, name, values):
        self.nodelist = nodelist
        self.name = name
        self.values = values

    def render(self, context):
        if settings.DEBUG:
            return self.nodelist.render(context)
        key = (
            self.name,
            translation.get_language(),
            context.autoescape,
            *(value.resolve(context) for value in self.values),
        )
        body = kept_bodies.get(key)
        if body is None:
            body = self.nodelist.render(context)
            kept_bodies.put(key, body)
        return mark_safe(body)  # noqa: S308 (what the template rendered, escaped there)


@register.tag
def kept(parser, token):
    """{% kept "name" value1 value2 ... %}...{% endkept %}"""
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(
            f"'{bits[0]}' takes a name and the values that its body shows"
        )
    name = bits[1]
    if not (name[0] == name[-1] and name[0] in "\"'"):
        raise template.TemplateSyntaxError(f"'{bits[0]}' needs a quoted name first")
    values = [parser.compile_filter(bit) for bit in bits[2:]]
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, name[1:-1], values)
