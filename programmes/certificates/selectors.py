"""Reading certificates and the partners' compliance with the programme's certification rules.

A certificate's status is derived from its dates and the programme's warning window (never
stored), in Python by ``Certificate.status_on`` and in SQL by ``status_q``; the two agree
(tests/certificates test both at the window's edges).

Compliance, per rule that applies to the partner's tier (a rule without tiers applies to
all): **met** when the partner holds a valid or expiring certificate of any of the rule's
schemes, or plans one and the rule counts plans; otherwise **due** until ``joined_on`` +
``within_months`` and **overdue** after. A partner that has not signed yet is due with no
date (the months run from signing).
"""

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone

from programmes.certificates.models import Certificate, CertificateStatus
from programmes.configuration.models import CertificationRule, Programme
from programmes.partners.models import Partner, Stage
from programmes.partners.selectors import partners_visible_to
from programmes.people.models import STAFF_ROLES

# The warning window when a tenant has no programme profile yet (the model's default).
DEFAULT_WARNING_DAYS = 60
# Statuses that hold a certificate in force.
IN_FORCE = (CertificateStatus.VALID, CertificateStatus.EXPIRING)


class Compliance:
    MET = "met"
    DUE = "due"
    OVERDUE = "overdue"


def programme_warning_days() -> int:
    """The programme's warning window in days (how long before expiry a certificate counts
    as expiring)."""
    days = Programme.objects.values_list("certificate_warning_days", flat=True).first()
    return DEFAULT_WARNING_DAYS if days is None else days


def status_q(status: str, *, today: dt.date, warning_days: int) -> Q:
    """The certificates with ``status`` on ``today``, as ``Certificate.status_on`` decides."""
    window_ends = today + dt.timedelta(days=warning_days)
    held = Q(planned=False)
    return {
        CertificateStatus.PLANNED: Q(planned=True),
        CertificateStatus.VALID: held
        & (Q(expires_on__isnull=True) | Q(expires_on__gte=window_ends)),
        CertificateStatus.EXPIRING: held & Q(expires_on__gte=today, expires_on__lt=window_ends),
        CertificateStatus.EXPIRED: held & Q(expires_on__lt=today),
    }[CertificateStatus(status)]


def with_status(
    certificates: Iterable[Certificate], *, today: dt.date, warning_days: int
) -> list[Certificate]:
    """The certificates, each with ``status`` (and ``status_label``) set for ``today``."""
    labels = dict(CertificateStatus.choices)
    rows = list(certificates)
    for certificate in rows:
        certificate.status = certificate.status_on(today, warning_days)
        certificate.status_label = labels[certificate.status]
    return rows


# --- Who sees which certificates -----------------------------------------------------------


def certificates_visible_to(viewer: Any) -> QuerySet[Certificate]:
    """Staff see every certificate; a partner's people their own partner's."""
    return Certificate.objects.filter(partner__in=partners_visible_to(viewer)).select_related(
        "partner", "scheme"
    )


def get_certificate_for_user(viewer: Any, pk: int) -> Certificate:
    """The same 404 whether the certificate does not exist or is not the viewer's."""
    certificate = certificates_visible_to(viewer).filter(pk=pk).first()
    if certificate is None:
        raise Http404
    return certificate


