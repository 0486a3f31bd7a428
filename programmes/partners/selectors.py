from collections import defaultdict
from collections.abc import Collection
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404

from programmes.configuration.models import Tier
from programmes.partners.models import (
    ContactRole,
    Membership,
    Partner,
    PartnerContact,
    Publication,
    Stage,
    StageChange,
)
from programmes.people.models import STAFF_ROLES, Role, User


def partners_visible_to(viewer: Any) -> QuerySet[Partner]:
    """Staff see every partner of the programme; a partner's people only their own."""
    if not viewer.is_authenticated:
        return Partner.objects.none()
    if viewer.role in STAFF_ROLES:
        return Partner.objects.all()
    # A subquery, not a lookup now: querysets built on this stay lazy (one query in all).
    memberships = Membership.objects.filter(
        Q(user=viewer) | Q(user__isnull=True, email=viewer.email)
    )
    return Partner.objects.filter(pk__in=memberships.values("partner_id"))


def public_partners() -> QuerySet[Partner]:
    """The partners anyone may see: active, and listed in the directory by their own choice.
    Every public page, feed, widget and public API starts from this queryset; what else of a
    partner is shown is decided per item by ``publishes``."""
    return Partner.objects.filter(
        stage=Stage.ACTIVE, public_fields__contains=[Publication.DIRECTORY]
    )


def publishes(partner: Partner, what: str) -> bool:
    """Whether a listed partner chose to publish ``what`` (a ``Publication`` value)."""
    return Publication.DIRECTORY in partner.public_fields and what in partner.public_fields


def get_partner_for_user(viewer: Any, partner_id: int) -> Partner:
    """The same 404 whether the partner does not exist or is not the viewer's."""
    partner = partners_visible_to(viewer).select_related("tier").filter(pk=partner_id).first()
    if partner is None:
        raise Http404
    return partner


# What the staff workspace's lists show of each partner (read with ``.values``).
WORKSPACE_COLUMNS = (
    "pk",
    "name",
    "stage",
    "stage_changed_at",
    "unresponsive",
    "joined_on",
    "tier__name",
)


def partners_for_workspace(
    *, stage: str = "", query: str = "", unresponsive: bool = False
) -> QuerySet[Partner]:
    rows = Partner.objects.select_related("tier")
    if stage:
        rows = rows.filter(stage=stage)
    if unresponsive:
        rows = rows.filter(unresponsive=True)
    if query:
        rows = rows.filter(
            Q(name__icontains=query)
            | Q(business_id__icontains=query)
            | Q(city__icontains=query)
            | Q(contacts__email__icontains=query)
        ).distinct()
    # The id after the name: a stable order for pagination when names repeat.
    return rows.order_by("name", "pk")


def rows_digest(*sources: QuerySet[Any]) -> str:
    """The MD5 of every row of ``sources`` (``values_list`` querysets), computed by
    PostgreSQL in one query. Equal digests mean equal rows: a page cached under the digest
    of what it shows is never stale, whatever changed the rows (a service, an import, a
    bulk update, another worker), and nothing has to remember to invalidate it."""
    parts, params = [], []
    for rows in sources:
        sql, values = rows.order_by().query.sql_with_params()
        # Each source as one text, its rows in a fixed order; an empty source as "".
        # Only SQL the ORM compiled from the querysets is interpolated; values are
        # parameters.
        parts.append(
            f"coalesce((SELECT string_agg(r::text, ';' ORDER BY r::text) FROM ({sql}) r), '')"  # noqa: S608
        )
        params.extend(values)
    statement = f"SELECT md5(concat_ws('|', {', '.join(parts)}))"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return str(cursor.fetchone()[0])


def workspace_version() -> str:
    """The digest of what the staff workspace's lists show: every partner's listed columns
    and the tiers' names. One query."""
    columns = [column for column in WORKSPACE_COLUMNS if column != "tier__name"]
    return rows_digest(
        Partner.objects.values_list(*columns, "tier_id"),
        Tier.objects.values_list("pk", "name"),
    )


def partner_timeline(partner: Partner) -> QuerySet[StageChange]:
    return partner.stage_changes.all()


def membership_of_user(user: Any) -> Membership | None:
    """The user's membership: linked to the account, or by address for an invited colleague
    whose account was made from the invitation."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.select_related("partner")
        .filter(Q(user=user) | Q(user__isnull=True, email=user.email))
        .first()
    )


def partner_of_user(user: Any) -> Partner | None:
    membership = membership_of_user(user)
    return membership.partner if membership else None


def signing_rounds_with_places() -> list[Any]:
    """Open future signing rounds with the number of places left, in one query."""
    from django.db.models import Count
    from django.utils import timezone

    from programmes.configuration.models import SigningRound
    from programmes.partners.models import Stage

    rounds = SigningRound.objects.filter(booking_open=True, starts_at__gt=timezone.now())
    rounds = rounds.annotate(
        booked=Count("signed_partners", filter=Q(signed_partners__stage=Stage.BOOKED))
    )
    for signing_round in rounds:
        signing_round.places_left = max(signing_round.capacity - signing_round.booked, 0)
    return list(rounds)


def partner_mail_addresses(
    partner_ids: set[int], *, roles: Collection[str] = (Role.PARTNER_ADMIN,)
) -> dict[int, list[str]]:
    """Per partner, its people with an account and one of ``roles`` (by default its admins),
    else its main contacts (imported partners whose people have not signed in yet); two
    queries for any number of partners."""
    addresses: dict[int, list[str]] = defaultdict(list)
    people = User.objects.filter(
        membership__partner__in=partner_ids, is_active=True, role__in=roles
    ).values_list("membership__partner_id", "email")
    for partner_id, email in people.order_by("email"):
        addresses[partner_id].append(email)
    without_people = partner_ids - addresses.keys()
    if without_people:
        contacts = PartnerContact.objects.filter(
            partner__in=without_people, role=ContactRole.MAIN
        ).values_list("partner_id", "email")
        for partner_id, email in contacts.order_by("email"):
            addresses[partner_id].append(email)
    return addresses
