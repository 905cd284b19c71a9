from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    name = "core"


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin, signing in through the site's own login (core.admin_site).
    Named in INSTALLED_APPS in place of django.contrib.admin."""

    default = False  # not the config of the "core" app
    default_site = "core.admin_site.AdminSite"
