"""Demo announcements for the demo tenants, in each tenant's languages.

Three sent ones (news to every partner, a procurement notice to active partners in the
sectors that bid, a training on climate accounting for active partners) with their inbox
items, some read (seeded, so the same every time), and one draft (an invitation to the
partnership day). Skipped when the tenant already has announcements. No e-mail is sent.
"""

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from programmes.communication.models import (
    Announcement,
    AnnouncementStatus,
    Category,
    InboxItem,
)
from programmes.communication.selectors import partners_in_segment
from programmes.core.i18n import current_tenant
from programmes.partners.models import Stage

NEWS = {
    "title": {
        "da": "Nyt fra klimapartnerskabet",
        "sv": "Nytt från klimatpartnerskapet",
        "fi": "Uutisia ilmastokumppanuudesta",
        "nb": "Nytt fra klimapartnerskapet",
        "en": "News from the climate partnership",
    },
    "body": {
        "da": "Kære partnere\n\nI år har partnerskabet fået flere nye medlemmer, og mange af "
        "jer har allerede indberettet jeres klimaregnskab. Tak for indsatsen!\n\nHusk at "
        "opdatere jeres profil og mål på platformen.",
        "sv": "Kära partner\n\nI år har partnerskapet fått flera nya medlemmar, och många av "
        "er har redan rapporterat ert klimatbokslut. Tack för insatsen!\n\nKom ihåg att "
        "uppdatera er profil och era mål på plattformen.",
        "fi": "Hyvät kumppanit\n\nKumppanuuteen on tänä vuonna liittynyt useita uusia "
        "jäseniä, ja moni teistä on jo raportoinut ilmastolaskelmansa. Kiitos "
        "työstänne!\n\nMuistakaa päivittää profiilinne ja tavoitteenne alustalla.",
        "nb": "Kjære partnere\n\nI år har partnerskapet fått flere nye medlemmer, og mange av "
        "dere har allerede rapportert klimaregnskapet. Takk for innsatsen!\n\nHusk å "
        "oppdatere profilen og målene deres på plattformen.",
        "en": "Dear partners\n\nThis year the partnership has welcomed several new members, "
        "and many of you have already reported your climate accounts. Thank you!\n\n"
        "Remember to keep your profile and goals up to date on the platform.",
    },
}
PROCUREMENT = {
    "title": {
        "da": "Kommende udbud: energirenovering af kommunale bygninger",
        "sv": "Kommande upphandling: energirenovering av kommunala byggnader",
        "fi": "Tuleva hankinta: kunnan rakennusten energiaremontti",
        "nb": "Kommende anbud: energioppgradering av kommunale bygg",
        "en": "Upcoming procurement: energy renovation of municipal buildings",
    },
    "body": {
        "da": "Kommunen forventer at offentliggøre et udbud på energirenovering af skoler "
        "og institutioner i næste kvartal. Klimakrav vil indgå i tildelingskriterierne.\n\n"
        "Der holdes et informationsmøde for interesserede leverandører.",
        "sv": "Kommunen räknar med att annonsera en upphandling av energirenovering av skolor "
        "och förskolor under nästa kvartal. Klimatkrav ingår i utvärderingskriterierna.\n\n"
        "Ett informationsmöte hålls för intresserade leverantörer.",
        "fi": "Kunta aikoo julkaista koulujen ja päiväkotien energiaremonttia koskevan "
        "hankinnan ensi vuosineljänneksellä. Ilmastovaatimukset ovat osa "
        "vertailuperusteita.\n\nKiinnostuneille toimittajille järjestetään infotilaisuus.",
        "nb": "Kommunen regner med å kunngjøre et anbud på energioppgradering av skoler og "
        "barnehager neste kvartal. Klimakrav inngår i tildelingskriteriene.\n\n"
        "Det holdes et informasjonsmøte for interesserte leverandører.",
        "en": "The municipality expects to announce a tender for the energy renovation of "
        "schools and nurseries next quarter. Climate requirements will be part of the "
        "award criteria.\n\nAn information meeting is held for interested suppliers.",
    },
}
TRAINING = {
    "title": {
        "da": "Kursus: kom godt i gang med klimaregnskabet",
        "sv": "Utbildning: kom igång med klimatbokslutet",
        "fi": "Koulutus: näin pääset alkuun ilmastolaskelmassa",
        "nb": "Kurs: kom i gang med klimaregnskapet",
        "en": "Training: getting started with your climate accounts",
    },
    "body": {
        "da": "Vi inviterer til et gratis kursus i klimaregnskab efter GHG-protokollen: "
        "scope 1, 2 og 3, datakilder og de mest almindelige faldgruber.\n\nTilmelding via "
        "platformen.",
        "sv": "Vi bjuder in till en kostnadsfri utbildning i klimatbokslut enligt "
        "GHG-protokollet: scope 1, 2 och 3, datakällor och de vanligaste fallgroparna.\n\n"
        "Anmälan via plattformen.",
        "fi": "Kutsumme maksuttomaan koulutukseen GHG-protokollan mukaisesta "
        "ilmastolaskennasta: scope 1, 2 ja 3, tietolähteet ja yleisimmät sudenkuopat.\n\n"
        "Ilmoittautuminen alustalla.",
        "nb": "Vi inviterer til et gratis kurs i klimaregnskap etter GHG-protokollen: "
        "scope 1, 2 og 3, datakilder og de vanligste fallgruvene.\n\nPåmelding via "
        "plattformen.",
        "en": "You are invited to a free course on climate accounts under the GHG Protocol: "
        "scopes 1, 2 and 3, data sources and the most common pitfalls.\n\nSign up on the "
        "platform.",
    },
}
PARTNERSHIP_DAY = {
    "title": {
        "da": "Invitation til partnerskabsdagen",
        "sv": "Inbjudan till partnerskapsdagen",
        "fi": "Kutsu kumppanuuspäivään",
        "nb": "Invitasjon til partnerskapsdagen",
        "en": "Invitation to the partnership day",
    },
    "body": {
        "da": "Sæt kryds i kalenderen: partnerskabsdagen byder på oplæg, matchmaking mellem "
        "partnere og uddeling af årets klimapris.",
        "sv": "Boka in dagen: partnerskapsdagen bjuder på föredrag, matchmaking mellan "
        "partner och utdelning av årets klimatpris.",
        "fi": "Merkitse kalenteriin: kumppanuuspäivässä on puheenvuoroja, kumppanien "
        "matchmakingia ja vuoden ilmastopalkinnon jako.",
        "nb": "Sett av dagen: partnerskapsdagen byr på innlegg, matchmaking mellom partnere "
        "og utdeling av årets klimapris.",
        "en": "Save the date: the partnership day brings talks, matchmaking between partners "
        "and the presentation of this year's climate award.",
    },
}

