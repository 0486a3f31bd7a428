"""The commitment PDF: its content in the partner's language, who may download it, and the
copy stored at signing."""

import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from babel.dates import format_date
from django.http import FileResponse
from django.utils import timezone
from django_tenants.utils import tenant_context
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from programmes.configuration.models import (
    ContactPerson,
    FeeSchedule,
    Obligation,
    PrivacyStatement,
    SigningRound,
    Tier,
)
from programmes.core.models import AuditEvent
from programmes.partners import services
from programmes.partners.commitment import OfflineURLFetcher, commitment_pdf
from programmes.partners.models import CommitmentDocument, Goal, GoalStatus, Partner, Stage
from tests.conftest import World, client_for

MY = "/my-partnership/commitment.pdf"
# Labels whose translations exist: the document is in the partner's language, not the viewer's.
LABELS = {
    "da": ("CVR-nummer", "Forpligtelser"),
    "sv": ("Organisationsnummer", "Åtaganden"),
}


@dataclass
class Committed:
    partner: Partner
    signing_round: SigningRound

    @property
    def staff_path(self) -> str:
        return f"/partners/{self.partner.pk}/commitment.pdf"

    @property
    def api_path(self) -> str:
        return f"/api/v1/partners/{self.partner.pk}/commitment/"


def _commit(world: World) -> Committed:
    """The world's first partner with proposed goals approved by staff, on the gold tier,
    with obligations for every tier, for gold only and for silver only."""
    language = world.tenant.primary_language
    with tenant_context(world.tenant):
        flat = FeeSchedule.objects.create(
            name={language: "Fast"}, kind="flat", flat_amount=Decimal("12500")
        )
        gold = Tier.objects.create(name={language: "GOLD-TIER"}, fee_schedule=flat)
        silver = Tier.objects.create(name={language: "SILVER-TIER"})
        Obligation.objects.create(kind="other", text={language: "EVERY-TIER-OBLIGATION"})
        Obligation.objects.create(kind="other", text={language: "GOLD-OBLIGATION"}).tiers.add(gold)
        Obligation.objects.create(kind="other", text={language: "SILVER-OBLIGATION"}).tiers.add(
            silver
        )
        PrivacyStatement.objects.create(
            version=97, text={language: "Privatliv"}, published_at=timezone.now()
        )
        partner = Partner.objects.get(name=f"{world.marker} partner")
        partner.stage, partner.tier, partner.employees = Stage.GOALS_PROPOSED, gold, 12
        partner.save()
        for description, status in [
            ("APPROVED-GOAL-ONE", GoalStatus.PROPOSED),
            ("APPROVED-GOAL-TWO", GoalStatus.PROPOSED),
            ("DROPPED-GOAL", GoalStatus.DROPPED),
        ]:
            Goal.objects.create(
                partner=partner,
                theme="energy",
                description=description,
                indicator="Elforbrug",
                unit="kWh",
                baseline_value=Decimal("120000"),
                baseline_year=2025,
                target_value=Decimal("90000.5"),
                target_date=dt.date(2027, 12, 31),
                horizon="long_term",
                status=status,
            )
        partner = services.goals_approve(actor=world.users["municipal_staff"], partner=partner)
        return Committed(partner=partner, signing_round=SigningRound.objects.get())


@pytest.fixture
def committed(alpha: World, settings, tmp_path) -> Committed:
    settings.MEDIA_ROOT = tmp_path
    return _commit(alpha)


