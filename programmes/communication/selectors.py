"""Reading announcements, segments, recipients, inboxes and notification preferences."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    DateField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.certificates.models import Certificate
from programmes.certificates.selectors import DEFAULT_WARNING_DAYS
from programmes.communication.models import (
    Announcement,
    AnnouncementStatus,
    InboxItem,
    NotificationPreference,
)
from programmes.configuration.models import Programme, Tier
from programmes.core.i18n import offered_language, translated
from programmes.followups.models import FollowUp, FollowUpStatus
from programmes.partners.models import ContactRole, Partner, PartnerContact, Sector, Stage
from programmes.partners.selectors import partner_of_user
from programmes.people.models import STAFF_ROLES, Role, User

# --- Segments ---------------------------------------------------------------------------


def _warning_window_ends(today: dt.date) -> CombinedExpression:
    """today + the programme's warning window, in SQL (date + integer is a date)."""
    days = Programme.objects.values("certificate_warning_days")[:1]
    return CombinedExpression(
        Value(today, output_field=DateField()),
        "+",
        Coalesce(Subquery(days), Value(DEFAULT_WARNING_DAYS)),
        output_field=DateField(),
    )


def _has_expiring_certificate(today: dt.date) -> Exists:
    """A held certificate in the warning window, not renewed by a later one of the same
    scheme: what ``certificates.selectors.certificates_entering_expiry`` reminds about."""
    renewed = Certificate.objects.filter(
        partner=OuterRef("partner"),
        scheme=OuterRef("scheme"),
        planned=False,
        expires_on__gt=OuterRef("expires_on"),
    )
    expiring = Certificate.objects.filter(
        partner=OuterRef("pk"),
        planned=False,
        expires_on__gte=today,
        expires_on__lt=_warning_window_ends(today),
    ).exclude(Exists(renewed))
    return Exists(expiring)


def partners_in_segment(criteria: dict[str, Any], *, today: dt.date | None = None) -> QuerySet:
    """The partners an announcement with these (cleaned, see ``segments.segment_clean``)
    criteria reaches, in one query: criteria combine with AND, the values of one criterion
    with OR; ended partners never."""
    today = today or timezone.localdate()
    rows = Partner.objects.exclude(stage=Stage.ENDED)
    if criteria.get("stages"):
        rows = rows.filter(stage__in=criteria["stages"])
    if criteria.get("tiers"):
        rows = rows.filter(tier_id__in=criteria["tiers"])
    if criteria.get("sectors"):
        rows = rows.filter(sector__in=criteria["sectors"])
    if criteria.get("not_reported_year"):
        answered = FollowUp.objects.filter(
            partner=OuterRef("pk"),
            year=criteria["not_reported_year"],
            status=FollowUpStatus.SUBMITTED,
        )
        rows = rows.exclude(Exists(answered))
    if criteria.get("certificate_expiring"):
        rows = rows.filter(_has_expiring_certificate(today))
    return rows.order_by("name", "pk")


def segment_description(criteria: dict[str, Any]) -> list[str]:
    """The criteria in words, for staff (one query for tier names when tiers are chosen)."""
    if not criteria:
        return [_("Every partner that has not ended")]
    stages, sectors = dict(Stage.choices), dict(Sector.choices)
    lines = []
    if criteria.get("stages"):
        names = ", ".join(str(stages.get(s, s)) for s in criteria["stages"])
        lines.append(_("Stage: %(names)s") % {"names": names})
    if criteria.get("tiers"):
        tiers = Tier.objects.filter(pk__in=criteria["tiers"]).order_by("order", "pk")
        names = ", ".join(translated(tier.name) for tier in tiers)
        lines.append(_("Tier: %(names)s") % {"names": names})
    if criteria.get("sectors"):
        names = ", ".join(str(sectors.get(s, s)) for s in criteria["sectors"])
        lines.append(_("Sector: %(names)s") % {"names": names})
    if criteria.get("not_reported_year"):
        lines.append(
            _("Has not answered the follow-up for %(year)s")
            % {"year": criteria["not_reported_year"]}
        )
    if criteria.get("certificate_expiring"):
        lines.append(_("Has a certificate expiring soon"))
    return lines


# --- Who may see which announcements ----------------------------------------------------


