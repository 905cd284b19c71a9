from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

from core.language import switch_language
from core.robots import robots_txt

urlpatterns = [
    path(
        "",
        login_not_required(RedirectView.as_view(pattern_name="articles:index")),
        name="home",
    ),
    path("accounts/", include("accounts.urls")),
    path("articles/", include("articles.urls")),
    path("language/<str:code>/", switch_language, name="switch_language"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("admin/", admin.site.urls),
]

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
