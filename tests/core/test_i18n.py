import datetime as dt
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation
from django_tenants.utils import tenant_context

from programmes.core import i18n
from programmes.core.i18n import translated
from tenants.models import Tenant
from tests.conftest import World

CATALOGUES = ["da", "sv", "fi", "nb"]


def tenant(
    country: str, language: str, locale: str, currency: str, zone: str, other: tuple[str, ...] = ()
) -> Tenant:
    return Tenant(
        schema_name="x",
        country=country,
        primary_language=language,
        other_languages=list(other),
        locale=locale,
        currency=currency,
        time_zone=zone,
    )


DK = tenant("DK", "da", "da_DK", "DKK", "Europe/Copenhagen")
PORVOO = tenant("FI", "sv", "sv_FI", "EUR", "Europe/Helsinki", ("fi",))
NO = tenant("NO", "nb", "nb_NO", "NOK", "Europe/Oslo")
SE = tenant("SE", "sv", "sv_SE", "SEK", "Europe/Stockholm")


def plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


@pytest.mark.parametrize(
    ("the_tenant", "language", "expected"),
    [
        (DK, "da", "1.234.567,50 kr."),
        (PORVOO, "sv", "1 234 567,50 €"),
        (PORVOO, "fi", "1 234 567,50 €"),
        (NO, "nb", "1 234 567,50 kr"),
        (SE, "sv", "1 234 567,50 kr"),
    ],
)
def test_money_is_formatted_for_the_tenants_locale_and_currency(
    the_tenant: Tenant, language: str, expected: str
) -> None:
    with translation.override(language):
        assert plain(i18n.format_money(Decimal("1234567.50"), tenant=the_tenant)) == expected


def test_a_bilingual_tenant_formats_in_the_active_language_of_its_country() -> None:
    assert i18n.formatting_locale(PORVOO, "sv") == "sv_FI"
    assert i18n.formatting_locale(PORVOO, "fi") == "fi_FI"
    assert i18n.formatting_locale(DK, "en") == "en_DK"


def test_dates_and_numbers_follow_the_locale() -> None:
    day = dt.date(2026, 3, 5)
    with translation.override("da"):
        assert i18n.format_date(day, style="long", tenant=DK) == "5. marts 2026"
        assert i18n.format_number(1234.5, tenant=DK) == "1.234,5"
        assert i18n.format_number(2, decimals=2, tenant=DK) == "2,00"
    with translation.override("fi"):
        assert i18n.format_date(day, style="long", tenant=PORVOO) == "5. maaliskuuta 2026"


def test_datetimes_are_shown_in_the_tenants_time_zone() -> None:
    moment = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)
    with translation.override("nb"):
        assert "12:00" in i18n.format_datetime(moment, tenant=NO)  # Oslo summer time
    with pytest.raises(ValueError, match="aware"):
        i18n.format_datetime(dt.datetime(2026, 6, 1, 10, 0), tenant=NO)


def test_translated_content_falls_back_to_the_tenants_primary_language(alpha: World) -> None:
    text = {"da": "Klimapartnerskab", "en": "Climate partnership"}
    with tenant_context(alpha.tenant):
        assert translated(text, "en") == "Climate partnership"
        assert translated(text, "fi") == "Klimapartnerskab"  # primary language of alpha: da
        assert translated({"sv": "Bara svenska"}, "fi") == "Bara svenska"
        assert translated({}, "da") == ""


def test_translated_fields_refuse_unknown_languages(alpha: World) -> None:
    from django.core.exceptions import ValidationError

    from programmes.configuration.models import Programme

    with tenant_context(alpha.tenant):
        programme = Programme.objects.get()
        programme.name = {"xx": "Nope"}
        with pytest.raises(ValidationError):
            programme.full_clean()


@pytest.mark.parametrize("language", CATALOGUES)
def test_every_message_is_translated(language: str) -> None:
    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(path))
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not missing, f"untranslated in {language}: {missing[:10]}"
    assert not fuzzy, f"fuzzy in {language}: {fuzzy[:10]}"
    assert len(catalogue.translated_entries()) > 50


@pytest.mark.parametrize("language", CATALOGUES)
def test_the_catalogues_are_compiled_and_used(language: str) -> None:
    with translation.override(language):
        assert translation.gettext("Sign in") != "Sign in"
