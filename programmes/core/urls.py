"""Absolute links for e-mails and documents, built from the schema the code runs in."""

from django.conf import settings
from django.db import connection

from programmes.core.i18n import current_tenant


def site_host() -> str:
    tenant = current_tenant()
    if tenant is None:
        return settings.PLATFORM_DOMAIN
    return f"{tenant.schema_name}.{settings.PLATFORM_DOMAIN}"


def absolute_url(path: str) -> str:
    assert connection.schema_name, "no schema"
    port = f":{settings.URL_PORT}" if settings.URL_PORT else ""
    return f"{settings.URL_SCHEME}://{site_host()}{port}{path}"
