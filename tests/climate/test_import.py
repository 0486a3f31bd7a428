"""Climate accounts from CSV or XLSX: a partner admin's own history, many partners at once by
staff; every problem named by row and column in the user's language; nothing written when
any row is bad."""

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape
from django_tenants.utils import tenant_context
from openpyxl import Workbook, load_workbook

from programmes.climate import importing
from programmes.climate.models import ActivityData, ClimateAccount, Scope3Emission
from programmes.core.models import AuditEvent
from programmes.core.uploads import XLSX_TYPE
from programmes.partners.models import Partner
from tests.conftest import World, client_for

THIS_YEAR = timezone.localdate().year
D = Decimal
# Business ids of alpha's partners (see conftest) and a valid CVR no partner has.
PARTNER, OTHER, NOBODY = "30000005", "30000013", "30000021"

# English headers by column key; the base rows of the error cases, changed one cell at a time.
BASE_ROWS: list[dict[str, str]] = [
    {
        "business_id": PARTNER,
        "year": "2019",
        "scope1": "12,5",
        "scope2_location": "8,2",
        "scope2_market": "3,1",
        "scope3_1": "40",
        "method": "Klimakompasset",
        "is_baseline": "yes",
        "electricity_kwh": "52.000",
        "notes": "ALPHA-MARKER",
    },
    {
        "business_id": PARTNER,
        "year": "2020",
        "scope1": "11",
        "scope2_location": "7",
        "method": "own",
        "electricity": "48",
        "electricity_unit": "MWh",
        "diesel_l": "3100",
    },
    {
        "business_id": OTHER,
        "year": "2020",
        "scope1": "1",
        "scope2_location": "2",
        "scope3_6": "0,5",
        "method": "other",
        "method_detail": "Our own spreadsheet",
    },
]


def keyed(rows: list[dict[str, str]], *, staff: bool = True, extra: list[str] = ()) -> list[list]:  # type: ignore[assignment]
    """A table with English headers of every column the rows use, in the columns' order."""
    keys = [c.key for c in importing.columns_for(staff=staff) if any(c.key in r for r in rows)]
    keys = [key for key in keys if staff or key != "business_id"] + list(extra)
    labels = {column.key: column for column in importing.ALL_COLUMNS}
    with translation.override("en"):
        header = [labels[key].header if key in labels else key for key in keys]
    return [header, *([row.get(key, "") for key in keys] for row in rows)]


def csv_bytes(table: list[list[Any]], delimiter: str = ";", encoding: str = "utf-8-sig") -> bytes:
    output = io.StringIO()
    csv.writer(output, delimiter=delimiter).writerows(table)
    return output.getvalue().encode(encoding)


