"""/manage/audit/: the municipal admin reads the tenant's own trail, filtered and paginated;
everyone else is refused; another tenant's entries never show, even with the same ids."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context, tenant_context

from programmes.core.audit import audit_record
from programmes.core.models import AuditEvent, Outcome
from tests.conftest import PERSONAS, World, client_for, operator_client, work_queries

URL = "/manage/audit/"
SAME_ID = 737373


@pytest.fixture
def colliding(alpha: World, beta: World) -> None:
    """An entry with id SAME_ID in both tenants, carrying the tenant's marker everywhere."""
    for world in (alpha, beta):
        with tenant_context(world.tenant):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('core_auditevent', 'id'), %s)",
                    [SAME_ID - 1],
                )
            event = audit_record(
                actor=world.users["municipal_staff"],
                action="test.marked",
                target=world.users["partner_admin"],
                data={"note": f"{world.marker} data"},
                reason=f"{world.marker} reason",
            )
            assert event.pk == SAME_ID


@pytest.mark.parametrize("persona", [None, *(persona for persona, _ in PERSONAS)])
@pytest.mark.parametrize("path", [URL, URL + "export.csv"])
def test_only_the_municipal_admin_reads_the_log(
    alpha: World, colliding: None, persona: str | None, path: str
) -> None:
    response = client_for(alpha, persona).get(path)
    expected = {None: 302, "municipal_admin": 200}.get(persona, 403)
    assert response.status_code == expected
    body = response.content.decode()
    assert "BETA-MARKER" not in body
    if expected == 200:
        assert "ALPHA-MARKER reason" in body


def test_the_platform_host_has_no_tenant_audit_page(operator) -> None:
    assert operator_client(operator).get(URL).status_code == 404


def test_beta_admin_sees_only_beta(alpha: World, beta: World, colliding: None) -> None:
    body = client_for(beta, "municipal_admin").get(URL).content.decode()
    assert "BETA-MARKER reason" in body and "ALPHA-MARKER" not in body
    csv = client_for(beta, "municipal_admin").get(URL + "export.csv").content.decode()
    assert f"{SAME_ID}" not in csv.split("\r\n")[0]
    assert "BETA-MARKER" in csv and "ALPHA-MARKER" not in csv


def test_each_entry_shows_who_what_target_when_where_outcome_why(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        audit_record(
            actor=alpha.users["municipal_staff"],
            action="test.shown",
            target=alpha.users["partner_admin"],
            reason="because",
            outcome=Outcome.REFUSED,
        )
        AuditEvent.objects.filter(action="test.shown").exists()
    client = client_for(alpha, "municipal_admin")
    body = client.get(URL, {"action": "test.shown"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert alpha.email("municipal_staff") in body
    assert "test.shown" in body and "because" in body
    assert "#" + str(alpha.users["partner_admin"].pk) in body
    assert "<caption>" in body and 'scope="col"' in body


def test_filters_by_actor_action_outcome_and_dates(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        audit_record(actor=alpha.users["partner_admin"], action="test.one")
        audit_record(actor=None, action="test.two", outcome=Outcome.FAILED)
    client = client_for(alpha, "municipal_admin")

    def shown(**query: str) -> set[str]:
        response = client.get(URL, query)
        return {row["event"].action for row in response.context["rows"]} & {
            "test.one",
            "test.two",
        }

    assert shown() == {"test.one", "test.two"}
    assert shown(actor="partner-admin@") == {"test.one"}
    assert shown(action="test.two") == {"test.two"}
    assert shown(outcome="failed") == {"test.two"}
    today = dt.date.today()
    assert shown(since=str(today - dt.timedelta(days=1))) == {"test.one", "test.two"}
    assert shown(until=str(today - dt.timedelta(days=2))) == set()


def test_a_reversed_date_range_is_explained(alpha: World) -> None:
    client = client_for(alpha, "municipal_admin")
    response = client.get(
        URL, {"since": "2026-05-02", "until": "2026-05-01"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()


def test_newest_first_and_paginated(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        AuditEvent.objects.bulk_create(
            [AuditEvent(actor_label="system", action=f"test.page{i:02}") for i in range(60)]
        )
    client = client_for(alpha, "municipal_admin")
    first = client.get(URL, {"actor": "system"})
    rows = first.context["rows"]
    assert len(rows) == 50 and first.context["page"].has_next()
    ids = [row["event"].pk for row in rows]
    assert ids == sorted(ids, reverse=True)


def test_the_page_costs_the_same_queries_for_3_or_30_entries(
    alpha: World, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, "municipal_admin")

    def add(count: int) -> None:
        with tenant_context(alpha.tenant):
            for i in range(count):
                audit_record(
                    actor=alpha.users["partner_admin"],
                    action=f"test.q{i % 4}",
                    target=alpha.users["partner_member"],
                    data={"i": i},
                )

    add(3)
    client.get(URL)  # warm the tenant and host caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    add(27)
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    assert work_queries(few) == work_queries(many)
    with django_assert_max_num_queries(8):
        client.get(URL)
    with django_assert_max_num_queries(8):
        client.get(URL + "export.csv")


def test_the_csv_defuses_formulas(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        audit_record(actor=None, action="test.csv", reason="=HYPERLINK(1)")
    response = client_for(alpha, "municipal_admin").get(URL + "export.csv", {"action": "test.csv"})
    assert response["Content-Disposition"] == 'attachment; filename="audit-log.csv"'
    lines = response.content.decode().split("\r\n")
    assert lines[0].startswith("created_at,actor_id,actor_label,action")
    assert "'=HYPERLINK(1)" in lines[1]


def test_operators_entries_stay_in_public(alpha: World) -> None:
    with schema_context("public"):
        audit_record(actor=None, action="test.public_only", reason="PLATFORM-MARKER")
    body = client_for(alpha, "municipal_admin").get(URL).content.decode()
    assert "PLATFORM-MARKER" not in body
