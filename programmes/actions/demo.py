"""Demo climate actions of a demo tenant, so the library's provenance shows.

``demo_actions_create`` (called inside the tenant's context):

1. publishes the tenant's demo catalogue to the shared library (``demo_library_seed``, the
   tenant's name as contributor) and keeps each of those as the programme's own action,
   marked as published from it;
2. copies up to three actions other demo tenants contributed, when there are any (the
   tenants are seeded one after the other, so the first has none on the first run; a second
   run fills it up), preferring ones written in a language the tenant offers;
3. writes two actions of its own that stay in the programme (not published);
4. bases some demo goals on the actions of their theme.

Idempotent: each step does only what is missing.
"""

from typing import Any

from django.db import connection, transaction

from programmes.actions import selectors, services
from programmes.actions.models import ProgrammeAction
from programmes.partners.models import Goal
from tenants.library.demo import demo_library_seed
from tenants.library.models import LibraryAction, ModerationStatus

COPIES = 3
# Every third goal of an action's theme is based on it.
GOAL_SHARE = 3

LOCAL_ACTIONS: list[dict[str, Any]] = [
    {
        "theme": "management",
        "effect_level": "low",
        "cost_level": "none",
        "sizes": ["medium", "large"],
        "sources": "",
        "texts": {
            "da": (
                "Klimaambassadører blandt medarbejderne",
                "Udpeg en klimaambassadør i hver afdeling, som samler forslag, følger op på "
                "målene og fortæller om resultaterne på personalemøder.",
            ),
            "sv": (
                "Klimatambassadörer bland medarbetarna",
                "Utse en klimatambassadör på varje avdelning som samlar förslag, följer upp "
                "målen och berättar om resultaten på personalmöten.",
            ),
            "fi": (
                "Ilmastolähettiläät henkilöstön joukosta",
                "Nimeä jokaiseen yksikköön ilmastolähettiläs, joka kerää ehdotuksia, seuraa "
                "tavoitteita ja kertoo tuloksista henkilöstökokouksissa.",
            ),
            "nb": (
                "Klimaambassadører blant de ansatte",
                "Utnevn en klimaambassadør i hver avdeling som samler forslag, følger opp "
                "målene og forteller om resultatene på personalmøter.",
            ),
            "en": (
                "Climate ambassadors among the staff",
                "Appoint a climate ambassador in every department who gathers ideas, follows "
                "up the goals and reports the results at staff meetings.",
            ),
        },
    },
    {
        "theme": "waste",
        "effect_level": "medium",
        "cost_level": "low",
        "sizes": [],
        "sources": "",
        "texts": {
            "da": (
                "Affaldssortering i ti fraktioner",
                "Sæt sorteringsstationer op ved kaffemaskiner og i kantinen, og aftal med "
                "renovatøren, at papir, plast, metal, glas og madaffald hentes hver for sig.",
            ),
            "sv": (
                "Källsortering i tio fraktioner",
                "Ställ upp sorteringsstationer vid kaffemaskiner och i personalmatsalen, och "
                "kom överens med renhållaren om att papper, plast, metall, glas och matavfall "
                "hämtas var för sig.",
            ),
            "fi": (
                "Jätteiden lajittelu kymmeneen jakeeseen",
                "Sijoita lajittelupisteet kahviautomaattien viereen ja henkilöstöravintolaan, "
                "ja sovi jätehuollon kanssa paperin, muovin, metallin, lasin ja biojätteen "
                "erillisestä noudosta.",
            ),
            "nb": (
                "Kildesortering i ti fraksjoner",
                "Sett opp sorteringsstasjoner ved kaffemaskiner og i kantinen, og avtal med "
                "renovatøren at papir, plast, metall, glass og matavfall hentes hver for seg.",
            ),
            "en": (
                "Waste sorted into ten fractions",
                "Put sorting stations by the coffee machines and in the canteen, and agree "
                "with the waste company that paper, plastic, metal, glass and food waste are "
                "collected separately.",
            ),
        },
    },
]


def demo_actions_create(*, slug: str, country: str, language: str) -> None:
    tenant = connection.tenant
    demo_library_seed(tenant=tenant, contributor_name=tenant.name, language=language)
    with transaction.atomic():
        _own_publications(tenant)
        _copies(tenant)
        _local_actions(tenant)
        _goals_based_on_actions()


def _own_publications(tenant: Any) -> None:
    """The tenant's contributions to the library, as its own actions published from it."""
    kept = set(
        ProgrammeAction.objects.filter(published_uuid__isnull=False).values_list(
            "published_uuid", flat=True
        )
    )
    contributed = LibraryAction.objects.filter(
        contributor=tenant, status=ModerationStatus.PUBLISHED
    ).order_by("published_at", "id")
    ProgrammeAction.objects.bulk_create(
        ProgrammeAction(
            **selectors.copy_values(library_action),
            published_uuid=library_action.uuid,
            published_at=library_action.published_at,
        )
        for library_action in contributed
        if library_action.uuid not in kept
    )


def _copies(tenant: Any) -> None:
    """Up to ``COPIES`` actions of other tenants, of different themes where possible, those
    written in one of the tenant's languages first."""
    missing = COPIES - ProgrammeAction.objects.filter(library_uuid__isnull=False).count()
    if missing <= 0:
        return
    copied = selectors.copied_uuids()
    own_themes = set(ProgrammeAction.objects.values_list("theme", flat=True))
    candidates = [
        action
        for action in LibraryAction.objects.filter(status=ModerationStatus.PUBLISHED)
        .exclude(contributor=tenant)
        .order_by("contributor_name", "id")
        if action.uuid not in copied
    ]
    candidates.sort(
        key=lambda action: (
            not set(action.languages) & set(tenant.languages),
            action.theme in own_themes,
        )
    )
    themes: set[str] = set()
    for action in candidates:
        if missing <= 0:
            break
        if action.theme in themes:
            continue
        services.action_copy_from_library(actor=None, library_action=action)
        themes.add(action.theme)
        missing -= 1


def _local_actions(tenant: Any) -> None:
    """Two actions written in the programme that stay there."""
    if ProgrammeAction.objects.filter(
        library_uuid__isnull=True, published_uuid__isnull=True
    ).exists():
        return
    for spec in LOCAL_ACTIONS:
        texts = {code: text for code, text in spec["texts"].items() if code in tenant.languages}
        services.action_create(
            actor=None,
            data={
                "title": {code: title for code, (title, _text) in texts.items()},
                "description": {code: text for code, (_title, text) in texts.items()},
                "theme": spec["theme"],
                "effect_tonnes_per_year": None,
                "effect_level": spec["effect_level"],
                "cost_level": spec["cost_level"],
                "sectors": [],
                "sizes": spec["sizes"],
                "sources": spec["sources"],
            },
        )


def _goals_based_on_actions() -> None:
    """Every third demo goal of a theme is based on an action of that theme."""
    if Goal.objects.filter(action__isnull=False).exists():
        return
    by_theme: dict[str, list[ProgrammeAction]] = {}
    for action in selectors.actions_offered_sorted():
        by_theme.setdefault(action.theme, []).append(action)
    changed = []
    for theme, actions in by_theme.items():
        goals = Goal.objects.filter(theme=theme, action__isnull=True).order_by("pk")
        for number, goal in enumerate(goals):
            if number % GOAL_SHARE == 0:
                goal.action = actions[(number // GOAL_SHARE) % len(actions)]
                changed.append(goal)
    Goal.objects.bulk_update(changed, ["action"])
