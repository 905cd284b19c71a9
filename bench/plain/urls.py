# The same paths as ours (core/urls.py, articles/urls.py, accounts/urls.py), so that one
# scenario's path asks both apps for the same page.
from django.contrib.auth import views as auth_views
from django.urls import path

from bench.plain import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("articles/", views.ArticleListView.as_view(), name="article_list"),
    path("articles/create/", views.ArticleCreateView.as_view(), name="article_create"),
    path("articles/<int:pk>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", views.signup, name="signup"),
]
