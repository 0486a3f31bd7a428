"""The programme's figures, aggregated in SQL: one function per figure, each a fixed number
of queries whatever the number of partners, and ``figures()`` that gathers them all in five
(six when it has to read the programme).

Who counts (see README.md):

- partners by stage: every organisation on the journey, applicants and ended ones too;
  by sector and by tier, reporting share, certification, goals, reductions and the
  target: the active partners (stage ``active``), i.e. the programme's partners today;
- reported emissions: every climate account on record, whatever the partner's stage now
  (what was reported stays reported);
- an account's total is scope 1 + scope 2 location-based + scope 3 (the sum of its
  categories); market-based scope 2 is shown beside it, not added (it is optional).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.certificates.models import Certificate, CertificateStatus
from programmes.certificates.selectors import DEFAULT_WARNING_DAYS, status_q
from programmes.climate.models import ClimateAccount, Scope3Emission
from programmes.configuration.models import Programme, PublicFigure, Tier
from programmes.core.i18n import translated
from programmes.partners.models import Goal, GoalStatus, Partner, Sector, Stage

ZERO = Decimal(0)
HUNDRED = Decimal(100)
TONNES = DecimalField(max_digits=16, decimal_places=3)


def percent(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """``part`` of ``whole`` in per cent, to one decimal; None when ``whole`` is zero."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"))


def default_year(today: dt.date | None = None) -> int:
    """The year whose climate accounts are due now: accounts for a year are reported in
    the following one."""
    return (today or timezone.localdate()).year - 1


# --- Results --------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryCount:
    code: str  # a stage, sector, status… code; a tier's id as text ("" for no tier)
    label: str
    count: int


@dataclass(frozen=True)
class YearEmissions:
    year: int
    accounts: int
    scope1: Decimal
    scope2_location: Decimal
    scope2_market: Decimal  # of the accounts that report it
    market_accounts: int
    scope3: Decimal

    @property
    def total(self) -> Decimal:
        return self.scope1 + self.scope2_location + self.scope3


@dataclass(frozen=True)
class Scopes:
    scope1: Decimal = ZERO
    scope2_location: Decimal = ZERO
    scope3: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.scope1 + self.scope2_location + self.scope3

    def __add__(self, other: "Scopes") -> "Scopes":
        return Scopes(
            self.scope1 + other.scope1,
            self.scope2_location + other.scope2_location,
            self.scope3 + other.scope3,
        )


@dataclass(frozen=True)
class PartnerReduction:
    partner_id: int
    name: str
    baseline_year: int
    baseline: Scopes
    latest_year: int
    latest: Scopes

    @property
    def change(self) -> Decimal:
        """Tonnes less than in the baseline year (negative: more)."""
        return self.baseline.total - self.latest.total

    @property
    def change_percent(self) -> Decimal | None:
        return percent(self.change, self.baseline.total)


@dataclass(frozen=True)
class Reductions:
    """Each active partner's latest account against its own baseline account, and the
    programme's: the sum of those latest accounts against the sum of those baselines."""

    partners: list[PartnerReduction]
    baseline: Scopes
    latest: Scopes

    @property
    def change(self) -> Decimal:
        return self.baseline.total - self.latest.total

    @property
    def change_percent(self) -> Decimal | None:
        return percent(self.change, self.baseline.total)

    @property
    def reduced(self) -> int:
        """Partners whose latest account is below their baseline."""
        return sum(1 for row in self.partners if row.change > 0)


@dataclass(frozen=True)
class ReportingShare:
    year: int
    active: int
    reported: int

    @property
    def share_percent(self) -> Decimal | None:
        return percent(self.reported, self.active)


@dataclass(frozen=True)
class CertificationCoverage:
    """Active partners by their best certificate: valid, else expiring soon, else planned."""

    active: int
    valid: int
    expiring: int
    planned: int
    warning_days: int

    @property
    def none(self) -> int:
        return self.active - self.valid - self.expiring - self.planned

    @property
    def covered(self) -> int:
        return self.valid + self.expiring

    @property
    def coverage_percent(self) -> Decimal | None:
        return percent(self.covered, self.active)


class TargetGap:
    """Why progress towards the target cannot be shown (``TargetProgress.missing``)."""

    NO_TARGET = "no_target"  # no reduction target or no target year
    NO_BASELINE_YEAR = "no_baseline_year"
    NO_DATA = "no_data"  # no active partner with an account for the baseline year and later
    ZERO_BASELINE = "zero_baseline"


