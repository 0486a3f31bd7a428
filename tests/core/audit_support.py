"""For tests that commit real data (threads on their own connections) and must remove it
again: the audit trail is append-only, so only a database superuser can delete from it, by
switching triggers off for one transaction. Never available to the application."""

from django.db import connection, transaction
from django.db.models import QuerySet

from programmes.core.models import AuditEvent


def audit_events_delete_as_superuser(events: QuerySet[AuditEvent]) -> None:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
        events.delete()
