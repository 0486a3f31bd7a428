"""Bringing an existing programme over: partners, contacts and goals from CSV or XLSX, with
a preview, one message per bad row and column, and nothing written when any row is bad."""

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django_tenants.utils import tenant_context
from openpyxl import Workbook, load_workbook

from programmes.core.models import AuditEvent
from programmes.core.uploads import XLSX_TYPE
from programmes.partners import importing
from programmes.partners.models import Goal, Partner, PartnerContact, Stage, StageChange
from tests.conftest import World, client_for

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
DANISH_PARTNERS = [
    # Headers in Danish (the contact columns in English: any of the tenant's languages or
    # English is accepted), labels in Danish or codes, Danish dates and numbers.
    [
        "Organisationens navn",
        "CVR-nummer",
        "Organisationstype",
        "Branche",
        "Antal ansatte",
        "Gadeadresse",
        "Postnummer",
        "By",
        "Contact name",
        "Contact e-mail address",
        "Contact phone",
        "Fase",
        "Underskrevet den",
        "Sprog",
        "Noter",
    ],
    [
        "Nordisk Byg A/S",
        "41 00 00 07",
        "Virksomhed",
        "Erhvervsservice og IT",
        "40",
        "Havnegade 3",
        "9800",
        "Hjørring",
        "Mette Jensen",
        "Mette@NordiskByg.example",
        "+45 11 22 33 44",
        "Aktiv partner",
        "01.03.2023",
        "da",
        "vores egen note",
    ],
    ["Fonden Grøn Fremtid", "41000015", "ngo", "culture", "", "", "", "", "Ole Hansen",
     "ole@groen.example", "", "Mål godkendt", "", "", ""],
    [],
    ["Hjørring Gymnasium", "41000023", "school", "education", "80", "", "", "", "Lise Berg",
     "lise@gym.example", "", "applied", "", "en", ""],
]  # fmt: skip
DANISH_GOALS = [
    ["CVR-nummer", "Tema", "Mål", "Indikator", "Enhed", "Udgangsværdi", "Basisår", "Målværdi",
     "Måldato", "Tidshorisont"],
    ["41000007", "Energi", "Halvere elforbruget", "Elforbrug", "MWh", "1.234,5", "2022",
     "617,25", "31-12-2030", "Længere sigt"],
    ["41000007", "transport", "Elbiler", "Andel elbiler", "%", "10", "2022", "100",
     "2026-12-31", "one_year"],
    ["41000023", "Energi", "LED-lys", "Elforbrug", "kWh", "5000", "2023", "4000", "2025-06-30",
     "Næste år"],
]  # fmt: skip

# English headers, codes: the base of the error cases, changed one cell at a time.
BASE_PARTNERS: list[dict[str, str]] = [
    {
        "name": "Nordisk Byg",
        "business_id": "41000007",
        "kind": "company",
        "sector": "construction",
        "contact_name": "Mette Jensen",
        "contact_email": "mette@byg.example",
        "stage": "active",
        "joined_on": "2023-03-01",
    },
    {
        "name": "Grøn Fond",
        "business_id": "41000015",
        "kind": "ngo",
        "sector": "culture",
        "contact_name": "Ole Hansen",
        "contact_email": "ole@fond.example",
        "stage": "approved",
    },
]
BASE_GOALS: list[dict[str, str]] = [
    {
        "business_id": "41000007",
        "theme": "energy",
        "description": "Less electricity",
        "indicator": "Electricity use",
        "unit": "MWh",
        "baseline_value": "100",
        "baseline_year": "2022",
        "target_value": "80",
        "target_date": "2030-12-31",
        "horizon": "long_term",
    }
]


def csv_bytes(rows: list[list[Any]], delimiter: str = ";", encoding: str = "utf-8-sig") -> bytes:
    output = io.StringIO()
    csv.writer(output, delimiter=delimiter).writerows(rows)
    return output.getvalue().encode(encoding)