@dataclass(frozen=True)
class TargetProgress:
    """The programme's baseline year against the partners' latest accounts, like for like:
    only active partners with an account for the programme's baseline year and a later one
    count, each with its latest account."""

    baseline_year: int | None
    target_year: int | None
    target_percent: Decimal | None
    partners: int = 0
    baseline_tonnes: Decimal = ZERO
    latest_tonnes: Decimal = ZERO
    latest_year: int | None = None  # the newest of the latest accounts compared
    missing: list[str] = field(default_factory=list)

    @property
    def possible(self) -> bool:
        return not self.missing

    @property
    def achieved_percent(self) -> Decimal | None:
        return percent(self.baseline_tonnes - self.latest_tonnes, self.baseline_tonnes)

    @property
    def expected_percent(self) -> Decimal | None:
        """The reduction due by ``latest_year`` on a straight path from the baseline year
        to the target."""
        if (
            not self.possible
            or self.target_percent is None
            or self.baseline_year is None
            or self.target_year is None
            or self.latest_year is None
            or self.target_year <= self.baseline_year
        ):
            return None
        years = min(self.latest_year, self.target_year) - self.baseline_year
        span = self.target_year - self.baseline_year
        return (self.target_percent * years / span).quantize(Decimal("0.1"))

    @property
    def on_track(self) -> bool | None:
        achieved, expected = self.achieved_percent, self.expected_percent
        if achieved is None or expected is None:
            return None
        return achieved >= expected


@dataclass(frozen=True)
class Figures:
    year: int
    today: dt.date
    partners_by_stage: list[CategoryCount]
    partners_by_sector: list[CategoryCount]
    partners_by_tier: list[CategoryCount]
    emissions: list[YearEmissions]
    reductions: Reductions
    reporting: ReportingShare
    certification: CertificationCoverage
    goals: list[CategoryCount]
    target: TargetProgress


# --- Partners: stage, sector, tier, reporting and certificates in one grouped query ------


def _partner_groups(*, year: int, today: dt.date, warning_days: int) -> list[dict[str, Any]]:
    """Partners grouped by (stage, sector, tier), with how many of each group have an
    account for ``year`` and their best certificate. At most stages × sectors × tiers rows,
    however many partners there are."""
    mine = {"partner": OuterRef("pk")}

    def holding(status: str) -> Exists:
        """Partners with a certificate of ``status``, as ``Certificate.status_on`` decides."""
        rule = status_q(status, today=today, warning_days=warning_days)
        return Exists(Certificate.objects.filter(rule, **mine))

    valid = holding(CertificateStatus.VALID)
    expiring = holding(CertificateStatus.EXPIRING)
    planned = holding(CertificateStatus.PLANNED)
    return list(
        Partner.objects.values("stage", "sector", "tier_id")
        .annotate(
            partners=Count("pk"),
            reported=Count("pk", filter=Exists(ClimateAccount.objects.filter(year=year, **mine))),
            valid=Count("pk", filter=Q(valid)),
            expiring=Count("pk", filter=Q(expiring) & ~Q(valid)),
            planned=Count("pk", filter=Q(planned) & ~Q(expiring) & ~Q(valid)),
        )
        .order_by()
    )


