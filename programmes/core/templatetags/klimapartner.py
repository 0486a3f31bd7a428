"""Template filters: {% load klimapartner %} then {{ amount|money }}, {{ day|date_local }}…"""

import datetime as dt
from typing import Any

from django import template

from programmes.core import i18n

register = template.Library()


@register.filter
def money(amount: Any, currency: str | None = None) -> str:
    return "" if amount is None else i18n.format_money(amount, currency)


@register.filter
def number(value: Any, decimals: int | None = None) -> str:
    return "" if value is None else i18n.format_number(value, decimals=decimals)


@register.filter
def date_local(value: dt.date | dt.datetime | None, style: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return i18n.format_datetime(value, style=style)
    return i18n.format_date(value, style=style)


@register.filter
def choice_label(value: Any, choices: Any) -> str:
    """{{ tenant.status|choice_label:Status }}: get_status_display, fast in long lists."""
    return i18n.choice_label(choices, value)


@register.filter
def translated(value: dict[str, str] | None) -> str:
    return i18n.translated(value)
