"""Locale-aware formatting (Babel) and per-language content with fallback.

Money, numbers and dates are never formatted by hand: they go through the helpers here, which
use the current tenant's locale and currency. In a bilingual tenant (Porvoo: sv and fi) the
locale follows the active language within the tenant's country (sv_FI, fi_FI).
"""

import datetime as dt
from decimal import Decimal
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

Number = int | float | Decimal


def current_tenant() -> Any | None:
    """The tenant whose schema is active, or None on the public schema."""
    tenant = getattr(connection, "tenant", None)
    if tenant is None or getattr(tenant, "schema_name", "public") == "public":
        return None
    return tenant


def tenant_languages() -> list[str]:
    """The languages the current tenant offers (its content is typed in these)."""
    tenant = current_tenant()
    return tenant.languages if tenant else ["en"]


def offered_language(*choices: str) -> str:
    """The first of ``choices`` the tenant offers (e.g. a person's, then their partner's
    language), else the tenant's primary language: what an e-mail to them is written in."""
    tenant = current_tenant()
    offered = tenant.languages if tenant else []
    for code in choices:
        if code and code in offered:
            return code
    return tenant.primary_language if tenant else (next((c for c in choices if c), "en"))


def formatting_locale(tenant: Any | None = None, language: str | None = None) -> str:
    """The Babel locale for the active language in the tenant's country."""
    tenant = tenant or current_tenant()
    language = language or translation.get_language() or "en"
    if tenant is None:
        return language
    if language == tenant.primary_language:
        return tenant.locale
    candidate = f"{language}_{tenant.country}"
    return candidate if _babel_locale(candidate) is not None else tenant.locale


@cache
def _babel_locale(identifier: str) -> Locale | None:
    """Parsed once per process: Babel parses an identifier and looks its data up on every
    call given a string, which long lists of numbers and dates pay for per value."""
    try:
        return Locale.parse(identifier)
    except (UnknownLocaleError, ValueError):
        return None


def babel_locale(tenant: Any = None) -> Locale:
    return _babel_locale(formatting_locale(tenant)) or Locale.parse("en")


def format_money(amount: Number, currency: str | None = None, *, tenant: Any = None) -> str:
    tenant = tenant or current_tenant()
    currency = currency or (tenant.currency if tenant else "EUR")
    return babel_numbers.format_currency(amount, currency, locale=babel_locale(tenant))


def format_number(value: Number, *, decimals: int | None = None, tenant: Any = None) -> str:
    locale = babel_locale(tenant)
    if decimals is None:
        return babel_numbers.format_decimal(value, locale=locale)
    pattern = "#,##0." + "0" * decimals if decimals else "#,##0"
    return babel_numbers.format_decimal(value, format=pattern, locale=locale)


def format_date(value: dt.date, *, style: str = "medium", tenant: Any = None) -> str:
    return babel_dates.format_date(value, format=style, locale=babel_locale(tenant))


def tenant_zone(tenant: Any = None) -> dt.tzinfo:
    tenant = tenant or current_tenant()
    return ZoneInfo(tenant.time_zone) if tenant else dt.UTC


def local_date(value: dt.datetime, *, tenant: Any = None) -> dt.date:
    """The day an aware datetime falls on in the tenant's time zone (requests run in UTC)."""
    return value.astimezone(tenant_zone(tenant)).date()


def format_datetime(value: dt.datetime, *, style: str = "medium", tenant: Any = None) -> str:
    """An aware datetime shown in the tenant's time zone."""
    zone = tenant_zone(tenant)
    tenant = tenant or current_tenant()
    if timezone.is_naive(value):
        raise ValueError("format_datetime needs an aware datetime")
    return babel_dates.format_datetime(
        value, format=style, tzinfo=zone, locale=babel_locale(tenant)
    )


# --- Content typed by a tenant, stored per language -------------------------------------

LANGUAGE_CODES = ("da", "sv", "fi", "nb", "en")


def language_name(code: str) -> str:
    """A language's name in that language ("dansk", "suomi"), as language pickers show it."""
    return str(translation.get_language_info(code)["name_local"])


def validate_translations(value: Any) -> None:
    if not isinstance(value, dict) or not all(
        code in LANGUAGE_CODES and isinstance(text, str) for code, text in value.items()
    ):
        raise ValidationError(
            _("Give the text as a mapping from language code (da, sv, fi, nb, en) to text."),
            code="invalid_translations",
        )


class TranslatedField(models.JSONField):
    """Text in several languages, stored as ``{"da": "...", "sv": "..."}``.

    Read it with ``translated(value)``, which falls back to the tenant's primary language.
    No library fits here: the fallback language differs per tenant, not per deployment.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", dict)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)
        self.validators.append(validate_translations)

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        tenant = current_tenant()
        if (
            not self.blank
            and tenant is not None
            and not str((value or {}).get(tenant.primary_language, "")).strip()
        ):
            raise ValidationError(
                _("Give this text at least in %(language)s.")
                % {"language": language_name(tenant.primary_language)},
                code="primary_language_missing",
            )

    def deconstruct(self) -> tuple[Any, ...]:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("default") is dict:
            del kwargs["default"]
        if kwargs.get("blank") is True:
            del kwargs["blank"]
        return name, path, args, kwargs


def translated(value: dict[str, str] | None, language: str | None = None) -> str:
    """The text in the active language, else the tenant's primary language, else any."""
    if not value:
        return ""
    language = language or translation.get_language() or "en"
    if value.get(language):
        return value[language]
    tenant = current_tenant()
    if tenant is not None and value.get(tenant.primary_language):
        return value[tenant.primary_language]
    return next((text for text in value.values() if text), "")


@cache
def _choice_labels(choices: type[models.Choices], language: str | None) -> dict[Any, str]:
    with translation.override(language):
        return {value: str(label) for value, label in choices.choices}


def choice_label(choices: type[models.Choices], value: Any) -> str:
    """The label of ``value`` in the active language, as ``get_FOO_display`` gives it but
    from a table built once per language: long lists render a label per row, and Django
    builds and hashes the whole choice list (lazy translations) on every call."""
    return _choice_labels(choices, translation.get_language()).get(value, str(value))
