"""The tenant's single sign-on button on the login page."""

from typing import Any

from django import template
from django.urls import reverse

from programmes.people import sso

register = template.Library()


@register.simple_tag(takes_context=True)
def sso_login(context: dict[str, Any]) -> dict[str, str] | None:
    """The switched-on provider's name and login URL, or None. Lets the page's policy send
    the form to the provider (programmes.core.headers reads ``request.csp_form_action``)."""
    request = context.get("request")
    if request is None or getattr(request, "tenant", None) is None:
        return None
    if request.tenant.schema_name == "public":
        return None
    app = sso.enabled_sso_app(request)
    if app is None:
        return None
    request.csp_form_action = [sso.origin(app.settings.get(sso.SERVER_URL, ""))]
    return {
        "name": app.name,
        "url": reverse("openid_connect_login", kwargs={"provider_id": app.provider_id}),
    }
