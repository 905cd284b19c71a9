from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_title(context):
    """The `title` partial of the page being rendered (the template that extends base.html),
    so that each page defines its title once and base.html puts it in <title>."""
    page = context.template
    return page.engine.get_template(f"{page.name}#title").render(context)
