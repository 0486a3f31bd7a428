"""Fictional partners for the demo tenants, spread over every stage of the journey.

Every partner gets a main contact and (from the self-assessment on) its answers; from the
goals proposed on, one to three goals in the partner's language; active partners that have
been in the programme long enough have answered last year's follow-up, and this year's is in
a realistic mix: about half answered, some waiting (with reminders sent), a few partners
flagged unresponsive. The history is written straight into the models (it is made up, so
there is nobody to notify), in bulk, and from the seeded random generator, so the same call
always gives the same demo.
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from programmes.configuration.models import (
    AnswerType,
    AssessmentQuestion,
    Programme,
    SigningRound,
    Tier,
)
from programmes.configuration.selectors import privacy_statement_in_force
from programmes.followups.models import FollowUp, FollowUpStatus, GoalProgress, ProgressStatus
from programmes.followups.services import FIRST_FOLLOW_UP_AFTER, answer_due_on, follow_up_month
from programmes.partners.business_ids import VALIDATORS
from programmes.partners.models import (
    AssessmentAnswer,
    ContactRole,
    EndReason,
    Goal,
    GoalStatus,
    Horizon,
    Partner,
    Stage,
)
from programmes.partners.services import partner_create_at_stage

WORDS = {
    "DK": (
        [
            "Nordlys",
            "Vendsyssel",
            "Skagen",
            "Hav",
            "Klit",
            "Lønstrup",
            "Tversted",
            "Bjergby",
            "Sindal",
            "Hirtshals",
            "Grøn",
            "Strand",
        ],
        [
            "Tømrer ApS",
            "Bageri",
            "Transport A/S",
            "Camping",
            "Elektro ApS",
            "Fiskeri",
            "Rådgivning ApS",
            "Efterskole",
            "Boligforening",
            "Maskinfabrik A/S",
        ],
    ),
    "FI": (
        ["Borgå", "Kulloo", "Pellinge", "Emsalö", "Gammelbacka", "Kerkkoo", "Hamari", "Skaftkärr"],
        [
            "Bageri Ab",
            "Bygg Oy",
            "Energi Ab",
            "Konsult Oy",
            "Logistik Ab",
            "Skola",
            "Trädgård Oy",
            "Hotell Ab",
        ],
    ),
    "NO": (
        [
            "Fredrikstad",
            "Sarpsborg",
            "Halden",
            "Moss",
            "Hvaler",
            "Rakkestad",
            "Askim",
            "Glomma",
            "Østfold",
        ],
        [
            "Bygg AS",
            "Transport AS",
            "Energi AS",
            "Regnskap AS",
            "Mekaniske AS",
            "Renhold AS",
            "Videregående skole",
            "Bryggeri AS",
            "Hagesenter AS",
        ],
    ),
    # Real Swedish municipalities (the demo network's members; the data about them is made up).
    "SE": (
        [
            "Växjö",
            "Lund",
            "Umeå",
            "Borlänge",
            "Kristianstad",
            "Skellefteå",
            "Örebro",
            "Kalmar",
            "Falun",
            "Gävle",
            "Ystad",
            "Piteå",
            "Östersund",
            "Härnösand",
            "Malmö",
            "Uppsala",
            "Linköping",
            "Norrköping",
            "Jönköping",
            "Halmstad",
            "Karlstad",
            "Sundsvall",
            "Luleå",
            "Eskilstuna",
            "Södertälje",
            "Borås",
            "Trollhättan",
            "Vetlanda",
            "Motala",
            "Hässleholm",
            "Varberg",
            "Kungsbacka",
            "Alingsås",
            "Lidköping",
            "Skövde",
            "Nyköping",
            "Västervik",
            "Kiruna",
            "Ludvika",
            "Mora",
            "Eslöv",
            "Värnamo",
            "Sölvesborg",
            "Tranås",
        ],
        ["kommun"],
    ),
}
STAGE_MIX = [Stage.ACTIVE] * 10 + [
    Stage.APPLIED,
    Stage.ASSESSED,
    Stage.GOALS_PROPOSED,
    Stage.APPROVED,
    Stage.BOOKED,
    Stage.ENDED,
]
SECTORS = [
    "construction",
    "energy",
    "manufacturing",
    "transport",
    "retail",
    "hospitality",
    "services",
    "education",
    "culture",
]

# The tenant's primary language per country: the texts below when ``language`` has none.
PRIMARY_LANGUAGE = {"DK": "da", "SE": "sv", "FI": "fi", "NO": "nb"}

# Fictional contact persons: common first and family names, combined at random.
CONTACT_NAMES = {
    "DK": (
        ["Mette", "Lars", "Anne", "Søren", "Camilla", "Jesper", "Louise", "Rasmus", "Line"],
        ["Nielsen", "Jensen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen"],
    ),
    "SE": (
        ["Anna", "Erik", "Karin", "Johan", "Maria", "Lars", "Sara", "Anders", "Emma"],
        ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Lindberg", "Svensson"],
    ),
    "FI": (
        ["Anna", "Mikael", "Johanna", "Timo", "Sanna", "Jukka", "Maria", "Henrik", "Laura"],
        ["Lindholm", "Virtanen", "Nyberg", "Korhonen", "Holmström", "Mäkinen", "Lindqvist"],
    ),
    "NO": (
        ["Ingrid", "Ole", "Kari", "Lars", "Marte", "Henrik", "Silje", "Anders", "Hanne"],
        ["Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen"],
    ),
}
CONTACT_MAILBOX = {"da": "klima", "sv": "klimat", "fi": "ilmasto", "nb": "klima"}


@dataclass(frozen=True)
class GoalTemplate:
    theme: str
    description: str
    indicator: str
    unit: str
    baseline: tuple[int, int, int]  # from, to, step
    target: float  # a factor of the baseline when ``relative``, else the value itself
    relative: bool
    horizon: str


def _goal(
    theme: str,
    description: str,
    indicator: str,
    unit: str,
    baseline: tuple[int, int, int],
    target: float,
    *,
    relative: bool = False,
    long_term: bool = True,
) -> GoalTemplate:
    horizon = Horizon.LONG_TERM if long_term else Horizon.ONE_YEAR
    return GoalTemplate(theme, description, indicator, unit, baseline, target, relative, horizon)


GOALS = {
    "da": [
        _goal(
            "energy",
            "Vi reducerer vores elforbrug med 20 % med LED-belysning og bedre styring af "
            "ventilationen.",
            "Årligt elforbrug",
            "kWh",
            (40_000, 400_000, 1_000),
            0.8,
            relative=True,
        ),
        _goal(
            "transport",
            "Vi skifter vores firmabiler til elbiler, efterhånden som leasingaftalerne udløber.",
            "Andel elbiler i bilparken",
            "%",
            (0, 20, 5),
            100,
        ),
        _goal(
            "waste",
            "Vi sorterer vores affald i flere fraktioner og øger andelen, der genanvendes.",
            "Andel affald til genanvendelse",
            "%",
            (25, 45, 5),
            70,
            long_term=False,
        ),
        _goal(
            "procurement",
            "Vi stiller klimakrav i alle vores større indkøb.",
            "Andel indkøb med klimakrav",
            "%",
            (0, 15, 5),
            75,
            long_term=False,
        ),
        _goal(
            "buildings",
            "Vi udskifter oliefyret med en varmepumpe og efterisolerer vores bygninger.",
            "Olieforbrug til opvarmning",
            "liter",
            (3_000, 25_000, 500),
            0,
        ),
        _goal(
            "food",
            "Vi halverer madspildet i vores kantine.",
            "Madspild",
            "kg/uge",
            (20, 120, 5),
            0.5,
            relative=True,
            long_term=False,
        ),
        _goal(
            "management",
            "Vi laver et årligt CO2-regnskab og halverer vores udledning i scope 1 og 2 "
            "inden 2030.",
            "CO2-udledning, scope 1 og 2",
            "t CO2e",
            (20, 900, 10),
            0.5,
            relative=True,
        ),
    ],
    "sv": [
        _goal(
            "energy",
            "Vi minskar vår elförbrukning med 20 % genom LED-belysning och bättre styrning av "
            "ventilationen.",
            "Årlig elförbrukning",
            "kWh",
            (40_000, 400_000, 1_000),
            0.8,
            relative=True,
        ),
        _goal(
            "transport",
            "Vi byter ut våra tjänstebilar mot elbilar när leasingavtalen löper ut.",
            "Andel elbilar i bilparken",
            "%",
            (0, 20, 5),
            100,
        ),
        _goal(
            "waste",
            "Vi sorterar vårt avfall i fler fraktioner och ökar andelen som återvinns.",
            "Andel avfall till återvinning",
            "%",
            (25, 45, 5),
            70,
            long_term=False,
        ),
        _goal(
            "procurement",
            "Vi ställer klimatkrav i alla våra större inköp.",
            "Andel inköp med klimatkrav",
            "%",
            (0, 15, 5),
            75,
            long_term=False,
        ),
        _goal(
            "buildings",
            "Vi ersätter oljepannan med en bergvärmepump.",
            "Oljeförbrukning för uppvärmning",
            "liter",
            (3_000, 25_000, 500),
            0,
        ),
        _goal(
            "food",
            "Vi halverar matsvinnet i vår personalrestaurang.",
            "Matsvinn",
            "kg/vecka",
            (20, 120, 5),
            0.5,
            relative=True,
            long_term=False,
        ),
        _goal(
            "management",
            "Vi gör ett årligt klimatbokslut och halverar våra utsläpp i scope 1 och 2 till 2030.",
            "Utsläpp, scope 1 och 2",
            "t CO2e",
            (20, 900, 10),
            0.5,
            relative=True,
        ),
    ],
    "fi": [
        _goal(
            "energy",
            "Vähennämme sähkönkulutustamme 20 % LED-valaistuksella ja ilmanvaihdon paremmalla "
            "ohjauksella.",
            "Vuotuinen sähkönkulutus",
            "kWh",
            (40_000, 400_000, 1_000),
            0.8,
            relative=True,
        ),
        _goal(
            "transport",
            "Vaihdamme työsuhdeautomme sähköautoihin leasingsopimusten päättyessä.",
            "Sähköautojen osuus autokannasta",
            "%",
            (0, 20, 5),
            100,
        ),
        _goal(
            "waste",
            "Lajittelemme jätteemme tarkemmin ja kasvatamme kierrätykseen menevän jätteen osuutta.",
            "Kierrätykseen menevän jätteen osuus",
            "%",
            (25, 45, 5),
            70,
            long_term=False,
        ),
        _goal(
            "procurement",
            "Asetamme ilmastokriteerit kaikkiin suurempiin hankintoihimme.",
            "Ilmastokriteerit sisältävien hankintojen osuus",
            "%",
            (0, 15, 5),
            75,
            long_term=False,
        ),
        _goal(
            "buildings",
            "Korvaamme öljylämmityksen maalämpöpumpulla.",
            "Lämmitysöljyn kulutus",
            "litraa",
            (3_000, 25_000, 500),
            0,
        ),
        _goal(
            "food",
            "Puolitamme henkilöstöravintolamme ruokahävikin.",
            "Ruokahävikki",
            "kg/viikko",
            (20, 120, 5),
            0.5,
            relative=True,
            long_term=False,
        ),
        _goal(
            "management",
            "Laadimme vuosittain hiilijalanjälkilaskelman ja puolitamme scope 1- ja 2-päästömme "
            "vuoteen 2030 mennessä.",
            "Päästöt, scope 1 ja 2",
            "t CO2e",
            (20, 900, 10),
            0.5,
            relative=True,
        ),
    ],
    "nb": [
        _goal(
            "energy",
            "Vi reduserer strømforbruket vårt med 20 % med LED-belysning og bedre styring av "
            "ventilasjonen.",
            "Årlig strømforbruk",
            "kWh",
            (40_000, 400_000, 1_000),
            0.8,
            relative=True,
        ),
        _goal(
            "transport",
            "Vi gjør bilparken og maskinene våre fossilfrie innen 2030.",
            "Andel fossilfrie kjøretøy og maskiner",
            "%",
            (5, 30, 5),
            100,
        ),
        _goal(
            "waste",
            "Vi sorterer avfallet vårt i flere fraksjoner og øker andelen som går til gjenvinning.",
            "Andel avfall til gjenvinning",
            "%",
            (25, 45, 5),
            70,
            long_term=False,
        ),
        _goal(
            "procurement",
            "Vi stiller klimakrav i alle våre større innkjøp.",
            "Andel innkjøp med klimakrav",
            "%",
            (0, 15, 5),
            75,
            long_term=False,
        ),
        _goal(
            "buildings",
            "Vi energieffektiviserer bygget vårt og kutter energibruken til oppvarming med 30 %.",
            "Energibruk til oppvarming",
            "kWh",
            (30_000, 300_000, 1_000),
            0.7,
            relative=True,
        ),
        _goal(
            "food",
            "Vi halverer matsvinnet i kantina vår.",
            "Matsvinn",
            "kg/uke",
            (20, 120, 5),
            0.5,
            relative=True,
            long_term=False,
        ),
        _goal(
            "management",
            "Vi leverer klimaregnskap hvert år og halverer utslippene våre i scope 1 og 2 "
            "innen 2030.",
            "Utslipp, scope 1 og 2",
            "tonn CO2e",
            (20, 900, 10),
            0.5,
            relative=True,
        ),
    ],
}
# Member municipalities set goals for their own organisation and their territory.
MUNICIPAL_GOALS = {
    "sv": [
        _goal(
            "transport",
            "Kommunens fordonsflotta ska vara fossilfri.",
            "Andel fossilfria fordon i kommunens fordonsflotta",
            "%",
            (20, 60, 5),
            100,
        ),
        _goal(
            "energy",
            "Vi minskar energianvändningen i kommunens lokaler med 15 %.",
            "Energianvändning i kommunala lokaler",
            "MWh",
            (8_000, 60_000, 500),
            0.85,
            relative=True,
        ),
        _goal(
            "procurement",
            "Kommunen ställer klimatkrav i alla upphandlingar av livsmedel, fordon och "
            "byggentreprenader.",
            "Andel upphandlingar med klimatkrav",
            "%",
            (20, 50, 5),
            100,
            long_term=False,
        ),
        _goal(
            "food",
            "Vi minskar klimatpåverkan från måltiderna i kommunens skolor och äldreomsorg.",
            "Klimatpåverkan per portion",
            "g CO2e",
            (1_200, 1_800, 50),
            0.75,
            relative=True,
        ),
        _goal(
            "waste",
            "Vi minskar mängden hushållsavfall per invånare.",
            "Hushållsavfall per invånare",
            "kg",
            (380, 480, 5),
            0.9,
            relative=True,
        ),
        _goal(
            "buildings",
            "Alla nya kommunala byggnader får en klimatdeklaration och byggs med låg "
            "klimatpåverkan.",
            "Andel nya byggnader med klimatdeklaration",
            "%",
            (0, 30, 5),
            100,
            long_term=False,
        ),
        _goal(
            "management",
            "Kommunen tar fram en klimatbudget och minskar de territoriella utsläppen med "
            "60 % till 2030.",
            "Territoriella utsläpp av växthusgaser",
            "t CO2e",
            (60_000, 600_000, 1_000),
            0.4,
            relative=True,
        ),
    ],
}
# Answers to the text questions of the self-assessment (the presets ask about procurement).
ASSESSMENT_TEXTS = {
    "da": [
        "Vi køber miljømærkede rengøringsmidler og kontorartikler.",
        "Ingen faste krav endnu.",
        "Vi spørger leverandørerne om deres CO2-udledning.",
    ],
    "sv": [
        "Vi köper miljömärkta städprodukter och kontorsmaterial.",
        "Inga fasta krav ännu.",
        "Vi frågar leverantörerna om deras utsläpp.",
    ],
    "fi": [
        "Hankimme ympäristömerkittyjä siivous- ja toimistotarvikkeita.",
        "Ei vielä kiinteitä vaatimuksia.",
        "Kysymme toimittajilta niiden päästöistä.",
    ],
    "nb": [
        "Vi kjøper miljømerkede rengjøringsmidler og kontorrekvisita.",
        "Ingen faste krav ennå.",
        "Vi spør leverandørene om utslippene deres.",
    ],
}
PROGRESS_COMMENTS = {
    "da": {
        ProgressStatus.NOT_STARTED: "Vi er ikke kommet i gang endnu.",
        ProgressStatus.ON_TRACK: "Det går efter planen.",
        ProgressStatus.DELAYED: "Vi er forsinket, fordi investeringen er udskudt til næste år.",
        ProgressStatus.ACHIEVED: "Målet er nået!",
    },
    "sv": {
        ProgressStatus.NOT_STARTED: "Vi har inte kommit igång ännu.",
        ProgressStatus.ON_TRACK: "Det går enligt plan.",
        ProgressStatus.DELAYED: "Vi är försenade eftersom investeringen har skjutits upp till "
        "nästa år.",
        ProgressStatus.ACHIEVED: "Målet är nått!",
    },
    "fi": {
        ProgressStatus.NOT_STARTED: "Emme ole vielä päässeet alkuun.",
        ProgressStatus.ON_TRACK: "Edistyy suunnitelman mukaan.",
        ProgressStatus.DELAYED: "Olemme myöhässä, koska investointi siirtyi ensi vuoteen.",
        ProgressStatus.ACHIEVED: "Tavoite on saavutettu!",
    },
    "nb": {
        ProgressStatus.NOT_STARTED: "Vi har ikke kommet i gang ennå.",
        ProgressStatus.ON_TRACK: "Det går etter planen.",
        ProgressStatus.DELAYED: "Vi er forsinket fordi investeringen er utsatt til neste år.",
        ProgressStatus.ACHIEVED: "Målet er nådd!",
    },
}
SUPPORT_NEEDED = {
    "da": [
        "Vi vil gerne have hjælp til at lave vores første CO2-regnskab.",
        "Vi søger en samarbejdspartner om samkørsel til og fra arbejde.",
    ],
    "sv": [
        "Vi skulle behöva hjälp med att beräkna våra utsläpp.",
        "Vi söker samarbetspartner för gemensam avfallshantering.",
    ],
    "fi": [
        "Tarvitsisimme apua päästöjemme laskemiseen.",
        "Etsimme yhteistyökumppania yhteiseen jätehuoltoon.",
    ],
    "nb": [
        "Vi trenger hjelp til å sette opp klimaregnskapet.",
        "Vi ser etter en samarbeidspartner for felles avfallshåndtering.",
    ],
}
# Progress as a share of the way from baseline to target, by status.
PROGRESS_SHARE = {
    ProgressStatus.NOT_STARTED: (0.0, 0.0),
    ProgressStatus.DELAYED: (0.05, 0.3),
    ProgressStatus.ON_TRACK: (0.35, 0.8),
    ProgressStatus.ACHIEVED: (1.0, 1.0),
}
LAST_YEAR_STATUSES = [ProgressStatus.ON_TRACK] * 3 + [
    ProgressStatus.DELAYED,
    ProgressStatus.DELAYED,
    ProgressStatus.NOT_STARTED,
]
THIS_YEAR_STATUSES = [ProgressStatus.ON_TRACK] * 4 + [
    ProgressStatus.DELAYED,
    ProgressStatus.DELAYED,
    ProgressStatus.ACHIEVED,
]
# This year's follow-up of the eligible partners, in turn: about half answered, some waiting,
# one in twelve flagged unresponsive (the first of them early, so small tenants have one).
ANSWERED, WAITING, UNRESPONSIVE = "answered", "waiting", "unresponsive"
FOLLOW_UP_MIX = [ANSWERED, WAITING, UNRESPONSIVE, ANSWERED, ANSWERED, WAITING]
FOLLOW_UP_MIX += [ANSWERED, ANSWERED, WAITING, ANSWERED, WAITING, ANSWERED]
GOAL_STAGES = {Stage.GOALS_PROPOSED, Stage.APPROVED, Stage.BOOKED, Stage.ACTIVE, Stage.ENDED}


def _business_ids(country: str, seed: int) -> Any:
    module = VALIDATORS[country]
    width = {"DK": 8, "SE": 10, "FI": 8, "NO": 9}[country]
    start = {"DK": 20000000, "SE": 5560000000, "FI": 2000000, "NO": 910000000}[country]
    number = start + seed * 1000
    while True:
        candidate = str(number).zfill(width)
        if module.is_valid(candidate):
            yield candidate
        number += 1


def demo_partners_create(
    *, country: str, language: str, count: int, municipalities: bool = False
) -> int:
    """Create ``count`` fictional partners with their contacts, self-assessments, goals and
    follow-ups; skipped when the tenant already has partners."""
    if Partner.objects.exists():
        return 0
    rng = random.Random(f"{country}-{count}")  # noqa: S311  (fictional data, repeatable)
    texts = language if language in GOALS else PRIMARY_LANGUAGE[country]
    with transaction.atomic():
        partners = _partners_create(
            rng, country=country, language=language, count=count, municipalities=municipalities
        )
        _assessments_create(rng, partners, texts)
        goals = _goals_create(rng, partners, texts, municipalities=municipalities)
        _follow_ups_create(rng, partners, goals, texts)
    return len(partners)


def _partners_create(
    rng: random.Random, *, country: str, language: str, count: int, municipalities: bool
) -> list[Partner]:
    first, second = WORDS[country]
    first_names, family_names = CONTACT_NAMES[country]
    mailbox = CONTACT_MAILBOX.get(language, "climate")
    ids = _business_ids(country, seed=count)
    names: set[str] = set()
    today = timezone.localdate()
    now = timezone.now()
    privacy_statement = privacy_statement_in_force()
    signing_round = SigningRound.objects.filter(starts_at__gt=now).first()
    tier = Tier.objects.order_by("pk").first()  # the presets have one tier each
    partners: list[Partner] = []
    while len(partners) < count:
        name = f"{rng.choice(first)} {rng.choice(second)}"
        if name in names:
            if len(names) >= len(first) * len(second):
                break
            continue
        names.add(name)
        # Every stage at least once, then mostly active partners.
        created = len(partners)
        stage = Stage.values[created] if created < len(Stage.values) else rng.choice(STAGE_MIX)
        extra: dict[str, Any] = {"city": name.split()[0], "tier": tier}
        if municipalities:
            extra["inhabitants"] = rng.randrange(8_000, 160_000, 500)
        else:
            extra["employees"] = rng.choice([3, 8, 15, 40, 75, 150, 320, 800, 1500])
        if stage in {Stage.ACTIVE, Stage.ENDED}:
            days_in = rng.randrange(60, 1800)
            extra["joined_on"] = today - dt.timedelta(days=days_in)
            extra["privacy_statement"] = privacy_statement
        if stage == Stage.BOOKED:
            extra["signing_round"] = signing_round
        if stage == Stage.ENDED:
            extra["end_reason"] = rng.choice([EndReason.LEFT, EndReason.UNRESPONSIVE])
            extra["ended_at"] = now - dt.timedelta(days=rng.randrange(10, min(300, days_in)))
        contact = {
            "name": f"{rng.choice(first_names)} {rng.choice(family_names)}",
            "email": f"{mailbox}@{_domain(name)}.example",
            "role": ContactRole.MAIN,
        }
        partners.append(
            partner_create_at_stage(
                actor=None,
                name=name,
                business_id=next(ids),
                kind="municipality"
                if municipalities
                else rng.choice(["company"] * 4 + ["ngo", "school"]),
                sector="public" if municipalities else rng.choice(SECTORS),
                language=language,
                stage=stage,
                reason="demo data",
                contacts=[contact],
                **extra,
            )
        )
    return partners


def _domain(name: str) -> str:
    """``Lønstrup Tømrer ApS`` → ``lonstrup-tomrer-aps`` (slugify drops what it cannot
    spell in ASCII, so the Nordic letters without a decomposition go first)."""
    spelled = name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    return slugify(spelled)


def _assessments_create(rng: random.Random, partners: list[Partner], language: str) -> None:
    """Every partner past "applied" has answered the programme's self-assessment."""
    questions = list(AssessmentQuestion.objects.all())
    answers = []
    for partner in partners:
        if partner.stage == Stage.APPLIED:
            continue
        for question in questions:
            answers.append(
                AssessmentAnswer(
                    partner=partner, question=question, value=_answer(rng, question, language)
                )
            )
    AssessmentAnswer.objects.bulk_create(answers)


