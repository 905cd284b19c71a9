"""The settings area's shell: the sections in its navigation, and the one way a section
answers (the whole page, its panel for the navigation, or its form)."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy

from core.htmx import (
    render_page,
    wants_fragment,
)

# The sections, in the navigation's order: the URL name of each section's page, its label,
# and the URL names of the pages within it (they show it as the current section).
SETTINGS_SECTIONS = (
    ("profile", gettext_lazy("Profile"), ()),
    ("email", gettext_lazy("Email"), ()),
    ("change_password", gettext_lazy("Password"), ()),
    ("passkeys", gettext_lazy("Passkeys"), ("passkey_add", "passkey_rename", "passkey_remove")),
    (
        "two_factor",
        gettext_lazy("Two-factor sign-in"),
        ("two_factor_setup", "two_factor_disable", "recovery_codes"),
    ),
    ("sessions", gettext_lazy("Sessions"), ("sign_out_other_sessions", "sign_out_session")),
    ("danger_zone", gettext_lazy("Danger zone"), ()),
)
# The element the settings navigation swaps: everything beside it.
SETTINGS_PANEL = "settings-panel"


def current_section(request):
    url_name = request.resolver_match.url_name
    for name, _label, pages in SETTINGS_SECTIONS:
        if url_name == name or url_name in pages:
            return name
    return None


def settings_nav(request):
    current = current_section(request)
    sections = [
        {"url": reverse(f"accounts:{name}"), "label": label, "current": name == current}
        for name, label, _pages in SETTINGS_SECTIONS
    ]
    return {"settings_sections": sections}


def render_settings(request, template_name, context, *, form=None, fragments=None, status=None):
    """A settings page, rendered like any page (core.htmx.render_page: `form` and
    `fragments` as there) within the settings' layout. For the settings navigation
    (htmx, #settings-panel), only its panel, with its title and, out of band, the
    navigation showing its section as current."""
    nav = settings_nav(request)
    context = {**context, **nav, "settings_panel": f"{template_name}#panel"}
    sent = context.get("form")
    if wants_fragment(request, target=SETTINGS_PANEL) and not (sent and sent.is_bound):
        panel = {SETTINGS_PANEL: "panel"}
        response = render_page(request, template_name, context, fragments=panel)
        nav_html = render_to_string("accounts/partials/settings_nav.html", {**nav, "oob": True})
        response.content += nav_html.encode()
        return response
    return render_page(
        request, template_name, context, form=form, fragments=fragments, status=status
    )
