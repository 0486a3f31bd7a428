"""A programme that never charged fees answers 404 on its invoicing endpoints: documented."""

import pytest
from django_tenants.utils import tenant_context

from programmes.configuration.selectors import programme_charges_fees
from tests.api.fuzz import fuzz_operation, token_headers
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/invoices/", "/api/v1/invoicing-settings/"])
def test_no_invoicing_is_the_documented_404(alpha: World, path: str) -> None:
    with tenant_context(alpha.tenant):
        assert not programme_charges_fees()
    headers = token_headers(alpha.users["municipal_admin"], alpha.tenant)
    report = fuzz_operation("GET", path, host=alpha.host, headers=headers)
    assert not report.failures, report.summary()
    assert report.statuses[f"GET {path}"] == {404}
