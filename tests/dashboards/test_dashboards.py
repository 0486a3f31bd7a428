"""Dashboards: every aggregate against figures computed by hand on a small fixed data set,
the public page showing only what the programme publishes, downloads holding the same
numbers, permissions, charts readable without colour, and a fixed number of queries."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from programmes.certificates.models import Certificate
from programmes.climate.models import ClimateAccount, Scope3Emission
from programmes.configuration.models import CertificationScheme, Programme, PublicFigure, Tier
from programmes.dashboards import selectors
from programmes.dashboards.charts import bar_chart_svg
from programmes.dashboards.sections import TARGET_GAPS
from programmes.dashboards.selectors import Scopes, TargetGap
from programmes.partners.models import Goal, Partner, Stage
from tests.conftest import BUSINESS_IDS, World, client_for

D = Decimal
TODAY = timezone.localdate()


def da(message: str) -> str:
    """A message as alpha's pages show it (Danish, where translated)."""
    with translation.override("da"):
        return gettext(message)


# --- The fixed data set ------------------------------------------------------------------
#
# Partners of alpha (P1, P2 exist in every test tenant, active, sector services, no tier):
#   P1 "ALPHA-MARKER partner"   active   construction  tier Klimapartner
#   P2 "ALPHA-MARKER other"     active   services      tier Guld
#   P3 "Bravo"                  active   services      no tier
#   P4 "Charlie"                applied  energy        no tier
#   P5 "Delta"                  ended    manufacturing no tier
#   P6 "Echo"                   active   retail        no tier
# Climate accounts (scope 1 / scope 2 location / scope 2 market / scope 3 rows):
#   P1 2022 baseline 100 / 50 / 40 / 30+20 = total 200
#   P1 2023          90 / 45 / -  / 25    = total 160
#   P1 2024          80 / 40 / 30 / 20+10 = total 150
#   P2 2023 baseline 10 / 10 / -  / -     = total 20
#   P2 2024          12 / 10 / -  / 3     = total 25
#   P3 2024          5 / 5 / - / -        = total 10 (no baseline)
#   P5 2022 baseline 1000 / 0 / - / -     = total 1000 (ended: only in reported emissions)
# Certificates: P1 valid + expired, P2 expiring (10 days) + planned, P3 planned only,
#   P4 valid (not active), P6 expired only.
# Goals: P1 approved x2 + achieved; P2 proposed + dropped; P4 draft (not active).
# Programme: baseline year 2022, target -70 % by 2030, warning window 60 days.


def account(partner: Partner, year: int, s1: str, s2: str, s3: tuple[str, ...] = (), **kw):
    row = ClimateAccount.objects.create(
        partner=partner,
        year=year,
        scope1=D(s1),
        scope2_location=D(s2),
        method="own",
        **kw,
    )
    for category, tonnes in enumerate(s3, start=1):
        Scope3Emission.objects.create(account=row, category=category, tonnes=D(tonnes))
    return row


def goal(partner: Partner, status: str) -> Goal:
    return Goal.objects.create(
        partner=partner,
        theme="energy",
        description=f"{partner.name} {status}",
        indicator="kWh",
        unit="kWh",
        baseline_value=D(100),
        baseline_year=2022,
        target_value=D(80),
        target_date=dt.date(2027, 12, 31),
        horizon="one_year",
        status=status,
    )


def new_partner(name: str, business_id: str, stage: str, sector: str, tier=None) -> Partner:
    return Partner.objects.create(
        name=name,
        business_id=business_id,
        kind="company",
        sector=sector,
        language="da",
        stage=stage,
        stage_changed_at=timezone.now(),
        tier=tier,
    )


