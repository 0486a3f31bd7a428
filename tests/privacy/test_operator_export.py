"""An operator downloads what the platform (public schema) holds of them, as tenant users do
at /my-data/: their own rows only, never a secret, audited."""

import json

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from programmes.core.models import AuditEvent
from programmes.privacy.selectors import FORMAT, models_here
from tests.conftest import OPERATOR_EMAIL, World, client_for, operator_client

pytestmark = pytest.mark.django_db

EXPORT = "/my-data.json"


def test_an_operator_downloads_their_own_data(operator) -> None:  # type: ignore[no-untyped-def]
    response = operator_client(operator).get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    export = json.loads(response.content)
    assert export["format"] == FORMAT
    assert export["person"]["email"] == OPERATOR_EMAIL
    with schema_context("public"):
        assert set(export["data"]) == {model._meta.label_lower for model, _ in models_here()}
        assert AuditEvent.objects.filter(
            action="personal_data.exported", actor_id=operator.pk
        ).exists()
    assert [row["email"] for row in export["data"]["people.user"]] == [OPERATOR_EMAIL]
    body = response.content.decode()
    assert operator.password not in body
    assert "ALPHA-MARKER" not in body and "BETA-MARKER" not in body


def test_only_operators_on_the_platform_host_get_it(alpha: World) -> None:
    assert Client(HTTP_HOST="localhost").get(EXPORT).status_code == 302
    # A tenant's session means nothing on the platform host; the path is no tenant URL.
    tenant_session = Client(HTTP_HOST="localhost")
    tenant_session.cookies = client_for(alpha, "municipal_admin").cookies
    assert tenant_session.get(EXPORT).status_code == 302
    assert client_for(alpha, "municipal_admin").get(EXPORT).status_code == 404


def test_the_download_costs_a_bounded_number_of_queries(
    operator, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = operator_client(operator)
    assert client.post(EXPORT).status_code == 405
    with django_assert_max_num_queries(30):
        assert client.get(EXPORT).status_code == 200
