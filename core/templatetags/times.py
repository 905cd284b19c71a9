"""Times as the reader reads them: {% local_time value %}.

A `<time>` element carries the moment in UTC (its `datetime`); static/js/app.js shows it
in the reader's time zone (the one chosen in their profile, else the browser's), as
"3 hours ago" while it is recent or as a date and time, with the full date and time as
its tooltip. Without JavaScript the text is the date and time in UTC, and says so. The
HTML is the same for every reader, so pages can be shared from the cache.
"""

from datetime import UTC

from django import template
from django.utils import formats
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def local_time(value, style="relative"):
    """`style`: "relative" ("3 hours ago" for the last week) or "datetime"."""
    if value is None:
        return "\u2014"  # an em dash: never happened
    utc = value.astimezone(UTC)
    text = f"{formats.date_format(utc, 'DATETIME_FORMAT')} UTC"
    return format_html(
        '<time datetime="{}" data-time="{}">{}</time>',
        utc.isoformat(timespec="seconds"),
        style,
        text,
    )