def can_manage_certificates(viewer: Any, partner: Partner) -> bool:
    """Staff manage every partner's certificates; a partner admin its own partner's."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    if viewer.role in STAFF_ROLES:
        return True
    return (
        viewer.role == "partner_admin"
        and partners_visible_to(viewer).filter(pk=partner.pk).exists()
    )


def certificates_for_partner(
    partner: Partner, *, today: dt.date | None = None, warning_days: int | None = None
) -> list[Certificate]:
    """The partner's certificates with their status, in one query (plus the programme's
    warning window when not given)."""
    today = today or timezone.localdate()
    days = programme_warning_days() if warning_days is None else warning_days
    rows = Certificate.objects.filter(partner=partner).select_related("scheme")
    return with_status(
        rows.order_by("scheme__name", "planned", "-expires_on", "pk"),
        today=today,
        warning_days=days,
    )


def certificates_for_overview(
    *,
    today: dt.date,
    warning_days: int,
    status: str = "",
    scheme: int | None = None,
    query: str = "",
) -> QuerySet[Certificate]:
    """Every certificate of the programme for staff, soonest expiry first."""
    rows = Certificate.objects.select_related("partner", "scheme")
    if status:
        rows = rows.filter(status_q(status, today=today, warning_days=warning_days))
    if scheme:
        rows = rows.filter(scheme_id=scheme)
    if query:
        rows = rows.filter(
            Q(partner__name__icontains=query)
            | Q(partner__business_id__icontains=query)
            | Q(number__icontains=query)
        )
    return rows.order_by("planned", "expires_on", "planned_by", "partner__name", "pk")


# --- Compliance with the certification rules -----------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` on; the 31st becomes the month's last day where needed."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def rules_with_schemes() -> list[CertificationRule]:
    """The programme's rules, each with ``scheme_ids``, ``scheme_names`` and ``tier_ids``,
    in one query."""
    rules = CertificationRule.objects.annotate(
        scheme_ids=ArrayAgg(
            "schemes__id", distinct=True, filter=Q(schemes__isnull=False), default=Value([])
        ),
        scheme_names=ArrayAgg(
            "schemes__name", distinct=True, filter=Q(schemes__isnull=False), default=Value([])
        ),
        tier_ids=ArrayAgg(
            "tiers__id", distinct=True, filter=Q(tiers__isnull=False), default=Value([])
        ),
    ).order_by("id")
    rows = list(rules)
    for rule in rows:
        rule.scheme_names = sorted(rule.scheme_names, key=str.casefold)
    return rows


def rule_applies(rule: CertificationRule, partner: Partner) -> bool:
    return not rule.tier_ids or partner.tier_id in rule.tier_ids


@dataclass(frozen=True)
class RuleCompliance:
    """How one partner stands with one rule."""

    rule: CertificationRule
    state: str  # Compliance.MET, DUE or OVERDUE
    due_on: dt.date | None = None  # for DUE and OVERDUE: joined_on + within_months
    met_by: Certificate | None = None

    @property
    def is_met(self) -> bool:
        return self.state == Compliance.MET

    @property
    def is_overdue(self) -> bool:
        return self.state == Compliance.OVERDUE


def _rule_compliance(
    rule: CertificationRule, partner: Partner, certificates: list[Certificate], today: dt.date
) -> RuleCompliance:
    """``certificates``: the partner's, each with ``status`` set (``with_status``)."""
    schemes = set(rule.scheme_ids)
    candidates = [c for c in certificates if c.scheme_id in schemes]
    for wanted in (CertificateStatus.VALID, CertificateStatus.EXPIRING):
        held = [c for c in candidates if c.status == wanted]
        if held:
            return RuleCompliance(rule, Compliance.MET, met_by=max(held, key=_expiry))
    if rule.plan_counts:
        planned = [c for c in candidates if c.status == CertificateStatus.PLANNED]
        if planned:
            return RuleCompliance(rule, Compliance.MET, met_by=planned[0])
    if partner.joined_on is None:
        return RuleCompliance(rule, Compliance.DUE)
    due_on = add_months(partner.joined_on, rule.within_months)
    state = Compliance.OVERDUE if today > due_on else Compliance.DUE
    return RuleCompliance(rule, state, due_on=due_on)


def _expiry(certificate: Certificate) -> dt.date:
    return certificate.expires_on or dt.date.max


def compliance_for_partner(
    partner: Partner,
    *,
    certificates: list[Certificate] | None = None,
    rules: list[CertificationRule] | None = None,
    today: dt.date | None = None,
    warning_days: int | None = None,
) -> list[RuleCompliance]:
    """The partner's standing with every rule that applies to its tier. Pass what the caller
    already read (its certificates with status, the rules) to save the queries."""
    today = today or timezone.localdate()
    if certificates is None:
        certificates = certificates_for_partner(partner, today=today, warning_days=warning_days)
    rules = rules_with_schemes() if rules is None else rules
    return [
        _rule_compliance(rule, partner, certificates, today)
        for rule in rules
        if rule_applies(rule, partner)
    ]


@dataclass(frozen=True)
class PartnerCertificates:
    """A partner's certificates with status and its compliance: the partner's own page, the
    staff partner page and the API."""

    partner: Partner
    certificates: list[Certificate]
    compliance: list[RuleCompliance]
    warning_days: int

    @property
    def all_met(self) -> bool:
        return all(row.is_met for row in self.compliance)


def partner_certificates(partner: Partner, *, today: dt.date | None = None) -> PartnerCertificates:
    """Everything about a partner's certificates in three queries (the warning window, the
    certificates, the rules), whatever their number."""
    today = today or timezone.localdate()
    days = programme_warning_days()
    certificates = certificates_for_partner(partner, today=today, warning_days=days)
    compliance = compliance_for_partner(partner, certificates=certificates, today=today)
    return PartnerCertificates(partner, certificates, compliance, days)


