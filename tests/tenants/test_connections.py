"""A persistent connection is closed once it has served DB_CONNECTION_MAX_SCHEMAS schemas
(tenants/connections.py): PostgreSQL caches each schema's catalogue per connection."""

from unittest import mock

import pytest
from celery.signals import task_postrun
from django.db import connection

from tenants import connections
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db


def test_requests_and_tasks_count_their_schema(alpha: World, beta: World) -> None:
    client_for(alpha).get("/directory/")
    client_for(beta).get("/directory/")
    assert {"alpha", "beta"} <= connection.kp_schemas_served
    connection.set_schema("tenantx")  # what tenant-schemas-celery does before a task
    task_postrun.send(sender=None)
    assert "tenantx" in connection.kp_schemas_served


def test_a_connection_over_the_cap_is_closed_after_its_request(
    alpha: World, beta: World, settings, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    settings.DB_CONNECTION_MAX_SCHEMAS = 2
    closed = mock.Mock()
    monkeypatch.setattr(connection, "close", closed)
    # Tests run inside a transaction, which must never be closed: pretend it is not there.
    monkeypatch.setattr(connections, "_in_transaction", lambda: False)
    connection.ensure_connection()
    connection.kp_counted_connection = None  # count from here
    for schema in ("alpha", "beta"):
        connection.set_schema(schema)
        connections.close_if_it_served_too_many_schemas()
    assert not closed.called, "two schemas are within the cap"
    connection.set_schema_to_public()
    connections.close_if_it_served_too_many_schemas()
    closed.assert_called_once_with()


def test_a_new_connection_starts_counting_afresh(alpha: World) -> None:
    connection.ensure_connection()
    connection.set_schema("alpha")
    connections.close_if_it_served_too_many_schemas()
    connection.kp_counted_connection = object()  # as if the connection had been replaced
    connection.set_schema_to_public()
    connections.close_if_it_served_too_many_schemas()
    assert connection.kp_schemas_served == {"public"}


def test_a_connection_in_a_transaction_is_never_closed(
    alpha: World, settings, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    settings.DB_CONNECTION_MAX_SCHEMAS = 0
    closed = mock.Mock()
    monkeypatch.setattr(connection, "close", closed)
    connection.set_schema("alpha")
    connections.close_if_it_served_too_many_schemas()
    assert not closed.called


def test_an_eager_task_leaves_the_connection_to_its_caller(
    alpha: World, settings, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """fan_out runs its tenants' tasks inline when Celery is eager (tests, the bench): closing
    the connection after one would break fan_out's own iterator over the tenants."""
    settings.DB_CONNECTION_MAX_SCHEMAS = 0
    closed = mock.Mock()
    monkeypatch.setattr(connection, "close", closed)
    monkeypatch.setattr(connections, "_in_transaction", lambda: False)
    eager = mock.Mock()
    eager.request.is_eager = True
    connections.close_if_it_served_too_many_schemas(task=eager)
    assert not closed.called
    worker = mock.Mock()
    worker.request.is_eager = False
    connections.close_if_it_served_too_many_schemas(task=worker)
    closed.assert_called_once_with()
