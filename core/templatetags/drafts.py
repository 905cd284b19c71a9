from django import template
from django.utils.html import format_html

from core import drafts

register = template.Library()


@register.simple_tag(takes_context=True)
def draft_owner_field(context):
    """A hidden field that lets a draft posted after the session ended find its author."""
    user = context["request"].user
    if not user.is_authenticated:
        return ""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', drafts.OWNER_FIELD, drafts.owner_token(user)
    )
