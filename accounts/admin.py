from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import notifications
from accounts.mfa import totp
from accounts.models import Passkey, User


@admin.register(User)
class BoardUserAdmin(UserAdmin):
    list_display = (*UserAdmin.list_display, "email_verified", "has_two_factor")
    list_filter = (*UserAdmin.list_filter, "email_verified")
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Email verification"), {"fields": ("email_verified", "pending_email")}),
    )
    actions = ["turn_off_two_factor"]

    @admin.display(boolean=True, description=_("Two-factor"))
    def has_two_factor(self, user):
        return hasattr(user, "totp_device")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("totp_device")

    @admin.action(
        description=_("Turn off two-factor sign-in (for a member who lost their phone)"),
        permissions=["change"],
    )
    def turn_off_two_factor(self, request, queryset):
        users = list(queryset.filter(totp_device__isnull=False))
        for user in users:
            totp.turn_off(user)
            # The member hears of it: if it was not asked for, they should know at once.
            notifications.notify(request, user, "two_factor_disabled")
        message = ngettext(
            "Two-factor sign-in was turned off for %(count)s member.",
            "Two-factor sign-in was turned off for %(count)s members.",
            len(users),
        )
        self.message_user(request, message % {"count": len(users)}, messages.SUCCESS)


@admin.register(Passkey)
class PasskeyAdmin(admin.ModelAdmin):
    """Members' passkeys: staff can remove one a member lost with their device (members
    rename and remove their own in Settings). Made only through the browser."""

    list_display = ("name", "user", "created", "last_used")
    list_select_related = ("user",)
    search_fields = ("name", "user__username", "user__email")
    fields = ("user", "name", "created", "last_used", "sign_count", "transports")
    readonly_fields = ("user", "created", "last_used", "sign_count", "transports")

    def has_add_permission(self, request):
        return False
