"""The error answers the schema documents (programmes/core/openapi.py) are the real ones:
each rule checked against requests, over every operation where the rule is general."""

import re
from typing import Any

import pytest
from django.test import Client
from django_tenants.utils import tenant_context
from rest_framework.authtoken.models import Token

from tests.api.fuzz import openapi_schema
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db
UNSAFE = {"post", "put", "patch", "delete"}


def operations(urlconf: str = "saas.urls_tenant") -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in openapi_schema(urlconf)["paths"].items()
        for method, operation in item.items()
        if method in {"get", *UNSAFE}
    ]


PATH_VALUES = {"uuid": "00000000-0000-4000-8000-000000000001", "code": "NO-SUCH-CODE"}


def concrete(path: str, number: str = "999999") -> str:
    """The path with values its URL pattern accepts (no such object)."""
    return re.sub(r"\{([^}]+)\}", lambda match: PATH_VALUES.get(match[1], number), path)


def send(client: Client, method: str, path: str, **extra: Any) -> Any:
    return getattr(client, method)(path, **extra)


def test_a_wrong_token_gets_401_exactly_where_documented(alpha: World) -> None:
    client = Client(HTTP_HOST=alpha.host, HTTP_AUTHORIZATION="Token wrong")
    for method, path, operation in operations():
        status = send(client, method, concrete(path, "1")).status_code
        if "401" in operation["responses"]:
            assert status == 401, (method, path)
        else:
            assert status != 401, (method, path)


def test_missing_objects_get_the_documented_404(alpha: World) -> None:
    client = client_for(alpha, "municipal_admin")
    for method, path, operation in operations():
        required_query = any(
            p["in"] == "query" and p.get("required") for p in operation.get("parameters", [])
        )
        if method != "get" or "{" not in path or required_query:
            continue
        assert "404" in operation["responses"], path
        response = send(client, method, concrete(path))
        assert response.status_code == 404, path
        assert set(response.json()) == {"detail"}


def test_operations_without_path_parameters_document_no_404_unless_they_refuse() -> None:
    documented = {
        (method, path)
        for method, path, operation in operations()
        if "{" not in path and "404" in operation["responses"]
    }
    # Page numbers past the end, a programme without public figures, a programme without
    # invoicing (programmes.invoicing.api.InvoicingEnabled): each checked by its app's tests.
    invoicing = ("/api/v1/invoic", "/api/v1/other-income/")
    assert all(
        path.startswith(("/api/v1/directory/partners/", "/api/v1/figures/", *invoicing))
        for _method, path in documented
    ), documented


def test_role_refusals_are_documented_403(alpha: World) -> None:
    client = client_for(alpha, "partner_member")
    refused = []
    for method, path, operation in operations():
        if method != "get":
            continue
        if send(client, method, concrete(path, "1")).status_code == 403:
            refused.append(path)
            assert "403" in operation["responses"], path
    assert "/api/v1/invitations/" in refused


def test_signed_in_only_reads_document_no_403() -> None:
    paths = {(method, path): op for method, path, op in operations()}
    assert "403" not in paths["get", "/api/v1/partners/"]["responses"]
    assert "403" not in paths["get", "/api/v1/people/me/"]["responses"]
    # Unsafe methods with a session may fail CSRF.
    assert "403" in paths["post", "/api/v1/goals/"]["responses"]


def test_bodies_document_400_and_415(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        token = Token.objects.create(user=alpha.users["municipal_admin"])
    client = Client(HTTP_HOST=alpha.host, HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.post("/api/v1/contacts/", "<x/>", content_type="application/xml")
    assert response.status_code == 415
    response = client.post("/api/v1/contacts/", {}, content_type="application/json")
    assert response.status_code == 400
    for method, path, operation in operations():
        if "requestBody" in operation:
            assert {"400", "415"} <= set(operation["responses"]), (method, path)
        if method == "delete":
            assert "415" not in operation["responses"], path


def test_only_throttled_operations_document_429() -> None:
    throttled = sorted(
        (method, path) for method, path, op in operations() if "429" in op["responses"]
    )
    assert throttled == [
        ("get", "/api/v1/directory/partners/"),
        ("get", "/api/v1/directory/partners/{id}/"),
        ("get", "/api/v1/directory/programme/"),
        ("post", "/api/v1/auth/token/"),
    ]


def test_throttled_answers_are_the_documented_error(alpha: World) -> None:
    client = Client(HTTP_HOST=alpha.host)
    statuses = [
        client.post("/api/v1/auth/token/", {"email": "x@y.example", "password": "x"}).status_code
        for _attempt in range(11)
    ]
    assert statuses[-1] == 429
    assert set(client.post("/api/v1/auth/token/", {}).json()) == {"detail"}


def test_the_operator_api_documents_its_errors(operator) -> None:  # type: ignore[no-untyped-def]
    paths = {(method, path): op for method, path, op in operations("saas.urls_public")}
    responses = paths["get", "/api/v1/tenants/{slug}/"]["responses"]
    assert {"401", "403", "404"} <= set(responses)
    anonymous = Client(HTTP_HOST="localhost")
    assert anonymous.get("/api/v1/tenants/alpha/").status_code == 401


def test_error_bodies_match_the_shared_schemas() -> None:
    schemas = openapi_schema("saas.urls_tenant")["components"]["schemas"]
    assert schemas["Error"]["required"] == ["detail"]
    assert {"type": "array", "items": {"type": "string"}} in schemas["ValidationError"]["oneOf"]
