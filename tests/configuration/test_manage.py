"""The municipal admin's configuration pages."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context
from PIL import Image

from programmes.configuration.models import (
    AwardCategory,
    ContactPerson,
    FeeSchedule,
    PrivacyStatement,
    Programme,
    SigningRound,
)
from programmes.configuration.views import SECTIONS
from programmes.core.models import AuditEvent
from tests.conftest import World, client_for

PAGES = [
    "/manage/",
    "/manage/profile/",
    "/manage/files/",
    "/manage/privacy/",
    "/manage/fees/new/",
    "/manage/awards/new/",
    *(f"/manage/{slug}/" for slug in SECTIONS),
]


def png(width: int = 4, height: int = 4) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "green").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("municipal_admin", 200),
        ("municipal_staff", 403),
        ("partner_admin", 403),
        ("partner_member", 403),
        (None, 302),
    ],
)
def test_only_municipal_admins_configure_the_programme(
    alpha: World, path: str, persona: str | None, expected: int, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, persona)
    with django_assert_max_num_queries(12):
        response = client.get(path)
    assert response.status_code == expected


def test_pages_are_in_the_tenants_language(alpha: World) -> None:
    response = client_for(alpha, "municipal_admin").get("/manage/")
    assert response["Content-Language"] == "da"
    assert "<h1>Programkonfiguration</h1>" in response.content.decode()


def test_the_profile_is_edited_in_every_language_of_the_tenant(alpha: World) -> None:
    client = client_for(alpha, "municipal_admin")
    form = client.get("/manage/profile/").content.decode()
    assert 'name="name__da"' in form and 'name="name__en"' in form
    assert 'lang="en"' in form
    response = client.post(
        "/manage/profile/",
        {
            "name__da": "Grønt partnerskab",
            "name__en": "Green partnership",
            "member_kind": "organisations",
            "target_year": "2040",
            "main_events_expected": "3",
            "benefits": ["network", "symbol"],
            "reminder_interval_days": "10",
            "reminders_before_unresponsive": "3",
            "retention_years": "5",
            "certificate_warning_days": "60",
            "public_figures": ["partners", "emissions"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(alpha.tenant):
        programme = Programme.objects.get()
        assert programme.name == {"da": "Grønt partnerskab", "en": "Green partnership"}
        assert programme.target_year == 2040
        assert programme.benefits == ["network", "symbol"]
        assert programme.reminder_interval_days == 10
        assert programme.public_figures == ["partners", "emissions"]
        assert AuditEvent.objects.filter(action="programme.updated").exists()


def test_the_primary_language_is_required(alpha: World) -> None:
    response = client_for(alpha, "municipal_admin").post(
        "/manage/profile/",
        {
            "name__en": "Only English",
            "member_kind": "organisations",
            "main_events_expected": "0",
        },
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_an_admin_adds_edits_and_deletes_a_contact(alpha: World) -> None:
    client = client_for(alpha, "municipal_admin")
    response = client.post(
        "/manage/contacts/new/",
        {
            "name": "Mette Jensen",
            "title__da": "Klimakoordinator",
            "email": "mj@alpha.example",
            "order": "1",
        },
    )
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        contact = ContactPerson.objects.get(name="Mette Jensen")
    assert "Mette Jensen" in client.get("/manage/contacts/").content.decode()
    client.post(
        f"/manage/contacts/{contact.pk}/",
        {"name": "Mette Jensen", "title__da": "Klimachef", "order": "1"},
    )
    with tenant_context(alpha.tenant):
        contact.refresh_from_db()
        assert contact.title == {"da": "Klimachef"}
    client.post(f"/manage/contacts/{contact.pk}/delete/")
    with tenant_context(alpha.tenant):
        assert not ContactPerson.objects.filter(pk=contact.pk).exists()
        assert AuditEvent.objects.filter(action="contactperson.deleted").exists()


def test_overlapping_fee_bands_are_refused_with_a_message(alpha: World) -> None:
    response = client_for(alpha, "municipal_admin").post(
        "/manage/fees/new/",
        {
            "name__da": "Partnergebyr",
            "kind": "banded",
            "size_measure": "employees",
            "joining_fee": "0",
            "pro_rata": "full_year",
            "vat_rate": "25",
            "bands-TOTAL_FORMS": "2",
            "bands-INITIAL_FORMS": "0",
            "bands-0-min_size": "0",
            "bands-0-max_size": "20",
            "bands-0-amount": "3000",
            "bands-1-min_size": "10",
            "bands-1-max_size": "",
            "bands-1-amount": "5000",
        },
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    with tenant_context(alpha.tenant):
        assert not FeeSchedule.objects.filter(name__da="Partnergebyr").exists()


def test_a_banded_fee_schedule_is_saved_with_its_bands(alpha: World) -> None:
    client = client_for(alpha, "municipal_admin")
    response = client.post(
        "/manage/fees/new/",
        {
            "name__da": "Partnergebyr",
            "kind": "banded",
            "size_measure": "employees",
            "joining_fee": "0",
            "pro_rata": "monthly",
            "vat_rate": "25",
            "bands-TOTAL_FORMS": "2",
            "bands-INITIAL_FORMS": "0",
            "bands-0-min_size": "0",
            "bands-0-max_size": "9",
            "bands-0-amount": "3000",
            "bands-1-min_size": "10",
            "bands-1-max_size": "",
            "bands-1-amount": "5000",
        },
    )
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        schedule = FeeSchedule.objects.get(name__da="Partnergebyr")
        assert schedule.bands.count() == 2
    page = client.get(f"/manage/fees/{schedule.pk}/").content.decode()
    assert "3.000,00" in page  # Babel, da_DK


def test_a_nomination_window_ending_before_it_starts_is_refused(alpha: World) -> None:
    response = client_for(alpha, "municipal_admin").post(
        "/manage/awards/new/",
        {
            "name__da": "Årets klimapartner",
            "nomination_opens": "2027-05-01",
            "nomination_closes": "2027-04-01",
            "nominators": ["partners"],
            "previous_winners_excluded": "on",
            "criteria-TOTAL_FORMS": "1",
            "criteria-INITIAL_FORMS": "0",
            "criteria-0-name__da": "Effekt",
            "criteria-0-weight": "60",
        },
    )
    assert response.status_code == 200
    assert (
        "ends before it starts" in response.content.decode()
        or 'role="alert"' in response.content.decode()
    )
    with tenant_context(alpha.tenant):
        assert not AwardCategory.objects.exists()


def test_an_award_is_saved_with_weighted_criteria(alpha: World) -> None:
    response = client_for(alpha, "municipal_admin").post(
        "/manage/awards/new/",
        {
            "name__da": "Årets klimapartner",
            "nomination_opens": "2027-04-01",
            "nomination_closes": "2027-05-01",
            "nominators": ["partners", "public"],
            "criteria-TOTAL_FORMS": "2",
            "criteria-INITIAL_FORMS": "0",
            "criteria-0-name__da": "Effekt",
            "criteria-0-weight": "60",
            "criteria-1-name__da": "Inspiration",
            "criteria-1-weight": "40",
        },
    )
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        award = AwardCategory.objects.get()
        assert [c.weight for c in award.criteria.all()] == [60, 40]
        assert award.nominators == ["partners", "public"]


def test_a_signing_round_in_the_past_is_refused(alpha: World) -> None:
    past = (timezone.localtime() - dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(alpha, "municipal_admin").post(
        "/manage/signing-rounds/new/",
        {
            "title__da": "Underskrift",
            "starts_at": past,
            "place": "Rådhuset",
            "capacity": "20",
            "signatory_name": "Borgmester",
            "signatory_title__da": "Borgmester",
            "booking_open": "on",
        },
    )
    assert response.status_code == 200
    with tenant_context(alpha.tenant):
        assert not SigningRound.objects.filter(place="Rådhuset").exists()


def test_privacy_statement_versions_are_drafted_and_published(alpha: World) -> None:
    client = client_for(alpha, "municipal_admin")
    client.post("/manage/privacy/new/", {"text__da": "Vi behandler dine data ansvarligt."})
    with tenant_context(alpha.tenant):
        draft = PrivacyStatement.objects.get(published_at__isnull=True)
    client.post(f"/manage/privacy/{draft.pk}/publish/")
    with tenant_context(alpha.tenant):
        draft.refresh_from_db()
        assert draft.published_at is not None
    # A published version cannot be edited any more.
    response = client.post(f"/manage/privacy/{draft.pk}/", {"text__da": "Ændret"})
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        draft.refresh_from_db()
        assert draft.text == {"da": "Vi behandler dine data ansvarligt."}


def test_an_image_is_accepted_as_the_symbol_and_served(alpha: World, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = client_for(alpha, "municipal_admin")
    response = client.post(
        "/manage/files/",
        {"symbol": SimpleUploadedFile("../../etc/passwd.png", png(), content_type="image/png")},
    )
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        symbol = Programme.objects.get().symbol
        name, path = symbol.name, symbol.path
    assert name.startswith("programme/symbol-") and "passwd" not in name
    # Stored under the tenant's own folder. (django-tenants' storage caches its root, so the
    # folder is the MEDIA_ROOT of whichever test used the storage first.)
    assert path.endswith(f"/alpha/{name}")
    assert Path(path).exists()
    served = client_for(alpha).get("/programme/symbol/")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("symbol.png", b"GIF89a not a png"),
        ("symbol.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
        ("symbol.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("symbol.svg", b"<!DOCTYPE svg [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><svg>&x;</svg>"),
        ("symbol.png", b"\x89PNG\r\n\x1a\nbroken"),
        ("symbol.png", b""),
    ],
)
def test_a_symbol_that_is_not_a_safe_image_is_refused(
    alpha: World, name: str, content: bytes, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    response = client_for(alpha, "municipal_admin").post(
        "/manage/files/", {"symbol": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    with tenant_context(alpha.tenant):
        assert not Programme.objects.get().symbol


def test_guidelines_must_be_a_pdf_without_scripts(alpha: World, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = client_for(alpha, "municipal_admin")
    bad = client.post(
        "/manage/files/",
        {
            "guidelines": SimpleUploadedFile(
                "g.pdf",
                b"%PDF-1.7\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
            )
        },
    )
    assert bad.status_code == 200
    good = client.post(
        "/manage/files/",
        {
            "guidelines": SimpleUploadedFile(
                "g.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF"
            )
        },
    )
    assert good.status_code == 302
    assert client_for(alpha).get("/programme/guidelines/")["Content-Type"] == "application/pdf"
