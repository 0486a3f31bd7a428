"""The import's 400 is either the report by row or DRF's validation errors of the request
(a missing file answered a body the schema did not allow)."""

import pytest
from django.test import Client

from tests.api.fuzz import fuzz_operation, openapi_schema, token_headers
from tests.conftest import World

pytestmark = pytest.mark.django_db
PATH = "/api/v1/climate-accounts/import/"


def test_a_request_without_a_file_gets_a_documented_400(alpha: World) -> None:
    headers = token_headers(alpha.users["municipal_admin"], alpha.tenant)
    client = Client(HTTP_HOST=alpha.host, HTTP_AUTHORIZATION=headers["Authorization"])
    response = client.post(PATH, {"dry_run": "true"})
    assert response.status_code == 400
    assert "file" in response.json()
    schema = openapi_schema("saas.urls_tenant")["paths"][PATH]["post"]["responses"]["400"]
    assert schema["content"]["application/json"]["schema"]["anyOf"] == [
        {"$ref": "#/components/schemas/ClimateImportErrors"},
        {"$ref": "#/components/schemas/ValidationError"},
    ]


def test_the_import_answers_what_the_schema_documents(alpha: World) -> None:
    headers = token_headers(alpha.users["partner_admin"], alpha.tenant)
    report = fuzz_operation("POST", PATH, host=alpha.host, headers=headers)
    assert not report.failures, report.summary()