def compliance_by_partner(
    partners: list[Partner],
    *,
    today: dt.date,
    warning_days: int,
    rules: list[CertificationRule] | None = None,
) -> dict[int, list[RuleCompliance]]:
    """Compliance of many partners in two queries (the rules unless given, their
    certificates)."""
    rules = rules_with_schemes() if rules is None else rules
    if not rules or not partners:
        return {partner.pk: [] for partner in partners}
    held: dict[int, list[Certificate]] = {partner.pk: [] for partner in partners}
    rows = Certificate.objects.filter(partner__in=[p.pk for p in partners]).select_related("scheme")
    for certificate in with_status(rows, today=today, warning_days=warning_days):
        held[certificate.partner_id].append(certificate)
    return {
        partner.pk: compliance_for_partner(
            partner, certificates=held[partner.pk], rules=rules, today=today
        )
        for partner in partners
    }


@dataclass
class RuleCounts:
    """How the programme's active partners stand with one rule."""

    rule: CertificationRule
    applies_to: int = 0
    met: int = 0
    due: int = 0
    overdue: int = 0
    overdue_partners: list[Partner] = field(default_factory=list)


# Partners listed by name under each rule on the staff overview; the counts cover all.
OVERDUE_LISTED = 50


def compliance_overview(
    *, today: dt.date | None = None, warning_days: int | None = None
) -> list[RuleCounts]:
    """Per rule, how many active partners meet it, are still within their time and are
    overdue (with the overdue partners), in four queries whatever the programme's size
    (three when the warning window is given)."""
    today = today or timezone.localdate()
    days = programme_warning_days() if warning_days is None else warning_days
    rules = rules_with_schemes()
    counts = {rule.pk: RuleCounts(rule=rule) for rule in rules}
    if not rules:
        return []
    partners = list(
        Partner.objects.filter(stage=Stage.ACTIVE)
        .only("pk", "name", "tier_id", "joined_on")
        .order_by("name", "pk")
    )
    standing = compliance_by_partner(partners, today=today, warning_days=days, rules=rules)
    for partner in partners:
        for row in standing[partner.pk]:
            totals = counts[row.rule.pk]
            totals.applies_to += 1
            if row.state == Compliance.MET:
                totals.met += 1
            elif row.state == Compliance.DUE:
                totals.due += 1
            else:
                totals.overdue += 1
                if len(totals.overdue_partners) < OVERDUE_LISTED:
                    totals.overdue_partners.append(partner)
    return list(counts.values())


# --- What the worker reminds about ---------------------------------------------------------

# Staff hear of certificates that expired within this many days: entering or importing old,
# long-expired certificates does not flood them with e-mail.
EXPIRED_NOTICE_DAYS = 30


def _not_superseded(rows: QuerySet[Certificate]) -> QuerySet[Certificate]:
    """Drop certificates the partner has renewed: another held certificate of the same
    scheme that expires later."""
    renewed = Certificate.objects.filter(
        partner=OuterRef("partner"),
        scheme=OuterRef("scheme"),
        planned=False,
        expires_on__gt=OuterRef("expires_on"),
    )
    return rows.exclude(Exists(renewed))


def certificates_entering_expiry(*, today: dt.date, warning_days: int) -> QuerySet[Certificate]:
    """Certificates in the warning window of partners still in the programme, not renewed:
    their partner is reminded (once per certificate and expiry date)."""
    rows = Certificate.objects.filter(
        status_q(CertificateStatus.EXPIRING, today=today, warning_days=warning_days)
    ).exclude(partner__stage=Stage.ENDED)
    return _not_superseded(rows).select_related("partner", "scheme").order_by("expires_on", "pk")


def certificates_just_expired(*, today: dt.date) -> QuerySet[Certificate]:
    """Certificates that expired in the last ``EXPIRED_NOTICE_DAYS`` days, of partners still
    in the programme, not renewed: staff are told (once per certificate and expiry date)."""
    rows = Certificate.objects.filter(
        planned=False,
        expires_on__lt=today,
        expires_on__gte=today - dt.timedelta(days=EXPIRED_NOTICE_DAYS),
    ).exclude(partner__stage=Stage.ENDED)
    return _not_superseded(rows).select_related("partner", "scheme").order_by("expires_on", "pk")