def _active(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [group for group in groups if group["stage"] == Stage.ACTIVE]


def _stage_counts(groups: list[dict[str, Any]]) -> list[CategoryCount]:
    counts = dict.fromkeys(Stage.values, 0)
    for group in groups:
        counts[group["stage"]] = counts.get(group["stage"], 0) + group["partners"]
    labels = dict(Stage.choices)
    return [CategoryCount(code, str(labels.get(code, code)), n) for code, n in counts.items()]


def _sector_counts(groups: list[dict[str, Any]]) -> list[CategoryCount]:
    """Sectors with active partners, largest first (then in the list's order)."""
    counts = dict.fromkeys(Sector.values, 0)
    for group in _active(groups):
        counts[group["sector"]] = counts.get(group["sector"], 0) + group["partners"]
    labels = dict(Sector.choices)
    order = {code: index for index, code in enumerate(counts)}
    rows = [CategoryCount(code, str(labels.get(code, code)), n) for code, n in counts.items() if n]
    return sorted(rows, key=lambda row: (-row.count, order[row.code]))


def _tier_counts(groups: list[dict[str, Any]], tiers: list[Tier]) -> list[CategoryCount]:
    """Every tier (in the programme's order) and, when some have none, "no tier"."""
    counts: dict[int | None, int] = {}
    for group in _active(groups):
        counts[group["tier_id"]] = counts.get(group["tier_id"], 0) + group["partners"]
    rows = [
        CategoryCount(str(tier.pk), translated(tier.name), counts.get(tier.pk, 0)) for tier in tiers
    ]
    if counts.get(None):
        rows.append(CategoryCount("", _("No tier"), counts[None]))
    return rows


def _reporting(groups: list[dict[str, Any]], year: int) -> ReportingShare:
    active = _active(groups)
    return ReportingShare(
        year=year,
        active=sum(group["partners"] for group in active),
        reported=sum(group["reported"] for group in active),
    )


def _certification(groups: list[dict[str, Any]], warning_days: int) -> CertificationCoverage:
    active = _active(groups)
    return CertificationCoverage(
        active=sum(group["partners"] for group in active),
        valid=sum(group["valid"] for group in active),
        expiring=sum(group["expiring"] for group in active),
        planned=sum(group["planned"] for group in active),
        warning_days=warning_days,
    )


def _warning_days(programme: Programme | None) -> int:
    return programme.certificate_warning_days if programme else DEFAULT_WARNING_DAYS


def _tiers() -> list[Tier]:
    return list(Tier.objects.order_by("order", "id"))


def partners_by_stage() -> list[CategoryCount]:
    """Every stage of the journey, in its order, with how many organisations are in it."""
    return _stage_counts(_partner_groups(year=0, today=timezone.localdate(), warning_days=0))


def partners_by_sector() -> list[CategoryCount]:
    return _sector_counts(_partner_groups(year=0, today=timezone.localdate(), warning_days=0))


def partners_by_tier() -> list[CategoryCount]:
    groups = _partner_groups(year=0, today=timezone.localdate(), warning_days=0)
    return _tier_counts(groups, _tiers())


def reporting_share(year: int) -> ReportingShare:
    """Active partners with a climate account for ``year``, of all active partners."""
    return _reporting(_partner_groups(year=year, today=timezone.localdate(), warning_days=0), year)


def certification_coverage(
    *, programme: Programme | None = None, today: dt.date | None = None
) -> CertificationCoverage:
    """Active partners holding a valid or expiring certificate (statuses as in
    ``Certificate.status_on`` with the programme's warning window)."""
    programme = programme if programme is not None else Programme.objects.first()
    days = _warning_days(programme)
    groups = _partner_groups(year=0, today=today or timezone.localdate(), warning_days=days)
    return _certification(groups, days)


# --- Emissions ---------------------------------------------------------------------------


def _with_scope3(accounts: QuerySet[ClimateAccount]) -> QuerySet[ClimateAccount]:
    """Accounts annotated with ``s3``, the sum of their scope-3 rows (a subquery, so that
    summing accounts never multiplies scope 1 and 2 by their scope-3 rows)."""
    scope3 = (
        Scope3Emission.objects.filter(account=OuterRef("pk"))
        .order_by()  # the default ordering would join accounts and partners
        .values("account")
        .annotate(tonnes=Sum("tonnes"))
        .values("tonnes")
    )
    return accounts.annotate(s3=Coalesce(Subquery(scope3, output_field=TONNES), Value(ZERO)))


def emissions_by_year_and_scope() -> list[YearEmissions]:
    """Reported emissions per year and scope, over every account on record; one query."""
    zero = Value(ZERO, output_field=TONNES)
    rows = (
        _with_scope3(ClimateAccount.objects.all())
        .values("year")
        .annotate(
            accounts=Count("pk"),
            scope1_sum=Coalesce(Sum("scope1"), zero),
            scope2_location_sum=Coalesce(Sum("scope2_location"), zero),
            scope2_market_sum=Coalesce(Sum("scope2_market"), zero),
            market_accounts=Count("scope2_market"),
            scope3_sum=Coalesce(Sum("s3"), zero),
        )
        .order_by("year")
    )
    return [
        YearEmissions(
            year=row["year"],
            accounts=row["accounts"],
            scope1=row["scope1_sum"],
            scope2_location=row["scope2_location_sum"],
            scope2_market=row["scope2_market_sum"],
            market_accounts=row["market_accounts"],
            scope3=row["scope3_sum"],
        )
        for row in rows
    ]


# --- Reductions and the target: the accounts compared, in one query ---------------------


def _compared_accounts(programme_baseline_year: int | None) -> list[dict[str, Any]]:
    """Of every active partner: its baseline account, its latest account and its account
    for the programme's baseline year (at most three rows a partner, one query)."""
    latest_year = (
        ClimateAccount.objects.filter(partner=OuterRef("partner"))
        .order_by("-year")
        .values("year")[:1]
    )
    wanted = Q(is_baseline=True) | Q(year=F("latest_year"))
    if programme_baseline_year is not None:
        wanted |= Q(year=programme_baseline_year)
    return list(
        _with_scope3(ClimateAccount.objects.filter(partner__stage=Stage.ACTIVE))
        .annotate(latest_year=Subquery(latest_year))
        .filter(wanted)
        .values(
            "partner_id",
            "partner__name",
            "year",
            "is_baseline",
            "latest_year",
            "scope1",
            "scope2_location",
            "s3",
        )
        .order_by("partner__name", "partner_id", "year")
    )


def _by_partner(rows: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    partners: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        partners.setdefault(row["partner_id"], []).append(row)
    return partners


def _scopes(row: dict[str, Any]) -> Scopes:
    return Scopes(row["scope1"], row["scope2_location"], row["s3"])


def _reductions(rows: list[dict[str, Any]]) -> Reductions:
    partners = []
    for accounts in _by_partner(rows).values():
        baseline = next((row for row in accounts if row["is_baseline"]), None)
        latest = next(row for row in accounts if row["year"] == row["latest_year"])
        if baseline is None or latest["year"] <= baseline["year"]:
            continue
        partners.append(
            PartnerReduction(
                partner_id=latest["partner_id"],
                name=latest["partner__name"],
                baseline_year=baseline["year"],
                baseline=_scopes(baseline),
                latest_year=latest["year"],
                latest=_scopes(latest),
            )
        )
    return Reductions(
        partners=partners,
        baseline=sum((row.baseline for row in partners), Scopes()),
        latest=sum((row.latest for row in partners), Scopes()),
    )


def _target(rows: list[dict[str, Any]], programme: Programme | None) -> TargetProgress:
    target_year = programme.target_year if programme else None
    target_percent = programme.target_reduction_percent if programme else None
    baseline_year = programme.baseline_year if programme else None
    missing = []
    if target_year is None or target_percent is None:
        missing.append(TargetGap.NO_TARGET)
    if baseline_year is None:
        missing.append(TargetGap.NO_BASELINE_YEAR)
        return TargetProgress(baseline_year, target_year, target_percent, missing=missing)
    partners, baseline_total, latest_total, latest_year = 0, ZERO, ZERO, None
    for accounts in _by_partner(rows).values():
        base = next((row for row in accounts if row["year"] == baseline_year), None)
        latest = next(row for row in accounts if row["year"] == row["latest_year"])
        if base is None or latest["year"] <= baseline_year:
            continue
        partners += 1
        baseline_total += _scopes(base).total
        latest_total += _scopes(latest).total
        latest_year = max(latest_year or latest["year"], latest["year"])
    if not partners:
        missing.append(TargetGap.NO_DATA)
    elif not baseline_total:
        missing.append(TargetGap.ZERO_BASELINE)
    return TargetProgress(
        baseline_year=baseline_year,
        target_year=target_year,
        target_percent=target_percent,
        partners=partners,
        baseline_tonnes=baseline_total,
        latest_tonnes=latest_total,
        latest_year=latest_year,
        missing=missing,
    )


def reductions() -> Reductions:
    """Per active partner: its latest account against its baseline account (when later);
    programme-wide: the sum of those latest accounts against the sum of those baselines."""
    return _reductions(_compared_accounts(None))


def target_progress(*, programme: Programme | None = None) -> TargetProgress:
    """Progress towards the programme's reduction target (see ``TargetProgress``)."""
    programme = programme if programme is not None else Programme.objects.first()
    return _target(_compared_accounts(programme.baseline_year if programme else None), programme)


# --- Goals -------------------------------------------------------------------------------


def goals_by_status() -> list[CategoryCount]:
    """The goals of active partners, by status (every status, in its order)."""
    counts = dict(
        Goal.objects.filter(partner__stage=Stage.ACTIVE)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    labels = dict(GoalStatus.choices)
    return [
        CategoryCount(code, str(labels[code]), counts.get(code, 0)) for code in GoalStatus.values
    ]


# --- Everything --------------------------------------------------------------------------


def figures(
    year: int | None = None,
    *,
    programme: Programme | None = None,
    today: dt.date | None = None,
) -> Figures:
    """Every figure of the dashboard in five queries (six when it reads the programme)."""
    today = today or timezone.localdate()
    year = year if year is not None else default_year(today)
    programme = programme if programme is not None else Programme.objects.first()
    days = _warning_days(programme)
    groups = _partner_groups(year=year, today=today, warning_days=days)
    compared = _compared_accounts(programme.baseline_year if programme else None)
    return Figures(
        year=year,
        today=today,
        partners_by_stage=_stage_counts(groups),
        partners_by_sector=_sector_counts(groups),
        partners_by_tier=_tier_counts(groups, _tiers()),
        emissions=emissions_by_year_and_scope(),
        reductions=_reductions(compared),
        reporting=_reporting(groups, year),
        certification=_certification(groups, days),
        goals=goals_by_status(),
        target=_target(compared, programme),
    )


def public_sections(programme: Programme | None) -> list[str]:
    """The sections the programme publishes, in the dashboard's order."""
    chosen = set(programme.public_figures) if programme else set()
    return [code for code in PublicFigure.values if code in chosen]
