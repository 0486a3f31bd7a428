"""What the public sees of a programme and its partners.

Everything starts from ``partners.selectors.public_partners()`` (active partners that chose
to be listed); each further item of a partner is shown only when the partner published it
(``Publication``). Filters follow the same rule: a partner is found by its sector only if
it publishes its sector, by a certification scheme only if it publishes its certificates,
as an award winner only if it publishes its awards, by a word of its description only if
it publishes its description.

Every function here takes a fixed number of queries, whatever the number of partners.
"""

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.db.models import DecimalField, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify

from programmes.awards.models import AwardRound
from programmes.awards.selectors import announced_rounds, wins_of_partner
from programmes.certificates.models import Certificate
from programmes.climate.models import ClimateAccount
from programmes.climate.selectors import GoalStanding, YearTotals, goal_standings, totals_per_year
from programmes.configuration.models import CertificationScheme, Programme, PublicFigure, Tier
from programmes.core.i18n import tenant_languages, translated
from programmes.dashboards.selectors import TargetProgress, target_progress
from programmes.directory.sorting import collation_locale, sorted_by_name
from programmes.partners.models import ContactRole, Partner, PartnerContact, Publication, Sector
from programmes.partners.selectors import public_partners, publishes, rows_digest

PAGE_SIZE = 50
# Words of a search (more are ignored) and the longest search.
SEARCH_WORDS = 6
SEARCH_LENGTH = 100
# Contact roles a partner's published contacts include: the invoicing contact is the
# partner's billing address with the programme, not a contact for the public.
PUBLIC_CONTACT_ROLES = (
    ContactRole.MAIN,
    ContactRole.CLIMATE,
    ContactRole.MANAGEMENT,
    ContactRole.COMMUNICATION,
)
# Columns the directory's list needs (name, logo, sector, city, tier).
LIST_COLUMNS = ("pk", "name", "public_fields", "logo", "sector", "city", "tier__name")
# What ``directory_version`` hashes of each listed partner: the list's columns (the tier's
# name is hashed with the tiers) and what the unsearched filters match on.
LIST_FINGERPRINT_COLUMNS = ("pk", "name", "public_fields", "logo", "sector", "city", "tier_id")


def published(what: str) -> Q:
    """Partners that publish ``what`` (a ``Publication`` value)."""
    return Q(public_fields__contains=[what])


def held_certificates(*, today: dt.date) -> QuerySet[Certificate]:
    """Certificates in force today: obtained (not planned) and not expired. A certificate
    in its warning window is still valid."""
    return Certificate.objects.filter(planned=False).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )


def partner_slug(name: str) -> str:
    """``Lønstrup Tømrer ApS`` → ``lonstrup-tomrer-aps``, ``Ærø Æbler`` → ``aero-aebler``:
    ASCII for the address bar (letters without a decomposition are spelled out first)."""
    spelled = (
        name.replace("Æ", "Ae")
        .replace("æ", "ae")
        .replace("Ø", "O")
        .replace("ø", "o")
        .replace("ß", "ss")
        .replace("Ð", "D")
        .replace("ð", "d")
        .replace("Þ", "Th")
        .replace("þ", "th")
    )
    ascii_name = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode()
    return slugify(ascii_name)[:80].strip("-") or "partner"


# --- The directory ------------------------------------------------------------------------


class Order:
    NAME = "name"
    NAME_DESCENDING = "-name"


@dataclass(frozen=True)
class DirectoryQuery:
    """What a visitor asks the directory for (validated by ``forms.DirectoryFilterForm``)."""

    text: str = ""
    sector: str = ""
    tier: int | None = None
    scheme: int | None = None
    awarded: bool = False
    order: str = Order.NAME

    @property
    def is_filtered(self) -> bool:
        return bool(self.text or self.sector or self.tier or self.scheme or self.awarded)


def _search(rows: QuerySet[Partner], text: str) -> QuerySet[Partner]:
    """Every word in the name, or in the description (any of the tenant's languages) of a
    partner that publishes its description."""
    languages = tenant_languages()
    for word in text.split()[:SEARCH_WORDS]:
        in_description = Q()
        for code in languages:
            in_description |= Q(**{f"description__{code}__icontains": word})
        rows = rows.filter(
            Q(name__icontains=word) | (published(Publication.DESCRIPTION) & in_description)
        )
    return rows


