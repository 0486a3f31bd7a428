"""Operators suspend a tenant (its hosts show a notice, its scheduled work stops, nothing is
deleted) and reactivate it; both with a reason, audited in the platform's trail and the
tenant's own."""

import html

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from django_tenants.utils import schema_context, tenant_context

from programmes.core.models import AuditEvent
from programmes.partners.models import Partner
from programmes.people.models import User
from tenants.models import Status, Tenant
from tenants.selectors import serving_tenants
from tests.conftest import World, client_for, operator_client

pytestmark = pytest.mark.django_db


def _status(slug: str) -> str:
    with schema_context("public"):
        return Tenant.objects.get(schema_name=slug).status


def _suspend(operator: User, slug: str = "alpha", reason: str = "Contract paused") -> Client:
    client = operator_client(operator)
    response = client.post(f"/tenants/{slug}/suspend/", {"reason": reason})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def test_a_suspended_tenant_shows_a_notice_to_everyone_and_keeps_its_data(
    alpha: World, beta: World, operator: User
) -> None:
    with tenant_context(alpha.tenant):
        partners = Partner.objects.count()
    _suspend(operator)
    assert _status("alpha") == Status.SUSPENDED
    # The notice is in the tenant's primary language, whoever asks.
    with translation.override(alpha.tenant.primary_language):
        notice = gettext(
            "The climate partnership site of %(name)s is closed for the time being. Nothing "
            "has been deleted: partners' data is kept, and the site opens again as it was. "
            "Contact the municipality if you have questions."
        ) % {"name": alpha.tenant.name}
    for persona in (None, "municipal_admin", "partner_admin"):
        for path in ("/", "/partners/", "/api/v1/people/me/"):
            response = client_for(alpha, persona).get(path)
            assert response.status_code == 503, (persona, path)
            assert notice in html.unescape(response.content.decode())
    assert client_for(beta, "municipal_admin").get("/partners/").status_code == 200
    with tenant_context(alpha.tenant):
        assert Partner.objects.count() == partners
    with schema_context("public"):
        assert "alpha" not in set(serving_tenants().values_list("schema_name", flat=True))


def test_suspending_and_reactivating_are_audited_in_both_trails(
    alpha: World, operator: User
) -> None:
    client = _suspend(operator, reason="Unpaid licence")
    response = client.post("/tenants/alpha/reactivate/", {"reason": "Licence paid"})
    assert response.status_code == 302
    assert _status("alpha") == Status.ACTIVE
    assert client_for(alpha, "municipal_admin").get("/partners/").status_code == 200
    with schema_context("public"):
        public = list(
            AuditEvent.objects.filter(action__startswith="tenant.").values_list(
                "action", "reason", "actor_id"
            )
        )
    assert ("tenant.suspended", "Unpaid licence", operator.pk) in public
    assert ("tenant.reactivated", "Licence paid", operator.pk) in public
    with tenant_context(alpha.tenant):
        own = list(
            AuditEvent.objects.filter(action__startswith="tenant.").values_list(
                "action", "reason", "actor_label"
            )
        )
    assert ("tenant.suspended", "Unpaid licence", f"operator {operator.email}") in own
    assert ("tenant.reactivated", "Licence paid", f"operator {operator.email}") in own


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required_and_nothing_changes_without_one(
    alpha: World, operator: User, reason: str, english_pages: None
) -> None:
    response = operator_client(operator).post("/tenants/alpha/suspend/", {"reason": reason})
    assert response.status_code == 400
    assert 'id="id_reason_error"' in response.content.decode()
    assert _status("alpha") == Status.ACTIVE


def test_only_the_status_it_is_in_can_be_left(
    alpha: World, operator: User, english_pages: None
) -> None:
    client = operator_client(operator)
    response = client.post("/tenants/alpha/reactivate/", {"reason": "Why not"})
    assert response.status_code == 400
    assert "The tenant is Active." in response.content.decode()
    _suspend(operator)
    response = client.post("/tenants/alpha/suspend/", {"reason": "Again"})
    assert response.status_code == 400
    assert _status("alpha") == Status.SUSPENDED


def test_only_operators_change_a_tenants_status(alpha: World, beta: World) -> None:
    anonymous = Client(HTTP_HOST="localhost")
    response = anonymous.post("/tenants/alpha/suspend/", {"reason": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # A tenant's admin session means nothing on the platform host.
    tenant_session = Client(HTTP_HOST="localhost")
    tenant_session.cookies = client_for(beta, "municipal_admin").cookies
    assert tenant_session.post("/tenants/alpha/suspend/", {"reason": "x"}).status_code == 302
    # The path is no tenant URL.
    own_host = client_for(alpha, "municipal_admin")
    assert own_host.post("/tenants/alpha/suspend/", {"reason": "x"}).status_code == 404
    assert _status("alpha") == Status.ACTIVE


def test_get_is_refused_and_an_unknown_tenant_is_404(operator: User) -> None:
    client = operator_client(operator)
    assert client.get("/tenants/alpha/suspend/").status_code == 405
    assert client.post("/tenants/nosuch/suspend/", {"reason": "x"}).status_code == 404


def test_the_api_suspends_and_reactivates(alpha: World, operator: User) -> None:
    client = operator_client(operator)
    response = client.post("/api/v1/tenants/alpha/suspend/", {"reason": "Paused"})
    assert response.status_code == 200
    assert response.json()["status"] == "suspended"
    assert client.post("/api/v1/tenants/alpha/suspend/", {"reason": "Paused"}).status_code == 400
    assert client.post("/api/v1/tenants/alpha/reactivate/", {}).status_code == 400
    response = client.post("/api/v1/tenants/alpha/reactivate/", {"reason": "Back"})
    assert response.status_code == 200 and response.json()["status"] == "active"
    assert Client(HTTP_HOST="localhost").post(
        "/api/v1/tenants/alpha/suspend/", {"reason": "x"}
    ).status_code in {401, 403}


def test_the_tenant_page_offers_the_right_action_in_few_queries(
    alpha: World, operator: User, django_assert_max_num_queries, english_pages: None
) -> None:
    client = operator_client(operator)
    with django_assert_max_num_queries(8):
        page = client.get("/tenants/alpha/").content.decode()
    assert "Suspend the tenant" in page and 'for="id_reason"' in page
    _suspend(operator)
    page = client.get("/tenants/alpha/").content.decode()
    assert "Reactivate the tenant" in page
