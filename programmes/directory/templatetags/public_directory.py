"""``{% load public_directory %}{% public_summary programme as summary %}``: the
programme's public summary for its home page (listed partners, published figures, progress
towards the target), in two queries at most."""

from typing import Any

from django import template

from programmes.directory.selectors import ProgrammeSummary, programme_summary

register = template.Library()


@register.simple_tag
def public_summary(programme: Any) -> ProgrammeSummary:
    return programme_summary(programme)
