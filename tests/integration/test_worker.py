"""A real Celery worker: tasks sent from tenants run in those tenants' schemas."""

import re

import pytest

from tests.integration.stack import Stack, wait_for

pytestmark = pytest.mark.worker

DEMO_SLUGS = ["hjorring", "porvoo", "ostfold", "klimatkommunerna"]


def test_the_worker_sends_each_tenants_invitation_from_its_own_schema(stack: Stack) -> None:
    # load_demo queued one invitation per tenant before the worker started.
    wait_for(lambda: len(stack.mails()) >= len(DEMO_SLUGS), "the four invitation e-mails")
    mails = stack.mails()
    for slug in DEMO_SLUGS:
        [mail] = [text for text in mails if f"To: invitation@{slug}.example" in text]
        links = re.findall(r"http://([a-z]+)\.localhost:\d+/invitations/", mail.replace("=\n", ""))
        assert links == [slug]


def test_a_tenant_onboarded_by_command_gets_its_invitation_from_the_worker(stack: Stack) -> None:
    stack.manage(
        "onboard_tenant",
        "--slug",
        "vejle",
        "--name",
        "Vejle Kommune",
        "--country",
        "DK",
        "--language",
        "da",
        "--admin-email",
        "klima@vejle.example",
    )
    wait_for(
        lambda: any("To: klima@vejle.example" in text for text in stack.mails()),
        "the invitation e-mail of the new tenant",
    )
    [mail] = [text for text in stack.mails() if "To: klima@vejle.example" in text]
    assert "vejle.localhost" in mail.replace("=\n", "")
    assert "Vejle Kommune" in mail
    status, body, _headers = stack.get("vejle")
    assert status == 200
    assert 'lang="da"' in body
