"""Fuzzing the API against its own OpenAPI schema with schemathesis, in-process.

Each operation of a schema gets requests generated from the schema (hypothesis, no shrinking,
derandomised so a run is reproducible) sent through Django's WSGI handler on a given host, and
every answer must pass the checks: no server error, a documented status code and content
type, a body that matches the documented schema. The run happens inside the test's
transaction; each request in a savepoint, so an error in one cannot poison the next.

How much is generated comes from ``KP_FUZZ_EXAMPLES`` (default: the short run of
``make test``; ``make fuzz-api`` runs the long one).
"""

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from django_tenants.utils import schema_context, tenant_context
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# The short run: a few examples per operation for a signed-in persona; one for anonymous,
# whose every request ends at authentication (make test must stay under 90 s on two cores).
SHORT_RUN_EXAMPLES = 3
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def examples() -> int:
    return int(os.environ.get("KP_FUZZ_EXAMPLES") or SHORT_RUN_EXAMPLES)


def long_run() -> bool:
    return bool(os.environ.get("KP_FUZZ_EXAMPLES"))


_SCHEMAS: dict[str, dict[str, Any]] = {}


def openapi_schema(urlconf: str) -> dict[str, Any]:
    """The schema as served at /api/schema/ (JSON), generated once per process."""
    if urlconf not in _SCHEMAS:
        generated = SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
        _SCHEMAS[urlconf] = json.loads(OpenApiJsonRenderer().render(generated))
    return _SCHEMAS[urlconf]


@contextmanager
def in_process_requests() -> Iterator[WSGIHandler]:
    """Django's WSGI handler without the per-request connection clean-up (which would close
    the test's transaction), as Django's own test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@dataclass
class FuzzReport:
    calls: int = 0
    statuses: dict[str, set[int]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        return "\n\n".join(f"== {label}\n{text}" for label, text in self.failures.items())


def fuzz(
    urlconf: str,
    *,
    host: str,
    headers: dict[str, str] | None = None,
    include: Callable[[str, str], bool] | None = None,
    max_examples: int | Callable[[str, str], int] | None = None,
) -> FuzzReport:
    """Runs every operation of the schema (or those ``include(method, path)`` keeps) on
    ``host`` and reports the failures by operation. ``max_examples``: a number, or one per
    operation (``(method, path) -> int``); default ``KP_FUZZ_EXAMPLES`` or the short run."""
    report = FuzzReport()
    with in_process_requests() as app:
        schema = schemathesis.openapi.from_dict(openapi_schema(urlconf))
        schema.app = app
        for result in schema.get_all_operations():
            operation = result.ok()
            method, path = operation.method.upper(), operation.path
            if include is not None and not include(method, path):
                continue
            count = max_examples(method, path) if callable(max_examples) else max_examples
            _fuzz_operation(operation, host, headers or {}, report, count or examples())
    return report


def token_headers(user: Any, tenant: Any | None = None) -> dict[str, str]:
    """An API token of ``user`` (in ``tenant``'s schema, or the public one) as headers."""
    with tenant_context(tenant) if tenant is not None else schema_context("public"):
        token, _created = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}"}


def fuzz_operation(
    method: str, path: str, *, host: str, headers: dict[str, str] | None = None
) -> FuzzReport:
    """One operation of the tenant API (regression tests of the apps: what the fuzz found)."""
    return fuzz(
        "saas.urls_tenant",
        host=host,
        headers=headers,
        include=lambda m, p: (m, p) == (method, path),
        max_examples=5,
    )


def _fuzz_operation(
    operation: Any, host: str, headers: dict[str, str], report: FuzzReport, max_examples: int
) -> None:
    label = operation.label
    seen = report.statuses.setdefault(label, set())

    @settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        report.calls += 1
        savepoint = transaction.savepoint()
        try:
            response = case.call(base_url=f"http://{host}", headers=headers)
        finally:
            connection.set_schema_to_public()
        # A request that failed may leave the transaction unusable: undo it; keep the others'
        # changes, so later requests meet them (and the other tenant's check sees any leak).
        if response.status_code >= 500:
            transaction.savepoint_rollback(savepoint)
        else:
            transaction.savepoint_commit(savepoint)
        seen.add(response.status_code)
        case.validate_response(response, checks=CHECKS, headers=headers)

    try:
        run()
    except FailureGroup as error:
        report.failures[label] = str(error)
    except Exception as error:  # a crash of the run itself is a failure to report too
        report.failures[label] = f"{type(error).__name__}: {error}"
