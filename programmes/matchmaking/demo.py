"""Hjørring's partnership day ("Partnerskabsdag"): a tag list in Danish and English, a
matchmaking profile for each active partner (seeded random, leaning on its sector), a
session this year with 5 rounds of 20 minutes at 15 tables, and its computed schedule.
Other tenants get nothing. Idempotent: nothing is made when the tenant has a session."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from programmes.matchmaking import services
from programmes.matchmaking.models import Profile, Session, Tag
from programmes.partners.models import Partner, Stage

TAGS = [
    ("Solceller og vedvarende energi", "Solar power and renewables"),
    ("Energieffektivisering", "Energy efficiency"),
    ("Varmepumper og fjernvarme", "Heat pumps and district heating"),
    ("Elbiler og ladeinfrastruktur", "Electric vehicles and charging"),
    ("Grøn transport og logistik", "Green transport and logistics"),
    ("Cirkulær økonomi og genbrug", "Circular economy and reuse"),
    ("Affaldssortering", "Waste sorting"),
    ("Bæredygtigt byggeri", "Sustainable construction"),
    ("Klimaregnskab og CO2-beregning", "Climate accounts and CO2 calculation"),
    ("Grønne indkøb", "Green procurement"),
    ("Bæredygtig fødevareproduktion", "Sustainable food production"),
    ("Biodiversitet og natur", "Biodiversity and nature"),
    ("Vandforbrug og klimatilpasning", "Water use and climate adaptation"),
    ("Medarbejderinddragelse", "Engaging employees"),
    ("Undervisning og formidling", "Teaching and outreach"),
    ("Finansiering og fonde", "Funding and grants"),
    ("Certificering og miljøledelse", "Certification and environmental management"),
    ("Digitale løsninger", "Digital solutions"),
]
OFFER_TEXTS = [
    "Vi deler gerne vores erfaringer med at komme i gang.",
    "Vi har en løsning, der er afprøvet hos flere virksomheder i kommunen.",
    "Vi kan tilbyde rådgivning og et besøg på vores adresse.",
]
SEEK_TEXTS = [
    "Vi søger en samarbejdspartner til et pilotprojekt.",
    "Vi vil gerne høre, hvordan andre har grebet det an.",
    "Vi leder efter leverandører med dokumenteret klimaeffekt.",
]


def demo_matchmaking_create(*, slug: str, country: str, language: str) -> int:
    """Make Hjørring's matchmaking demo; returns the number of meetings (0 when there was
    nothing to do)."""
    if slug != "hjorring" or Session.objects.exists():
        return 0
    rng = random.Random(f"matchmaking:{slug}")  # noqa: S311 - reproducible demo data
    with transaction.atomic():
        tags = [Tag.objects.get_or_create(name={"da": da, "en": en})[0] for da, en in TAGS]
        partners = list(Partner.objects.filter(stage=Stage.ACTIVE).order_by("pk"))
        has_profile = set(Profile.objects.values_list("partner_id", flat=True))
        for partner in partners:
            if partner.pk in has_profile:
                continue
            offers = rng.sample(tags, rng.randint(1, 4))
            seeks = rng.sample([t for t in tags if t not in offers], rng.randint(1, 4))
            services.profile_save(
                actor=None,
                partner=partner,
                offers=offers,
                seeks=seeks,
                interests=rng.sample(tags, rng.randint(0, 3)),
                offers_text=rng.choice(OFFER_TEXTS) if rng.random() < 0.5 else "",
                seeks_text=rng.choice(SEEK_TEXTS) if rng.random() < 0.5 else "",
                do_not_match=[rng.choice([p for p in partners if p.pk != partner.pk])]
                if rng.random() < 0.08 and len(partners) > 1
                else [],
            )
        today = timezone.localdate()
        day = dt.date(today.year, 9, 18)
        session = services.session_save(
            actor=None,
            session=Session(
                title={"da": "Partnerskabsdag", "en": "Partnership day"},
                date=day,
                starts_at=dt.time(13, 0),
                place="Hjørring Rådhus, Springvandspladsen 5, 9800 Hjørring",
                rounds=5,
                meeting_minutes=20,
                break_minutes=5,
                tables=15,
            ),
        )
        return services.schedule_compute(actor=None, session=session)
