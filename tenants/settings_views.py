"""The operator console's tenant settings page: languages, web addresses and branding.

One page, three forms; each POST names its section, calls one service and redirects back
(the page is shown again with the errors, status 400, when the service refuses)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_tenants.utils import tenant_context

from programmes.core.forms import apply_validation_error
from programmes.core.i18n import format_number
from tenants import selectors, services
from tenants.branding import logo_response
from tenants.models import Tenant
from tenants.settings_forms import BrandingForm, DomainAddForm, DomainRemoveForm, LanguagesForm
from tenants.views import operator_required

DEFAULT_COLOUR = "#0B5D3B"  # --brand in saas/static/klimapartner/site.css


def _tenant_or_404(slug: str) -> Tenant:
    tenant = selectors.tenant_by_slug(slug)
    if tenant is None:
        raise Http404
    return tenant


def _unbound_forms(tenant: Tenant) -> dict[str, forms.Form]:
    return {
        "languages": LanguagesForm(
            prefix="languages",
            initial={
                "primary_language": tenant.primary_language,
                "other_languages": tenant.other_languages,
            },
        ),
        "domain_add": DomainAddForm(prefix="domain"),
        "domain_remove": DomainRemoveForm(prefix="remove"),
        "branding": BrandingForm(
            prefix="branding",
            initial={
                "brand_colour": tenant.brand_colour,
                "sender_name": tenant.sender_name,
                "reply_to": tenant.reply_to,
            },
        ),
    }


def _languages(request: HttpRequest, tenant: Tenant, data: dict[str, Any]) -> str:
    services.tenant_languages_update(
        actor=request.user,
        tenant=tenant,
        primary=data["primary_language"],
        others=data["other_languages"],
    )
    return _("The languages are saved.")


def _domain_add(request: HttpRequest, tenant: Tenant, data: dict[str, Any]) -> str:
    domain = services.tenant_domain_add(actor=request.user, tenant=tenant, domain=data["domain"])
    return _("%(host)s now leads to this tenant.") % {"host": domain.domain}


def _domain_remove(request: HttpRequest, tenant: Tenant, data: dict[str, Any]) -> str:
    services.tenant_domain_remove(actor=request.user, tenant=tenant, domain=data["domain"])
    return _("%(host)s no longer leads to this tenant.") % {"host": data["domain"]}


def _branding(request: HttpRequest, tenant: Tenant, data: dict[str, Any]) -> str:
    services.tenant_branding_update(
        actor=request.user,
        tenant=tenant,
        brand_colour=data["brand_colour"],
        sender_name=data["sender_name"],
        reply_to=data["reply_to"],
        logo=data["brand_logo"],
        remove_logo=data["remove_logo"],
    )
    return _("The branding is saved.")


SECTIONS: dict[str, tuple[type[forms.Form], str, Callable[..., str]]] = {
    "languages": (LanguagesForm, "languages", _languages),
    "domain_add": (DomainAddForm, "domain", _domain_add),
    "domain_remove": (DomainRemoveForm, "remove", _domain_remove),
    "branding": (BrandingForm, "branding", _branding),
}


@operator_required
@require_http_methods(["GET", "HEAD", "POST"])
def tenant_settings(request: HttpRequest, slug: str) -> HttpResponse:
    tenant = _tenant_or_404(slug)
    page_forms = _unbound_forms(tenant)
    if request.method == "POST":
        section = request.POST.get("section", "")
        if section not in SECTIONS:
            return HttpResponseBadRequest(_("Unknown section."))
        form_class, prefix, handle = SECTIONS[section]
        form = form_class(request.POST, request.FILES, prefix=prefix)
        page_forms[section] = form
        if form.is_valid():
            try:
                done = handle(request, tenant, form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, done)
                return redirect("console-tenant-settings", slug=tenant.slug)
        # Refused: the page shows the tenant as it is (a refused change changed nothing).
        tenant.refresh_from_db()
    colour = tenant.brand_colour or DEFAULT_COLOUR
    return render(
        request,
        "tenants/settings.html",
        {
            "shown_tenant": tenant,
            "forms": page_forms,
            "own_host": selectors.primary_host(tenant),
            "domains": list(tenant.domains.all()),
            "preview_colour": colour,
            "preview_contrast": format_number(
                int(services.contrast_with_white(colour) * 100) / 100, decimals=2
            ),
        },
        status=400 if any(form.errors for form in page_forms.values()) else 200,
    )


@operator_required
@require_safe
def tenant_settings_logo(request: HttpRequest, slug: str) -> HttpResponse:
    """The tenant's logo for the settings page's preview (the file lives in the tenant's
    media folder, so it is opened in the tenant's context)."""
    tenant = _tenant_or_404(slug)
    with tenant_context(tenant):
        return logo_response(tenant)
