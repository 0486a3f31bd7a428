"""Schemathesis over the whole API: the tenant API on alpha's and beta's hosts, as anonymous
and as a partner admin with a token, and the operator API; 0 server errors, 0 answers outside
the schema. Unsafe requests on one tenant's host leave the other tenant's schema untouched.

The short run (``make test``) takes a few examples per operation; ``make fuzz-api`` runs
``KP_FUZZ_EXAMPLES`` (200) of them (see tests/api/fuzz.py)."""

import hashlib

import pytest
from django.db import connection

from tests.api.fuzz import fuzz, long_run, token_headers
from tests.conftest import OPERATOR_EMAIL, World

pytestmark = pytest.mark.django_db


def schema_fingerprint(schema_name: str) -> dict[str, str]:
    """Each table of a schema: its rows' count and a digest of their content."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = %s AND table_type = 'BASE TABLE' ORDER BY table_name",
            [schema_name],
        )
        tables = [row[0] for row in cursor.fetchall()]
        fingerprint = {}
        for table in tables:
            cursor.execute(
                f"SELECT count(*), coalesce(string_agg(t::text, chr(10) ORDER BY t::text), '')"  # noqa: S608
                f' FROM "{schema_name}"."{table}" t'
            )
            count, content = cursor.fetchone()
            fingerprint[table] = f"{count}:{hashlib.sha256(content.encode()).hexdigest()}"
    return fingerprint


@pytest.mark.parametrize("persona", [None, "partner_admin"])
@pytest.mark.parametrize("tenant", ["alpha", "beta"])
def test_the_tenant_api_answers_only_what_it_documents(
    tenant: str, persona: str | None, request: pytest.FixtureRequest
) -> None:
    world: World = request.getfixturevalue(tenant)
    other: World = request.getfixturevalue("beta" if tenant == "alpha" else "alpha")
    headers = token_headers(world.users[persona], world.tenant) if persona else {}
    before = schema_fingerprint(other.tenant.schema_name)
    own_before = schema_fingerprint(world.tenant.schema_name)

    # Anonymous requests mostly end at authentication: in the short run one each shows its
    # documented 401/403 (the public operations get the signed-in runs' examples too).
    short_anonymous = persona is None and not long_run()
    report = fuzz(
        "saas.urls_tenant",
        host=world.host,
        headers=headers,
        max_examples=1 if short_anonymous else None,
    )

    assert not report.failures, report.summary()
    assert len(report.statuses) > 200  # every operation ran
    assert schema_fingerprint(other.tenant.schema_name) == before
    if persona:  # the run did write (goals, registrations…), only in its own tenant
        assert schema_fingerprint(world.tenant.schema_name) != own_before


def _one_onboarding(method: str, path: str) -> int:
    """Onboarding creates a schema and migrates it (seconds each): one tenant is enough; the
    other operations get the run's default (0)."""
    return 1 if (method, path) == ("POST", "/api/v1/tenants/") else 0


def test_the_operator_api_answers_only_what_it_documents(operator) -> None:  # type: ignore[no-untyped-def]
    report = fuzz(
        "saas.urls_public",
        host="localhost",
        headers=token_headers(operator),
        max_examples=_one_onboarding,
    )
    assert not report.failures, report.summary()
    assert operator.email == OPERATOR_EMAIL
