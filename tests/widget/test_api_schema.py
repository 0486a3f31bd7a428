"""The widget's data is documented as the one object it is (it was an array in the schema)."""

import pytest

from tests.api.fuzz import fuzz_operation, openapi_schema
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_the_widget_data_matches_its_documented_object(alpha: World) -> None:
    response = openapi_schema("saas.urls_tenant")["paths"]["/api/v1/widget/"]["get"]["responses"]
    assert response["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/WidgetData"
    }
    report = fuzz_operation("GET", "/api/v1/widget/", host=alpha.host)
    assert not report.failures, report.summary()
    assert report.statuses["GET /api/v1/widget/"] == {200}