# (texts, category, segment, days ago it was sent; None for the draft)
DEMO = [
    (NEWS, Category.NEWS, {}, 45),
    (
        PROCUREMENT,
        Category.PROCUREMENT,
        {"stages": [Stage.ACTIVE], "sectors": ["construction", "energy", "services"]},
        20,
    ),
    (TRAINING, Category.TRAINING, {"stages": [Stage.ACTIVE]}, 6),
    (PARTNERSHIP_DAY, Category.EVENT, {"stages": [Stage.ACTIVE, Stage.BOOKED]}, None),
]


def _in(languages: list[str], texts: dict[str, str]) -> dict[str, str]:
    return {code: texts[code] for code in languages if code in texts}


def demo_communication_create(*, slug: str, country: str, language: str) -> int:
    """The demo announcements of the current tenant; returns how many were made (0 when it
    has announcements already)."""
    if Announcement.objects.exists():
        return 0
    tenant = current_tenant()
    languages = tenant.languages if tenant else [language]
    rng = random.Random(f"communication-{slug}")  # noqa: S311  (fictional data)
    now = timezone.now()
    made = 0
    with transaction.atomic():
        for texts, category, segment, days_ago in DEMO:
            announcement = Announcement.objects.create(
                title=_in(languages, texts["title"]),
                body=_in(languages, texts["body"]),
                category=category,
                segment=segment,
            )
            made += 1
            if days_ago is None:
                continue
            _deliver(announcement, now - dt.timedelta(days=days_ago, hours=rng.randint(0, 8)), rng)
    return made


def _deliver(announcement: Announcement, sent_at: dt.datetime, rng: random.Random) -> None:
    partner_ids = list(partners_in_segment(announcement.segment).values_list("pk", flat=True))
    InboxItem.objects.bulk_create(
        [InboxItem(announcement=announcement, partner_id=pk) for pk in partner_ids]
    )
    Announcement.objects.filter(pk=announcement.pk).update(
        status=AnnouncementStatus.SENT,
        scheduled_at=sent_at,
        sent_at=sent_at,
        recipient_count=len(partner_ids),
    )
    InboxItem.objects.filter(announcement=announcement).update(delivered_at=sent_at)
    # About six partners in ten have read it.
    read = [pk for pk in partner_ids if rng.random() < 0.6]
    changes: dict[str, Any] = {"read_at": sent_at + dt.timedelta(days=1)}
    InboxItem.objects.filter(announcement=announcement, partner_id__in=read).update(**changes)
