"""The figures API documents the 404 of a programme that publishes no figures, and its one
object (not an array)."""

import pytest

from tests.api.fuzz import fuzz_operation, token_headers
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_a_programme_without_public_figures_answers_the_documented_404(alpha: World) -> None:
    report = fuzz_operation("GET", "/api/v1/figures/", host=alpha.host)
    assert not report.failures, report.summary()
    assert report.statuses["GET /api/v1/figures/"] == {404}


def test_staff_get_the_documented_figures(alpha: World) -> None:
    headers = token_headers(alpha.users["municipal_staff"], alpha.tenant)
    report = fuzz_operation("GET", "/api/v1/figures/", host=alpha.host, headers=headers)
    assert not report.failures, report.summary()
    assert report.statuses["GET /api/v1/figures/"] == {200}
