"""Support access pages: the operators' side on the platform host (console) and the tenant's
side (entering with a token; the municipal admins' list of grants)."""

from allauth.account.internal.flows.login import record_authentication
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from programmes.core.forms import apply_validation_error
from programmes.core.i18n import format_datetime
from programmes.core.views import municipal_admin_required
from tenants.models import Tenant
from tenants.selectors import tenant_by_slug, tenant_url
from tenants.support import selectors, services
from tenants.support.forms import SupportGrantEndForm, SupportGrantForm
from tenants.support.middleware import SESSION_GRANT_KEY
from tenants.support.models import SupportGrant
from tenants.views import operator_required

# --- Platform host (operators) ----------------------------------------------------------


def _tenant_or_404(slug: str) -> Tenant:
    tenant = tenant_by_slug(slug)
    if tenant is None:
        raise Http404
    return tenant


def _grant_or_404(tenant: Tenant, pk: int) -> SupportGrant:
    grant = selectors.support_grant_for_tenant(tenant, pk)
    if grant is None:
        raise Http404
    return grant


@operator_required
def console_support(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask for support access to a tenant (reason, duration) and list its grants."""
    tenant = _tenant_or_404(slug)
    form = SupportGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.support_grant_open(
                actor=request.user,
                tenant=tenant,
                reason=form.cleaned_data["reason"],
                minutes=form.cleaned_data["minutes"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            until = format_datetime(grant.expires_at, style="short", tenant=tenant)
            messages.success(
                request, _("Support access granted until %(until)s.") % {"until": until}
            )
            return redirect("console-tenant-detail", slug=tenant.slug)
    grants = list(selectors.support_grants_for_tenant(tenant)[: selectors.LIST_LIMIT])
    return render(
        request,
        "support/console_support.html",
        {"shown_tenant": tenant, "form": form, "grants": grants},
        status=400 if form.errors else 200,
    )


@operator_required
@require_POST
def console_support_enter(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Open the tenant: a one-minute, one-time token, redeemed on the tenant's host."""
    tenant = _tenant_or_404(slug)
    grant = _grant_or_404(tenant, pk)
    try:
        token = services.support_entry_issue(actor=request.user, grant=grant)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("console-tenant-support", slug=tenant.slug)
    return redirect(f"{tenant_url(tenant)}support/enter/{token}/")


def _end_page(request: HttpRequest, grant: SupportGrant, back_url: str) -> HttpResponse:
    form = SupportGrantEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.support_grant_end(
                actor=request.user, grant=grant, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The support access has ended."))
            return redirect(back_url)
    return render(
        request,
        "support/end.html",
        {"grant": grant, "form": form, "back_url": back_url},
        status=400 if form.errors else 200,
    )


@operator_required
def console_support_end(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    tenant = _tenant_or_404(slug)
    grant = _grant_or_404(tenant, pk)
    return _end_page(request, grant, reverse("console-tenant-support", args=[tenant.slug]))


# --- Tenant hosts -------------------------------------------------------------------------


@never_cache
@require_GET
def support_enter_view(request: HttpRequest, token: str) -> HttpResponse:
    """Redeem an entry token: sign in as the operator's support user of this tenant for the
    rest of the grant. The operator proved a second factor on the platform, so the session
    is recorded as an MFA sign-in (programmes.people.mfa reads that record)."""
    entered = services.support_enter(token=token, tenant=request.tenant)
    if entered is None:
        return render(request, "support/enter_invalid.html", status=404)
    grant, user = entered
    login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
    record_authentication(request, user, "mfa", type="support", grant=grant.pk)
    request.session[SESSION_GRANT_KEY] = grant.pk
    request.session.set_expiry(grant.expires_at)
    return redirect("partner-workspace")


@municipal_admin_required
def support_access_manage(request: HttpRequest) -> HttpResponse:
    """Who from the platform had, or has, access to this programme, until when and why."""
    grants = list(selectors.support_grants_for_tenant(request.tenant)[: selectors.LIST_LIMIT])
    return render(request, "support/manage.html", {"grants": grants})


@municipal_admin_required
def support_access_end(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant_or_404(request.tenant, pk)
    return _end_page(request, grant, reverse("support-access-manage"))
