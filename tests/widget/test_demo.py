"""The demo's widget settings."""

from django_tenants.utils import tenant_context

from programmes.widget.demo import demo_widget_create
from programmes.widget.models import WidgetSettings
from tests.conftest import World, client_for


def test_the_demo_lists_the_website_and_a_local_page_once(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        made = demo_widget_create(slug="hjorring")
        assert made is not None
        assert made.allowed_origins == [
            "https://hjoring.dk",
            "https://www.hjoring.dk",
            "http://localhost:8080",
        ]
        assert demo_widget_create(slug="hjorring") is None
        assert WidgetSettings.objects.count() == 1
    response = client_for(alpha).get("/api/v1/widget/", HTTP_ORIGIN="http://localhost:8080")
    assert response["Access-Control-Allow-Origin"] == "http://localhost:8080"
