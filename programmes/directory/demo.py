"""The demo's public directory: about four in five active demo partners agree to be listed,
each with a realistic mix of what else it publishes (description, sector, town, website,
goals, certificates, awards, climate figures, contacts) and a short description in the
tenant's primary language. The demo partners' names have Nordic letters, so the directory
shows the alphabet at work.

Idempotent: the same seeded draws (its own ``random.Random(slug)``, so other demo code draws
the same numbers as before) are made for every active partner in the same order, and only
partners that publish nothing yet are changed: a second run changes nothing, and a partner
someone already made public keeps its choice.
"""

import random

from django.db import transaction

from programmes.partners.models import Partner, Publication, Stage

LISTED_SHARE = 0.8
# How likely a listed partner publishes each item.
CHANCES = {
    Publication.DESCRIPTION: 0.9,
    Publication.SECTOR: 0.85,
    Publication.CITY: 0.85,
    Publication.WEBSITE: 0.6,
    Publication.GOALS: 0.6,
    Publication.CERTIFICATES: 0.55,
    Publication.AWARDS: 0.75,
    Publication.CLIMATE: 0.4,
    Publication.CONTACTS: 0.35,
    Publication.LOGO: 0.9,  # only partners that have a logo
}

DESCRIPTIONS = {
    "da": [
        "{name} arbejder målrettet med at nedbringe sit klimaaftryk. Vi har sat konkrete mål "
        "for energi, transport og affald og deler gerne vores erfaringer med andre partnere.",
        "Hos {name} i {city} har vi skiftet til grøn strøm og LED-belysning, og nu tager vi "
        "fat på transporten. Vi er med i klimapartnerskabet for at lære af de andre.",
        "{name} vil være en del af den grønne omstilling i lokalsamfundet. Vi måler vores "
        "udledninger hvert år og følger op på vores mål sammen med kommunen.",
        "Genbrug, kortere transport og mindre madspild er vores vigtigste indsatser. "
        "{name} fortæller gerne, hvad der har virket – og hvad der ikke har.",
    ],
    "sv": [
        "{name} arbetar målmedvetet med att minska sitt klimatavtryck. Vi har satt konkreta mål "
        "för energi, transporter och avfall och delar gärna med oss av våra erfarenheter.",
        "På {name} i {city} har vi bytt till förnybar el och LED-belysning, och nu tar vi oss "
        "an transporterna. Vi är med i klimatpartnerskapet för att lära av varandra.",
        "{name} vill vara en del av den gröna omställningen på orten. Vi mäter våra utsläpp "
        "varje år och följer upp våra mål tillsammans med kommunen.",
        "Återbruk, kortare transporter och mindre matsvinn är våra viktigaste åtgärder. "
        "{name} berättar gärna vad som har fungerat – och vad som inte har det.",
    ],
    "fi": [
        "{name} pienentää määrätietoisesti ilmastojalanjälkeään. Olemme asettaneet konkreettiset "
        "tavoitteet energialle, liikenteelle ja jätteille ja jaamme mielellämme kokemuksiamme.",
        "{name} on siirtynyt uusiutuvaan sähköön ja LED-valaistukseen, ja seuraavaksi "
        "vuorossa ovat kuljetukset. Olemme mukana ilmastokumppanuudessa oppiaksemme muilta.",
        "{name} haluaa olla mukana paikkakunnan vihreässä siirtymässä. Mittaamme päästömme "
        "joka vuosi ja seuraamme tavoitteitamme yhdessä kaupungin kanssa.",
        "Kierrätys, lyhyemmät kuljetukset ja pienempi ruokahävikki ovat tärkeimmät "
        "toimenpiteemme. {name} kertoo mielellään, mikä on toiminut ja mikä ei.",
    ],
    "nb": [
        "{name} jobber målrettet med å redusere klimaavtrykket sitt. Vi har satt konkrete mål "
        "for energi, transport og avfall og deler gjerne erfaringene våre med andre partnere.",
        "Hos {name} i {city} har vi gått over til fornybar strøm og LED-belysning, og nå tar vi "
        "fatt på transporten. Vi er med i klimapartnerskapet for å lære av de andre.",
        "{name} vil være en del av det grønne skiftet i lokalsamfunnet. Vi måler utslippene "
        "våre hvert år og følger opp målene sammen med fylkeskommunen.",
        "Ombruk, kortere transport og mindre matsvinn er våre viktigste tiltak. "
        "{name} forteller gjerne hva som har virket – og hva som ikke har det.",
    ],
    "en": [
        "{name} works steadily to reduce its climate footprint. We have set concrete goals for "
        "energy, transport and waste and gladly share what we learn with other partners.",
        "At {name} in {city} we switched to renewable electricity and LED lighting; transport "
        "is next. We joined the climate partnership to learn from the others.",
        "{name} wants to be part of the green transition in our community. We measure our "
        "emissions every year and follow up our goals together with the municipality.",
        "Reuse, shorter transport and less food waste are our main actions. {name} is happy "
        "to tell what worked – and what did not.",
    ],
}


def _website(name: str) -> str:
    spelled = (
        name.lower()
        .replace("æ", "ae")
        .replace("ø", "o")
        .replace("å", "a")
        .replace("ä", "a")
        .replace("ö", "o")
    )
    domain = "-".join("".join(c for c in word if c.isalnum()) for word in spelled.split())
    return f"https://www.{domain}.example/"


def demo_directory_create(*, slug: str, country: str, language: str) -> None:
    """List about 80 % of the tenant's active demo partners with a mix of published items
    and a short description in ``language`` (the tenant's primary one)."""
    rng = random.Random(slug)  # noqa: S311  (fictional data, repeatable)
    texts = DESCRIPTIONS.get(language, DESCRIPTIONS["en"])
    changed = []
    for partner in Partner.objects.filter(stage=Stage.ACTIVE).order_by("pk"):
        # Every draw is made for every partner, listed or not, so the sequence never shifts.
        is_listed = rng.random() < LISTED_SHARE
        fields = [Publication.DIRECTORY]
        for item, chance in CHANCES.items():
            if rng.random() < chance and (item != Publication.LOGO or partner.logo):
                fields.append(item)
        text = rng.choice(texts)
        if not is_listed or partner.public_fields:
            continue  # not listed, or it already chose (a second run, or made public by hand)
        partner.public_fields = [str(item) for item in fields]
        if Publication.DESCRIPTION in fields and not partner.description.get(language):
            text = text.format(name=partner.name, city=partner.city or country)
            partner.description = {**partner.description, language: text}
        if Publication.WEBSITE in fields and not partner.website:
            partner.website = _website(partner.name)
        changed.append(partner)
    with transaction.atomic():
        Partner.objects.bulk_update(changed, ["public_fields", "description", "website"])
