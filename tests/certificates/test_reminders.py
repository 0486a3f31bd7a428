"""The daily certificate run: the partner is reminded once when a certificate enters the
warning window, staff are told once after it expired; in each recipient's language."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django_tenants.utils import tenant_context

from programmes.certificates import notifications, tasks
from programmes.certificates.models import Certificate
from programmes.core.models import SentMail
from programmes.partners.models import Partner, PartnerContact, Stage
from saas.celery import app
from tests.certificates.conftest import Catalogue, make_catalogue
from tests.conftest import World


def _run(world: World) -> dict[str, int]:
    with tenant_context(world.tenant):
        return tasks.remind_certificates()


def _to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def test_the_partner_admin_is_reminded_once_in_the_partners_language(
    alpha: World, catalogue: Catalogue
) -> None:
    with tenant_context(alpha.tenant):
        certificate = catalogue.certificate(
            number="ALPHA-MARKER 4711", expires_on=catalogue.today + dt.timedelta(days=20)
        )
        catalogue.certificate(scheme=catalogue.iso, number="NOT-YET")  # valid for years
    assert _run(alpha) == {"expiring": 1, "expired": 0}
    assert _run(alpha) == {"expiring": 0, "expired": 0}  # the second run sends nothing
    [message] = mail.outbox
    assert message.to == [alpha.email("partner_admin")]
    assert message.extra_headers["Content-Language"] == "da"
    assert catalogue.lighthouse.name in message.subject
    assert "\n" not in message.subject
    assert "ALPHA-MARKER partner" in message.body and "ALPHA-MARKER 4711" in message.body
    assert "http://alpha.localhost/my-partnership/certificates/" in message.body
    assert "&amp;" not in message.body and "&#x27;" not in message.body
    assert "ALPHA-MARKER municipality" in message.from_email
    with tenant_context(alpha.tenant):
        key = f"certificate:{certificate.pk}:expiring:{certificate.expires_on}:"
        assert SentMail.objects.filter(key=key + alpha.email("partner_admin")).exists()


def test_a_partner_without_an_admin_account_is_written_at_its_main_contacts(
    alpha: World, catalogue: Catalogue
) -> None:
    with tenant_context(alpha.tenant):
        PartnerContact.objects.create(
            partner=catalogue.other, name="Main", email="main@other.example", role="main"
        )
        PartnerContact.objects.create(
            partner=catalogue.other, name="Bills", email="bills@other.example", role="invoicing"
        )
        catalogue.certificate(catalogue.other, expires_on=catalogue.today + dt.timedelta(days=1))
    _run(alpha)
    assert [message.to for message in mail.outbox] == [["main@other.example"]]


def test_renewing_the_certificate_brings_a_new_reminder_next_time(
    alpha: World, catalogue: Catalogue
) -> None:
    with tenant_context(alpha.tenant):
        certificate = catalogue.certificate(expires_on=catalogue.today + dt.timedelta(days=30))
    _run(alpha)
    with tenant_context(alpha.tenant):
        # Renewed in place, and three years later it enters the window again.
        Certificate.objects.filter(pk=certificate.pk).update(
            expires_on=catalogue.today + dt.timedelta(days=10)
        )
    _run(alpha)
    assert len(_to(alpha.email("partner_admin"))) == 2


def test_staff_are_told_once_after_a_certificate_expired_in_their_language(
    alpha: World, catalogue: Catalogue
) -> None:
    with tenant_context(alpha.tenant):
        catalogue.certificate(
            number="ALPHA-MARKER EXPIRED", expires_on=catalogue.today - dt.timedelta(days=1)
        )
        staff = alpha.users["municipal_staff"]
        staff.language = "en"
        staff.save(update_fields=["language"])
    first = _run(alpha)
    assert _run(alpha) == {"expiring": 0, "expired": 0}
    assert first["expiring"] == 0 and first["expired"] >= 2
    [to_admin] = _to(alpha.email("municipal_admin"))
    [to_staff] = _to(alpha.email("municipal_staff"))
    assert to_admin.extra_headers["Content-Language"] == "da"  # the tenant's language
    assert to_staff.extra_headers["Content-Language"] == "en"  # the person's own
    assert "Certificate expired: ALPHA-MARKER partner" in to_staff.subject
    partner_page = f"http://alpha.localhost/partners/{catalogue.partner.pk}/"
    assert partner_page in to_admin.body and "ALPHA-MARKER EXPIRED" in to_admin.body
    assert not _to(alpha.email("partner_admin"))  # the partner heard before, when it expired


@pytest.mark.parametrize(
    "situation", ["expired long ago", "renewed", "partner ended", "planned", "no expiry yet"]
)
def test_nothing_is_sent_about_certificates_that_need_no_word(
    alpha: World, catalogue: Catalogue, situation: str
) -> None:
    with tenant_context(alpha.tenant):
        today = catalogue.today
        if situation == "expired long ago":
            catalogue.certificate(expires_on=today - dt.timedelta(days=200))
        elif situation == "renewed":
            catalogue.certificate(expires_on=today - dt.timedelta(days=1))
            catalogue.certificate(expires_on=today + dt.timedelta(days=10))  # also expiring
            catalogue.certificate(expires_on=today + dt.timedelta(days=900))  # the renewal
        elif situation == "partner ended":
            Partner.objects.filter(pk=catalogue.partner.pk).update(stage=Stage.ENDED)
            catalogue.certificate(expires_on=today + dt.timedelta(days=5))
            catalogue.certificate(scheme=catalogue.iso, expires_on=today - dt.timedelta(days=5))
        elif situation == "planned":
            catalogue.planned(planned_by=today + dt.timedelta(days=5))
        else:
            catalogue.certificate(expires_on=None)
    assert _run(alpha) == {"expiring": 0, "expired": 0}
    assert mail.outbox == []


def test_each_tenant_reminds_its_own_partners_in_their_language(
    alpha: World, beta: World, catalogue: Catalogue
) -> None:
    with tenant_context(beta.tenant):
        theirs = make_catalogue(beta)
        theirs.certificate(number="BETA-MARKER 1", expires_on=theirs.today + dt.timedelta(days=3))
    assert _run(alpha) == {"expiring": 0, "expired": 0}
    assert _run(beta) == {"expiring": 1, "expired": 0}
    [message] = mail.outbox
    assert message.to == [beta.email("partner_admin")]
    assert message.extra_headers["Content-Language"] == "sv"
    assert "BETA-MARKER 1" in message.body and "ALPHA-MARKER" not in message.body
    assert "http://beta.localhost/my-partnership/certificates/" in message.body


def test_the_run_is_daily_for_every_tenant() -> None:
    name = "programmes.certificates.tasks.remind_certificates"
    entry = settings.CELERY_BEAT_SCHEDULE["daily-remind_certificates"]
    assert (entry["task"], entry["args"]) == ("tenants.tasks.fan_out", (name,))
    assert name in app.tasks
    assert notifications.certificate_reminders_send.__module__ == notifications.__name__
