"""Health endpoints for the orchestrator's probes, answered before anything else runs.

- ``/healthz`` (liveness): the process answers. Touches neither the database nor Redis, so
  an outage of either does not make Kubernetes restart every web pod at once.
- ``/readyz`` (readiness): the database answers ``SELECT 1`` and the cache (Redis in
  production, which is also the Celery broker) answers a read. 503 with a short JSON body
  naming what failed, never the error itself (the error goes to the log).

The middleware is first in ``MIDDLEWARE``: kubelet probes send the pod's IP as the Host, which
is neither a tenant's host nor in ``ALLOWED_HOSTS``, and plain HTTP, which production would
redirect to HTTPS. No session, tenant, language or audit entry is involved.
"""

import logging
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"


def _database_ready() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.warning("Readiness: the database does not answer.", exc_info=True)
        return False
    return True


def _cache_ready() -> bool:
    try:
        # A read is enough to prove the connection and writes nothing (any cache backend).
        cache.get("health:readiness")
    except Exception:
        logger.warning("Readiness: the cache (Redis) does not answer.", exc_info=True)
        return False
    return True


def readiness_failures() -> list[str]:
    """The dependencies that do not answer: empty when the process may take traffic."""
    checks = {"database": _database_ready, "cache": _cache_ready}
    return [name for name, check in checks.items() if not check()]


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == LIVENESS_PATH:
            return _no_store(JsonResponse({"status": "ok"}))
        if request.path == READINESS_PATH:
            failures = readiness_failures()
            if failures:
                return _no_store(
                    JsonResponse({"status": "unavailable", "failing": failures}, status=503)
                )
            return _no_store(JsonResponse({"status": "ok"}))
        return self.get_response(request)