def directory_partners(
    query: DirectoryQuery, *, today: dt.date | None = None, language: str | None = None
) -> list[Partner]:
    """The listed partners that match ``query``, sorted by name in the alphabet of the
    active language (ICU), with their tier: one query."""
    today = today or timezone.localdate()
    rows = public_partners().select_related("tier").only(*LIST_COLUMNS)
    if query.text:
        rows = _search(rows, query.text)
    if query.sector:
        rows = rows.filter(published(Publication.SECTOR), sector=query.sector)
    if query.tier:
        rows = rows.filter(tier_id=query.tier)
    if query.scheme:
        holds = held_certificates(today=today).filter(
            partner=OuterRef("pk"), scheme_id=query.scheme
        )
        rows = rows.filter(published(Publication.CERTIFICATES), Exists(holds))
    if query.awarded:
        won = announced_rounds().filter(winner__nominee=OuterRef("pk"))
        rows = rows.filter(published(Publication.AWARDS), Exists(won))
    return sorted_by_name(
        rows.order_by(),
        locale=collation_locale(language),
        reverse=query.order == Order.NAME_DESCENDING,
    )


def directory_version(*, today: dt.date | None = None) -> str:
    """A digest of every row the unsearched directory pages are made of: the listed
    partners' list columns, tiers, certification schemes, certificates in force today,
    announced award winners and the programme's name. One query (``rows_digest``: a few
    hundred short rows hashed by PostgreSQL)."""
    today = today or timezone.localdate()
    sources: list[QuerySet[Any]] = [
        public_partners().values_list(*LIST_FINGERPRINT_COLUMNS),
        Tier.objects.values_list("pk", "name", "order"),
        CertificationScheme.objects.values_list("pk", "name"),
        held_certificates(today=today).values_list("pk", "partner_id", "scheme_id"),
        announced_rounds().values_list("pk", "winner__nominee_id"),
        Programme.objects.values_list("pk", "name"),
    ]
    return rows_digest(*sources)


@dataclass(frozen=True)
class FilterOptions:
    """The choices the directory offers: only values some listed partner can be found by."""

    sectors: list[tuple[str, str]] = field(default_factory=list)
    tiers: list[tuple[int, str]] = field(default_factory=list)
    schemes: list[tuple[int, str]] = field(default_factory=list)


def filter_options(*, today: dt.date | None = None, language: str | None = None) -> FilterOptions:
    """Sectors published by listed partners, tiers of listed partners, certification
    schemes listed partners publish a valid certificate of. Three queries."""
    today = today or timezone.localdate()
    locale = collation_locale(language)
    labels = dict(Sector.choices)
    sector_codes = (
        public_partners()
        .filter(published(Publication.SECTOR))
        .order_by()
        .values_list("sector", flat=True)
        .distinct()
    )
    sectors = [(code, str(labels[code])) for code in sector_codes if code in labels]
    tiers = Tier.objects.filter(Exists(public_partners().filter(tier=OuterRef("pk")))).order_by(
        "order", "pk"
    )
    shown = public_partners().filter(published(Publication.CERTIFICATES))
    schemes = CertificationScheme.objects.filter(
        Exists(held_certificates(today=today).filter(scheme=OuterRef("pk"), partner__in=shown))
    )
    return FilterOptions(
        sectors=sorted_by_name(
            sectors, locale=locale, name=lambda row: row[1], tie=lambda row: row[0]
        ),
        tiers=[(tier.pk, translated(tier.name)) for tier in tiers],
        schemes=sorted_by_name(
            [(scheme.pk, scheme.name) for scheme in schemes],
            locale=locale,
            name=lambda row: row[1],
            tie=lambda row: row[0],
        ),
    )


def list_item(partner: Partner) -> dict[str, Any]:
    """What the directory shows of a listed partner: its name, tier, and its logo, sector
    and city when published."""
    item: dict[str, Any] = {
        "id": partner.pk,
        "name": partner.name,
        "slug": partner_slug(partner.name),
        "tier": translated(partner.tier.name) if partner.tier else "",
    }
    if publishes(partner, Publication.LOGO) and partner.logo:
        item["logo"] = f"/partner-logos/{partner.pk}/"
    if publishes(partner, Publication.SECTOR):
        item["sector"] = partner.sector
        item["sector_name"] = str(partner.get_sector_display())
    if publishes(partner, Publication.CITY) and partner.city:
        item["city"] = partner.city
    return item


# --- A partner's public page -------------------------------------------------------------


def get_public_partner(pk: int) -> Partner:
    """A listed partner; the same 404 for any other (missing, not listed, not active)."""
    partner = public_partners().select_related("tier").filter(pk=pk).first()
    if partner is None:
        raise Http404
    return partner


@dataclass(frozen=True)
class Climate:
    """The latest reported emissions and, when the partner has a baseline year, the change
    since then."""

    latest: YearTotals
    baseline: YearTotals | None