def keyed_csv(sheet: str, rows: list[dict[str, str]]) -> bytes:
    columns = importing.COLUMNS[sheet]
    with translation.override("en"):
        header = [column.header for column in columns]
    return csv_bytes([header, *([row.get(c.key, "") for c in columns] for row in rows)])


def xlsx_bytes(sheets: dict[str, list[list[Any]]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        worksheet = workbook.create_sheet(title)
        for row in rows:
            worksheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def upload(content: bytes, name: str = "partners.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def counts(world: World) -> tuple[int, ...]:
    with tenant_context(world.tenant):
        # Refused requests are recorded (request.refused): only changes count here.
        return (
            *(model.objects.count() for model in (Partner, PartnerContact, Goal, StageChange)),
            AuditEvent.objects.exclude(action="request.refused").count(),
        )


def preview(client: Client, content: bytes, goals: bytes | None = None, name: str = "p.csv"):  # type: ignore[no-untyped-def]
    data: dict[str, Any] = {"action": "preview", "file": upload(content, name)}
    if goals is not None:
        data["goals_file"] = upload(goals, "goals.csv")
    return client.post("/partners/import/", data)


def api_import(client: Client, content: bytes, goals: bytes | None = None, **extra: Any):  # type: ignore[no-untyped-def]
    data: dict[str, Any] = {"file": upload(content), **extra}
    if goals is not None:
        data["goals_file"] = upload(goals, "goals.csv")
    return client.post("/api/v1/partners/import/", data, HTTP_ACCEPT_LANGUAGE="en")


# --- Happy paths --------------------------------------------------------------------------


def test_staff_import_a_danish_csv_with_goals_after_a_preview(
    alpha: World, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, "municipal_staff")
    before = counts(alpha)
    with django_assert_max_num_queries(10):
        response = preview(client, csv_bytes(DANISH_PARTNERS), csv_bytes(DANISH_GOALS))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' not in body
    assert "Nordisk Byg A/S" in body and "Aktiv partner" in body
    assert "Noter" in body  # the programme's own column is named as left out
    assert counts(alpha) == before  # the preview writes nothing

    with django_assert_max_num_queries(60):
        response = client.post(
            "/partners/import/", {"action": "confirm", "token": response.context["token"]}
        )
    assert response.status_code == 302
    assert response["Location"] == "/partners/"
    with tenant_context(alpha.tenant):
        active = Partner.objects.get(business_id="41000007")
        assert (active.stage, active.joined_on) == (Stage.ACTIVE, dt.date(2023, 3, 1))
        assert (active.kind, active.sector, active.employees) == ("company", "services", 40)
        assert (active.street, active.postcode, active.city) == ("Havnegade 3", "9800", "Hjørring")
        contact = active.contacts.get()
        assert (contact.name, contact.email, contact.phone, contact.role) == (
            "Mette Jensen",
            "mette@nordiskbyg.example",
            "+45 11 22 33 44",
            "main",
        )
        goals = {goal.description: goal for goal in active.goals.all()}
        assert set(goals) == {"Halvere elforbruget", "Elbiler"}
        assert goals["Halvere elforbruget"].baseline_value == Decimal("1234.50")
        assert goals["Halvere elforbruget"].target_date == dt.date(2030, 12, 31)
        assert goals["Elbiler"].horizon == "one_year"
        assert {goal.status for goal in goals.values()} == {"approved"}

        approved = Partner.objects.get(business_id="41000015")
        assert (approved.stage, approved.joined_on, approved.language) == ("approved", None, "da")
        assert not approved.goals.exists()

        applied = Partner.objects.get(business_id="41000023")
        assert (applied.stage, applied.language) == ("applied", "en")
        assert list(applied.goals.values_list("status", flat=True)) == ["draft"]

        timeline = StageChange.objects.get(partner=active)
        assert (timeline.from_stage, timeline.to_stage) == ("", "active")
        assert timeline.actor_label == alpha.email("municipal_staff")
        event = AuditEvent.objects.get(action="partners.imported")
        assert event.data["partners"] == 3 and event.data["goals"] == 3
        assert event.data["stages"] == {"active": 1, "approved": 1, "applied": 1}
    after = counts(alpha)
    assert after[:3] == (before[0] + 3, before[1] + 3, before[2] + 3)
    # The session no longer holds the upload: confirming twice imports nothing.
    response = client.post("/partners/import/", {"action": "confirm", "token": "x"})
    assert 'role="alert"' in response.content.decode()


def test_an_xlsx_with_swedish_headers_and_a_goals_sheet_comes_in_through_the_api(
    beta: World,
) -> None:
    partners = [
        ["Organisationens namn", "Organisationsnummer", "Typ av organisation", "Bransch",
         "Antal anställda", "Gatuadress", "Postnummer", "Ort", "Contact name",
         "Contact e-mail address", "Contact phone", "Fas", "Undertecknat den", "Språk"],
        ["Norrbygg AB", "559000-0005", "Företag", "Tillverkningsindustri", 120, "Storgatan 1",
         "123 45", "Umeå", "Sven Svensson", "sven@norrbygg.example", "070-123 45 67",
         "Aktiv partner", dt.datetime(2022, 5, 17), "svenska"],
        ["Grön Förening", 5590000013, "ngo", "Kultur, idrott och föreningar", None, None, None,
         None, "Eva Ek", "eva@gron.example", None, "Mål föreslagna", None, "en"],
    ]  # fmt: skip
    goals = [
        ["Organisationsnummer", "Tema", "Mål", "Indikator", "Enhet", "Utgångsvärde", "Basår",
         "Målvärde", "Måldatum", "Tidshorisont"],
        ["5590000005", "Energi", "Halvera elen", "Elanvändning", "MWh", 80.5, 2021, 40,
         dt.datetime(2030, 1, 1), "Längre sikt"],
        ["5590000013", "Transporter", "Cykla mer", "Andel cykelresor", "%", 10, 2023, 30,
         "2027-06-30", "Nästa år"],
    ]  # fmt: skip
    content = xlsx_bytes({"Partner": partners, "Mål": goals})
    client = client_for(beta, "municipal_admin")
    before = counts(beta)

    response = client.post(
        "/api/v1/partners/import/",
        {"file": upload(content, "partners.xlsx"), "dry_run": "true"},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["created"] == 0
    assert [row["goals"] for row in response.json()["partners"]] == [1, 1]
    assert counts(beta) == before

    response = client.post("/api/v1/partners/import/", {"file": upload(content, "p.xlsx")})
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 2 and response.json()["goals"] == 2
    with tenant_context(beta.tenant):
        active = Partner.objects.get(business_id="5590000005")
        assert (active.stage, active.joined_on, active.language) == (
            "active",
            dt.date(2022, 5, 17),
            "sv",
        )
        assert (active.kind, active.sector, active.employees) == ("company", "manufacturing", 120)
        goal = active.goals.get()
        assert (goal.baseline_value, goal.target_date, goal.status) == (
            Decimal("80.50"),
            dt.date(2030, 1, 1),
            "approved",
        )
        proposed = Partner.objects.get(business_id="5590000013")
        assert proposed.stage == "goals_proposed"
        # Staff approve proposed goals: imported ones must wait as proposed, not as drafts.
        assert proposed.goals.get().status == "proposed"
        assert proposed.contacts.get().email == "eva@gron.example"


def test_a_windows_csv_with_commas_is_read(alpha: World) -> None:
    rows = [
        ["Organisation name", "Business id", "Kind of organisation", "Sector", "Contact name",
         "Contact e-mail address", "Stage"],
        ["Grøn Bager", "41000007", "company", "retail", "Åse Ørum", "aase@bager.example",
         "assessed"],
    ]  # fmt: skip
    response = api_import(
        client_for(alpha, "municipal_admin"), csv_bytes(rows, ",", "cp1252"), dry_run="false"
    )
    assert response.status_code == 201, response.json()
    with tenant_context(alpha.tenant):
        partner = Partner.objects.get(business_id="41000007")
        assert (partner.name, partner.stage) == ("Grøn Bager", "assessed")
        assert partner.contacts.get().name == "Åse Ørum"


# --- Templates ------------------------------------------------------------------------


def test_the_xlsx_template_is_in_danish_and_imports_as_it_is(
    alpha: World, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, "municipal_admin")
    with django_assert_max_num_queries(8):
        response = client.get("/partners/import/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["Partnere", "Mål"]
    header, example = list(workbook["Partnere"].iter_rows(values_only=True))[:2]
    assert {"CVR-nummer", "Fase", "Branche", "Underskrevet den"} <= set(header)
    assert "Aktiv partner" in example
    assert "Udgangsværdi" in next(workbook["Mål"].iter_rows(values_only=True))
    workbook.close()

    response = preview(client, response.content, name="skabelon.xlsx")
    assert 'role="alert"' not in response.content.decode(), response.content.decode()
    client.post("/partners/import/", {"action": "confirm", "token": response.context["token"]})
    with tenant_context(alpha.tenant):
        partner = Partner.objects.get(business_id="12345674")
        assert (partner.stage, partner.joined_on) == ("active", dt.date(2024, 3, 1))
        assert partner.contacts.get().email == "anna@example.org"
        assert partner.goals.get().status == "approved"


def test_the_csv_templates_are_in_swedish_and_import_as_they_are(beta: World) -> None:
    client = client_for(beta, "municipal_staff")
    partners = client.get("/partners/import/template.csv")
    goals = client.get("/partners/import/template.csv?sheet=goals")
    assert partners.status_code == goals.status_code == 200
    assert partners["Content-Type"].startswith("text/csv")
    text = partners.content.decode("utf-8-sig")
    assert text.splitlines()[0].split(";")[:3] == [
        "Organisationens namn",
        "Organisationsnummer",
        "Typ av organisation",
    ]
    assert "Aktiv partner" in text
    assert "Utgångsvärde" in goals.content.decode("utf-8-sig")
    response = client.post(
        "/api/v1/partners/import/",
        {"file": upload(partners.content), "goals_file": upload(goals.content, "mal.csv")},
    )
    assert response.status_code == 201, response.json()
    with tenant_context(beta.tenant):
        partner = Partner.objects.get(business_id="5561234567")
        assert partner.goals.get().target_date == dt.date(2030, 12, 31)


# --- Every problem named by row and column; nothing written ----------------------------


def _changed(rows: list[dict[str, str]], index: int, **change: str) -> list[dict[str, str]]:
    return [{**row, **change} if position == index else row for position, row in enumerate(rows)]


ROW_ERRORS = [
    ("bad business id", _changed(BASE_PARTNERS, 0, business_id="41000008"), [],
     ("partners", 2, "business_id")),
    ("duplicate in the file", _changed(BASE_PARTNERS, 1, business_id="41 00 00 07"), BASE_GOALS,
     ("partners", 3, "business_id")),
    ("already a partner", _changed(BASE_PARTNERS, 1, business_id="30000005"), BASE_GOALS,
     ("partners", 3, "business_id")),
    ("unknown stage", _changed(BASE_PARTNERS, 1, stage="paused"), BASE_GOALS,
     ("partners", 3, "stage")),
    ("ended partners", _changed(BASE_PARTNERS, 1, stage="ended"), BASE_GOALS,
     ("partners", 3, "stage")),
    ("bad date", _changed(BASE_PARTNERS, 0, joined_on="31.02.2023"), BASE_GOALS,
     ("partners", 2, "joined_on")),
    ("no signing date for an active partner", _changed(BASE_PARTNERS, 0, joined_on=""),
     BASE_GOALS, ("partners", 2, "joined_on")),
    ("signing date of a partner not active", _changed(BASE_PARTNERS, 1, joined_on="2023-01-01"),
     BASE_GOALS, ("partners", 3, "joined_on")),
    ("unknown sector", _changed(BASE_PARTNERS, 1, sector="space"), BASE_GOALS,
     ("partners", 3, "sector")),
    ("bad e-mail address", _changed(BASE_PARTNERS, 0, contact_email="mette at byg"), BASE_GOALS,
     ("partners", 2, "contact_email")),
    ("missing contact", _changed(BASE_PARTNERS, 1, contact_name=""), BASE_GOALS,
     ("partners", 3, "contact_name")),
    ("language not of the programme", _changed(BASE_PARTNERS, 1, language="fi"), BASE_GOALS,
     ("partners", 3, "language")),
    ("bad goal value", BASE_PARTNERS, _changed(BASE_GOALS, 0, baseline_value="many"),
     ("goals", 2, "baseline_value")),
    ("goal target before its baseline", BASE_PARTNERS,
     _changed(BASE_GOALS, 0, target_date="2020-01-01"), ("goals", 2, "target_date")),
    ("goal of an unknown business id", BASE_PARTNERS,
     _changed(BASE_GOALS, 0, business_id="41000023"), ("goals", 2, "business_id")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("partners", "goals", "where"),
    [case[1:] for case in ROW_ERRORS],
    ids=[case[0] for case in ROW_ERRORS],
)
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_written(
    alpha: World, partners: list, goals: list, where: tuple
) -> None:
    client = client_for(alpha, "municipal_admin")
    before = counts(alpha)
    response = api_import(client, keyed_csv("partners", partners), keyed_csv("goals", goals))
    assert response.status_code == 400
    problems = response.json()["errors"]
    assert [(p["sheet"], p["row"], p["column"]) for p in problems] == [where]
    sheet, row, column = where
    prefix = "Goals, row" if sheet == "goals" else "Row"
    assert problems[0]["message"].startswith(f"{prefix} {row}, {problems[0]['label']}: ")
    assert counts(alpha) == before

    # The staff page shows the same message, in the page's language, in an alert.
    response = preview(client, keyed_csv("partners", partners), keyed_csv("goals", goals))
    body = response.content.decode()
    assert 'role="alert"' in body
    with translation.override("da"):
        expected = str(importing.Problem("", sheet, row, column))
    assert escape(expected) in body
    assert "token" not in response.context or response.context.get("token") is None
    assert counts(alpha) == before


def test_every_bad_row_is_reported_at_once(alpha: World) -> None:
    partners = _changed(_changed(BASE_PARTNERS, 0, kind="shop"), 1, employees="many")
    response = api_import(client_for(alpha, "municipal_admin"), keyed_csv("partners", partners))
    assert [(p["row"], p["column"]) for p in response.json()["errors"]] == [
        (2, "kind"),
        (3, "employees"),
    ]


def test_a_danish_header_is_named_in_the_danish_message(alpha: World) -> None:
    partners = [row[:] for row in DANISH_PARTNERS]
    partners[1][1] = "41000008"
    response = preview(client_for(alpha, "municipal_admin"), csv_bytes(partners))
    assert ", CVR-nummer: Dette er ikke et gyldigt CVR." in response.content.decode()


def _macro_workbook() -> bytes:
    output = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes({"Partners": [["x"]]})))
    with source, zipfile.ZipFile(output, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"macro")
    return output.getvalue()


FILE_ERRORS = [
    ("header only", keyed_csv("partners", []), "The file has no rows to import."),
    ("picture renamed .csv", PNG, "Upload a CSV or XLSX file."),
    ("too large", b"a;b\r\n" * (5 * 1024 * 1024 // 5 + 1), "The file is too large"),
    ("macros", _macro_workbook(), "Files with macros (.xlsm) are not accepted"),
    ("damaged workbook", b"PK\x03\x04" + b"\x00" * 100, "The XLSX file is damaged."),
    ("old Excel", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Old Excel files"),
    (
        "missing column",
        csv_bytes([["Organisation name", "Business id"], ["A", "41000007"]]),
        "The column “Kind of organisation” is missing.",
    ),
]


@pytest.mark.parametrize(
    ("content", "message"), [case[1:] for case in FILE_ERRORS], ids=[c[0] for c in FILE_ERRORS]
)
def test_a_file_that_is_not_an_importable_sheet_is_refused(
    alpha: World, content: bytes, message: str
) -> None:
    client = client_for(alpha, "municipal_admin")
    before = counts(alpha)
    response = api_import(client, content)
    assert response.status_code == 400
    assert any(message in problem["message"] for problem in response.json()["errors"])
    response = client.post(
        "/partners/import/",
        {"action": "preview", "file": upload(content, "partners.csv")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert 'role="alert"' in response.content.decode()
    assert escape(message) in response.content.decode()
    assert counts(alpha) == before


def test_an_empty_upload_is_refused(alpha: World) -> None:
    client = client_for(alpha, "municipal_admin")
    assert api_import(client, b"").status_code == 400
    response = preview(client, b"")
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_goals_in_the_workbook_and_a_second_file_are_refused(alpha: World) -> None:
    workbook = xlsx_bytes({"Partners": [["x"]], "Goals": [["y"]]})
    response = api_import(client_for(alpha, "municipal_admin"), workbook, keyed_csv("goals", []))
    assert response.status_code == 400
    assert response.json()["errors"][0]["sheet"] == "goals"


# --- The confirmation trusts only what it validates itself ----------------------------


def test_a_forged_token_imports_nothing(alpha: World) -> None:
    client = client_for(alpha, "municipal_admin")
    before = counts(alpha)
    preview(client, keyed_csv("partners", BASE_PARTNERS))
    response = client.post("/partners/import/", {"action": "confirm", "token": "forged"})
    assert 'role="alert"' in response.content.decode()
    assert counts(alpha) == before


def test_the_confirmation_validates_again(alpha: World) -> None:
    client = client_for(alpha, "municipal_admin")
    response = preview(client, keyed_csv("partners", BASE_PARTNERS))
    token = response.context["token"]
    # Meanwhile the organisation applies by itself.
    with tenant_context(alpha.tenant):
        Partner.objects.create(
            name="Nordisk Byg",
            business_id="41000015",
            kind="ngo",
            sector="culture",
            language="da",
            stage_changed_at=dt.datetime.now(dt.UTC),
        )
    before = counts(alpha)
    response = client.post("/partners/import/", {"action": "confirm", "token": token})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert counts(alpha) == before


# --- Who may import -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("municipal_admin", 200),
        ("municipal_staff", 200),
        ("partner_admin", 403),
        ("partner_member", 403),
        (None, 302),
    ],
)
@pytest.mark.parametrize(
    "path", ["/partners/import/", "/partners/import/template.xlsx", "/partners/import/template.csv"]
)
def test_only_staff_open_the_import_pages(
    alpha: World, persona: str | None, expected: int, path: str, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, persona)
    with django_assert_max_num_queries(10):
        assert client.get(path).status_code == expected


@pytest.mark.parametrize(
    ("persona", "page", "api"),
    [("partner_admin", 403, 403), ("partner_member", 403, 403), (None, 302, 401)],
)
def test_partners_and_anonymous_cannot_import(
    alpha: World, persona: str | None, page: int, api: int
) -> None:
    client = client_for(alpha, persona)
    before = counts(alpha)
    assert preview(client, keyed_csv("partners", BASE_PARTNERS)).status_code == page
    assert api_import(client, keyed_csv("partners", BASE_PARTNERS)).status_code == api
    assert counts(alpha) == before


def test_the_workspace_links_to_the_import(alpha: World) -> None:
    body = client_for(alpha, "municipal_staff").get("/partners/").content.decode()
    assert 'href="/partners/import/"' in body
