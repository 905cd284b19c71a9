"""Every URL of the accounts app, grouped by the sub-package that answers it."""

from django.urls import path

from accounts.email import views as email
from accounts.mfa import views as mfa
from accounts.sessions import views as sessions
from accounts.settings_area import views as settings_area
from accounts.signin import passkey_login, password_reset, second_step
from accounts.signin import views as signin

app_name = "accounts"

urlpatterns = [
    # Signing up, in and out (accounts/signin/).
    path("signup/", signin.signup, name="signup"),
    path("login/", signin.login, name="login"),
    path("login/two-factor/", second_step.login_two_factor, name="login_two_factor"),
    path(
        "passkeys/login/options/",
        passkey_login.passkey_login_options,
        name="passkey_login_options",
    ),
    path("passkeys/login/", passkey_login.passkey_login, name="passkey_login"),
    path(
        "passkeys/second-step/options/",
        passkey_login.passkey_second_step_options,
        name="passkey_second_step_options",
    ),
    path("passkeys/second-step/", passkey_login.passkey_second_step, name="passkey_second_step"),
    path("logout/", signin.logout, name="logout"),
    path("password/reset/", password_reset.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        password_reset.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/complete/",
        password_reset.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        password_reset.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    # The settings area's own sections (accounts/settings_area/).
    path("settings/", settings_area.settings_home, name="settings"),
    path("update/", settings_area.profile, name="profile"),
    path("password/", settings_area.change_password, name="change_password"),
    path("delete/", settings_area.danger_zone, name="danger_zone"),
    # Email addresses (accounts/email/).
    path("email/", email.email, name="email"),
    path("email/check-inbox/", email.check_inbox, name="check_inbox"),
    path("email/resend/", email.resend_verification, name="resend_verification"),
    path("email/cancel/", email.cancel_email_change, name="cancel_email_change"),
    path("email/confirm/<str:token>/", email.confirm_email, name="confirm_email"),
    # Second factors: the authenticator app, recovery codes, passkeys (accounts/mfa/).
    path("two-factor/", mfa.two_factor, name="two_factor"),
    path("two-factor/setup/", mfa.two_factor_setup, name="two_factor_setup"),
    path("two-factor/disable/", mfa.two_factor_disable, name="two_factor_disable"),
    path("two-factor/recovery-codes/", mfa.recovery_codes, name="recovery_codes"),
    path(
        "two-factor/recovery-codes/download/",
        mfa.recovery_codes_download,
        name="recovery_codes_download",
    ),
    path("passkeys/", mfa.passkeys, name="passkeys"),
    path("passkeys/add/", mfa.passkey_add, name="passkey_add"),
    path("passkeys/<int:pk>/rename/", mfa.passkey_rename, name="passkey_rename"),
    path("passkeys/<int:pk>/remove/", mfa.passkey_remove, name="passkey_remove"),
    path(
        "passkeys/register/options/",
        mfa.passkey_register_options,
        name="passkey_register_options",
    ),
    path("passkeys/register/", mfa.passkey_register, name="passkey_register"),
    # Where you are signed in (accounts/sessions/).
    path("sessions/", sessions.sessions, name="sessions"),
    path(
        "sessions/sign-out-others/",
        sessions.sign_out_other_sessions,
        name="sign_out_other_sessions",
    ),
    path("sessions/<str:public_id>/sign-out/", sessions.sign_out_session, name="sign_out_session"),
]