@dataclass(frozen=True)
class PublicProfile:
    """Exactly what a listed partner published; ``None`` for what it did not."""

    partner: Partner
    slug: str
    tier: str
    description: str | None = None
    website: str | None = None
    logo: str | None = None
    sector: str | None = None
    sector_name: str | None = None
    city: str | None = None
    goals: list[GoalStanding] | None = None
    certificates: list[Certificate] | None = None
    awards: list[AwardRound] | None = None
    climate: Climate | None = None
    climate_published: bool = False
    contacts: list[PartnerContact] | None = None


def _accounts(partner: Partner) -> list[ClimateAccount]:
    """The partner's accounts, oldest first, each with its scope 3 total: one query."""
    return list(
        ClimateAccount.objects.filter(partner=partner)
        .annotate(
            scope3_total=Coalesce(
                Sum("scope3__tonnes"),
                Value(0),
                output_field=DecimalField(max_digits=16, decimal_places=3),
            )
        )
        .order_by("year")
    )


def _current_certificates(partner: Partner, today: dt.date) -> list[Certificate]:
    """One valid certificate per scheme (the one valid longest): one query."""
    rows = (
        held_certificates(today=today)
        .filter(partner=partner)
        .select_related("scheme")
        .order_by("scheme__name", "scheme_id", "-expires_on", "pk")
    )
    by_scheme: dict[int, Certificate] = {}
    for certificate in rows:
        current = by_scheme.get(certificate.scheme_id)
        if current is None or certificate.expires_on is None:
            by_scheme[certificate.scheme_id] = certificate
    return list(by_scheme.values())


def partner_profile(partner: Partner, *, today: dt.date | None = None) -> PublicProfile:
    """A listed partner's public profile: one query per published item at most (goals two),
    whatever else the partner has."""
    today = today or timezone.localdate()

    def shows(what: str) -> bool:
        return publishes(partner, what)

    values: dict[str, Any] = {}
    if shows(Publication.DESCRIPTION):
        values["description"] = translated(partner.description)
    if shows(Publication.WEBSITE) and partner.website:
        values["website"] = partner.website
    if shows(Publication.LOGO) and partner.logo:
        values["logo"] = f"/partner-logos/{partner.pk}/"
    if shows(Publication.SECTOR):
        values["sector"] = partner.sector
        values["sector_name"] = str(partner.get_sector_display())
    if shows(Publication.CITY) and partner.city:
        values["city"] = partner.city
    years: list[YearTotals] = []
    if shows(Publication.CLIMATE):
        years = totals_per_year(_accounts(partner))
        values["climate_published"] = True
        if years:
            baseline = next((row for row in years if row.is_baseline), None)
            latest = years[-1]
            values["climate"] = Climate(
                latest=latest,
                baseline=baseline if baseline is not None and baseline.year < latest.year else None,
            )
    if shows(Publication.GOALS):
        # A goal in tonnes CO2e is measured by the climate accounts only when the partner
        # publishes them too: otherwise its progress would show the emissions.
        values["goals"] = goal_standings(partner, years)
    if shows(Publication.CERTIFICATES):
        values["certificates"] = _current_certificates(partner, today)
    if shows(Publication.AWARDS):
        values["awards"] = list(wins_of_partner(partner.pk))
    if shows(Publication.CONTACTS):
        values["contacts"] = list(
            partner.contacts.filter(role__in=PUBLIC_CONTACT_ROLES).order_by("role", "name", "pk")
        )
    return PublicProfile(
        partner=partner,
        slug=partner_slug(partner.name),
        tier=translated(partner.tier.name) if partner.tier else "",
        **values,
    )


# --- The programme ----------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeSummary:
    """The programme's public summary: its target, how many partners are listed, whether
    figures are published and, when the target figure is, the progress towards it."""

    programme: Programme | None
    listed_partners: int
    figures_public: bool
    target: TargetProgress | None


def programme_summary(programme: Programme | None = None) -> ProgrammeSummary:
    """Two queries (three when the programme is not given), one more when the programme
    publishes its progress towards the target."""
    if programme is None:
        programme = Programme.objects.first()
    figures = list(programme.public_figures) if programme else []
    target = None
    if PublicFigure.TARGET in figures:
        target = target_progress(programme=programme)
    return ProgrammeSummary(
        programme=programme,
        listed_partners=public_partners().count(),
        figures_public=bool(figures),
        target=target,
    )


def sitemap_partners() -> QuerySet[Partner]:
    """The listed partners, for the sitemap (the names make the addresses)."""
    return public_partners().only("pk", "name").order_by("pk")