def text_of(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def content_of(response: FileResponse) -> bytes:
    # Reading to the end closes the response (and its file) as a WSGI server would; calling
    # close() by hand would also fire request_finished and close the test's connection.
    return b"".join(response.streaming_content)


def pdf_text(response: FileResponse) -> str:
    return text_of(content_of(response))


def test_the_commitment_shows_the_organisation_goals_and_obligations_of_its_tier(
    alpha: World, committed: Committed
) -> None:
    response = client_for(alpha, "partner_admin").get(MY)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert "ALPHA-MARKER partner" in text
    assert "APPROVED-GOAL-ONE" in text and "APPROVED-GOAL-TWO" in text
    assert "DROPPED-GOAL" not in text
    assert "GOLD-TIER" in text
    assert "EVERY-TIER-OBLIGATION" in text and "GOLD-OBLIGATION" in text
    assert "SILVER-OBLIGATION" not in text
    # Before signing: the privacy statement in force, the programme's first contact as
    # signatory (no round booked), and numbers, money and dates the Danish way.
    assert re.search(r"\b97\b", text)
    assert "ALPHA-MARKER contact" in text
    assert "120.000" in text and "90.000,5" in text
    assert "12.500,00 kr." in text
    assert "31. dec. 2027" in text
    assert all(label in text for label in LABELS["da"])


def test_the_commitment_is_in_the_partners_language(beta: World, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    committed = _commit(beta)
    text = pdf_text(client_for(beta, "partner_member").get(MY))
    assert all(label in text for label in LABELS["sv"])
    assert not any(label in text for label in LABELS["da"])
    assert "BETA-MARKER partner" in text and "APPROVED-GOAL-ONE" in text
    assert "31 dec. 2027" in text
    with tenant_context(beta.tenant):
        # The partner's language decides, not the tenant's or the viewer's.
        Partner.objects.filter(pk=committed.partner.pk).update(language="da")
    text = pdf_text(client_for(beta, "municipal_admin").get(committed.staff_path))
    assert all(label in text for label in LABELS["da"])


def test_the_signatory_is_the_booked_rounds(alpha: World, committed: Committed) -> None:
    with tenant_context(alpha.tenant):
        services.partner_book(
            actor=alpha.users["partner_admin"],
            partner=committed.partner,
            signing_round=committed.signing_round,
        )
    text = pdf_text(client_for(alpha, "partner_admin").get(MY))
    assert "ALPHA-MARKER mayor" in text
    assert "ALPHA-MARKER contact" not in text


def test_without_a_round_or_contact_the_municipal_signatory_is_left_blank(
    alpha: World, committed: Committed
) -> None:
    with tenant_context(alpha.tenant):
        ContactPerson.objects.all().delete()
        text = text_of(commitment_pdf(committed.partner))
    assert "ALPHA-MARKER contact" not in text and "ALPHA-MARKER mayor" not in text
    assert "ALPHA-MARKER partner" in text


def test_signing_stores_the_document_as_it_stood_and_serves_it_afterwards(
    alpha: World, committed: Committed
) -> None:
    staff = client_for(alpha, "municipal_admin")
    assert staff.post(f"/partners/{committed.partner.pk}/", {"action": "sign"}).status_code == 302
    with tenant_context(alpha.tenant):
        document = CommitmentDocument.objects.get(partner=committed.partner)
        assert document.language == "da"
        assert document.privacy_statement.version == 97
        assert document.file.storage.exists(document.file.name)
        assert document.file.name.startswith("partners/commitments/")
        stored = document.file.read()
        document.file.close()
        assert AuditEvent.objects.filter(
            action="partner.commitment_stored", target_id=str(committed.partner.pk)
        ).exists()
        # Later changes do not alter what was signed.
        Goal.objects.filter(description="APPROVED-GOAL-ONE").update(description="CHANGED-GOAL")
        Obligation.objects.create(kind="other", text={"da": "LATER-OBLIGATION"})
    for client, path in [
        (client_for(alpha, "partner_member"), MY),
        (staff, committed.staff_path),
        (client_for(alpha, "partner_admin"), committed.api_path),
    ]:
        response = client.get(path)
        assert response.status_code == 200
        assert content_of(response) == stored, path
    text = text_of(stored)
    assert "APPROVED-GOAL-ONE" in text and "CHANGED-GOAL" not in text
    assert "LATER-OBLIGATION" not in text
    # The copy carries the signing date (in Danish) and the version accepted.
    assert format_date(timezone.localdate(), "long", locale="da_DK") in text
    assert re.search(r"\b97\b", text)


def test_a_signing_that_cannot_draw_the_document_signs_nothing(
    alpha: World, committed: Committed, monkeypatch
) -> None:
    def broken(partner: Partner) -> bytes:
        raise RuntimeError("no pango")

    monkeypatch.setattr("programmes.partners.commitment.commitment_pdf", broken)
    with tenant_context(alpha.tenant), pytest.raises(RuntimeError):
        services.partner_sign(actor=alpha.users["municipal_admin"], partner=committed.partner)
    with tenant_context(alpha.tenant):
        partner = Partner.objects.get(pk=committed.partner.pk)
        assert partner.stage == Stage.APPROVED and partner.joined_on is None
        assert not CommitmentDocument.objects.exists()


@pytest.mark.parametrize("stage", [Stage.APPLIED, Stage.ASSESSED, Stage.GOALS_PROPOSED])
def test_there_is_no_commitment_before_the_goals_are_approved(
    alpha: World, committed: Committed, stage: str
) -> None:
    with tenant_context(alpha.tenant):
        Partner.objects.filter(pk=committed.partner.pk).update(stage=stage)
    assert client_for(alpha, "partner_admin").get(MY).status_code == 404
    assert client_for(alpha, "municipal_staff").get(committed.staff_path).status_code == 404
    assert client_for(alpha, "partner_admin").get(committed.api_path).status_code == 404
    assert (
        "commitment.pdf"
        not in client_for(alpha, "partner_admin").get("/my-partnership/").content.decode()
    )


def test_the_pages_link_to_the_download(alpha: World, committed: Committed) -> None:
    assert MY in client_for(alpha, "partner_member").get("/my-partnership/").content.decode()
    page = client_for(alpha, "municipal_staff").get(f"/partners/{committed.partner.pk}/")
    assert committed.staff_path in page.content.decode()


def test_a_member_of_another_partner_cannot_get_this_partners_commitment(
    alpha: World, committed: Committed
) -> None:
    other = client_for(alpha, "other_partner_member")
    assert other.get(committed.api_path).status_code == 404
    assert other.get(committed.staff_path).status_code == 403
    # Their own page gives their own partner's document, never this one.
    text = pdf_text(other.get(MY))
    assert "ALPHA-MARKER other partner" in text and "APPROVED-GOAL-ONE" not in text


def test_staff_of_another_tenant_get_their_own_partner_with_the_same_id(
    alpha: World, beta: World, committed: Committed
) -> None:
    response = client_for(beta, "municipal_admin").get(committed.staff_path)
    assert response.status_code == 200  # beta's partner with the colliding id is active
    text = pdf_text(response)
    assert "BETA-MARKER partner" in text and alpha.marker not in text


@pytest.mark.parametrize(
    ("path", "expected"), [(MY, 302), ("/partners/{pk}/commitment.pdf", 302), ("api", 401)]
)
def test_anonymous_visitors_are_sent_to_sign_in_or_refused(
    alpha: World, committed: Committed, path: str, expected: int
) -> None:
    path = committed.api_path if path == "api" else path.format(pk=committed.partner.pk)
    response = client_for(alpha).get(path)
    assert response.status_code == expected
    if expected == 302:
        assert "/accounts/login/" in response["Location"]


def test_the_download_is_an_attachment_with_a_safe_name(alpha: World, committed: Committed) -> None:
    with tenant_context(alpha.tenant):
        Partner.objects.filter(pk=committed.partner.pk).update(name='Grøn "Bager"/../etc ApS')
    response = client_for(alpha, "partner_admin").get(MY)
    content_of(response)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "/" not in disposition and ".." not in disposition.replace(".pdf", "")
    assert disposition.endswith('.pdf"') or disposition.endswith(".pdf")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_the_api_serves_the_pdf_to_clients_asking_for_it(
    alpha: World, committed: Committed
) -> None:
    client = client_for(alpha, "municipal_staff")
    response = client.get(committed.api_path, HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "ALPHA-MARKER partner" in pdf_text(response)
    with tenant_context(alpha.tenant):
        Partner.objects.filter(pk=committed.partner.pk).update(stage=Stage.ASSESSED)
    refused = client.get(committed.api_path, HTTP_ACCEPT="application/pdf")
    assert refused.status_code == 404
    assert refused["Content-Type"] == "application/json"
    assert "detail" in refused.json()


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("partner_admin", MY),
        ("partner_member", MY),
        ("municipal_staff", "staff"),
        ("partner_member", "api"),
    ],
)
@pytest.mark.parametrize("signed", [False, True])
def test_downloads_take_a_fixed_number_of_queries(
    alpha: World,
    committed: Committed,
    persona: str,
    path: str,
    signed: bool,
    django_assert_max_num_queries,
) -> None:
    if signed:
        with tenant_context(alpha.tenant):
            services.partner_sign(actor=alpha.users["municipal_admin"], partner=committed.partner)
    path = {"staff": committed.staff_path, "api": committed.api_path}.get(path, path)
    client = client_for(alpha, persona)
    with django_assert_max_num_queries(12):
        response = client.get(path)
    assert response.status_code == 200
    content_of(response)


@pytest.mark.parametrize(
    "url", ["https://fonts.example/x.woff2", "http://169.254.169.254/", "file:///etc/passwd"]
)
def test_rendering_fetches_nothing_from_outside(url: str) -> None:
    with pytest.raises(FatalURLFetchingError):
        OfflineURLFetcher().fetch(url)
    html = f'<link rel="stylesheet" href="{url}"><p>x</p>'
    with pytest.raises(FatalURLFetchingError):
        HTML(string=html, url_fetcher=OfflineURLFetcher()).write_pdf()