def xlsx_bytes(table: list[list[Any]]) -> bytes:
    workbook = Workbook()
    for row in table:
        workbook.active.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def upload(content: bytes, name: str = "accounts.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def counts(world: World) -> tuple[int, ...]:
    with tenant_context(world.tenant):
        # Refused requests are recorded (request.refused): only changes count here.
        return (
            *(model.objects.count() for model in (ClimateAccount, Scope3Emission, ActivityData)),
            AuditEvent.objects.exclude(action="request.refused").count(),
        )


def api_import(client: Client, content: bytes, name: str = "a.csv", **extra: Any):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/climate-accounts/import/",
        {"file": upload(content, name), **extra},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def preview(client: Client, path: str, content: bytes, name: str = "a.csv", **headers: Any):  # type: ignore[no-untyped-def]
    return client.post(path, {"action": "preview", "file": upload(content, name)}, **headers)


def own_rows(rows: list[dict[str, str]] = BASE_ROWS[:2]) -> list[dict[str, str]]:
    return [{k: v for k, v in row.items() if k != "business_id"} for row in rows]


# --- Happy paths --------------------------------------------------------------------------


def test_staff_import_many_partners_after_a_preview(
    alpha: World, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, "municipal_staff")
    before = counts(alpha)
    content = csv_bytes(keyed(BASE_ROWS, extra=["Our own column"]))
    with django_assert_max_num_queries(10):
        response = preview(client, "/partners/climate-import/", content)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' not in body, body
    assert "ALPHA-MARKER partner" in body and "ALPHA-MARKER other partner" in body
    assert "Our own column" in body  # named as left out
    assert counts(alpha) == before

    with django_assert_max_num_queries(16):  # whatever the number of rows
        response = client.post(
            "/partners/climate-import/", {"action": "confirm", "token": response.context["token"]}
        )
    assert response.status_code == 302
    assert response["Location"] == "/partners/"
    with tenant_context(alpha.tenant):
        first = ClimateAccount.objects.get(partner__business_id=PARTNER, year=2019)
        assert (first.scope1, first.scope2_location, first.scope2_market) == (
            D("12.5"),
            D("8.2"),
            D("3.1"),
        )
        assert (first.method, first.is_baseline, first.notes) == (
            "klimakompasset",
            True,
            "ALPHA-MARKER",
        )
        assert first.reported_by == alpha.users["municipal_staff"]
        assert list(first.scope3.values_list("category", "tonnes")) == [(1, D(40))]
        assert list(first.activities.values_list("kind", "quantity", "unit")) == [
            ("electricity", D(52000), "kWh")
        ]
        second = ClimateAccount.objects.get(partner__business_id=PARTNER, year=2020)
        assert set(second.activities.values_list("kind", "quantity", "unit")) == {
            ("electricity", D(48), "MWh"),
            ("diesel", D(3100), "l"),
        }
        other = ClimateAccount.objects.get(partner__business_id=OTHER)
        assert (other.method, other.method_detail) == ("other", "Our own spreadsheet")
        event = AuditEvent.objects.get(action="climate_accounts.imported")
        assert event.data["accounts"] == 3 and event.data["partners"] == 2
    # The session no longer holds the upload: confirming twice imports nothing.
    response = client.post("/partners/climate-import/", {"action": "confirm", "token": "x"})
    assert 'role="alert"' in response.content.decode()


def test_a_partner_admin_imports_its_own_history_in_danish(
    alpha: World, django_assert_max_num_queries
) -> None:
    columns = importing.template_columns(staff=False)
    labels = {column.key: column for column in importing.ALL_COLUMNS}
    with translation.override("da"):
        header = [column.header for column in columns]
        # The pair (quantity, unit) is not in the template, but accepted.
        header += [labels["electricity"].header, labels["electricity_unit"].header]
    keys = [*(column.key for column in columns), "electricity", "electricity_unit"]
    table = [header, *([row.get(key, "") for key in keys] for row in own_rows())]
    client = client_for(alpha, "partner_admin")
    with django_assert_max_num_queries(10):
        response = preview(client, "/my-partnership/climate/import/", csv_bytes(table))
    body = response.content.decode()
    assert 'role="alert"' not in body, body
    response = client.post(
        "/my-partnership/climate/import/",
        {"action": "confirm", "token": response.context["token"]},
    )
    assert response.status_code == 302
    assert response["Location"] == "/my-partnership/climate/"
    with tenant_context(alpha.tenant):
        partner = Partner.objects.get(business_id=PARTNER)
        assert sorted(partner.climate_accounts.values_list("year", flat=True)) == [2019, 2020]
        assert partner.climate_accounts.get(year=2019).is_baseline
        event = AuditEvent.objects.get(action="climate_accounts.imported")
        assert event.target_id == str(partner.pk)


def test_an_xlsx_with_swedish_numbers_and_english_headers_comes_in_through_the_api(
    beta: World,
) -> None:
    table = keyed(
        [
            {
                "business_id": "556000-0001",
                "year": "2021",
                "scope1": "1 234,5",  # Swedish thousands and decimals
                "scope2_location": 8.25,  # a number cell
                "method": "Klimakost",
                "is_baseline": "Ja",
                "flight_distance_km": 4200,
            }
        ]
    )
    client = client_for(beta, "municipal_admin")
    before = counts(beta)
    response = api_import(client, xlsx_bytes(table), "a.xlsx", dry_run="true")
    assert response.status_code == 200, response.json()
    assert response.json()["created"] == 0
    assert response.json()["accounts"][0]["total"] == "1242.750"
    assert counts(beta) == before
    response = api_import(client, xlsx_bytes(table), "a.xlsx")
    assert response.status_code == 201, response.json()
    with tenant_context(beta.tenant):
        account = ClimateAccount.objects.get()
        assert (account.scope1, account.scope2_location, account.is_baseline) == (
            D("1234.5"),
            D("8.25"),
            True,
        )
        assert account.activities.get().kind == "flight_distance"


def test_a_baseline_in_the_file_moves_the_partners_baseline(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        partner = Partner.objects.get(business_id=PARTNER)
        ClimateAccount.objects.create(
            partner=partner,
            year=2015,
            scope1=1,
            scope2_location=1,
            method="own",
            is_baseline=True,
        )
    client = client_for(alpha, "partner_admin")
    response = preview(
        client,
        "/my-partnership/climate/import/",
        csv_bytes(keyed(own_rows(), staff=False)),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "the baseline year moves from 2015 to 2019" in response.content.decode()
    client.post(
        "/my-partnership/climate/import/",
        {"action": "confirm", "token": response.context["token"]},
    )
    with tenant_context(alpha.tenant):
        assert list(
            partner.climate_accounts.filter(is_baseline=True).values_list("year", flat=True)
        ) == [2019]


# --- Templates ------------------------------------------------------------------------


def test_the_partners_xlsx_template_is_in_danish_and_imports_as_it_is(
    alpha: World, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, "partner_admin")
    with django_assert_max_num_queries(8):
        response = client.get("/my-partnership/climate/import/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    header, example = list(workbook.active.iter_rows(values_only=True))[:2]
    workbook.close()
    with translation.override("da"):
        assert header == tuple(c.header for c in importing.template_columns(staff=False))
        assert str(importing.BUSINESS_ID.header) not in header
    assert len([h for h in header if h.lower().startswith("scope 3")]) == 15
    assert "Klimakompasset" in example
    response = api_import(client, response.content, "skabelon.xlsx")
    assert response.status_code == 201, response.json()
    with tenant_context(alpha.tenant):
        account = ClimateAccount.objects.get(partner__business_id=PARTNER)
        assert account.year == THIS_YEAR - 1
        assert account.scope3.count() == 3 and account.activities.count() == 5


def test_the_staff_csv_template_names_a_partner_and_imports_as_it_is(
    beta: World, django_assert_max_num_queries
) -> None:
    client = client_for(beta, "municipal_staff")
    with django_assert_max_num_queries(8):
        response = client.get("/partners/climate-import/template.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    with translation.override("sv"):
        assert text.splitlines()[0].split(";")[0] == importing.BUSINESS_ID.header
    with tenant_context(beta.tenant):
        first = Partner.objects.order_by("name").first()
    assert f"556000-{first.business_id[-4:]}" in text  # the programme's first partner
    assert client.get("/partners/climate-import/template.xlsx").status_code == 200
    response = api_import(client, response.content)
    assert response.status_code == 201, response.json()


# --- Every problem named by row and column; nothing written ----------------------------


def _changed(rows: list[dict[str, str]], index: int, **change: str) -> list[dict[str, str]]:
    return [{**row, **change} if position == index else row for position, row in enumerate(rows)]


def _without(rows: list[dict[str, str]], index: int, *keys: str) -> list[dict[str, str]]:
    return [
        {k: v for k, v in row.items() if k not in keys} if position == index else row
        for position, row in enumerate(rows)
    ]


FUTURE = str(THIS_YEAR + 1)
ROW_ERRORS = [
    ("unknown partner", _changed(BASE_ROWS, 2, business_id=NOBODY), (4, "business_id")),
    ("bad business id", _changed(BASE_ROWS, 2, business_id="30000006"), (4, "business_id")),
    ("no business id", _changed(BASE_ROWS, 2, business_id=""), (4, "business_id")),
    ("negative value", _changed(BASE_ROWS, 1, scope1="-3"), (3, "scope1")),
    ("negative scope 3", _changed(BASE_ROWS, 0, scope3_1="-1"), (2, "scope3_1")),
    ("negative activity", _changed(BASE_ROWS, 0, electricity_kwh="-1"), (2, "electricity_kwh")),
    ("unit missing", _changed(BASE_ROWS, 1, electricity_unit=""), (3, "electricity_unit")),
    ("quantity missing", _changed(BASE_ROWS, 1, electricity=""), (3, "electricity")),
    ("unit not for the activity", _changed(BASE_ROWS, 1, electricity_unit="litres"),
     (3, "electricity_unit")),
    ("activity in two columns", _changed(BASE_ROWS, 0, electricity="5", electricity_unit="MWh"),
     (2, "electricity")),
    ("year in the future", _changed(BASE_ROWS, 1, year=FUTURE), (3, "year")),
    ("year before 1990", _changed(BASE_ROWS, 1, year="1989"), (3, "year")),
    ("year not a year", _changed(BASE_ROWS, 1, year="2020.5"), (3, "year")),
    ("duplicate year in the file", _changed(BASE_ROWS, 1, year="2019"), (3, "year")),
    ("bad number", _changed(BASE_ROWS, 2, scope2_location="many"), (4, "scope2_location")),
    ("too many decimals", _changed(BASE_ROWS, 2, scope1="1.23456"), (4, "scope1")),
    ("missing scope 1", _changed(BASE_ROWS, 2, scope1=""), (4, "scope1")),
    ("unknown method", _changed(BASE_ROWS, 2, method="guesswork"), (4, "method")),
    ("baseline neither yes nor no", _changed(BASE_ROWS, 1, is_baseline="maybe"),
     (3, "is_baseline")),
    ("two baselines", _changed(BASE_ROWS, 1, is_baseline="ja"), (3, "is_baseline")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rows", "where"), [case[1:] for case in ROW_ERRORS], ids=[case[0] for case in ROW_ERRORS]
)
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_written(
    alpha: World, rows: list[dict[str, str]], where: tuple[int, str]
) -> None:
    client = client_for(alpha, "municipal_admin")
    before = counts(alpha)
    content = csv_bytes(keyed(rows))
    response = api_import(client, content)
    assert response.status_code == 400
    problems = response.json()["errors"]
    assert [(p["row"], p["column"]) for p in problems] == [where], problems
    row, _column = where
    assert problems[0]["message"].startswith(f"Row {row}, {problems[0]['label']}: ")
    assert problems[0]["label"]
    assert counts(alpha) == before

    # The staff page shows the same message, in the page's language, in an alert.
    response = preview(client, "/partners/climate-import/", content)
    body = response.content.decode()
    assert 'role="alert"' in body
    with translation.override("da"):
        expected = str(importing.Problem("", "accounts", *where))
    assert escape(expected) in body
    assert response.context.get("token") is None
    assert counts(alpha) == before


def test_a_year_already_in_the_programme_is_refused(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        ClimateAccount.objects.create(
            partner=Partner.objects.get(business_id=OTHER),
            year=2020,
            scope1=1,
            scope2_location=1,
            method="own",
        )
    before = counts(alpha)
    response = api_import(client_for(alpha, "municipal_admin"), csv_bytes(keyed(BASE_ROWS)))
    assert response.status_code == 400
    [problem] = response.json()["errors"]
    assert (problem["row"], problem["column"]) == (4, "year")
    assert problem["message"] == "Row 4, year: There is already a climate account for 2020."
    assert counts(alpha) == before


@pytest.mark.parametrize(
    "header", ["Scope 3 total", "Scope 3, 16 Other", "scope3_0", "Scope 3 (t CO2e)"]
)
def test_a_scope3_column_that_is_no_category_is_refused(alpha: World, header: str) -> None:
    table = keyed(BASE_ROWS)
    table[0].append(header)
    for row in table[1:]:
        row.append("1")
    before = counts(alpha)
    response = api_import(client_for(alpha, "municipal_admin"), csv_bytes(table))
    assert response.status_code == 400
    [problem] = response.json()["errors"]
    assert problem["row"] == 1
    assert problem["message"].startswith(f"Row 1: The column “{header}” is not a scope 3")
    assert counts(alpha) == before


def test_scope3_columns_may_be_named_by_their_number(alpha: World) -> None:
    table = keyed(_without(BASE_ROWS, 0, "scope3_1"))
    table[0].append("Scope 3.4")
    for row in table[1:]:
        row.append("2")
    response = api_import(client_for(alpha, "municipal_admin"), csv_bytes(table))
    assert response.status_code == 201, response.json()
    with tenant_context(alpha.tenant):
        assert Scope3Emission.objects.filter(category=4).count() == 3


def test_one_bad_row_among_good_ones_writes_nothing(alpha: World) -> None:
    rows = [
        *BASE_ROWS,
        *(
            {"business_id": OTHER, "year": str(year), "scope1": "1", "scope2_location": "1",
             "method": "own"}
            for year in range(2000, 2010)
        ),
    ]  # fmt: skip
    rows[-1] = {**rows[-1], "scope2_location": "-1"}
    before = counts(alpha)
    client = client_for(alpha, "municipal_admin")
    response = api_import(client, csv_bytes(keyed(rows)))
    assert response.status_code == 400
    assert [(p["row"], p["column"]) for p in response.json()["errors"]] == [(14, "scope2_location")]
    assert counts(alpha) == before
    response = preview(client, "/partners/climate-import/", csv_bytes(keyed(rows)))
    assert response.context.get("plan") is None
    assert counts(alpha) == before


def test_every_bad_row_is_reported_at_once_in_order(alpha: World) -> None:
    rows = _changed(_changed(BASE_ROWS, 0, scope1="x"), 2, year=FUTURE, method="?")
    response = api_import(client_for(alpha, "municipal_admin"), csv_bytes(keyed(rows)))
    assert [(p["row"], p["column"]) for p in response.json()["errors"]] == [
        (2, "scope1"),
        (4, "year"),
        (4, "method"),
    ]


def test_messages_are_in_the_users_language(alpha: World) -> None:
    rows = _changed(BASE_ROWS, 0, year="1989")
    response = preview(
        client_for(alpha, "municipal_admin"),
        "/partners/climate-import/",
        csv_bytes(keyed(rows)),
        HTTP_ACCEPT_LANGUAGE="da",
    )
    with translation.override("da"):
        message = translation.gettext("Give a year from %(first)s on.") % {"first": 1990}
        expected = str(importing.Problem(message, "accounts", 2, "year"))
    assert expected.startswith("Række 2, år: ")
    assert escape(expected) in response.content.decode()


def test_a_partner_cannot_import_into_another_partner(alpha: World) -> None:
    rows = [{**row, "business_id": OTHER} for row in own_rows()]
    before = counts(alpha)
    response = api_import(client_for(alpha, "partner_admin"), csv_bytes(keyed(rows)))
    assert response.status_code == 400
    assert {(p["row"], p["column"]) for p in response.json()["errors"]} == {
        (2, "business_id"),
        (3, "business_id"),
    }
    assert counts(alpha) == before
    # Its own business id is fine.
    rows = [{**row, "business_id": PARTNER} for row in own_rows()]
    response = api_import(client_for(alpha, "partner_admin"), csv_bytes(keyed(rows)))
    assert response.status_code == 201, response.json()
    with tenant_context(alpha.tenant):
        assert set(ClimateAccount.objects.values_list("partner__business_id", flat=True)) == {
            PARTNER
        }


def test_the_staff_import_needs_the_business_id_column(alpha: World) -> None:
    response = api_import(
        client_for(alpha, "municipal_admin"), csv_bytes(keyed(own_rows(), staff=False))
    )
    assert response.status_code == 400
    assert "The column “Business id” is missing." in response.json()["errors"][0]["message"]


FILE_ERRORS = [
    ("header only", csv_bytes(keyed(BASE_ROWS)[:1]), "The file has no rows to import."),
    ("picture renamed .csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 60, "Upload a CSV or XLSX file."),
    ("missing column", csv_bytes([["Year", "Scope 1 (t CO2e)"], ["2020", "1"]]),
     "The column “Scope 2, location-based (t CO2e)” is missing."),
    ("column twice", csv_bytes([["Year", "Year"], ["2020", "2021"]]),
     "The column “Year” appears twice."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("content", "message"), [case[1:] for case in FILE_ERRORS], ids=[c[0] for c in FILE_ERRORS]
)
def test_a_file_that_is_not_an_importable_sheet_is_refused(
    alpha: World, content: bytes, message: str
) -> None:
    client = client_for(alpha, "partner_admin")
    before = counts(alpha)
    response = api_import(client, content)
    assert response.status_code == 400
    assert any(message in problem["message"] for problem in response.json()["errors"])
    response = preview(
        client, "/my-partnership/climate/import/", content, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert 'role="alert"' in response.content.decode()
    assert escape(message) in response.content.decode()
    assert counts(alpha) == before


# --- The confirmation trusts only what it validates itself ----------------------------


def test_a_forged_token_imports_nothing(alpha: World) -> None:
    client = client_for(alpha, "partner_admin")
    before = counts(alpha)
    preview(client, "/my-partnership/climate/import/", csv_bytes(keyed(own_rows(), staff=False)))
    response = client.post(
        "/my-partnership/climate/import/", {"action": "confirm", "token": "forged"}
    )
    assert 'role="alert"' in response.content.decode()
    assert counts(alpha) == before


def test_the_confirmation_validates_again(alpha: World) -> None:
    client = client_for(alpha, "partner_admin")
    response = preview(
        client, "/my-partnership/climate/import/", csv_bytes(keyed(own_rows(), staff=False))
    )
    token = response.context["token"]
    with tenant_context(alpha.tenant):  # meanwhile a colleague enters 2020 by hand
        ClimateAccount.objects.create(
            partner=Partner.objects.get(business_id=PARTNER),
            year=2020,
            scope1=1,
            scope2_location=1,
            method="own",
        )
    before = counts(alpha)
    response = client.post(
        "/my-partnership/climate/import/",
        {"action": "confirm", "token": token},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "There is already a climate account for 2020." in response.content.decode()
    assert counts(alpha) == before


def test_a_preview_of_one_partner_is_not_confirmed_as_anothers(alpha: World) -> None:
    """The stored preview names its partner: a session shared between roles cannot take it
    elsewhere."""
    client = client_for(alpha, "partner_admin")
    response = preview(
        client, "/my-partnership/climate/import/", csv_bytes(keyed(own_rows(), staff=False))
    )
    with tenant_context(alpha.tenant):
        session = client.session
        session["climate-import"]["partner"] = 999999
        session.save()
    response = client.post(
        "/my-partnership/climate/import/",
        {"action": "confirm", "token": response.context["token"]},
    )
    assert 'role="alert"' in response.content.decode()
    with tenant_context(alpha.tenant):
        assert not ClimateAccount.objects.exists()


# --- Who may import -------------------------------------------------------------------


STAFF_PATHS = [
    "/partners/climate-import/",
    "/partners/climate-import/template.xlsx",
    "/partners/climate-import/template.csv",
]
PARTNER_PATHS = [
    "/my-partnership/climate/import/",
    "/my-partnership/climate/import/template.xlsx",
    "/my-partnership/climate/import/template.csv",
]


@pytest.mark.parametrize(
    ("persona", "staff", "partner"),
    [
        ("municipal_admin", 200, 403),
        ("municipal_staff", 200, 403),
        ("partner_admin", 403, 200),
        ("partner_member", 403, 403),
        ("other_partner_member", 403, 403),
        (None, 302, 302),
    ],
)
def test_who_opens_the_import_pages(
    alpha: World, persona: str | None, staff: int, partner: int, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, persona)
    for path in STAFF_PATHS:
        with django_assert_max_num_queries(10):
            assert client.get(path).status_code == staff, path
    for path in PARTNER_PATHS:
        with django_assert_max_num_queries(10):
            assert client.get(path).status_code == partner, path


@pytest.mark.parametrize(
    ("persona", "page", "api"),
    [("partner_member", 403, 403), ("other_partner_member", 403, 403), (None, 302, 401)],
)
def test_members_and_anonymous_cannot_import(
    alpha: World, persona: str | None, page: int, api: int
) -> None:
    client = client_for(alpha, persona)
    before = counts(alpha)
    content = csv_bytes(keyed(own_rows(), staff=False))
    assert preview(client, "/my-partnership/climate/import/", content).status_code == page
    assert preview(client, "/partners/climate-import/", content).status_code == page
    assert api_import(client, content).status_code == api
    assert counts(alpha) == before


def test_the_staff_import_is_refused_to_anyone_but_staff(alpha: World) -> None:
    with tenant_context(alpha.tenant), pytest.raises(PermissionDenied):
        importing.accounts_import(
            actor=alpha.users["partner_admin"], table=keyed(BASE_ROWS), dry_run=True
        )


def test_the_import_pages_link_to_their_templates(alpha: World) -> None:
    body = client_for(alpha, "partner_admin").get("/my-partnership/climate/import/")
    assert 'href="/my-partnership/climate/import/template.xlsx"' in body.content.decode()
    body = client_for(alpha, "municipal_staff").get("/partners/climate-import/")
    assert 'href="/partners/climate-import/template.csv"' in body.content.decode()


def test_a_large_import_takes_a_fixed_number_of_queries(
    alpha: World, django_assert_max_num_queries
) -> None:
    rows = [
        {"business_id": business_id, "year": str(year), "scope1": "1", "scope2_location": "2",
         "scope3_1": "3", "method": "own", "electricity_kwh": "4"}
        for business_id in (PARTNER, OTHER)
        for year in range(1990, 2020)
    ]  # fmt: skip
    client = client_for(alpha, "municipal_admin")
    with django_assert_max_num_queries(15):
        response = api_import(client, csv_bytes(keyed(rows)))
    assert response.status_code == 201, response.json()
    assert counts(alpha)[:3] == (60, 60, 60)
