"""Fictional award history for the demo tenants that have awards: Porvoo (the annual climate
partner award) and Klimatkommunerna (the monthly climate initiative and the annual climate
municipality).

For every category of the programme: rounds for the last three years (a monthly prize one
per month up to last month), each with three to five nominations of the demo's active
partners (justifications in the programme's languages; nominated by staff, partners and,
where the award allows, the public), every juror's submitted scores and the winner with the
highest weighted total, announced. The categories' rules hold in the history too: a partner
wins an award that excludes previous winners only once, and municipal units are never
nominated where the award excludes them (Klimatkommunerna's members are municipalities and
its awards allow them).

This year's round follows the calendar: open with a few nominations while its window runs
(or is still to come); once the window has passed, the jury is scoring it, one juror has
submitted. Monthly prizes have this month's round open and last month's being scored (one
juror has submitted), so the jury always has a round to score.

The jury: three municipal staff members and one person of a partner (who is excluded from
scoring that partner's nominations), created once (``jury-<n>@<slug>.example``, the demo
password) and added to every category's jury. Idempotent: nothing is made when the tenant
has award rounds already. Seeded random generator: the same call gives the same demo.
"""

import calendar
import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from programmes.awards import services
from programmes.awards.models import (
    AwardRound,
    JurorSubmission,
    Nomination,
    NominatorKind,
    RoundStatus,
    Score,
)
from programmes.configuration.models import AwardCategory
from programmes.partners.models import Membership, OrganisationKind, Partner, Stage
from programmes.people.models import Role, User
from programmes.people.services import user_create

DEMO_SLUGS = ("porvoo", "klimatkommunerna")
# The demo password load_demo prints (kept here: programmes do not import tenants' commands).
DEMO_PASSWORD = "klimapartner-demo"  # noqa: S105
YEARS_BACK = 3

JURORS = {
    "porvoo": [
        ("Maria Lindqvist", Role.MUNICIPAL_STAFF),
        ("Jukka Virtanen", Role.MUNICIPAL_STAFF),
        ("Annika Holmström", Role.MUNICIPAL_STAFF),
        ("Sanna Nieminen", Role.PARTNER_MEMBER),
    ],
    "klimatkommunerna": [
        ("Eva Bergström", Role.MUNICIPAL_STAFF),
        ("Johan Karlsson", Role.MUNICIPAL_STAFF),
        ("Lena Åberg", Role.MUNICIPAL_STAFF),
        ("Anders Nilsson", Role.PARTNER_MEMBER),
    ],
}

JUSTIFICATIONS = {
    "sv": [
        "{name} har bytt till förnybar el och halverat sina utsläpp från uppvärmning på två år.",
        "{name} har ställt om sina transporter till biogas och el och delar gärna med sig av "
        "erfarenheterna till andra.",
        "{name} har infört en klimatbudget och följer upp den varje kvartal i ledningsgruppen.",
        "{name} har energieffektiviserat sina fastigheter och sparar över 300 MWh per år.",
        "{name} har tagit fram en cirkulär modell för återbruk av material som andra nu kopierar.",
        "{name} engagerar personal och invånare i klimatarbetet med utbildningar och "
        "öppna workshoppar.",
    ],
    "fi": [
        "{name} on siirtynyt uusiutuvaan sähköön ja puolittanut lämmityksen päästönsä kahdessa "
        "vuodessa.",
        "{name} on sähköistänyt kuljetuksensa ja jakaa kokemuksiaan avoimesti muille.",
        "{name} on ottanut käyttöön ilmastobudjetin, jota johtoryhmä seuraa neljännesvuosittain.",
        "{name} on tehostanut kiinteistöjensä energiankäyttöä ja säästää yli 300 MWh vuodessa.",
    ],
}
PUBLIC_NAMES = ["Karin Ek", "Mikko Laine", "Sofia Holm", "Erik Lund", "Aino Koski"]


