"""The OpenAPI schemas generate and validate without warnings (tenant and operator API)."""

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command


@pytest.mark.parametrize("urlconf", ["saas.urls_tenant", "saas.urls_public"])
def test_the_openapi_schema_validates_without_warnings(
    urlconf: str, tmp_path: Path, settings
) -> None:
    settings.ROOT_URLCONF = urlconf
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    paths = yaml.safe_load(target.read_text())["paths"]
    expected = "/api/v1/fee-schedules/" if urlconf.endswith("tenant") else "/api/v1/tenants/"
    assert expected in paths
