"""The directory sorts names in the alphabet of the page's language (ICU): Danish and
Norwegian put Æ, Ø, Å after Z and read "Aa" as Å; Swedish and Finnish put Å, Ä, Ö after Z."""

import re

import pytest
from django.utils import translation
from django_tenants.utils import tenant_context

from programmes.directory.sorting import collation_locale, sorted_by_name, sorted_names
from tests.conftest import World, client_for
from tests.directory.conftest import listed

NAMES = [
    "Örebro",
    "Zealand",
    "Åhléns",
    "Ærø",
    "Vaasa",
    "Aarhus",
    "Østergaard",
    "Wärtsilä",
    "Åbenrå",
    "Ängel",
]
DANISH = [
    "Vaasa",
    "Wärtsilä",
    "Zealand",
    "Ängel",
    "Ærø",
    "Örebro",
    "Østergaard",
    "Åbenrå",
    "Åhléns",
    "Aarhus",
]
SWEDISH = [
    "Aarhus",
    "Vaasa",
    "Wärtsilä",
    "Zealand",
    "Åbenrå",
    "Åhléns",
    "Ängel",
    "Ærø",
    "Örebro",
    "Østergaard",
]
ENGLISH = [
    "Aarhus",
    "Åbenrå",
    "Ærø",
    "Åhléns",
    "Ängel",
    "Örebro",
    "Østergaard",
    "Vaasa",
    "Wärtsilä",
    "Zealand",
]


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("da_DK", DANISH),
        ("nb_NO", DANISH),  # Norwegian: … Z, Æ, Ø, Å, and "Aa" is Å too
        ("sv_SE", SWEDISH),
        ("sv_FI", SWEDISH),
        ("fi_FI", SWEDISH),  # Finnish: … Z, Å, Ä, Ö
        ("en_DK", ENGLISH),
    ],
)
def test_names_sort_in_the_alphabet_of_the_locale(locale: str, expected: list[str]) -> None:
    assert sorted_names(NAMES, locale=locale) == expected


def test_the_nordic_letters_come_after_z_in_their_own_order() -> None:
    danish = sorted_names(["Å", "Ø", "Æ", "Z"], locale="da_DK")
    assert danish == ["Z", "Æ", "Ø", "Å"]
    assert sorted_names(["Ö", "Ä", "Å", "Z"], locale="sv_SE") == ["Z", "Å", "Ä", "Ö"]
    assert sorted_names(["Ö", "Ä", "Å", "Z"], locale="fi_FI") == ["Z", "Å", "Ä", "Ö"]
    assert sorted_names(["Å", "Ø", "Æ", "Z"], locale="nb_NO") == ["Z", "Æ", "Ø", "Å"]


def test_equal_names_keep_a_stable_order_by_id_and_can_be_reversed() -> None:
    class Row:
        def __init__(self, pk: int, name: str) -> None:
            self.pk, self.name = pk, name

    rows = [Row(3, "Bager"), Row(1, "Bager"), Row(2, "Æble")]
    assert [r.pk for r in sorted_by_name(rows, locale="da_DK")] == [1, 3, 2]
    assert [r.pk for r in sorted_by_name(rows, locale="da_DK", reverse=True)] == [2, 3, 1]


def test_the_collation_locale_follows_the_tenants_formatting_locale(
    alpha: World, beta: World
) -> None:
    with tenant_context(alpha.tenant):
        assert collation_locale("da") == "da_DK"
        assert collation_locale("en") == "en_DK"
        with translation.override("da"):
            assert collation_locale() == "da_DK"
    with tenant_context(beta.tenant):
        assert collation_locale("sv") == "sv_SE"


def shown_names(body: str) -> list[str]:
    return [
        name
        for name in re.findall(r'<h2 class="directory-name"><a [^>]*>([^<]+)</a>', body)
        if name in NAMES
    ]


def _list_all(world: World) -> None:
    with tenant_context(world.tenant):
        for name in NAMES:
            listed(name)


def test_the_directory_of_a_danish_programme_sorts_danish(alpha: World) -> None:
    _list_all(alpha)
    assert shown_names(client_for(alpha).get("/directory/").content.decode()) == DANISH


def test_the_directory_of_a_swedish_programme_sorts_swedish(beta: World) -> None:
    _list_all(beta)
    assert shown_names(client_for(beta).get("/directory/").content.decode()) == SWEDISH


def test_the_order_follows_the_language_the_visitor_reads(alpha: World) -> None:
    _list_all(alpha)
    english = client_for(alpha).get("/directory/", HTTP_ACCEPT_LANGUAGE="en")
    assert shown_names(english.content.decode()) == ENGLISH
    reverse = client_for(alpha).get("/directory/?order=-name")
    assert shown_names(reverse.content.decode()) == DANISH[::-1]
