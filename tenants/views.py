"""The operator console on the platform host."""

import hashlib
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from programmes.core.forms import apply_validation_error
from programmes.privacy.services import personal_data_export
from tenants import selectors, services, sso
from tenants.forms import ConsoleFilterForm, OnboardingForm, TenantStatusForm
from tenants.models import Country, Onboarding, OnboardingStep, Status
from tenants.reporting import selectors as reporting_selectors
from tenants.reporting.models import Health
from tenants.sso_forms import SsoForm


def operator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    @never_cache
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_operator:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


# Rows of the console's tenant list a page (rendering 1,100 rows would take over a second).
CONSOLE_PAGE_SIZE = 25


@operator_required
def console_home(request: HttpRequest) -> HttpResponse:
    """Every tenant with its figures and health from the rollup, a page at a time, searched
    and filtered (a count and one query, whatever the number of tenants: no tenant schema is
    visited)."""
    order = request.GET.get("sort", "")
    if order not in reporting_selectors.CONSOLE_ORDERS:
        order = reporting_selectors.DEFAULT_ORDER
    filters = ConsoleFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    tenants = reporting_selectors.tenants_with_rollups(
        order,
        search=chosen.get("q", ""),
        country=chosen.get("country", ""),
        status=chosen.get("status", ""),
        health=chosen.get("health", ""),
    )
    page = Paginator(tenants, CONSOLE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    filtered = any(chosen.values())
    refreshed = [row.rollup.refreshed_at for row in rows if _rollup_of(row) is not None]
    return render(
        request,
        "tenants/console_home.html",
        {
            "tenants": rows,
            "rows_key": _rows_key(rows, filtered=filtered),
            "page": page,
            "order": order,
            "filters": filters,
            "filtered": filtered,
            # One time for the page: the hourly refresh writes every row at once.
            "oldest_refresh": min(refreshed, default=None),
            "Status": Status,
            "Country": Country,
            "Health": Health,
            "OnboardingStep": OnboardingStep,
        },
    )


def _rollup_of(tenant: Any) -> Any:
    return getattr(tenant, "rollup", None)  # None before the first refresh


def _rows_key(rows: list[Any], *, filtered: bool) -> str:
    """The key the rendered rows are cached under: a hash of everything they are made of
    (every column of each tenant, its onboarding and its rollup, whether the rollup is out
    of date, the language, and whether an empty list says "no match" or "no tenants yet"),
    so a changed row renders afresh and nothing needs invalidating. Rendering 25 rows was a
    third of the page (3 of 9 ms at 1,100 tenants, issue 11)."""
    digest = hashlib.sha256(f"{translation.get_language()}:{filtered}".encode())
    for tenant in rows:
        rollup = _rollup_of(tenant)
        for row in (tenant, getattr(tenant, "onboarding", None), rollup):
            values = [getattr(row, f.attname) for f in row._meta.concrete_fields] if row else []
            digest.update(repr(values).encode())
        digest.update(b"stale" if rollup is not None and rollup.is_stale else b"fresh")
    return digest.hexdigest()


@operator_required
@require_safe
def operator_data_download(request: HttpRequest) -> HttpResponse:
    """An operator's own data in the public schema, as tenant users get theirs at /my-data/
    (the same registry and export, audited)."""
    export = personal_data_export(actor=request.user)
    response = HttpResponse(
        json.dumps(export, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    name = f"my-data-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _tenant_or_404(slug: str) -> Any:
    tenant = selectors.tenant_by_slug(slug)
    if tenant is None:
        raise Http404
    return tenant


def _render_detail(
    request: HttpRequest,
    tenant: Any,
    form: TenantStatusForm,
    discard_form: TenantStatusForm | None = None,
) -> HttpResponse:
    discard_form = discard_form or TenantStatusForm(prefix="discard")
    return render(
        request,
        "tenants/tenant_detail.html",
        {
            "shown_tenant": tenant,
            "onboarding": getattr(tenant, "onboarding", None),
            "status_form": form,
            "discard_form": discard_form,
            "Status": Status,
        },
        status=400 if form.errors or discard_form.errors else 200,
    )


@operator_required
def tenant_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _render_detail(request, _tenant_or_404(slug), TenantStatusForm())


STATUS_CHANGES = {
    "suspend": (services.tenant_suspend, gettext_lazy("The tenant is suspended.")),
    "reactivate": (services.tenant_reactivate, gettext_lazy("The tenant is active again.")),
}


@operator_required
@require_POST
def tenant_status_view(request: HttpRequest, slug: str, change: str) -> HttpResponse:
    """Suspend or reactivate (POST with a reason, from the tenant's page)."""
    tenant = _tenant_or_404(slug)
    service, done = STATUS_CHANGES[change]
    form = TenantStatusForm(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, tenant=tenant, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, done)
            return redirect("console-tenant-detail", slug=tenant.slug)
    return _render_detail(request, tenant, form)


@operator_required
def tenant_onboard_view(request: HttpRequest) -> HttpResponse:
    """Record the tenant and leave its provisioning to the worker: the tenant's page shows the
    progress."""
    form = OnboardingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tenant = services.tenant_onboard_in_background(
                actor=request.user,
                request=services.OnboardingRequest(**form.cleaned_data),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The tenant is being set up."))
            return redirect("console-tenant-detail", slug=tenant.slug)
    return render(request, "tenants/onboard.html", {"form": form})


@operator_required
@require_safe
def tenant_onboarding_progress(request: HttpRequest, slug: str) -> HttpResponse:
    """The onboarding's progress alone: the tenant's page polls it (htmx) until it ends."""
    tenant = _tenant_or_404(slug)
    return render(
        request,
        "tenants/includes/onboarding_progress.html",
        {"shown_tenant": tenant, "onboarding": _onboarding_or_404(tenant)},
    )


def _onboarding_or_404(tenant: Any) -> Onboarding:
    onboarding = getattr(tenant, "onboarding", None)  # joined by tenant_by_slug
    if onboarding is None:
        raise Http404
    return onboarding


@operator_required
@require_POST
def tenant_onboarding_retry_view(request: HttpRequest, slug: str) -> HttpResponse:
    tenant = _tenant_or_404(slug)
    _onboarding_or_404(tenant)
    try:
        services.tenant_onboarding_retry(actor=request.user, tenant=tenant)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The onboarding is tried again."))
    return redirect("console-tenant-detail", slug=tenant.slug)


@operator_required
@require_POST
def tenant_onboarding_discard_view(request: HttpRequest, slug: str) -> HttpResponse:
    tenant = _tenant_or_404(slug)
    _onboarding_or_404(tenant)
    form = TenantStatusForm(request.POST, prefix="discard")
    if form.is_valid():
        try:
            services.tenant_onboarding_discard(
                actor=request.user, tenant=tenant, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The tenant's onboarding is discarded."))
            return redirect("console-home")
    return _render_detail(request, tenant, TenantStatusForm(), discard_form=form)


@operator_required
def tenant_sso_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Set up the tenant's single sign-on (OpenID Connect) for its municipal staff."""
    tenant = selectors.tenant_by_slug(slug)
    if tenant is None:
        raise Http404
    current = sso.tenant_sso_settings(tenant)
    initial = (
        {
            "name": current.name,
            "server_url": current.server_url,
            "client_id": current.client_id,
            "allowed_domains": "\n".join(current.allowed_domains),
            "enabled": current.enabled,
        }
        if current is not None
        else {}
    )
    form = SsoForm(
        request.POST or None,
        initial=initial,
        has_secret=current is not None and current.has_secret,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sso.tenant_sso_configure(
                actor=request.user,
                tenant=tenant,
                name=data["name"],
                server_url=data["server_url"],
                client_id=data["client_id"],
                client_secret=data["client_secret"],
                allowed_domains=sso.parse_domains(data["allowed_domains"]),
                enabled=data["enabled"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Single sign-on saved."))
            return redirect("console-tenant-sso", slug=tenant.slug)
    return render(
        request,
        "tenants/tenant_sso.html",
        {
            "shown_tenant": tenant,
            "form": form,
            "current": current,
            "callback_url": sso.callback_url(tenant),
        },
    )