def demo_awards_create(*, slug: str, country: str, language: str) -> int:
    """Create the demo award history; returns the number of rounds made (0 when the tenant
    has none to make or has rounds already)."""
    if slug not in DEMO_SLUGS or AwardRound.objects.exists():
        return 0
    categories = list(AwardCategory.objects.prefetch_related("criteria").order_by("pk"))
    partners = list(Partner.objects.filter(stage=Stage.ACTIVE).order_by("pk"))
    if not categories or len(partners) < 5:
        return 0
    rng = random.Random(f"awards:{slug}")  # noqa: S311  (demo data, not secrets)
    today = timezone.localdate()
    with transaction.atomic():
        jurors, linked = _jurors(slug, rng, partners)
        staff = next(u for u in jurors if u.role == Role.MUNICIPAL_STAFF)
        # Partners' people who nominate (with the partner they belong to).
        nominators = [
            (membership.user, membership.partner_id)
            for membership in Membership.objects.filter(
                user__isnull=False, partner__stage=Stage.ACTIVE
            ).select_related("user")
        ]
        made = 0
        for category in categories:
            category.jurors.add(*jurors)
            monthly = _is_monthly(category)
            for year, month in _periods(today, monthly):
                made += 1
                _round_create(
                    rng,
                    category=category,
                    year=year,
                    month=month,
                    today=today,
                    partners=partners,
                    jurors=jurors,
                    linked=linked,
                    staff=staff,
                    nominators=nominators,
                )
    return made


def _is_monthly(category: AwardCategory) -> bool:
    """The monthly prize of the preset (the configuration has no period of its own; see
    README)."""
    return "month" in (category.name.get("en", "") or "").lower()


def _periods(today: dt.date, monthly: bool) -> list[tuple[int, int | None]]:
    first = today.year - YEARS_BACK
    if not monthly:
        return [(year, None) for year in range(first, today.year + 1)]
    return [
        (year, month)
        for year in range(first, today.year + 1)
        for month in range(1, 13)
        if (year, month) <= (today.year, today.month)
    ]


def _jurors(
    slug: str, rng: random.Random, partners: list[Partner]
) -> tuple[list[User], dict[int, int]]:
    """The jury (made once), and the partner each juror belongs to."""
    jurors: list[User] = []
    linked: dict[int, int] = {}
    for number, (name, role) in enumerate(JURORS[slug], start=1):
        email = f"jury-{number}@{slug}.example"
        user = User.objects.filter(email=email).first() or user_create(
            actor=None, email=email, password=DEMO_PASSWORD, role=role, full_name=name
        )
        if role == Role.PARTNER_MEMBER:
            membership = Membership.objects.filter(email=email).first()
            if membership is None:
                membership = Membership.objects.create(
                    partner=rng.choice(partners), email=email, user=user
                )
            linked[user.pk] = membership.partner_id
        jurors.append(user)
    return jurors, linked


