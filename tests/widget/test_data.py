"""The widget's public data (``/api/v1/widget/``) and frame (``/widget/frame/``): only what
partners published, sorted by the language's alphabet, in the asked language, cached for
five minutes with a fixed number of queries."""

import pytest
from django_tenants.utils import tenant_context

from programmes.configuration.models import Programme
from programmes.partners.models import Partner, Publication, Stage
from programmes.widget import selectors
from tests.conftest import World, client_for, work_queries
from tests.widget.conftest import SECRETS, Public, add_partner, allow

API = "/api/v1/widget/"
FRAME = "/widget/frame/"


def _data(world: World, query: str = "") -> dict:
    response = client_for(world).get(API + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_the_json_has_the_programme_its_public_partners_and_their_published_wins(
    alpha: World, public: Public
) -> None:
    data = _data(alpha)
    assert data["language"] == "da"
    assert data["programme"] == {
        "name": f"{alpha.marker} programme",
        "url": "http://alpha.localhost/",
    }
    assert data["directory_url"] == "http://alpha.localhost/directory/"
    assert data["partner_count"] == 2
    # Danish alphabet: Aa (= Å) and Æ come after Z, Æ before Å.
    assert [item["name"] for item in data["partners"]] == [
        f"{alpha.marker} Ærøskøbing Bryghus",
        f"{alpha.marker} Aalborg Cykler",
    ]
    listed, plain = data["partners"]
    assert (
        listed["url"]
        == f"http://alpha.localhost/directory/{public.listed.pk}/alpha-marker-aeroskobing-bryghus/"
    )
    assert listed["logo"] == f"http://alpha.localhost/partner-logos/{public.listed.pk}/"
    assert plain["logo"] is None  # it has a logo but does not publish it
    assert [winner["partner"] for winner in data["winners"]] == [public.listed.name]
    winner = data["winners"][0]
    assert winner["award"] == f"{alpha.marker} climate award" and winner["year"] == 2024
    assert winner["label"] == f"{alpha.marker} climate award 2024"
    assert data["texts"]["count"].startswith("2 ")
    assert data["show"] == ["count", "partners", "winners"]


def test_nothing_a_partner_did_not_publish_is_in_the_json_or_the_frame(
    alpha: World, public: Public
) -> None:
    allow(alpha, "https://www.example.dk")
    with tenant_context(alpha.tenant):
        names = set(
            Partner.objects.exclude(pk__in=[public.listed.pk, public.plain.pk]).values_list(
                "name", flat=True
            )
        )
    assert f"{alpha.marker} partner" in names  # the test tenant's own partners are unlisted
    for path in (API, API + "?lang=en", FRAME, FRAME + "?lang=en&show=count,partners,winners"):
        body = client_for(alpha).get(path).content.decode()
        for secret in (*SECRETS, *names):
            assert secret not in body, (path, secret)
        assert public.listed.name in body and public.plain.name in body
        assert f"/partner-logos/{public.listed.pk}/" in body
        assert f"/partner-logos/{public.plain.pk}/" not in body


NORDIC = ("Öresund Energi", "Østergaard VVS", "Zink Tag", "Ärlig Mad", "Åkande", "Aalborg")


@pytest.mark.parametrize(
    ("world_name", "language", "expected"),
    [
        # Danish: Z < Æ = Ä < Ø = Ö < Å = Aa (Åk before Aal = Ål).
        (
            "alpha",
            "da",
            ["Zink Tag", "Ärlig Mad", "Öresund Energi", "Østergaard VVS", "Åkande", "Aalborg"],
        ),
        # English: the letters sort with their base letter.
        (
            "alpha",
            "en",
            ["Aalborg", "Åkande", "Ärlig Mad", "Öresund Energi", "Østergaard VVS", "Zink Tag"],
        ),
        # Swedish: Z < Å < Ä = Æ < Ö = Ø.
        (
            "beta",
            "sv",
            ["Aalborg", "Zink Tag", "Åkande", "Ärlig Mad", "Öresund Energi", "Østergaard VVS"],
        ),
    ],
)
def test_the_sort_follows_the_alphabet_of_the_language(
    request: pytest.FixtureRequest, world_name: str, language: str, expected: list[str]
) -> None:
    world = request.getfixturevalue(world_name)
    with tenant_context(world.tenant):
        for name in NORDIC:
            add_partner(name)
    assert [item["name"] for item in _data(world, f"?lang={language}")["partners"]] == expected


def test_the_language_is_one_of_the_tenants_else_its_primary_one(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        Programme.objects.update(name={"da": "Klimapartnerskab", "en": "Climate partnership"})
    assert _data(alpha, "?lang=en")["programme"]["name"] == "Climate partnership"
    assert _data(alpha, "?lang=en")["texts"]["all_partners"] == "See all partners"
    english = client_for(alpha).get(API + "?lang=en")
    assert english["Content-Language"] == "en"
    for unknown in ("?lang=sv", "?lang=xx", "?lang=", ""):
        data = _data(alpha, unknown)
        assert data["language"] == "da" and data["programme"]["name"] == "Klimapartnerskab"
    frame = client_for(alpha).get(FRAME + "?lang=en").content.decode()
    assert '<html lang="en">' in frame and "Climate partnership" in frame
    assert '<html lang="da">' in client_for(alpha).get(FRAME + "?lang=fi").content.decode()


def test_the_response_may_be_cached_for_five_minutes(alpha: World) -> None:
    response = client_for(alpha).get(API)
    assert response["Cache-Control"] == "public, max-age=300"
    assert "Set-Cookie" not in response
    assert client_for(alpha).get(FRAME)["Cache-Control"] == "public, max-age=300"
    assert selectors.DATA_CACHE_SECONDS == 300


def test_signed_in_people_get_the_same_public_data(alpha: World, public: Public) -> None:
    anonymous = client_for(alpha).get(API).json()
    for persona in ("municipal_admin", "partner_admin"):
        assert client_for(alpha, persona).get(API).json() == anonymous
    token = client_for(alpha).get(API, HTTP_AUTHORIZATION="Token not-a-token")
    assert token.status_code == 200  # no authentication is read at all


def test_the_data_is_served_from_the_cache_until_it_expires_or_the_settings_change(
    alpha: World, public: Public, django_assert_num_queries
) -> None:
    client = client_for(alpha)
    first = client.get(API).json()
    with tenant_context(alpha.tenant):
        add_partner("Nyt Firma")
    with django_assert_num_queries(0):
        cached = client.get(API).json()
    assert cached == first  # within the five minutes
    allow(alpha, "https://www.example.dk")  # saving the settings drops the cache
    fresh = client.get(API).json()
    assert fresh["partner_count"] == first["partner_count"] + 1
    assert "Nyt Firma" in [item["name"] for item in fresh["partners"]]


def test_winners_count_and_default_show_come_from_the_settings(
    alpha: World, public: Public
) -> None:
    from programmes.widget import services

    with tenant_context(alpha.tenant):
        services.widget_settings_save(
            actor=None,
            allowed_origins=[],
            show_partners=False,
            show_count=True,
            show_winners=False,
            winners_count=1,
        )
    data = _data(alpha)
    assert data["show"] == ["count"]
    frame = client_for(alpha).get(FRAME).content.decode()
    assert data["texts"]["count"] in frame and "kp-widget__count" in frame
    assert "kp-widget__partners" not in frame and "kp-widget__winners" not in frame
    shown = client_for(alpha).get(FRAME + "?show=partners").content.decode()
    assert "kp-widget__partners" in shown and "kp-widget__count" not in shown


@pytest.mark.parametrize("path", [API, FRAME])
def test_queries_do_not_grow_with_the_number_of_partners(
    alpha: World, path: str, django_assert_num_queries
) -> None:
    def count_queries() -> int:
        from django.core.cache import cache
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        cache.delete_many([selectors.data_key("da"), selectors.ORIGINS_KEY])
        with CaptureQueriesContext(connection) as queries:
            assert client_for(alpha).get(path).status_code == 200
        return work_queries(queries)

    with tenant_context(alpha.tenant):
        for number in range(3):
            partner = add_partner(
                f"Firma {number}",
                fields=(Publication.DIRECTORY, Publication.LOGO, Publication.AWARDS),
                logo=True,
            )
    client_for(alpha).get(path)  # the tenant lookup is cached from here on
    few = count_queries()
    with tenant_context(alpha.tenant):
        from tests.widget.conftest import announce

        for number in range(3, 30):
            partner = add_partner(
                f"Firma {number}",
                fields=(Publication.DIRECTORY, Publication.LOGO, Publication.AWARDS),
                logo=True,
            )
            if number % 5 == 0:
                announce(partner, f"Pris {number}", 2020 + number % 7)
        Partner.objects.filter(name="Firma 3").update(stage=Stage.ENDED)
    many = count_queries()
    assert few == many
    assert many <= 6
    with django_assert_num_queries(0):  # a cache hit: no programme query at all
        client_for(alpha).get(path)
