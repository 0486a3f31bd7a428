"""The support section of the console's tenant page, so the console's view (tenants.views)
needs no change to show it."""

from typing import Any

from django import template

from tenants.support import selectors
from tenants.support.forms import SupportGrantForm

register = template.Library()

# The tenant page shows the latest grants; the support page lists more.
SECTION_LIMIT = 10


@register.inclusion_tag("support/console_section.html", takes_context=True)
def support_console_section(context: template.Context, tenant: Any) -> dict[str, Any]:
    grants = list(selectors.support_grants_for_tenant(tenant)[:SECTION_LIMIT])
    return {
        "shown_tenant": tenant,
        "grants": grants,
        "form": SupportGrantForm(),
        "user": context.get("user"),
    }