@pytest.fixture
def data(alpha: World) -> dict[str, Partner]:
    with tenant_context(alpha.tenant):
        Programme.objects.update(
            baseline_year=2022,
            target_year=2030,
            target_reduction_percent=D(70),
            certificate_warning_days=60,
        )
        basic = Tier.objects.get()  # "Klimapartner", from the onboarding preset
        gold = Tier.objects.create(name={"da": "Guld", "en": "Gold"}, order=basic.order + 1)
        p1 = Partner.objects.get(name="ALPHA-MARKER partner")
        p2 = Partner.objects.get(name="ALPHA-MARKER other partner")
        Partner.objects.filter(pk=p1.pk).update(sector="construction", tier=basic)
        Partner.objects.filter(pk=p2.pk).update(tier=gold)
        p3 = new_partner("Bravo", BUSINESS_IDS["DK"][2], Stage.ACTIVE, "services")
        p4 = new_partner("Charlie", "30000048", Stage.APPLIED, "energy")
        p5 = new_partner("Delta", "30000056", Stage.ENDED, "manufacturing")
        p6 = new_partner("Echo", "30000064", Stage.ACTIVE, "retail")

        account(p1, 2022, "100", "50", ("30", "20"), scope2_market=D(40), is_baseline=True)
        account(p1, 2023, "90", "45", ("25",))
        account(p1, 2024, "80", "40", ("20", "10"), scope2_market=D(30))
        account(p2, 2023, "10", "10", is_baseline=True)
        account(p2, 2024, "12", "10", ("0", "0", "0", "0", "0", "0", "3"))
        account(p3, 2024, "5", "5")
        account(p5, 2022, "1000", "0", is_baseline=True)

        mft = CertificationScheme.objects.create(name="Miljøfyrtårn")
        iso = CertificationScheme.objects.create(name="ISO 14001")
        days = dt.timedelta
        for partner, scheme, extra in [
            (p1, mft, {"expires_on": TODAY + days(400)}),
            (p1, iso, {"expires_on": TODAY - days(5)}),
            (p2, mft, {"expires_on": TODAY + days(10)}),
            (p2, iso, {"planned": True}),
            (p3, mft, {"planned": True}),
            (p4, mft, {"expires_on": None}),
            (p6, iso, {"expires_on": TODAY - days(1)}),
        ]:
            Certificate.objects.create(partner=partner, scheme=scheme, **extra)

        for partner, status in [
            (p1, "approved"),
            (p1, "approved"),
            (p1, "achieved"),
            (p2, "proposed"),
            (p2, "dropped"),
            (p4, "draft"),
        ]:
            goal(partner, status)
        return {"p1": p1, "p2": p2, "p3": p3, "p4": p4, "p5": p5, "p6": p6}


def counts(rows: list[selectors.CategoryCount]) -> dict[str, int]:
    return {row.code: row.count for row in rows}


# --- Every aggregate against the hand-computed figures -----------------------------------


def test_partners_by_stage_sector_and_tier(alpha: World, data) -> None:
    with tenant_context(alpha.tenant):
        assert counts(selectors.partners_by_stage()) == {
            "applied": 1,
            "assessed": 0,
            "goals_proposed": 0,
            "approved": 0,
            "booked": 0,
            "active": 4,
            "ended": 1,
        }
        # Active partners only, largest first, then in the list's order.
        assert [(r.code, r.count) for r in selectors.partners_by_sector()] == [
            ("services", 2),
            ("construction", 1),
            ("retail", 1),
        ]
        with translation.override("da"):
            tiers = selectors.partners_by_tier()
        assert [(r.label, r.count) for r in tiers] == [
            ("Klimapartner", 1),
            ("Guld", 1),
            (da("No tier"), 2),
        ]


def test_emissions_per_year_and_scope(alpha: World, data) -> None:
    with tenant_context(alpha.tenant):
        rows = {row.year: row for row in selectors.emissions_by_year_and_scope()}
    assert list(rows) == [2022, 2023, 2024]
    expected = {
        # accounts, scope 1, scope 2 loc, scope 2 market, market accounts, scope 3, total
        2022: (2, "1100", "50", "40", 1, "50", "1200"),
        2023: (2, "100", "55", "0", 0, "25", "180"),
        2024: (3, "97", "55", "30", 1, "33", "185"),
    }
    for year, (n, s1, s2, market, market_n, s3, total) in expected.items():
        row = rows[year]
        assert (row.accounts, row.market_accounts) == (n, market_n)
        assert (row.scope1, row.scope2_location, row.scope2_market) == (D(s1), D(s2), D(market))
        assert (row.scope3, row.total) == (D(s3), D(total))


