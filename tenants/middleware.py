"""Host-based routing and language selection for every request."""

from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import set_urlconf
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header
from django_tenants.middleware.main import TenantMainMiddleware

from tenants.selectors import tenant_for_host


class TenantRoutingMiddleware(TenantMainMiddleware):
    """Route the platform host to the public schema and every other host to its tenant.

    Unlike django-tenants' default, the host -> tenant lookup is cached, the platform host
    needs no database row, and a tenant that is not ready or is suspended gets a notice.
    """

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        # What the live connection's search_path is, if django-tenants set it and nothing
        # changed it since (a rollback, a close or a schema switch forget it).
        live_search_path = connection.search_path_set_schemas
        connection.set_schema_to_public()
        hostname = self.hostname_from_request(request)
        if hostname == settings.PLATFORM_DOMAIN:
            request.tenant = None
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            set_urlconf(request.urlconf)
            self._keep_search_path(live_search_path)
            return None
        tenant = tenant_for_host(hostname)
        if connection.search_path_set_schemas is not None:
            live_search_path = None  # the lookup queried, on the public schema's path
        if tenant is None:
            raise Http404("No tenant for this host name.")
        if not tenant.is_serving:
            with translation.override(tenant.primary_language):
                return render(request, "tenants/unavailable.html", {"tenant": tenant}, status=503)
        tenant.domain_url = hostname
        request.tenant = tenant
        connection.set_tenant(tenant)
        self._keep_search_path(live_search_path)
        return None

    @staticmethod
    def _keep_search_path(live_search_path: list[str] | None) -> None:
        """Skip the ``SET search_path`` when the persistent connection already has the one
        this request needs (its last request was for the same schema)."""
        # django-tenants' own computation of the path for the schema now selected.
        if live_search_path and live_search_path == connection._get_cursor_search_paths():
            connection.search_path_set_schemas = live_search_path


class TenantLanguageMiddleware:
    """Activate one of the tenant's languages: the visitor's choice (the language cookie set
    by the switcher), else the best of the browser's languages, else the tenant's primary one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        if tenant is not None:
            allowed, default = tenant.languages, tenant.primary_language
        else:
            allowed, default = [code for code, _ in settings.LANGUAGES], settings.LANGUAGE_CODE
        language = self.choose(request, allowed, default)
        request.LANGUAGE_CODE = language
        with translation.override(language):
            response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        return response

    @staticmethod
    def choose(request: HttpRequest, allowed: list[str], default: str) -> str:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in allowed:
            return chosen
        for accepted, _quality in parse_accept_lang_header(
            request.headers.get("Accept-Language", "")
        ):
            code = accepted.split("-")[0].lower()
            # Browsers send "no" for Norwegian; Bokmål is what the platform offers.
            code = "nb" if code == "no" else code
            if code in allowed:
                return code
        return default
