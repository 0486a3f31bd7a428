"""The WSGI entry gunicorn serves for the routing throughput figure: the same view behind
the full middleware (tenant routing by host) and behind the same middleware without
routing, with the search_path fixed to one tenant's schema (a plain Django site).

``?tenancy=0`` picks the plain handler. Bench only: it changes settings at start-up.
"""

import os
from collections.abc import Callable, Iterable
from typing import Any

import django
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas.settings")
django.setup(set_prefix=False)

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402

ROUTING_MIDDLEWARE = "tenants.middleware.TenantRoutingMiddleware"
SCHEMA = os.environ.get("KP_BENCH_SCHEMA", "")

settings.ROOT_URLCONF = "tenants.benchmark.urls"
with_tenancy = WSGIHandler()
settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != ROUTING_MIDDLEWARE]
without_tenancy = WSGIHandler()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if "tenancy=0" in environ.get("QUERY_STRING", ""):
        if connection.schema_name != SCHEMA:
            connection.set_schema(SCHEMA)
        return without_tenancy(environ, start_response)
    return with_tenancy(environ, start_response)
