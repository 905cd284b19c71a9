from django.urls import path

from accounts import passkeys, two_factor_views, verification, views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.login, name="login"),
    path("login/two-factor/", two_factor_views.login_two_factor, name="login_two_factor"),
    path("logout/", views.logout, name="logout"),
    path("two-factor/", two_factor_views.two_factor, name="two_factor"),
    path("two-factor/setup/", two_factor_views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/disable/", two_factor_views.two_factor_disable, name="two_factor_disable"),
    path("two-factor/recovery-codes/", two_factor_views.recovery_codes, name="recovery_codes"),
    path(
        "two-factor/recovery-codes/download/",
        two_factor_views.recovery_codes_download,
        name="recovery_codes_download",
    ),
    path("settings/", views.settings_home, name="settings"),
    path("update/", views.update, name="update"),
    path("email/", views.email, name="email"),
    path("email/check-inbox/", verification.check_inbox, name="check_inbox"),
    path("email/resend/", verification.resend_verification, name="resend_verification"),
    path("email/cancel/", verification.cancel_email_change, name="cancel_email_change"),
    path("email/confirm/<str:token>/", verification.confirm_email, name="confirm_email"),
    path("password/", views.change_password, name="change_password"),
    path("delete/", views.delete, name="delete"),
    path("passkeys/", passkeys.passkeys, name="passkeys"),
    path("passkeys/add/", passkeys.passkey_add, name="passkey_add"),
    path("passkeys/<int:pk>/rename/", passkeys.passkey_rename, name="passkey_rename"),
    path("passkeys/<int:pk>/remove/", passkeys.passkey_remove, name="passkey_remove"),
    path(
        "passkeys/register/options/",
        passkeys.passkey_register_options,
        name="passkey_register_options",
    ),
    path("passkeys/register/", passkeys.passkey_register, name="passkey_register"),
    path("passkeys/login/options/", passkeys.passkey_login_options, name="passkey_login_options"),
    path("passkeys/login/", passkeys.passkey_login, name="passkey_login"),
    path(
        "passkeys/second-step/options/",
        passkeys.passkey_second_step_options,
        name="passkey_second_step_options",
    ),
    path("passkeys/second-step/", passkeys.passkey_second_step, name="passkey_second_step"),
    path("sessions/", views.sessions, name="sessions"),
    path(
        "sessions/sign-out-others/",
        views.sign_out_other_sessions,
        name="sign_out_other_sessions",
    ),
    path("sessions/<str:public_id>/sign-out/", views.sign_out_session, name="sign_out_session"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
]