def test_reductions_per_partner_and_for_the_programme(alpha: World, data) -> None:
    with tenant_context(alpha.tenant):
        result = selectors.reductions()
    by_name = {row.name: row for row in result.partners}
    # P3 has no baseline; P5 has ended: neither is compared.
    assert set(by_name) == {"ALPHA-MARKER partner", "ALPHA-MARKER other partner"}
    p1 = by_name["ALPHA-MARKER partner"]
    assert (p1.baseline_year, p1.latest_year) == (2022, 2024)
    assert p1.baseline == Scopes(D(100), D(50), D(50))
    assert p1.latest == Scopes(D(80), D(40), D(30))
    assert (p1.change, p1.change_percent) == (D(50), D("25.0"))
    p2 = by_name["ALPHA-MARKER other partner"]
    assert (p2.baseline_year, p2.latest_year) == (2023, 2024)
    assert (p2.change, p2.change_percent) == (D(-5), D("-25.0"))
    assert result.baseline == Scopes(D(110), D(60), D(50))
    assert result.latest == Scopes(D(92), D(50), D(33))
    assert (result.baseline.total, result.latest.total) == (D(220), D(175))
    assert (result.change, result.change_percent, result.reduced) == (D(45), D("20.5"), 1)


def test_reporting_share_of_a_year(alpha: World, data) -> None:
    with tenant_context(alpha.tenant):
        share_2023 = selectors.reporting_share(2023)
        share_2024 = selectors.reporting_share(2024)
        share_2025 = selectors.reporting_share(2025)
    assert (share_2023.active, share_2023.reported, share_2023.share_percent) == (4, 2, D("50.0"))
    assert (share_2024.reported, share_2024.share_percent) == (3, D("75.0"))
    assert (share_2025.reported, share_2025.share_percent) == (0, D("0.0"))


def test_certification_coverage(alpha: World, data) -> None:
    with tenant_context(alpha.tenant):
        coverage = selectors.certification_coverage(today=TODAY)
    assert (coverage.active, coverage.valid, coverage.expiring) == (4, 1, 1)
    assert (coverage.planned, coverage.none, coverage.covered) == (1, 1, 2)
    assert coverage.coverage_percent == D("50.0")
    # The same statuses as the certificate itself reports.
    with tenant_context(alpha.tenant):
        statuses = {
            (c.partner.name, c.status_on(TODAY, 60))
            for c in Certificate.objects.filter(partner__stage=Stage.ACTIVE).select_related(
                "partner"
            )
        }
    assert ("ALPHA-MARKER other partner", "expiring") in statuses
    assert ("Echo", "expired") in statuses


def test_goals_by_status(alpha: World, data) -> None:
    with tenant_context(alpha.tenant):
        assert counts(selectors.goals_by_status()) == {
            "draft": 0,
            "proposed": 1,
            "approved": 2,
            "achieved": 1,
            "dropped": 1,
        }


def test_progress_towards_the_target(alpha: World, data) -> None:
    with tenant_context(alpha.tenant):
        target = selectors.target_progress()
    # Only P1 has an account for 2022 (the programme's baseline year) and a later one.
    assert target.possible
    assert (target.partners, target.baseline_tonnes, target.latest_tonnes) == (1, D(200), D(150))
    assert (target.latest_year, target.achieved_percent) == (2024, D("25.0"))
    # 70 % over 2022-2030: 2 of 8 years gone, 17.5 % due by 2024.
    assert (target.expected_percent, target.on_track) == (D("17.5"), True)


def test_the_target_says_what_data_is_missing(alpha: World, data) -> None:
    with tenant_context(alpha.tenant):
        Programme.objects.update(target_year=None, baseline_year=None)
        assert selectors.target_progress().missing == [
            TargetGap.NO_TARGET,
            TargetGap.NO_BASELINE_YEAR,
        ]
        Programme.objects.update(target_year=2030, baseline_year=2019)
        target = selectors.target_progress()
    assert (target.possible, target.missing) == (False, [TargetGap.NO_DATA])
    page = client_for(alpha, "municipal_admin").get("/dashboard/").content.decode()
    assert da("The data does not allow progress towards the target to be shown:") in page
    with translation.override("da"):
        assert escape(str(TARGET_GAPS[TargetGap.NO_DATA])) in page


def test_figures_gathers_every_figure(alpha: World, data) -> None:
    with tenant_context(alpha.tenant):
        figures = selectors.figures(2023, today=TODAY)
        assert figures.reporting == selectors.reporting_share(2023)
        assert figures.certification == selectors.certification_coverage(today=TODAY)
        assert figures.partners_by_tier == selectors.partners_by_tier()
        assert figures.emissions == selectors.emissions_by_year_and_scope()
        assert figures.reductions == selectors.reductions()
        assert figures.target == selectors.target_progress()
        assert figures.goals == selectors.goals_by_status()


# --- Pages ---------------------------------------------------------------------------------


