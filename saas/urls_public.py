"""URLs of the platform host (PLATFORM_DOMAIN): operators only. Never imports tenant views."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from tenants import api, settings_views, sso_api, views
from tenants.library import api as library_api
from tenants.reporting import api as reporting_api
from tenants.support import api as support_api

for prefix, viewset, basename in [*library_api.API_ROUTES, *reporting_api.API_ROUTES]:
    api.router.register(prefix, viewset, basename=basename)
api.router.register("tenant-sso", sso_api.TenantSsoViewSet, basename="tenant-sso")
api.router.register("support-grants", support_api.SupportGrantViewSet, basename="support-grant")

urlpatterns = [
    path("", views.console_home, name="console-home"),
    path("my-data.json", views.operator_data_download, name="console-my-data"),
    path("tenants/new/", views.tenant_onboard_view, name="console-tenant-onboard"),
    path("tenants/<slug:slug>/", views.tenant_detail, name="console-tenant-detail"),
    path(
        "tenants/<slug:slug>/suspend/",
        views.tenant_status_view,
        {"change": "suspend"},
        name="console-tenant-suspend",
    ),
    path(
        "tenants/<slug:slug>/reactivate/",
        views.tenant_status_view,
        {"change": "reactivate"},
        name="console-tenant-reactivate",
    ),
    path("tenants/<slug:slug>/sso/", views.tenant_sso_view, name="console-tenant-sso"),
    path(
        "tenants/<slug:slug>/onboarding/",
        views.tenant_onboarding_progress,
        name="console-tenant-onboarding",
    ),
    path(
        "tenants/<slug:slug>/onboarding/retry/",
        views.tenant_onboarding_retry_view,
        name="console-tenant-onboarding-retry",
    ),
    path(
        "tenants/<slug:slug>/onboarding/discard/",
        views.tenant_onboarding_discard_view,
        name="console-tenant-onboarding-discard",
    ),
    # Support access to a tenant (tenants/support/: tenants/<slug>/support/…).
    path("", include("tenants.support.urls_public")),
    path(
        "tenants/<slug:slug>/settings/",
        settings_views.tenant_settings,
        name="console-tenant-settings",
    ),
    path(
        "tenants/<slug:slug>/settings/logo/",
        settings_views.tenant_settings_logo,
        name="console-tenant-settings-logo",
    ),
    # The shared action library's moderation (library/…).
    path("", include("tenants.library.urls")),
    # Platform figures from the rollup (reports/…).
    path("", include("tenants.reporting.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api.router.urls)),
    path(
        "api/schema/",
        SpectacularAPIView.as_view(
            urlconf="saas.urls_public",
            custom_settings={"TITLE": "Klimapartner operator API"},
            permission_classes=[api.IsOperator],
        ),
        name="schema",
    ),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="schema", permission_classes=[api.IsOperator]),
        name="api-docs",
    ),
]