def _round_create(
    rng: random.Random,
    *,
    category: AwardCategory,
    year: int,
    month: int | None,
    today: dt.date,
    partners: list[Partner],
    jurors: list[User],
    linked: dict[int, int],
    staff: User,
    nominators: list[tuple[User, int]],
) -> None:
    opens, closes = services.default_window(category, year, month)
    award_round = services.round_open(
        actor=None,
        category=category,
        year=year,
        month=month,
        nomination_opens=opens,
        nomination_closes=closes,
    )
    past = closes < today and (year < today.year or month is not None)
    candidates = [p for p in partners if _may_be_nominated(category, p)]
    if category.previous_winners_excluded:
        winners = set(
            Nomination.objects.filter(
                round__category=category, won_round__isnull=False
            ).values_list("nominee_id", flat=True)
        )
        candidates = [p for p in candidates if p.pk not in winners]
    count = min(len(candidates), rng.randint(3, 5) if past or closes < today else 3)
    if count == 0:
        return
    nominations = Nomination.objects.bulk_create(
        _nomination(rng, award_round, partner, category, staff, nominators)
        for partner in rng.sample(candidates, count)
    )
    criteria = list(award_round.criteria.all())
    if not past and closes >= today:
        return  # open: nominations only
    # Still being scored: this year's annual round once its window has closed, and last
    # month's prize (so whatever the date there is a round for the jury to score). One
    # juror has submitted those; every juror has submitted the rest.
    last_month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    still_scoring = not past or (month is not None and (year, month) == last_month)
    scorers = jurors[:1] if still_scoring else jurors
    scores = [
        Score(nomination=nomination, juror=juror, criterion=criterion, value=_value(rng))
        for juror in scorers
        for nomination in nominations
        if linked.get(juror.pk) != nomination.nominee_id
        for criterion in criteria
    ]
    Score.objects.bulk_create(scores)
    JurorSubmission.objects.bulk_create(
        JurorSubmission(round=award_round, juror=juror) for juror in scorers
    )
    started = _moment(closes + dt.timedelta(days=1))
    if still_scoring:
        AwardRound.objects.filter(pk=award_round.pk).update(
            status=RoundStatus.SCORING, scoring_started_at=started
        )
        return
    announced = _announced_on(year, month)
    winner = _best(scores, criteria)
    AwardRound.objects.filter(pk=award_round.pk).update(
        status=RoundStatus.ANNOUNCED,
        winner=winner,
        scoring_started_at=started,
        closed_at=_moment(announced - dt.timedelta(days=3)),
        announced_at=_moment(announced),
    )


def _may_be_nominated(category: AwardCategory, partner: Partner) -> bool:
    return not (category.municipal_units_excluded and partner.kind == OrganisationKind.MUNICIPALITY)


def _nomination(
    rng: random.Random,
    award_round: AwardRound,
    partner: Partner,
    category: AwardCategory,
    staff: User,
    nominators: list[tuple[User, int]],
) -> Nomination:
    kinds = [kind for kind in category.nominators if kind in NominatorKind.values]
    kind = rng.choice(kinds or [NominatorKind.STAFF])
    texts = JUSTIFICATIONS["fi"] if partner.language == "fi" else JUSTIFICATIONS["sv"]
    values: dict[str, Any] = {
        "round": award_round,
        "nominee": partner,
        "nominee_name": partner.name,
        "justification": rng.choice(texts).format(name=partner.name),
        "nominator_kind": kind,
    }
    if kind == NominatorKind.PUBLIC:
        name = rng.choice(PUBLIC_NAMES)
        values |= {
            "nominator_name": name,
            "nominator_email": f"{name.split()[0].lower()}@example.org",
        }
    elif kind == NominatorKind.STAFF:
        values["nominated_by"] = staff
    else:
        people = [user for user, of in nominators if of != partner.pk]
        if people:
            values["nominated_by"] = rng.choice(people)
        else:  # no partner has people with accounts yet
            values["nominator_kind"], values["nominated_by"] = NominatorKind.STAFF, staff
    return Nomination(**values)


def _value(rng: random.Random) -> int:
    return min(10, max(0, round(rng.gauss(6.5, 1.8))))


def _best(scores: list[Score], criteria: list[Any]) -> Nomination:
    """The nomination with the highest weighted total (Σ weight × mean per criterion)."""
    weights = {criterion.pk: criterion.weight for criterion in criteria}
    values: dict[tuple[int, int], list[int]] = defaultdict(list)
    by_pk: dict[int, Nomination] = {}
    for score in scores:
        values[(score.nomination.pk, score.criterion.pk)].append(score.value)
        by_pk[score.nomination.pk] = score.nomination
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for (nomination, criterion), given in values.items():
        totals[nomination] += weights[criterion] * Decimal(sum(given)) / len(given)
    return by_pk[max(sorted(totals), key=lambda pk: totals[pk])]


def _announced_on(year: int, month: int | None) -> dt.date:
    if month is None:
        return dt.date(year, 12, 10)
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return dt.date(year, month, min(10, calendar.monthrange(year, month)[1]))


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))
