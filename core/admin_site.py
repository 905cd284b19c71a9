"""The admin site, with no way in of its own.

Django's admin has its own login page, which calls Django's login() with the password
alone: no second factor, no email verification hold, no per-account counts. Here it sends
staff to the site's login (accounts.signin.flow, the one sign-in policy), keeping `next`;
a member who is signed in but not staff is refused. Its password change, which checks
the old password without counting the guesses, is the site's own too (Settings,
Password).
"""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache


class AdminSite(admin.AdminSite):
    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            raise PermissionDenied  # signed in, but not staff
        index = reverse("admin:index", current_app=self.name)
        return redirect_to_login(request.GET.get(REDIRECT_FIELD_NAME) or index)

    def password_change(self, request, extra_context=None):
        return redirect("accounts:change_password")
