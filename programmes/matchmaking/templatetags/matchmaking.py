"""``{% load matchmaking %}``: times of day in the tenant's locale (Babel)."""

import datetime as dt

from babel import dates as babel_dates
from django import template

from programmes.core.i18n import formatting_locale

register = template.Library()


@register.filter
def time_local(value: dt.time | None, style: str = "short") -> str:
    """A time of day such as 09:20 (da, sv, fi, nb) in the active language's locale."""
    if value is None:
        return ""
    return babel_dates.format_time(value, format=style, locale=formatting_locale())
