"""The audit trail is append-only in every schema: the database refuses UPDATE, DELETE and
TRUNCATE; pseudonymisation is the one change it lets through. Nothing secret is stored."""

import pytest
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context, tenant_context

from programmes.core.audit import audit_pseudonymise, audit_record, scrub
from programmes.core.models import AuditEvent, Outcome
from programmes.people.models import Role, User
from programmes.people.services import user_create
from tests.conftest import World


def _refused(statement: str, params: list | None = None) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, params or [])


@pytest.mark.parametrize("schema", ["alpha", "public"])
def test_the_database_refuses_to_change_or_delete_entries(alpha: World, schema: str) -> None:
    with schema_context(schema):
        event = audit_record(actor=None, action="test.kept", data={"n": 1}, reason="kept")
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()
        with pytest.raises(DatabaseError), transaction.atomic():
            event.action = "test.changed"
            event.save()
        _refused("UPDATE core_auditevent SET actor_label = 'x' WHERE id = %s", [event.pk])
        _refused("DELETE FROM core_auditevent")
        _refused("TRUNCATE core_auditevent")
        event.refresh_from_db()
        assert (event.action, event.reason, event.data) == ("test.kept", "kept", {"n": 1})


@pytest.mark.parametrize("schema", ["alpha", "beta", "public"])
def test_every_schema_carries_its_own_triggers(alpha: World, beta: World, schema: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT t.tgname, p.pronamespace::regnamespace::text
               FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
               JOIN pg_proc p ON p.oid = t.tgfoid
               WHERE c.relname = 'core_auditevent' AND c.relnamespace::regnamespace::text = %s
               AND NOT t.tgisinternal ORDER BY t.tgname""",
            [schema],
        )
        assert cursor.fetchall() == [
            ("core_auditevent_append_only_rows", schema),
            ("core_auditevent_append_only_truncate", schema),
        ]


def test_the_pseudonymise_setting_alone_does_not_allow_other_changes(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        event = audit_record(actor=alpha.users["partner_admin"], action="test.kept")
        with pytest.raises(DatabaseError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL klimapartner.audit_pseudonymise = 'on'")
            AuditEvent.objects.filter(pk=event.pk).update(actor_label="x", reason="changed")
        with pytest.raises(DatabaseError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL klimapartner.audit_pseudonymise = 'on'")
            AuditEvent.objects.filter(pk=event.pk).delete()
        assert AuditEvent.objects.get(pk=event.pk).actor_label == alpha.email("partner_admin")


def test_pseudonymise_replaces_who_and_from_where_only(alpha: World, rf) -> None:
    person = alpha.users["partner_member"]
    request = rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Browser/1")
    with tenant_context(alpha.tenant):
        mine = audit_record(actor=person, action="test.mine", data={"x": 1}, request=request)
        other = audit_record(actor=alpha.users["partner_admin"], action="test.other")
        assert audit_pseudonymise(user_id=person.pk, label="person-1") == 1
        mine.refresh_from_db()
        assert (mine.actor_id, mine.actor_label, mine.ip, mine.user_agent) == (
            None,
            "person-1",
            None,
            "",
        )
        assert (mine.action, mine.data) == ("test.mine", {"x": 1})
        assert AuditEvent.objects.get(pk=other.pk).actor_label == alpha.email("partner_admin")
        # The setting ends with the call: the trail is closed again.
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=other.pk).update(actor_label="x")


def test_deleting_a_user_pseudonymises_their_entries(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        person = user_create(
            actor=None, email="leaving@alpha.example", password="x" * 12, role=Role.PARTNER_MEMBER
        )
        event = audit_record(actor=person, action="test.before_leaving")
        user_id = person.pk
        User.objects.filter(pk=user_id).delete()
        event.refresh_from_db()
        assert event.actor_id is None
        assert event.actor_label == f"deleted-user-{user_id}"
        assert not AuditEvent.objects.filter(actor_label="leaving@alpha.example").exists()


def test_secrets_are_scrubbed_from_data_at_any_depth(alpha: World) -> None:
    data = {
        "name": "kept",
        "password": "p",
        "new_password1": "p",
        "access_token": "t",
        "client-secret": "s",
        "sessionid": "s",
        "csrfmiddlewaretoken": "c",
        "HTTP_AUTHORIZATION": "Bearer x",
        "headers": {"Authorization": "Basic x", "Accept": "text/html", "Cookie": "a=b"},
        "changes": [{"field": "email", "apiKey": "k"}, "plain"],
    }
    with tenant_context(alpha.tenant):
        event = audit_record(actor=None, action="test.scrubbed", data=data)
        event.refresh_from_db()
    expected = {
        "name": "kept",
        "headers": {"Accept": "text/html"},
        "changes": [{"field": "email"}, "plain"],
    }
    assert event.data == expected == scrub(data)
    assert data["password"] == "p"  # the caller's dict is left alone


def test_existing_callers_still_record_with_success_and_no_address(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        event = audit_record(actor=alpha.users["municipal_admin"], action="test.service")
    assert event.outcome == Outcome.SUCCESS
    assert (event.ip, event.user_agent) == (None, "")
    assert event.actor_label == alpha.email("municipal_admin")
