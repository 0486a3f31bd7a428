"""Reading climate accounts: who sees which, the totals per year and the change against the
baseline, and where the partner stands with its goals."""

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Prefetch, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from programmes.climate.models import ActivityData, ClimateAccount, Scope3Emission
from programmes.followups.models import GoalProgress
from programmes.partners.models import Goal, GoalStatus, Partner
from programmes.partners.selectors import partners_visible_to

ZERO = Decimal(0)
# A goal measured in tonnes of CO2e ("t CO2e", "tCO2e", "tonnes CO2-eq"…) can be followed
# by the climate accounts themselves.
EMISSIONS_UNIT = re.compile(r"^\s*(t|tonn?e?s?|ton)\s*co2", re.IGNORECASE)


def accounts_visible_to(viewer: Any) -> QuerySet[ClimateAccount]:
    """Staff see every partner's accounts; a partner's people their own partner's."""
    return ClimateAccount.objects.filter(partner__in=partners_visible_to(viewer))


def with_details(accounts: QuerySet[ClimateAccount]) -> QuerySet[ClimateAccount]:
    """Accounts with their scope 3 total (in the same query), scope 3 rows and activities."""
    return accounts.annotate(
        scope3_total=Coalesce(
            Sum("scope3__tonnes"),
            Value(ZERO),
            output_field=DecimalField(max_digits=16, decimal_places=3),
        )
    ).prefetch_related(
        Prefetch("scope3", queryset=Scope3Emission.objects.order_by("category")),
        Prefetch("activities", queryset=ActivityData.objects.order_by("kind", "pk")),
    )


def accounts_for_partner(partner: Partner) -> QuerySet[ClimateAccount]:
    """The partner's accounts, oldest year first, with scope 3 total and details."""
    return with_details(ClimateAccount.objects.filter(partner=partner)).order_by("year")


def get_account_for_user(viewer: Any, pk: int) -> ClimateAccount:
    """The same 404 whether the account does not exist or is not the viewer's."""
    account = with_details(accounts_visible_to(viewer)).filter(pk=pk).first()
    if account is None:
        raise Http404
    return account


def emissions_total(
    scope1: Decimal, scope2_location: Decimal, scope2_market: Decimal | None, scope3: Decimal
) -> Decimal:
    """Scope 1 + scope 2 (market-based when given, else location-based) + scope 3: the
    GHG Protocol lets a partner report both scope 2 figures, and a market-based figure
    reflects the electricity it chose to buy."""
    scope2 = scope2_market if scope2_market is not None else scope2_location
    return scope1 + scope2 + scope3


def scope3_total(account: ClimateAccount) -> Decimal:
    """The annotated total when there is one, else the sum of its (prefetched) rows."""
    annotated = getattr(account, "scope3_total", None)
    if annotated is not None:
        return annotated
    return sum((row.tonnes for row in account.scope3.all()), ZERO)


def account_total(account: ClimateAccount) -> Decimal:
    return emissions_total(
        account.scope1, account.scope2_location, account.scope2_market, scope3_total(account)
    )


@dataclass(frozen=True)
class YearTotals:
    account: ClimateAccount
    year: int
    scope1: Decimal
    scope2: Decimal  # the figure counted in the total
    scope2_market_based: bool
    scope3: Decimal
    total: Decimal
    is_baseline: bool
    change: Decimal | None  # t CO2e against the baseline year; None without one
    change_percent: Decimal | None  # None without a baseline, or when it is zero

    @property
    def activities(self) -> dict[str, Any]:
        return {activity.kind: activity for activity in self.account.activities.all()}


def totals_per_year(accounts: list[ClimateAccount] | QuerySet[ClimateAccount]) -> list[YearTotals]:
    """The totals of each account (from ``accounts_for_partner``) and its change against the
    partner's baseline year, in tonnes and per cent."""
    accounts = list(accounts)
    baseline = next((account for account in accounts if account.is_baseline), None)
    base_total = account_total(baseline) if baseline is not None else None
    rows = []
    for account in accounts:
        total = account_total(account)
        change = percent = None
        if base_total is not None:
            change = total - base_total
            if base_total:
                percent = (change / base_total * 100).quantize(Decimal("0.1"))
        market = account.scope2_market is not None
        rows.append(
            YearTotals(
                account=account,
                year=account.year,
                scope1=account.scope1,
                scope2=account.scope2_market if market else account.scope2_location,
                scope2_market_based=market,
                scope3=scope3_total(account),
                total=total,
                is_baseline=account.is_baseline,
                change=change,
                change_percent=percent,
            )
        )
    return rows


@dataclass(frozen=True)
class GoalStanding:
    """Where a goal stands: its latest reported progress and the share of the way from its
    baseline to its target covered so far (None when it cannot be said)."""

    goal: Goal
    progress: GoalProgress | None
    value: Decimal | None  # the latest value: reported, or from the accounts
    value_year: int | None
    from_accounts: bool
    share: Decimal | None  # per cent of the way from baseline to target

    @property
    def target_value(self) -> Decimal:
        if self.progress is not None and self.progress.revised_target_value is not None:
            return self.progress.revised_target_value
        return self.goal.target_value


def is_emissions_goal(goal: Goal) -> bool:
    return bool(EMISSIONS_UNIT.match(goal.unit))


def goal_standings(partner: Partner, years: list[YearTotals]) -> list[GoalStanding]:
    """The partner's agreed goals (approved or achieved) with their latest follow-up
    answer. A goal in tonnes CO2e without a reported value is measured by the latest
    climate account from its baseline year on. Two queries."""
    latest_first = GoalProgress.objects.select_related("follow_up").order_by(
        "-follow_up__year", "-pk"
    )
    goals = (
        partner.goals.filter(status__in=[GoalStatus.APPROVED, GoalStatus.ACHIEVED])
        .prefetch_related(Prefetch("progress", queryset=latest_first, to_attr="answers"))
        .order_by("target_date", "pk")
    )
    latest_account = years[-1] if years else None
    standings = []
    for goal in goals:
        progress = next(iter(goal.answers), None)
        value: Decimal | None = None
        value_year: int | None = None
        from_accounts = False
        if progress is not None and progress.value_reached is not None:
            value, value_year = progress.value_reached, progress.follow_up.year
        elif (
            is_emissions_goal(goal)
            and latest_account is not None
            and latest_account.year >= goal.baseline_year
        ):
            value, value_year, from_accounts = latest_account.total, latest_account.year, True
        revised = progress.revised_target_value if progress is not None else None
        distance = goal.baseline_value - (revised if revised is not None else goal.target_value)
        share = None
        if value is not None and distance:
            share = ((goal.baseline_value - value) / distance * 100).quantize(Decimal(1))
        standings.append(GoalStanding(goal, progress, value, value_year, from_accounts, share))
    return standings