def _answer(rng: random.Random, question: AssessmentQuestion, language: str) -> Any:
    if question.answer_type == AnswerType.YES_NO:
        return rng.random() < 0.6
    if question.answer_type == AnswerType.SCALE:
        return rng.randint(1, 5)
    if question.answer_type == AnswerType.NUMBER:
        return rng.randrange(2_000, 150_000, 500)
    return rng.choice(ASSESSMENT_TEXTS[language])


def _goals_create(
    rng: random.Random, partners: list[Partner], language: str, *, municipalities: bool
) -> dict[int, list[Goal]]:
    """One to three goals for every partner from the goals proposed on: proposed while they
    wait for approval, approved from then on. Goals of active and ended partners run to the
    end of this year (one year) or 2030 (longer term); those still to sign, from next year."""
    templates = (MUNICIPAL_GOALS if municipalities else GOALS).get(language) or GOALS[language]
    today = timezone.localdate()
    long_term_year = max(2030, today.year + 4)
    goals: list[Goal] = []
    for partner in partners:
        if partner.stage not in GOAL_STAGES:
            continue
        proposed = partner.stage == Stage.GOALS_PROPOSED
        status = GoalStatus.PROPOSED if proposed else GoalStatus.APPROVED
        signed = partner.joined_on is not None
        started = (partner.joined_on or today).year
        for template in rng.sample(templates, k=rng.randint(1, 3)):
            low, high, step = template.baseline
            baseline = rng.randrange(low, high + 1, step)
            target = round(baseline * template.target) if template.relative else template.target
            if template.horizon == Horizon.ONE_YEAR:
                target_year = today.year if signed else today.year + 1
                baseline_year = target_year - 1
            else:
                target_year, baseline_year = long_term_year, started - 1
            goals.append(
                Goal(
                    partner=partner,
                    theme=template.theme,
                    description=template.description,
                    indicator=template.indicator,
                    unit=template.unit,
                    baseline_value=Decimal(baseline),
                    baseline_year=baseline_year,
                    target_value=Decimal(int(target)),
                    target_date=dt.date(target_year, 12, 31),
                    horizon=template.horizon,
                    status=status,
                )
            )
    Goal.objects.bulk_create(goals)
    by_partner: dict[int, list[Goal]] = {}
    for goal in goals:
        by_partner.setdefault(goal.partner_id, []).append(goal)
    return by_partner


