"""Resetting a forgotten password by mail: the form (confirmed addresses only, mails
spaced out per address) and Django's views, answering htmx like ours."""

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.template.loader import render_to_string
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from accounts import guesses, notifications
from accounts.models import UserSession
from accounts.sessions import devices
from accounts.signin import views
from core import ratelimit
from core.htmx import (
    HtmxFormViewMixin,
)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Reset links go to confirmed addresses only (accounts.email.verification); any other
    address gets the same answer as an unknown one.

    An address gets at most one reset mail in each PASSWORD_RESET_MAIL_INTERVAL window,
    however many ask for it: a request in between sends nothing and gets the same answer.
    So asking on someone's behalf never blocks them: whatever stopped their mail was a
    mail to their inbox, sent minutes ago, whose link still works.
    """

    def get_users(self, email):
        return (
            user
            for user in super().get_users(email)
            if user.email_verified and reset_mail_due(user.email)
        )

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):  # fmt: skip
        # After the answer, in the background like the notices: the time the answer
        # takes must not tell whether the address has an account.
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        notifications.send_later(subject, body, to_email, "password_reset_link")


def reset_mail_due(address):
    """Whether `address` may get a reset mail now (and it counts as sent): only addresses
    of accounts take a key in the cache, hashed (core.ratelimit)."""
    return ratelimit.first_in_window(
        "password-reset-mail", address, settings.PASSWORD_RESET_MAIL_INTERVAL
    )


class PasswordResetView(HtmxFormViewMixin, auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_partial = "reset-request-form"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    form_class = PasswordResetForm  # confirmed addresses only

    def form_valid(self, form):
        # Per client only: a visible limit per address would let strangers block its
        # owner. Mails to one address are spaced out silently (PasswordResetForm).
        if ratelimit.hit("password-reset-ip", devices.client_ip(self.request)):
            message = _("Too many reset requests. Please try again in an hour.")
            return views.refuse_too_many(
                self.request, self.template_name, self.form_partial, form, message
            )
        return super().form_valid(form)


class PasswordResetDoneView(HtmxFormViewMixin, auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs):
        minutes = settings.PASSWORD_RESET_MAIL_INTERVAL // 60
        return {**super().get_context_data(**kwargs), "interval_minutes": minutes}


class PasswordResetConfirmView(HtmxFormViewMixin, auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_partial = "new-password-form"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        UserSession.end_all_for(form.user)  # a reset signs the account out everywhere
        guesses.forget(form.user)  # whoever was guessing the old password starts again
        notifications.notify(self.request, form.user, "password_reset")
        return response


class PasswordResetCompleteView(HtmxFormViewMixin, auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
