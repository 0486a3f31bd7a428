"""Reads of the public schema."""

import copy
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Q, QuerySet

from tenants.models import Domain, Tenant

_MISSING = "missing"


def _host_cache_key(host: str) -> str:
    return f"tenant-for-host:{host}"


# Host -> (expires at, tenant or _MISSING), in this process: most requests need neither the
# shared cache nor the database. Other processes follow a change within
# TENANT_LOCAL_CACHE_SECONDS; this one at once (the forget_* functions clear it too).
_local_hosts: dict[str, tuple[float, Tenant | str]] = {}
_local_lock = threading.Lock()
LOCAL_HOSTS_MAX = 5000


def tenant_for_host(host: str) -> Tenant | None:
    """The tenant a host name routes to: from this process's memory, else the shared cache,
    else one query (then cached in both). Each caller gets its own copy.

    Must be called on the public schema (the shared cache key carries the schema name).
    """
    assert connection.schema_name == "public", "tenant lookup outside the public schema"
    now = time.monotonic()
    local = _local_hosts.get(host)
    if local is not None and local[0] > now:
        found = local[1]
    else:
        key = _host_cache_key(host)
        found = cache.get(key)
        if found is None:
            domain = Domain.objects.select_related("tenant").filter(domain=host).first()
            found = domain.tenant if domain else _MISSING
            cache.set(key, found, settings.TENANT_CACHE_SECONDS)
        if settings.TENANT_LOCAL_CACHE_SECONDS > 0:
            with _local_lock:
                if len(_local_hosts) >= LOCAL_HOSTS_MAX:
                    _local_hosts.clear()
                _local_hosts[host] = (now + settings.TENANT_LOCAL_CACHE_SECONDS, found)
    return None if found == _MISSING else copy.copy(found)  # type: ignore[return-value]


def _forget_locally(hosts: list[str]) -> None:
    with _local_lock:
        for host in hosts:
            _local_hosts.pop(host, None)


def forget_tenant_hosts(tenant: Tenant) -> None:
    """Drop cached routing for every host of a tenant after it or its domains changed."""
    hosts = list(tenant.domains.values_list("domain", flat=True))
    cache.delete_many([_host_cache_key(host) for host in hosts])
    _forget_locally(hosts)


def forget_host(host: str) -> None:
    cache.delete(_host_cache_key(host))
    _forget_locally([host])


def tenants_filtered(
    tenants: QuerySet[Tenant], *, search: str = "", country: str = "", status: str = ""
) -> QuerySet[Tenant]:
    """``tenants`` whose name or slug contains ``search`` (any case), in ``country``, with
    ``status``; an empty value does not filter."""
    if search:
        tenants = tenants.filter(Q(name__icontains=search) | Q(schema_name__icontains=search))
    if country:
        tenants = tenants.filter(country=country)
    if status:
        tenants = tenants.filter(status=status)
    return tenants


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
