"""A partner without a website or an end reason (blank fields) matches the documented schema
(read-only model fields had lost their blank value: "" broke the uri format and the enum)."""

import pytest

from tests.api.fuzz import fuzz_operation, openapi_schema, token_headers
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_blank_partner_fields_are_documented() -> None:
    partner = openapi_schema("saas.urls_tenant")["components"]["schemas"]["Partner"]
    assert {"type": "string", "maxLength": 0} in partner["properties"]["website"]["oneOf"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in partner["properties"]["end_reason"][
        "oneOf"
    ]


@pytest.mark.parametrize("path", ["/api/v1/partners/", "/api/v1/partners/{id}/"])
def test_partners_answer_what_the_schema_documents(alpha: World, path: str) -> None:
    headers = token_headers(alpha.users["partner_admin"], alpha.tenant)
    report = fuzz_operation("GET", path, host=alpha.host, headers=headers)
    assert not report.failures, report.summary()
