"""A real Celery worker: tasks sent from tenants run in those tenants' schemas."""

import email
import email.header
import email.message
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


def _parsed(text: str) -> list[email.message.Message]:
    """The mails of a file the file backend wrote: each message, then a line of dashes."""
    chunks = text.split("-" * 79 + "\n")
    return [email.message_from_string(chunk) for chunk in chunks if chunk.strip()]


def _body(message: email.message.Message) -> str:
    return message.get_payload(decode=True).decode()


def _subject(message: email.message.Message) -> str:
    return str(email.header.make_header(email.header.decode_header(message["Subject"])))


@pytest.mark.parametrize(
    ("slug", "language", "word"),
    [("hjorring", "da", "opfølgning"), ("ostfold", "nb", "oppfølging")],
)
def test_the_worker_e_mails_the_annual_follow_up_in_the_partners_language(
    stack: Stack, slug: str, language: str, word: str
) -> None:
    result = stack.manage("open_follow_ups", "--tenant", slug, "--year", "2031")
    opened = int(re.search(r"(\d+) follow-ups opened", result.stdout).group(1))
    assert opened > 5

    link = f"http://{slug}.localhost:{stack.port}/my-partnership/follow-up/"

    def follow_up_mails() -> list[email.message.Message]:
        messages = [message for text in stack.mails() for message in _parsed(text)]
        return [m for m in messages if "2031" in _subject(m) and link in _body(m)]

    wait_for(lambda: len(follow_up_mails()) >= opened, f"{opened} follow-up e-mails of {slug}")
    for message in follow_up_mails():
        assert message["Content-Language"] == language
        assert word in _subject(message).lower()
