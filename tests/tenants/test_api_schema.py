"""Onboarding through the operator API answers 202 with the tenant (its onboarding's progress
in it), as documented (the schema once said it answered the onboarding request)."""

import pytest

from tests.api.fuzz import openapi_schema

pytestmark = pytest.mark.django_db


def test_onboarding_documents_the_tenant_it_answers() -> None:
    operation = openapi_schema("saas.urls_public")["paths"]["/api/v1/tenants/"]["post"]
    accepted = operation["responses"]["202"]["content"]["application/json"]["schema"]
    assert accepted == {"$ref": "#/components/schemas/Tenant"}
    assert "201" not in operation["responses"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/OnboardingRequest"}
