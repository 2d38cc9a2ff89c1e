from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from billodash.health import healthz
from customers import views as customer_views

urlpatterns = [
    path("", customer_views.home, name="home"),
    path("", include("customers.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("settings/connections/", include("connections.urls")),
    path("audit/", include("audit.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]

if settings.SANDBOX_ENABLED:
    urlpatterns.append(path("sandbox/api/v2/", include("sandbox.urls")))