def is_staff(viewer: Any) -> bool:
    return bool(getattr(viewer, "is_authenticated", False) and viewer.role in STAFF_ROLES)


def announcements_visible_to(viewer: Any) -> QuerySet[Announcement]:
    """Staff see every announcement; no one else (partners read their inbox)."""
    if not is_staff(viewer):
        return Announcement.objects.none()
    return Announcement.objects.select_related("created_by")


def get_announcement_for_user(viewer: Any, pk: int) -> Announcement:
    announcement = announcements_visible_to(viewer).filter(pk=pk).first()
    if announcement is None:
        raise Http404
    return announcement


def announcements_for_staff() -> QuerySet[Announcement]:
    """Every announcement, newest first, with how many partners it reached and how many of
    them read it, in one query."""
    return (
        Announcement.objects.select_related("created_by")
        .annotate(
            reached=Count("inbox_items"),
            read=Count("inbox_items", filter=Q(inbox_items__read_at__isnull=False)),
        )
        .order_by("-created_at", "-pk")
    )


# --- Inbox ------------------------------------------------------------------------------


def inbox_items_visible_to(viewer: Any) -> QuerySet[InboxItem]:
    """A partner's people see their partner's items of sent announcements; staff have no
    inbox."""
    if not getattr(viewer, "is_authenticated", False) or viewer.role in STAFF_ROLES:
        return InboxItem.objects.none()
    partner = partner_of_user(viewer)
    if partner is None:
        return InboxItem.objects.none()
    return (
        InboxItem.objects.filter(partner=partner, announcement__status=AnnouncementStatus.SENT)
        .select_related("announcement")
        .order_by("-delivered_at", "-pk")
    )


def get_inbox_item_for_user(viewer: Any, pk: int) -> InboxItem:
    """The same 404 whether the item does not exist or is another partner's."""
    item = inbox_items_visible_to(viewer).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


# --- Recipients and their preferences ---------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    partner_id: int
    email: str
    language: str
    user_id: int | None = None


def recipients_for_partners(partners: Iterable[Partner]) -> list[Recipient]:
    """The people an announcement to these partners is e-mailed to: every active account of
    the partner (admins and members) in its own language, else in the partner's; a partner
    without accounts yet (imported) through its main contacts in the partner's language.
    Two queries for any number of partners; each address once per partner."""
    partners = list(partners)
    languages = {partner.pk: partner.language for partner in partners}
    found: dict[int, list[Recipient]] = defaultdict(list)
    seen: set[tuple[int, str]] = set()
    people = (
        User.objects.filter(
            membership__partner__in=list(languages),
            is_active=True,
            role__in=[Role.PARTNER_ADMIN, Role.PARTNER_MEMBER],
        )
        .values_list("membership__partner_id", "email", "language", "pk")
        .order_by("email")
    )
    for partner_id, email, language, user_id in people:
        address = email.lower()
        if (partner_id, address) not in seen:
            seen.add((partner_id, address))
            found[partner_id].append(
                Recipient(
                    partner_id, address, offered_language(language, languages[partner_id]), user_id
                )
            )
    without = [pk for pk in languages if pk not in found]
    if without:
        contacts = (
            PartnerContact.objects.filter(partner__in=without, role=ContactRole.MAIN)
            .values_list("partner_id", "email")
            .order_by("email")
        )
        for partner_id, email in contacts:
            address = email.strip().lower()
            if address and (partner_id, address) not in seen:
                seen.add((partner_id, address))
                found[partner_id].append(
                    Recipient(partner_id, address, offered_language(languages[partner_id]))
                )
    return [recipient for partner in partners for recipient in found.get(partner.pk, [])]


def preferences_for(addresses: Iterable[str]) -> dict[str, NotificationPreference]:
    """The preferences of these addresses (lower case), in one query."""
    wanted = {address.lower() for address in addresses}
    if not wanted:
        return {}
    return {pref.email: pref for pref in NotificationPreference.objects.filter(email__in=wanted)}


def preference_of(email: str) -> NotificationPreference:
    """The address's preference, or the default (every newsletter wanted), unsaved."""
    address = email.lower()
    return NotificationPreference.objects.filter(email=address).first() or NotificationPreference(
        email=address
    )
