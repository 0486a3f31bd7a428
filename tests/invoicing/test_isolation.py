"""Invoices of two tenants with the same ids and numbers: every invoicing page, endpoint
and document of alpha shows alpha's, never beta's, to every persona."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from programmes.invoicing.models import Invoice, OtherIncome
from tests.conftest import PERSONAS, World, client_for
from tests.invoicing.conftest import configure_billing

SAME_ID = 424242


@pytest.fixture
def colliding(alpha: World, beta: World) -> None:
    """Both tenants invoice their two partners with ids 424241 and 424242 (numbers KP-1 and
    KP-2), and record other income, all marked with the tenant's marker."""
    for world in (alpha, beta):
        billing = configure_billing(
            world, kind="flat", flat_amount=1000, vat_rate=25 if world is alpha else 0
        )
        with tenant_context(world.tenant), connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('invoicing_invoice', 'id'), %s)",
                [SAME_ID - 2],
            )
        billing.issue()
        with tenant_context(world.tenant):
            assert set(Invoice.objects.values_list("pk", flat=True)) == {SAME_ID - 1, SAME_ID}
            OtherIncome.objects.create(year=2026, source=f"{world.marker} grant", amount=1)


PATHS = [
    "/invoicing/",
    "/invoicing/?status=open",
    "/invoicing/run/?year=2026",
    "/invoicing/funding/",
    "/invoicing/settings/",
    f"/invoicing/{SAME_ID}/",
    f"/invoicing/{SAME_ID}/invoice.pdf",
    f"/invoicing/{SAME_ID}/invoice.xml",
    "/my-partnership/invoices/",
    f"/my-partnership/invoices/{SAME_ID}.xml",
    "/api/v1/invoices/",
    f"/api/v1/invoices/{SAME_ID}/",
    f"/api/v1/invoices/{SAME_ID}/xml/",
    "/api/v1/invoices/export/",
    "/api/v1/invoices/funding/",
    "/api/v1/other-income/",
    "/api/v1/invoicing-settings/",
    "/api/v1/billing-details/1/",
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("persona", [None, *(persona for persona, _ in PERSONAS)])
def test_alpha_never_shows_betas_invoice_with_the_same_id(
    alpha: World,
    beta: World,
    colliding: None,
    path: str,
    persona: str | None,
    django_assert_max_num_queries,
) -> None:
    client = client_for(alpha, persona)
    with django_assert_max_num_queries(14):
        response = client.get(path)
    assert response.status_code in {200, 302, 401, 403, 404}
    assert beta.marker.encode() not in response.content
    staff_page = persona in {"municipal_admin", "municipal_staff"} and path.startswith(
        "/invoicing/"
    )
    if staff_page and (path != "/invoicing/settings/" or persona == "municipal_admin"):
        assert response.status_code == 200


@pytest.mark.parametrize("persona", ["partner_admin", "partner_member"])
def test_a_partner_gets_its_own_invoice_with_the_colliding_id_only(
    alpha: World, beta: World, colliding: None, persona: str
) -> None:
    """Alpha's partner owns one of the two ids; its people download that one and get 404
    for the other, which belongs to the other partner."""
    with tenant_context(alpha.tenant):
        own = Invoice.objects.get(buyer_name=f"{alpha.marker} partner").pk
        other = Invoice.objects.get(buyer_name=f"{alpha.marker} other partner").pk
    client = client_for(alpha, persona)
    response = client.get(f"/my-partnership/invoices/{own}.xml")
    assert response.status_code == 200 and alpha.marker.encode() in response.content
    assert client.get(f"/my-partnership/invoices/{other}.xml").status_code == 404
    assert client.get(f"/api/v1/invoices/{other}/").status_code == 404
