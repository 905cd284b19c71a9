import html

from django import template
from django.template import TemplateDoesNotExist
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

register = template.Library()

# The longest description search engines and link previews show in full.
DESCRIPTION_LENGTH = 160


def _partial(context, name):
    """The partial `name` of the page being rendered (the template that extends
    base.html), or None if it has none."""
    page = context.template
    try:
        return page.engine.get_template(f"{page.name}#{name}").render(context)
    except TemplateDoesNotExist:
        return None


@register.simple_tag(takes_context=True)
def page_title(context):
    """The `title` partial of the page being rendered, so that each page defines its
    title once and base.html puts it in <title> and in the link preview."""
    return _partial(context, "title")


@register.simple_tag(takes_context=True)
def page_description(context):
    """The page's `description` partial (for search results and link previews), as
    plain text of at most DESCRIPTION_LENGTH characters; the site's own without one."""
    text = _partial(context, "description")
    if not text or not text.strip():
        return _("Articles by our members, in English and Korean.")
    # The partial's output is escaped HTML; the tag's is text (escaped where it is used).
    plain = " ".join(html.unescape(strip_tags(text)).split())
    return Truncator(plain).chars(DESCRIPTION_LENGTH)
