"""Root URL configuration. The platform's only upward imports are here (see pyproject.toml)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/register/", views.register, name="register"),
    path("accounts/two-factor/", include("portal.security.urls")),
    path("admin/", admin.site.urls),
    path("calendar/", include("portal.workcal.urls")),
    path("notifications/", include("portal.notifications.urls")),
    path("deadlines/", include("portal.clocks.urls")),
    path("guide/", include("approvals.urls")),
    path("apply/", include("approvals.urls_apply")),
    path("work/", include("approvals.urls_work")),
    path("supervision/", include("approvals.supervision.urls")),
    path("results/", include("approvals.results.urls")),
    path("verify/", include("approvals.results.urls_verify")),
    path("org/", include("coordination.urls")),
    path("matters/", include("coordination.matters.urls")),
    path("consultations/", include("coordination.consultations.urls")),
    path("overview/", include("coordination.overview.urls")),
    path("market/", include("approvals.intermediaries.urls")),
    path("data/exchange/", include("sharing.exchange.urls")),
    path("data/", include("sharing.urls")),
    path("api/data/", include("sharing.api.urls")),
    path("api/exchange/", include("sharing.exchange.api_urls")),
    path("ppp/", include("operations.urls")),
    path("ppp/performance/", include("operations.performance.urls")),
    path("api/approvals/", include("approvals.api.urls")),
    path("api/", include("coordination.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler404 = "portal.views.page_not_found"
