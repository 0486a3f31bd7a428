"""Notification preferences: one object, empty ``updated_at`` until first saved, and a save
answers 200 (all three differed from the schema)."""

import pytest

from tests.api.fuzz import fuzz_operation, token_headers
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_preferences_answer_what_the_schema_documents(alpha: World, method: str) -> None:
    headers = token_headers(alpha.users["partner_member"], alpha.tenant)
    path = "/api/v1/notification-preferences/"
    report = fuzz_operation(method, path, host=alpha.host, headers=headers)
    assert not report.failures, report.summary()
    assert 200 in report.statuses[f"{method} {path}"]
