"""Onboarding through the operator API answers the tenant, as documented (the schema said it
answered the onboarding request)."""

import pytest

from tests.api.fuzz import openapi_schema

pytestmark = pytest.mark.django_db


def test_onboarding_documents_the_tenant_it_answers() -> None:
    operation = openapi_schema("saas.urls_public")["paths"]["/api/v1/tenants/"]["post"]
    created = operation["responses"]["201"]["content"]["application/json"]["schema"]
    assert created == {"$ref": "#/components/schemas/Tenant"}
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/OnboardingRequest"}
