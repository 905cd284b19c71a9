from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("settings/", views.settings_home, name="settings"),
    path("update/", views.update, name="update"),
    path("email/", views.email, name="email"),
    path("password/", views.change_password, name="change_password"),
    path("delete/", views.delete, name="delete"),
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
