"""Demo actions for the shared library: each demo tenant contributes eight realistic climate
actions in its own languages (Hjørring in Danish, Porvoo in Swedish and Finnish, Østfold in
Norwegian, Klimatkommunerna in Swedish), with sources a municipality would cite.

``demo_library_seed`` publishes them through the service (so they are validated and audited
like a real contribution, in the tenant's trail when called in its context). Idempotent:
nothing happens when the tenant has contributed already. Another tenant gets the catalogue of
its primary language.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tenants.library import services
from tenants.library.models import LibraryAction
from tenants.models import Tenant


@dataclass(frozen=True)
class DemoAction:
    theme: str
    tonnes: Decimal | None
    level: str
    cost: str
    sectors: tuple[str, ...]
    sizes: tuple[str, ...]
    sources: str
    texts: dict[str, tuple[str, str]]  # language → (title, description)


def _action(
    theme: str,
    tonnes: str | None,
    level: str,
    cost: str,
    sectors: tuple[str, ...],
    sizes: tuple[str, ...],
    sources: str,
    **texts: tuple[str, str],
) -> DemoAction:
    return DemoAction(
        theme=theme,
        tonnes=Decimal(tonnes) if tonnes else None,
        level=level,
        cost=cost,
        sectors=sectors,
        sizes=sizes,
        sources=sources,
        texts=texts,
    )


HJORRING = [
    _action(
        "energy",
        "8.5",
        "",
        "low",
        ("retail", "services", "manufacturing"),
        (),
        "Energistyrelsen – energieffektivisering i virksomheder",
        da=(
            "LED-belysning i kontorer og lagerhaller",
            "Udskift lysstofrør og halogenspots med LED-armaturer med bevægelses- og "
            "dagslysstyring. Typisk falder elforbruget til belysning med 50–70 %, og "
            "investeringen er tjent hjem på 2–4 år.",
        ),
    ),
    _action(
        "transport",
        None,
        "medium",
        "low",
        (),
        (),
        "Cyklistforbundet – Cykelvenlig Arbejdsplads",
        da=(
            "Cykelparkering og cykelordning for medarbejdere",
            "Etablér overdækket cykelparkering tæt på indgangen, ladepladser til elcykler og "
            "omklædning med bad. Tilbyd en skattefri eller skattebegunstiget cykelordning, så "
            "flere vælger cyklen til og fra arbejde.",
        ),
    ),
    _action(
        "food",
        "2.4",
        "",
        "none",
        ("hospitality", "education", "health", "public"),
        (),
        "Miljøstyrelsen – madspild; ONE\\THIRD – Tænketank om forebyggelse af madspild",
        da=(
            "Mindre madspild i kantinen",
            "Vej madspildet i fire uger, tilpas portioner og indkøb efter tallene, og sælg "
            "eller giv overskudsmad videre. Kantiner halverer ofte spildet inden for et år.",
        ),
    ),
    _action(
        "procurement",
        None,
        "high",
        "low",
        (),
        ("medium", "large"),
        "Miljøstyrelsen – Den grønne indkøbsportal",
        da=(
            "Grønne indkøbskriterier i alle udbud",
            "Brug Miljøstyrelsens færdige miljøkrav til de største indkøbskategorier "
            "(IT, møbler, rengøring, transport) og vægt totalomkostninger og CO2e i "
            "tildelingen.",
        ),
    ),
    _action(
        "buildings",
        "15",
        "",
        "high",
        ("agriculture", "retail", "manufacturing"),
        ("small", "medium"),
        "Energistyrelsen – tilskud til udskiftning af olie- og gasfyr",
        da=(
            "Varmepumpe i stedet for oliefyr",
            "Skift oliefyret ud med en luft-til-vand- eller jordvarmepumpe, eller tilslut "
            "bygningen fjernvarmen hvor den findes. Søg tilskud, og få lavet et energitjek "
            "først, så pumpen dimensioneres rigtigt.",
        ),
    ),
    _action(
        "transport",
        "6",
        "",
        "medium",
        (),
        ("medium", "large"),
        "Energistyrelsen; Dansk Elbil Alliance",
        da=(
            "Delebilordning med elbiler",
            "Erstat kørsel i egen bil og ældre firmabiler med en pulje af delte elbiler, "
            "som medarbejderne booker online. Ladestandere på egen grund sikrer, at bilerne "
            "altid er klar.",
        ),
    ),
    _action(
        "waste",
        None,
        "medium",
        "low",
        (),
        (),
        "Miljøstyrelsen – affaldssortering i virksomheder",
        da=(
            "Affaldssortering i ti fraktioner",
            "Sortér affaldet i de ti fraktioner, som kommunerne indsamler (bl.a. madaffald, "
            "plast, metal, papir og pap), med tydelige skilte ved alle affaldsstationer.",
        ),
    ),
    _action(
        "management",
        None,
        "medium",
        "low",
        (),
        (),
        "Energistyrelsen – Klimakompasset",
        da=(
            "Klimaregnskab med Klimakompasset",
            "Opgør virksomhedens udledninger i scope 1, 2 og de vigtigste dele af scope 3 "
            "med det gratis Klimakompasset, og sæt et reduktionsmål ud fra resultatet.",
        ),
    ),
]

PORVOO = [
    _action(
        "energy",
        "6",
        "",
        "low",
        ("retail", "services", "public"),
        (),
        "Motiva – belysning",
        sv=(
            "LED-belysning i lokalerna",
            "Byt lysrör och halogenlampor mot LED-armaturer med närvaro- och "
            "dagsljusstyrning. Elförbrukningen för belysning minskar ofta med hälften.",
        ),
        fi=(
            "LED-valaistus toimitiloihin",
            "Vaihda loisteputket ja halogeenit LED-valaisimiin, joissa on läsnäolo- ja "
            "päivänvalo-ohjaus. Valaistuksen sähkönkulutus puolittuu usein.",
        ),
    ),
    _action(
        "energy",
        "40",
        "",
        "low",
        (),
        ("medium", "large"),
        "Motiva; Energiavirasto – alkuperätakuut",
        sv=(
            "Fossilfri fjärrvärme",
            "Välj energibolagets fossilfria fjärrvärmeprodukt med ursprungsgarantier och "
            "be om bolagets plan för att fasa ut torv och kol.",
        ),
        fi=(
            "Fossiiliton kaukolämpö",
            "Valitse energiayhtiön fossiiliton kaukolämpötuote alkuperätakuineen ja kysy "
            "yhtiön suunnitelmaa turpeesta ja kivihiilestä luopumiseksi.",
        ),
    ),
    _action(
        "food",
        "3",
        "",
        "none",
        ("education", "hospitality", "public"),
        (),
        "Luonnonvarakeskus (Luke) – ruokahävikki",
        sv=(
            "Minskat matsvinn i skolköken",
            "Väg tallrikssvinnet en vecka i månaden, visa resultatet för eleverna och "
            "anpassa menyer och portioner efter det.",
        ),
        fi=(
            "Ruokahävikin vähentäminen kouluissa",
            "Punnitse lautashävikki viikon ajan kuukausittain, näytä tulokset oppilaille ja "
            "muokkaa ruokalistoja ja annoksia niiden mukaan.",
        ),
    ),
    _action(
        "transport",
        "5",
        "",
        "medium",
        (),
        ("medium", "large"),
        "Motiva – liikenne",
        sv=(
            "Elbilspool för personalen",
            "Ersätt tjänsteresor med egen bil med en pool av delade elbilar som bokas via "
            "en app; laddplatser vid arbetsplatsen.",
        ),
        fi=(
            "Sähköautojen yhteiskäyttö",
            "Korvaa työajoja omalla autolla yhteiskäyttöisillä sähköautoilla, jotka "
            "varataan sovelluksella; latauspisteet työpaikalle.",
        ),
    ),
    _action(
        "procurement",
        None,
        "high",
        "low",
        (),
        (),
        "Motiva – KEINO, kestävien hankintojen osaamiskeskus",
        sv=(
            "Grön upphandling",
            "Ställ klimat- och miljökrav i de största upphandlingarna och jämför "
            "livscykelkostnader i stället för bara inköpspriset.",
        ),
        fi=(
            "Vihreät hankinnat",
            "Aseta ilmasto- ja ympäristökriteerit suurimpiin hankintoihin ja vertaa "
            "elinkaarikustannuksia pelkän hankintahinnan sijaan.",
        ),
    ),
    _action(
        "energy",
        "12",
        "",
        "high",
        ("retail", "manufacturing", "agriculture"),
        ("small", "medium"),
        "Motiva – aurinkosähkö",
        sv=(
            "Solpaneler på taket",
            "Installera solpaneler för egen elförbrukning; ett tak på 300 m² ger omkring "
            "40 MWh om året i södra Finland.",
        ),
        fi=(
            "Aurinkopaneelit katolle",
            "Asenna aurinkopaneelit omaan sähkönkulutukseen; 300 m²:n katto tuottaa "
            "Etelä-Suomessa noin 40 MWh vuodessa.",
        ),
    ),
    _action(
        "transport",
        None,
        "medium",
        "low",
        (),
        (),
        "Motiva – pyöräliikenne",
        sv=(
            "Cykelparkering med ram",
            "Bygg tak och ramlåsbara cykelställ nära entrén och erbjud en plats att torka "
            "kläder, så att fler cyklar året om.",
        ),
        fi=(
            "Runkolukittava pyöräpysäköinti",
            "Rakenna katetut, runkolukittavat pyörätelineet lähelle sisäänkäyntiä ja "
            "kuivatustila vaatteille, jotta useampi pyöräilee ympäri vuoden.",
        ),
    ),
    _action(
        "management",
        None,
        "medium",
        "medium",
        (),
        ("medium", "large"),
        "Motiva – energiakatselmukset",
        sv=(
            "Energikartläggning",
            "Låt en auktoriserad konsult kartlägga fastigheternas och processernas "
            "energianvändning och prioritera åtgärderna efter återbetalningstid.",
        ),
        fi=(
            "Energiakatselmus",
            "Teetä valtuutetulla konsultilla katselmus kiinteistöjen ja prosessien "
            "energiankäytöstä ja priorisoi toimenpiteet takaisinmaksuajan mukaan.",
        ),
    ),
]

OSTFOLD = [
    _action(
        "energy",
        "9",
        "",
        "low",
        ("retail", "services", "manufacturing"),
        (),
        "Enova – energieffektivisering i næringsbygg",
        nb=(
            "LED-belysning i næringsbygg",
            "Bytt lysrør og halogen til LED med bevegelses- og dagslysstyring. "
            "Strømforbruket til belysning faller typisk med 50–70 prosent.",
        ),
    ),
    _action(
        "transport",
        "7",
        "",
        "high",
        ("construction", "transport", "retail"),
        (),
        "Enova – støtte til elektriske varebiler; Miljødirektoratet – Klimatiltak i Norge",
        nb=(
            "Elektriske varebiler",
            "Skift ut dieselvarebilene med elektriske når leasingavtalen løper ut, og "
            "bygg lading på egen tomt. Søk støtte fra Enova.",
        ),
    ),
    _action(
        "food",
        "2",
        "",
        "none",
        ("hospitality", "health", "education"),
        (),
        "Matvett; Miljødirektoratet",
        nb=(
            "Redusert matsvinn i kantinen",
            "Mål matsvinnet hver uke, juster innkjøp og porsjoner, og selg overskuddsmat "
            "rimelig på slutten av dagen.",
        ),
    ),
    _action(
        "buildings",
        "20",
        "",
        "medium",
        ("construction",),
        ("medium", "large"),
        "Miljødirektoratet – fossilfrie og utslippsfrie byggeplasser",
        nb=(
            "Fossilfri byggeplass",
            "Bruk elektriske eller biodrevne anleggsmaskiner, fjernvarme eller el til "
            "byggtørk, og still krav om fossilfri drift til underentreprenørene.",
        ),
    ),
    _action(
        "procurement",
        None,
        "high",
        "low",
        (),
        (),
        "Direktoratet for forvaltning og økonomistyring (DFØ) – anskaffelser.no",
        nb=(
            "Grønne anskaffelser",
            "Vekt klima og miljø med minst 30 prosent i konkurransene, og bruk DFØs "
            "kriterieveiviser for de største kategoriene.",
        ),
    ),
    _action(
        "waste",
        None,
        "medium",
        "low",
        (),
        (),
        "Miljødirektoratet – kildesortering",
        nb=(
            "Kildesortering av plast og matavfall",
            "Sett opp egne beholdere for plast, matavfall, papp og restavfall ved alle "
            "pauserom, med tydelig merking.",
        ),
    ),
    _action(
        "transport",
        None,
        "medium",
        "low",
        (),
        (),
        "Statens vegvesen – sykkelhåndboka",
        nb=(
            "Sykkelparkering og garderobe",
            "Lag overbygd og låsbar sykkelparkering nær inngangen, garderobe med dusj og "
            "tørkeskap, så flere sykler til jobb.",
        ),
    ),
    _action(
        "management",
        None,
        "medium",
        "low",
        (),
        (),
        "Miljødirektoratet; Klimapartnere – klimaregnskap",
        nb=(
            "Klimaregnskap og klimamål",
            "Lag et årlig klimaregnskap etter GHG-protokollen og sett mål for kutt i "
            "scope 1, 2 og 3 som følges opp i ledelsen.",
        ),
    ),
]

KLIMATKOMMUNERNA = [
    _action(
        "energy",
        "30",
        "",
        "low",
        ("public",),
        ("large",),
        "Naturvårdsverket; Energiföretagen Sverige",
        sv=(
            "Krav på fossilfri fjärrvärme",
            "Ställ krav i avtalet med fjärrvärmebolaget på fossilfri produktion och "
            "ursprungsmärkt el, med en tidsplan för utfasning av fossil olja i spetslasten.",
        ),
    ),
    _action(
        "transport",
        "10",
        "",
        "medium",
        ("public",),
        ("medium", "large"),
        "Naturvårdsverket – Klimatklivet",
        sv=(
            "Elbilspool i kommunens fordonsflotta",
            "Samla förvaltningarnas bilar i en gemensam pool av elbilar med bokningssystem; "
            "färre bilar behövs och körsträckan blir fossilfri.",
        ),
    ),
    _action(
        "food",
        "4",
        "",
        "none",
        ("public", "education", "health"),
        (),
        "Livsmedelsverket – matsvinn i offentliga kök",
        sv=(
            "Minska matsvinnet i offentliga kök",
            "Mät kök-, serverings- och tallrikssvinn enligt Livsmedelsverkets metod och "
            "sätt ett mål för varje kök; följ upp varje månad.",
        ),
    ),
    _action(
        "procurement",
        None,
        "high",
        "low",
        ("public",),
        (),
        "Upphandlingsmyndigheten – hållbarhetskriterier",
        sv=(
            "Grön upphandling med klimatkrav",
            "Använd Upphandlingsmyndighetens hållbarhetskriterier på avancerad nivå i "
            "upphandlingar av fordon, livsmedel och byggentreprenader.",
        ),
    ),
    _action(
        "energy",
        "25",
        "",
        "high",
        ("public",),
        ("large",),
        "Energimyndigheten – belysning",
        sv=(
            "LED i gatubelysningen",
            "Byt kvicksilver- och natriumlampor i gatubelysningen mot LED med styrning "
            "som sänker ljuset nattetid; energin minskar med upp till 70 procent.",
        ),
    ),
    _action(
        "transport",
        None,
        "medium",
        "medium",
        (),
        (),
        "Trafikverket; Naturvårdsverket – Klimatklivet",
        sv=(
            "Cykelparkering vid stationer och arbetsplatser",
            "Bygg väderskyddade, ramlåsbara cykelställ vid stationer och större "
            "arbetsplatser, gärna med laddning för elcyklar.",
        ),
    ),
    _action(
        "management",
        None,
        "high",
        "low",
        ("public",),
        (),
        "Naturvårdsverket – kommunernas klimatarbete",
        sv=(
            "Koldioxidbudget för kommunen",
            "Räkna fram kommunens koldioxidbudget i linje med Parisavtalet och styr "
            "klimatplanens åtgärder mot den, med årlig uppföljning i fullmäktige.",
        ),
    ),
    _action(
        "waste",
        "3",
        "",
        "low",
        (),
        (),
        "Naturvårdsverket – cirkulär ekonomi",
        sv=(
            "Återbruk av möbler",
            "Inventera möbler och inventarier i en intern återbruksplattform innan något "
            "nytt köps in; renovera hellre än att byta.",
        ),
    ),
]

CATALOGUES = {
    "hjorring": HJORRING,
    "porvoo": PORVOO,
    "ostfold": OSTFOLD,
    "klimatkommunerna": KLIMATKOMMUNERNA,
}
# A tenant outside the demo gets the catalogue in its language.
BY_LANGUAGE = {"da": HJORRING, "sv": KLIMATKOMMUNERNA, "fi": PORVOO, "nb": OSTFOLD}


def _data(action: DemoAction, languages: list[str]) -> dict[str, Any]:
    return {
        "title": {code: action.texts[code][0] for code in languages},
        "description": {code: action.texts[code][1] for code in languages},
        "theme": action.theme,
        "effect_tonnes_per_year": action.tonnes,
        "effect_level": action.level,
        "cost_level": action.cost,
        "sectors": list(action.sectors),
        "sizes": list(action.sizes),
        "sources": action.sources,
        "languages": languages,
    }


def demo_library_seed(
    *, tenant: Tenant, contributor_name: str = "", language: str = ""
) -> list[LibraryAction]:
    """Publish the tenant's demo actions (its catalogue, in the languages of it the tenant
    offers, ``language`` first). Nothing when the tenant has contributed already."""
    if LibraryAction.objects.filter(contributor=tenant).exists():
        return []
    language = language or tenant.primary_language
    catalogue = CATALOGUES.get(tenant.schema_name) or BY_LANGUAGE.get(language, [])
    published = []
    for action in catalogue:
        offered = [language, *tenant.languages, *action.texts]
        languages = [code for code in dict.fromkeys(offered) if code in action.texts]
        # Only languages the tenant offers, unless the catalogue has none of them.
        own = [code for code in languages if code in tenant.languages]
        published.append(
            services.library_action_publish(
                actor=None,
                tenant=tenant,
                contributor_name=contributor_name or tenant.name,
                data=_data(action, own or languages),
            )
        )
    return published