def test_the_staff_dashboard_shows_every_section_with_tables_and_charts(alpha: World, data) -> None:
    response = client_for(alpha, "municipal_staff").get("/dashboard/?year=2023")
    assert response.status_code == 200
    body = response.content.decode()
    for code in PublicFigure.values:
        assert f'id="figures-{code}"' in body
        assert f"/dashboard/{code}.csv?year=2023" in body
        assert f"/dashboard/{code}.xlsx?year=2023" in body
    assert body.count('role="img"') >= 9
    assert "<caption>" in body and 'scope="col"' in body and 'scope="row"' in body
    # Numbers in the tenant's locale (da_DK): 1.200,0 t in 2022; 50,0 % reported 2023.
    assert "1.200,0" in body
    assert "50,0 %" in body
    # Staff see each partner's reduction.
    assert "ALPHA-MARKER other partner" in body and "-25,0 %" in body


def test_the_public_page_shows_only_the_chosen_sections(alpha: World, data) -> None:
    anonymous = client_for(alpha)
    assert anonymous.get("/figures/").status_code == 404
    assert anonymous.get("/figures/emissions.csv").status_code == 404
    with tenant_context(alpha.tenant):
        Programme.objects.update(public_figures=["goals", "emissions", "reductions"])
    response = anonymous.get("/figures/")
    assert response.status_code == 200
    body = response.content.decode()
    shown = set(re.findall(r'id="figures-([a-z]+)"', body))
    assert shown == {"goals", "emissions", "reductions"}
    # Published reductions are the programme's, not each partner's.
    assert "ALPHA-MARKER other partner" not in body
    assert "/figures/emissions.csv" in body
    assert anonymous.get("/figures/emissions.csv").status_code == 200
    assert anonymous.get("/figures/reductions.xlsx").status_code == 200
    assert anonymous.get("/figures/partners.csv").status_code == 404
    assert anonymous.get("/figures/nonsense.csv").status_code == 404
    home = anonymous.get("/").content.decode()
    assert 'href="/figures/"' in home


def test_the_home_page_links_no_figures_when_none_are_published(alpha: World) -> None:
    assert 'href="/figures/"' not in client_for(alpha).get("/").content.decode()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (None, 302),
        ("partner_admin", 403),
        ("partner_member", 403),
        ("municipal_staff", 200),
        ("municipal_admin", 200),
    ],
)
@pytest.mark.parametrize("path", ["/dashboard/", "/dashboard/goals.csv", "/dashboard/goals.xlsx"])
def test_only_municipal_staff_see_the_dashboard(
    alpha: World, persona: str | None, expected: int, path: str
) -> None:
    assert client_for(alpha, persona).get(path).status_code == expected


def test_an_unknown_section_is_not_found(alpha: World) -> None:
    assert client_for(alpha, "municipal_admin").get("/dashboard/nonsense.csv").status_code == 404


def test_the_workspace_links_to_the_dashboard(alpha: World) -> None:
    body = client_for(alpha, "municipal_staff").get("/partners/").content.decode()
    assert 'href="/dashboard/"' in body


# --- Downloads -----------------------------------------------------------------------------


def csv_blocks(content: bytes) -> list[list[list[str]]]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    blocks, block = [], []
    for row in rows:
        if row:
            block.append(row)
        else:
            blocks.append(block)
            block = []
    return [*blocks, block]


def number(cell: str) -> Decimal:
    return D(cell.replace(",", "."))  # da_DK writes a decimal comma