def _follow_ups_create(
    rng: random.Random, partners: list[Partner], goals: dict[int, list[Goal]], language: str
) -> None:
    """Last year's follow-up answered by every partner signed long enough before it opened;
    this year's in the mix of ``FOLLOW_UP_MIX``; partners terminated for not responding
    left their last follow-up unanswered."""
    programme = Programme.objects.first()
    now = timezone.now()
    interval = dt.timedelta(days=programme.reminder_interval_days if programme else 14)
    reminders_max = programme.reminders_before_unresponsive if programme else 3
    this_year = _round_opened(programme, now)
    last_year = _a_year_before(this_year)
    follow_ups: list[FollowUp] = []
    progress: list[GoalProgress] = []
    changed_goals: list[Goal] = []
    unresponsive: list[int] = []
    mix = iter(FOLLOW_UP_MIX * (len(partners) // len(FOLLOW_UP_MIX) + 1))
    noon = dt.time(12)

    def follow_up(partner: Partner, opened: dt.datetime, **fields: Any) -> FollowUp:
        made = FollowUp(
            partner=partner,
            year=opened.year,
            opened_at=opened,
            due_on=_due_on(programme, opened.date()),
            **fields,
        )
        follow_ups.append(made)
        return made

    def answered(partner: Partner, opened: dt.datetime, statuses: list[str]) -> None:
        due = timezone.make_aware(dt.datetime.combine(_due_on(programme, opened.date()), noon))
        made = follow_up(
            partner,
            opened,
            status=FollowUpStatus.SUBMITTED,
            submitted_at=opened + (min(now, due) - opened) * rng.uniform(0.1, 0.9),
            support_needed=rng.choice(["", "", *SUPPORT_NEEDED[language]]),
        )
        for goal in goals.get(partner.pk, []):
            if goal.status != GoalStatus.APPROVED:
                continue
            status = rng.choice(statuses)
            share = rng.uniform(*PROGRESS_SHARE[status])
            reached = goal.baseline_value + (goal.target_value - goal.baseline_value) * Decimal(
                str(round(share, 2))
            )
            row = GoalProgress(
                follow_up=made,
                goal=goal,
                status=status,
                value_reached=reached.quantize(Decimal(1)),
                comment=PROGRESS_COMMENTS[language][status] if rng.random() < 0.6 else "",
            )
            if status == ProgressStatus.ACHIEVED:
                goal.status = GoalStatus.ACHIEVED
                changed_goals.append(goal)
            elif status == ProgressStatus.DELAYED and opened == this_year and rng.random() < 0.3:
                # The partner pushed the target a year on (as followup_submit applies it).
                row.revised_target_date = goal.target_date.replace(year=goal.target_date.year + 1)
                goal.target_date = row.revised_target_date
                changed_goals.append(goal)
            progress.append(row)

    def waiting(partner: Partner, opened: dt.datetime, reminders: int) -> None:
        # Reminders every ``interval``, squeezed when the round opened only recently.
        step = min(interval, (now - opened) / (reminders + 1))
        follow_up(
            partner,
            opened,
            reminders_sent=reminders,
            last_reminded_at=opened + step * reminders if reminders else None,
        )

    for partner in partners:
        joined = partner.joined_on
        if joined is None:
            continue
        if partner.stage == Stage.ENDED:
            if partner.end_reason == EndReason.UNRESPONSIVE and partner.ended_at:
                opened = partner.ended_at - interval * (reminders_max + 2)
                if joined <= (opened - FIRST_FOLLOW_UP_AFTER).date():
                    follow_up(
                        partner,
                        opened,
                        status=FollowUpStatus.CLOSED,
                        reminders_sent=reminders_max,
                        last_reminded_at=opened + interval * reminders_max,
                    )
            continue
        if joined <= (last_year - FIRST_FOLLOW_UP_AFTER).date():
            answered(partner, last_year, LAST_YEAR_STATUSES)
        if joined > (this_year - FIRST_FOLLOW_UP_AFTER).date():
            continue
        kind = next(mix)
        if kind == ANSWERED:
            answered(partner, this_year, THIS_YEAR_STATUSES)
        elif kind == WAITING:
            waiting(partner, this_year, rng.randint(0, min(2, reminders_max - 1)))
        else:
            waiting(partner, this_year, reminders_max)
            unresponsive.append(partner.pk)
    FollowUp.objects.bulk_create(follow_ups)
    GoalProgress.objects.bulk_create(progress)
    Goal.objects.bulk_update(set(changed_goals), ["status", "target_date"])
    Partner.objects.filter(pk__in=unresponsive).update(unresponsive=True)


def _round_opened(programme: Programme | None, now: dt.datetime) -> dt.datetime:
    """When this year's follow-up opened: the first of the programme's follow-up month (last
    year's when that month has not come yet), or eight weeks ago when it names none."""
    today = timezone.localdate(now)
    month = follow_up_month(programme) if programme else None
    if month is None:
        return now - dt.timedelta(weeks=8)
    day = dt.date(today.year, month, 1)
    if day > today:
        day = day.replace(year=today.year - 1)
    return min(now, timezone.make_aware(dt.datetime.combine(day, dt.time(6))))


def _a_year_before(moment: dt.datetime) -> dt.datetime:
    try:
        return moment.replace(year=moment.year - 1)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - 1, day=28)


def _due_on(programme: Programme | None, opened_on: dt.date) -> dt.date:
    if programme is None:
        return opened_on + dt.timedelta(days=42)
    return answer_due_on(programme, opened_on)
