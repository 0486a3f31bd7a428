"""A certificate's status at the edges of the warning window, and each partner's compliance
with the programme's certification rules (tiers, plans, due and overdue)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from programmes.certificates import selectors
from programmes.certificates.models import Certificate, CertificateStatus
from programmes.configuration.models import Tier
from programmes.partners.models import Partner, Stage
from tests.certificates.conftest import Catalogue, rule
from tests.conftest import BUSINESS_IDS, World

TODAY = dt.date(2026, 11, 23)
WINDOW = 60


@pytest.mark.parametrize(
    ("expires_in_days", "status"),
    [
        (WINDOW + 1, CertificateStatus.VALID),
        (WINDOW, CertificateStatus.VALID),  # the window's first day is still valid…
        (WINDOW - 1, CertificateStatus.EXPIRING),  # …the day after it, expiring
        (1, CertificateStatus.EXPIRING),
        (0, CertificateStatus.EXPIRING),  # valid through its last day
        (-1, CertificateStatus.EXPIRED),
        (-400, CertificateStatus.EXPIRED),
    ],
)
def test_status_at_the_edges_of_the_window_in_python_and_in_sql(
    catalogue: Catalogue, expires_in_days: int, status: str
) -> None:
    with tenant_context(catalogue.world.tenant):
        certificate = catalogue.certificate(
            issued_on=TODAY - dt.timedelta(days=800),
            expires_on=TODAY + dt.timedelta(days=expires_in_days),
        )
        assert certificate.status_on(TODAY, WINDOW) == status
        for candidate in CertificateStatus.values:
            found = Certificate.objects.filter(
                selectors.status_q(candidate, today=TODAY, warning_days=WINDOW)
            ).exists()
            assert found == (candidate == status), candidate


def test_a_planned_certificate_is_planned_whatever_its_dates(catalogue: Catalogue) -> None:
    with tenant_context(catalogue.world.tenant):
        plan = catalogue.planned(planned_by=TODAY - dt.timedelta(days=10))
        assert plan.status_on(TODAY, WINDOW) == CertificateStatus.PLANNED
        rows = Certificate.objects.filter(
            selectors.status_q("planned", today=TODAY, warning_days=WINDOW)
        )
        assert list(rows) == [plan]


def test_the_window_is_the_programmes(catalogue: Catalogue) -> None:
    from programmes.configuration.models import Programme

    with tenant_context(catalogue.world.tenant):
        catalogue.certificate(expires_on=catalogue.today + dt.timedelta(days=80))
        Programme.objects.update(certificate_warning_days=90)
        [certificate] = selectors.certificates_for_partner(catalogue.partner)
        assert certificate.status == CertificateStatus.EXPIRING
        Programme.objects.update(certificate_warning_days=30)
        [certificate] = selectors.certificates_for_partner(catalogue.partner)
        assert certificate.status == CertificateStatus.VALID


# --- Compliance ----------------------------------------------------------------------------


def _states(partner: Partner, today: dt.date = TODAY) -> list[tuple[str, dt.date | None]]:
    return [
        (row.state, row.due_on) for row in selectors.compliance_for_partner(partner, today=today)
    ]


def test_a_valid_or_expiring_certificate_of_any_scheme_meets_the_rule(
    catalogue: Catalogue,
) -> None:
    with tenant_context(catalogue.world.tenant):
        rule(catalogue.lighthouse, catalogue.iso)
        Partner.objects.filter(pk=catalogue.partner.pk).update(joined_on=dt.date(2026, 1, 31))
        partner = Partner.objects.get(pk=catalogue.partner.pk)
        # Nothing held: due twelve months after signing, overdue the day after.
        assert _states(partner, today=dt.date(2026, 6, 1)) == [("due", dt.date(2027, 1, 31))]
        assert _states(partner, today=dt.date(2027, 1, 31)) == [("due", dt.date(2027, 1, 31))]
        assert _states(partner, today=dt.date(2027, 2, 1)) == [("overdue", dt.date(2027, 1, 31))]
        # ISO 14001, expiring within the window: met.
        held = catalogue.certificate(
            scheme=catalogue.iso,
            issued_on=TODAY - dt.timedelta(days=1000),
            expires_on=TODAY + dt.timedelta(days=5),
        )
        [row] = selectors.compliance_for_partner(partner, today=TODAY)
        assert (row.state, row.met_by) == ("met", held)
        # Expired: no longer met; still within its time, then overdue.
        assert _states(partner, today=TODAY + dt.timedelta(days=6)) == [
            ("due", dt.date(2027, 1, 31))
        ]
        assert _states(partner, today=dt.date(2027, 3, 1)) == [("overdue", dt.date(2027, 1, 31))]


def test_a_certificate_of_another_scheme_does_not_count(catalogue: Catalogue) -> None:
    with tenant_context(catalogue.world.tenant):
        rule(catalogue.iso, months=6)
        catalogue.certificate(scheme=catalogue.lighthouse)
        Partner.objects.filter(pk=catalogue.partner.pk).update(joined_on=dt.date(2026, 2, 28))
        partner = Partner.objects.get(pk=catalogue.partner.pk)
        assert _states(partner) == [("overdue", dt.date(2026, 8, 28))]


def test_a_plan_meets_the_rule_only_where_plans_count(catalogue: Catalogue) -> None:
    with tenant_context(catalogue.world.tenant):
        strict = rule(catalogue.iso, text="Certified within a year")
        lenient = rule(catalogue.iso, plan_counts=True, text="A plan to certify")
        catalogue.planned(scheme=catalogue.iso)
        # Not signed yet: due, with no date (the months run from signing).
        rows = selectors.compliance_for_partner(catalogue.partner, today=TODAY)
        assert [(row.rule, row.state, row.due_on) for row in rows] == [
            (strict, "due", None),
            (lenient, "met", None),
        ]


def test_rules_apply_to_their_tiers_and_rules_without_tiers_to_all(
    catalogue: Catalogue,
) -> None:
    with tenant_context(catalogue.world.tenant):
        small = Tier.objects.get()
        large = Tier.objects.create(name={"da": "Stor"}, order=2)
        everyone = rule(catalogue.lighthouse, text="Everyone")
        only_large = rule(catalogue.iso, tiers=(large,), text="Large partners")
        Partner.objects.filter(pk=catalogue.partner.pk).update(tier=large)
        Partner.objects.filter(pk=catalogue.other.pk).update(tier=small)
        partner, other = (
            Partner.objects.get(pk=p.pk) for p in (catalogue.partner, catalogue.other)
        )
        assert [row.rule for row in selectors.compliance_for_partner(partner)] == [
            everyone,
            only_large,
        ]
        assert [row.rule for row in selectors.compliance_for_partner(other)] == [everyone]


def test_staff_counts_cover_the_active_partners_in_a_fixed_number_of_queries(
    catalogue: Catalogue,
) -> None:
    with tenant_context(catalogue.world.tenant):
        certification = rule(catalogue.lighthouse, catalogue.iso, months=12)
        signed = TODAY - dt.timedelta(days=500)
        Partner.objects.update(joined_on=signed)
        catalogue.certificate(partner=catalogue.partner)  # met
        # The other partner: overdue (signed 500 days ago, nothing held).

        def overview() -> tuple[selectors.RuleCounts, int]:
            with CaptureQueriesContext(connection) as queries:
                [totals] = selectors.compliance_overview(today=TODAY)
            return totals, len(queries)

        totals, few = overview()
        assert (totals.rule, totals.applies_to, totals.met, totals.due, totals.overdue) == (
            certification,
            2,
            1,
            0,
            1,
        )
        assert [p.name for p in totals.overdue_partners] == [catalogue.other.name]

        # Ten more active partners, each with certificates, one ended: the same queries.
        for number in range(10):
            newcomer = Partner.objects.create(
                name=f"Newcomer {number}",
                business_id=f"{BUSINESS_IDS['DK'][2]}{number}",
                kind="company",
                sector="services",
                language="da",
                stage=Stage.ACTIVE,
                stage_changed_at=catalogue.partner.stage_changed_at,
                joined_on=TODAY - dt.timedelta(days=30),
            )
            catalogue.certificate(partner=newcomer, expires_on=TODAY - dt.timedelta(days=1))
            catalogue.planned(partner=newcomer)
        Partner.objects.filter(name="Newcomer 0").update(stage=Stage.ENDED)
        totals, many = overview()
        assert many == few <= 4
        assert (totals.applies_to, totals.met, totals.due, totals.overdue) == (11, 1, 9, 1)


def test_no_rules_no_counts(catalogue: Catalogue) -> None:
    with tenant_context(catalogue.world.tenant):
        assert selectors.compliance_overview(today=TODAY) == []
        assert selectors.compliance_for_partner(catalogue.partner) == []


def test_months_are_added_to_the_last_day_of_short_months() -> None:
    assert selectors.add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert selectors.add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert selectors.add_months(dt.date(2026, 5, 15), 24) == dt.date(2028, 5, 15)


def test_a_partner_of_one_tenant_is_never_counted_in_another(
    catalogue: Catalogue, beta: World
) -> None:
    with tenant_context(catalogue.world.tenant):
        rule(catalogue.lighthouse)
        catalogue.certificate()
    with tenant_context(beta.tenant):
        assert not Certificate.objects.exists()
        assert selectors.compliance_overview(today=TODAY) == []
