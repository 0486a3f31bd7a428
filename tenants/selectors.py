"""Reads of the public schema."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet

from tenants.models import Domain, Tenant

_MISSING = "missing"


def _host_cache_key(host: str) -> str:
    return f"tenant-for-host:{host}"


def tenant_for_host(host: str) -> Tenant | None:
    """The tenant a host name routes to, cached so a request costs at most one lookup.

    Must be called on the public schema (the cache key carries the schema name).
    """
    assert connection.schema_name == "public", "tenant lookup outside the public schema"
    key = _host_cache_key(host)
    cached = cache.get(key)
    if cached == _MISSING:
        return None
    if cached is not None:
        return cached
    domain = Domain.objects.select_related("tenant").filter(domain=host).first()
    tenant = domain.tenant if domain else None
    cache.set(key, tenant if tenant else _MISSING, settings.TENANT_CACHE_SECONDS)
    return tenant


def forget_tenant_hosts(tenant: Tenant) -> None:
    """Drop cached routing for every host of a tenant after it or its domains changed."""
    hosts = list(tenant.domains.values_list("domain", flat=True))
    cache.delete_many([_host_cache_key(host) for host in hosts])


def forget_host(host: str) -> None:
    cache.delete(_host_cache_key(host))


def tenants_for_console() -> QuerySet[Tenant]:
    return (
        Tenant.objects.exclude(schema_name="public")
        .select_related("onboarding")
        .prefetch_related("domains")
    )


def serving_tenants() -> QuerySet[Tenant]:
    return Tenant.objects.exclude(schema_name="public").filter(ready=True, status="active")


def tenant_by_slug(slug: str) -> Tenant | None:
    """The tenant with its onboarding (joined: the console shows its progress)."""
    return (
        Tenant.objects.exclude(schema_name="public")
        .select_related("onboarding")
        .filter(schema_name=slug)
        .first()
    )


def primary_host(tenant: Tenant) -> str:
    return f"{tenant.schema_name}.{settings.PLATFORM_DOMAIN}"


def tenant_url(tenant: Tenant) -> str:
    """The address people open, with the configured scheme and port."""
    port = f":{settings.URL_PORT}" if settings.URL_PORT else ""
    return f"{settings.URL_SCHEME}://{primary_host(tenant)}{port}/"