def test_the_csv_holds_the_numbers_of_the_page(alpha: World, data) -> None:
    client = client_for(alpha, "municipal_admin")
    response = client.get("/dashboard/emissions.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="emissions.csv"' in response["Content-Disposition"]
    (block,) = csv_blocks(response.content)
    caption, header, *rows = block
    assert caption == [da("Reported emissions per year and scope (t CO2e)")]
    assert header[:6] == [
        da(label)
        for label in ("Year", "Climate accounts", "Scope 1", "Scope 2, location-based", "Scope 3")
    ] + [da("Total")]
    table = {row[0]: [number(cell) for cell in row[1:]] for row in rows}
    assert table["2022"] == [2, 1100, 50, 50, 1200, 40, 1]
    assert table["2023"] == [2, 100, 55, 25, 180, 0, 0]
    assert table["2024"] == [3, 97, 55, 33, 185, 30, 1]

    stage, sector, tier = csv_blocks(client.get("/dashboard/partners.csv").content)
    assert {row[0]: int(row[1]) for row in tier[2:]} == {
        "Klimapartner": 1,
        "Guld": 1,
        da("No tier"): 2,
    }
    assert sum(int(row[1]) for row in stage[2:]) == 6
    assert [int(row[1]) for row in sector[2:]] == [2, 1, 1]

    reporting = csv_blocks(client.get("/dashboard/reporting.csv?year=2023").content)[0]
    assert reporting[2] == ["2023", "4", "2", "50,0"]


def test_the_xlsx_holds_the_same_numbers(alpha: World, data) -> None:
    client = client_for(alpha, "municipal_admin")
    response = client.get("/dashboard/reductions.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    programme, partners = workbook.worksheets
    rows = list(programme.iter_rows(min_row=3, values_only=True))
    total = next(row for row in rows if row[0] == da("Total"))
    assert [D(str(value)) for value in total[1:]] == [D(220), D(175), D(45), D("20.5")]
    named = {row[0]: row for row in partners.iter_rows(min_row=3, values_only=True)}
    assert D(str(named["ALPHA-MARKER partner"][5])) == D(50)
    assert D(str(named["ALPHA-MARKER other partner"][6])) == D("-25.0")

    certification = load_workbook(
        io.BytesIO(client.get("/dashboard/certification.xlsx").content)
    ).active
    values = [row[1] for row in certification.iter_rows(min_row=3, values_only=True)]
    assert values == [1, 1, 1, 1, 4]

    target = load_workbook(io.BytesIO(client.get("/dashboard/target.xlsx").content)).active
    figures = dict(target.iter_rows(min_row=3, values_only=True))
    assert D(str(figures[da("Reduction achieved")])) == D("25.0")
    assert D(str(figures[da("Target by %(year)s") % {"year": "2030"}])) == D(70)


def test_a_section_without_numbers_downloads_its_explanation(alpha: World) -> None:
    client = client_for(alpha, "municipal_admin")
    sheet = load_workbook(io.BytesIO(client.get("/dashboard/target.xlsx").content)).active
    notes = [row[0] for row in sheet.iter_rows(values_only=True)]
    with translation.override("da"):
        assert str(TARGET_GAPS[TargetGap.NO_TARGET]) in notes
    assert client.get("/dashboard/target.csv").status_code == 200


# --- API -------------------------------------------------------------------------------------


def test_staff_get_every_figure_from_the_api(alpha: World, data) -> None:
    response = client_for(alpha, "municipal_staff").get("/api/v1/figures/?year=2023")
    assert response.status_code == 200
    body = response.json()
    assert body["sections"] == list(PublicFigure.values)
    assert body["year"] == 2023
    assert {row["code"]: row["count"] for row in body["partners"]["by_stage"]}["active"] == 4
    assert [row["total"] for row in body["emissions"]] == ["1200.000", "180.000", "185.000"]
    assert body["reductions"]["change"] == "45.000"
    assert body["reductions"]["change_percent"] == "20.5"
    assert len(body["reductions"]["partners"]) == 2
    assert body["reporting"] == {"year": 2023, "active": 4, "reported": 2, "share_percent": "50.0"}
    assert body["certification"]["coverage_percent"] == "50.0"
    assert {row["code"]: row["count"] for row in body["goals"]}["approved"] == 2
    assert body["target"]["achieved_percent"] == "25.0"
    assert body["target"]["on_track"] is True


def test_others_get_only_the_published_figures_from_the_api(alpha: World, data) -> None:
    assert client_for(alpha).get("/api/v1/figures/").status_code == 404
    with tenant_context(alpha.tenant):
        Programme.objects.update(public_figures=["reductions", "target"])
    for persona in (None, "partner_admin"):
        body = client_for(alpha, persona).get("/api/v1/figures/").json()
        assert body["sections"] == ["reductions", "target"]
        assert "emissions" not in body and "partners" not in body
        assert "partners" not in body["reductions"]  # no per-partner rows
        assert body["reductions"]["partners_compared"] == 2


# --- Charts --------------------------------------------------------------------------------


def test_a_chart_is_accessible_readable_without_colour_and_deterministic(alpha: World) -> None:
    spec = {
        "title": "Emissions <per> year",
        "categories": ["2023", "2024"],
        "series": [("Scope 1", [1200.0, 900.0]), ("Scope 2", [300.0, 250.0])],
        "unit": "t CO2e",
    }
    with tenant_context(alpha.tenant):
        svg = bar_chart_svg(**spec)
        again = bar_chart_svg(**spec)
    assert svg == again
    assert svg.startswith("<svg ") and 'role="img"' in svg
    title = re.search(r'<title id="([^"]+)">(.*?)</title>', svg)
    assert title and title.group(2) == "Emissions &lt;per&gt; year"
    assert f'aria-labelledby="{title.group(1)}' in svg
    assert "<desc" in svg and "2023: Scope 1 1.200 t CO2e, Scope 2 300 t CO2e." in svg
    assert "<pattern" in svg  # the second series is hatched
    assert "<text" in svg and ">1.500<" in svg  # text stays text, numbers in da_DK
    assert "<metadata" not in svg and "dc:date" not in svg
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert len(ids) == len(set(ids))


def test_two_charts_on_one_page_share_no_ids(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        first = bar_chart_svg(title="A", categories=["x"], series=[("s", [1.0])], unit="t")
        second = bar_chart_svg(title="B", categories=["x"], series=[("s", [2.0])], unit="t")
    ids = lambda svg: set(re.findall(r'\bid="([^"]+)"', svg))  # noqa: E731
    assert not ids(first) & ids(second)


def test_labels_with_dollar_signs_stay_text(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        svg = bar_chart_svg(
            title="Tiers", categories=["$ Gold $", "Silver"], series=[("n", [1.0, 2.0])], unit="n"
        )
    assert "$ Gold $" in svg


# --- A fixed number of queries -------------------------------------------------------------


def bulk_partners(count: int, offset: int) -> None:
    """``count`` active partners with three years of accounts, scope 3, certificates and
    goals (business ids need not be valid here: they are not checked on insert)."""
    scheme = CertificationScheme.objects.get_or_create(name="Miljøfyrtårn")[0]
    partners = Partner.objects.bulk_create(
        new_partner_row(f"Bulk {offset + n}", f"B{offset + n:08d}") for n in range(count)
    )
    accounts = ClimateAccount.objects.bulk_create(
        ClimateAccount(
            partner=partner,
            year=year,
            scope1=D(10),
            scope2_location=D(5),
            method="own",
            is_baseline=year == 2022,
        )
        for partner in partners
        for year in (2022, 2023, 2024)
    )
    Scope3Emission.objects.bulk_create(
        Scope3Emission(account=row, category=1, tonnes=D(2)) for row in accounts
    )
    Certificate.objects.bulk_create(
        Certificate(partner=partner, scheme=scheme, expires_on=TODAY + dt.timedelta(days=30))
        for partner in partners
    )
    for partner in partners:
        goal(partner, "approved")


def new_partner_row(name: str, business_id: str) -> Partner:
    return Partner(
        name=name,
        business_id=business_id,
        kind="company",
        sector="services",
        language="da",
        stage=Stage.ACTIVE,
        stage_changed_at=timezone.now(),
    )


# SET search_path, the session and the user, the programme, then the five of figures().
STAFF_QUERIES = 9
ANONYMOUS_QUERIES = 7  # no session, no user


@pytest.mark.parametrize(
    ("path", "persona", "most"),
    [
        ("/dashboard/", "municipal_admin", STAFF_QUERIES),
        ("/dashboard/reductions.xlsx", "municipal_staff", STAFF_QUERIES),
        ("/api/v1/figures/", "municipal_admin", STAFF_QUERIES),
        ("/figures/", None, ANONYMOUS_QUERIES),
        ("/figures/emissions.csv", None, ANONYMOUS_QUERIES),
        ("/api/v1/figures/", None, ANONYMOUS_QUERIES),
    ],
)
def test_pages_take_the_same_number_of_queries_for_3_or_9_partners(
    alpha: World, path: str, persona: str | None, most: int, django_assert_max_num_queries
) -> None:
    with tenant_context(alpha.tenant):
        Programme.objects.update(public_figures=list(PublicFigure.values), baseline_year=2022)
    client = client_for(alpha, persona)
    client.get(path)  # the host's tenant is looked up once, then cached
    measured = []
    for count, offset in ((3, 0), (6, 3)):  # 3 partners, then 9
        with tenant_context(alpha.tenant):
            bulk_partners(count, offset)
        with (
            django_assert_max_num_queries(most),
            CaptureQueriesContext(connection) as queries,
        ):
            response = client.get(path)
        assert response.status_code == 200
        measured.append(len(queries))
    assert measured[0] == measured[1]
