"""The operator console on the platform host."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from tenants import selectors, services
from tenants.forms import OnboardingForm


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


@operator_required
def console_home(request: HttpRequest) -> HttpResponse:
    return render(
        request, "tenants/console_home.html", {"tenants": selectors.tenants_for_console()}
    )


@operator_required
def tenant_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tenant = selectors.tenant_by_slug(slug)
    if tenant is None:
        raise Http404
    return render(request, "tenants/tenant_detail.html", {"shown_tenant": tenant})


@operator_required
def tenant_onboard_view(request: HttpRequest) -> HttpResponse:
    form = OnboardingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tenant = services.tenant_onboard(
                actor=request.user,
                request=services.OnboardingRequest(**form.cleaned_data),
            )
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                form.add_error(field_name if field_name in form.fields else None, messages)
        else:
            return redirect("console-tenant-detail", slug=tenant.slug)
    return render(request, "tenants/onboard.html", {"form": form})
