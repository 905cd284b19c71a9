"""The settings area's shell: the sections in its navigation, and the one way a section
answers (the whole page, its panel for the navigation, or its form)."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy

from core.htmx import (
    render_form_page,
    render_page,
    wants_fragment,
)

SETTINGS_SECTIONS = (
    ("profile", gettext_lazy("Profile")),
    ("email", gettext_lazy("Email")),
    ("change_password", gettext_lazy("Password")),
    ("passkeys", gettext_lazy("Passkeys")),
    ("two_factor", gettext_lazy("Two-factor sign-in")),
    ("sessions", gettext_lazy("Sessions")),
    ("danger_zone", gettext_lazy("Danger zone")),
)


SETTINGS_PANEL = "settings-panel"


def settings_nav(request, *, section=None):
    current = section or request.resolver_match.url_name
    sections = [
        {"url": reverse(f"accounts:{name}"), "label": label, "current": name == current}
        for name, label in SETTINGS_SECTIONS
    ]
    return {"settings_sections": sections}


def render_settings(request, template_name, context, *, form_partial, section=None, status=None):
    """A settings section (or a page within `section`): the whole page, its main
    content, or for the settings navigation (htmx) only its panel, with its title and,
    out of band, the navigation showing the new section as current. A refused form
    answers with the form."""
    nav = settings_nav(request, section=section)
    context = {**context, **nav, "settings_panel": f"{template_name}#panel"}
    form = context.get("form")
    if wants_fragment(request, target=SETTINGS_PANEL) and not (form and form.is_bound):
        response = render_page(request, template_name, context, fragment="panel", titled=True)
        nav_html = render_to_string("accounts/partials/settings_nav.html", {**nav, "oob": True})
        response.content += nav_html.encode()
        return response
    if form is None:
        return render_page(request, template_name, context)
    return render_form_page(
        request, template_name, context, form_partial=form_partial, status=status
    )
