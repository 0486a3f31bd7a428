"""Privacy pages: ``/my-data/`` (anyone signed in: what is held and the download),
``/manage/privacy/retention/`` and ``/manage/privacy/erase/`` (municipal admins)."""

import json

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from programmes.configuration.selectors import privacy_statement_in_force, programme_current
from programmes.core.forms import apply_validation_error
from programmes.core.i18n import translated
from programmes.core.views import municipal_admin_required, role_required
from programmes.people.models import TENANT_ROLES
from programmes.privacy import selectors, services
from programmes.privacy.forms import ErasureForm, RetentionForm
from programmes.privacy.models import PERIOD_FIELDS

signed_in = role_required(*TENANT_ROLES)


def _included() -> list[tuple[str, str]]:
    """The models the export covers, as (model's name, why), for the page."""
    return [
        (str(model._meta.verbose_name_plural).capitalize(), entry.why)
        for model, entry in selectors.models_here()
    ]


@signed_in
@require_safe
def my_data(request: HttpRequest) -> HttpResponse:
    """What the programme holds of the person, with the privacy statement in force."""
    statement = privacy_statement_in_force()
    return render(
        request,
        "privacy/my_data.html",
        {
            "statement": statement,
            "statement_text": translated(statement.text) if statement else "",
            "included": _included(),
        },
    )


@signed_in
@require_safe
def my_data_download(request: HttpRequest) -> HttpResponse:
    """The person's data as one JSON file (audited)."""
    export = services.personal_data_export(actor=request.user)
    response = HttpResponse(
        json.dumps(export, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    name = f"my-data-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@municipal_admin_required
def retention(request: HttpRequest) -> HttpResponse:
    """The retention periods: see and change them."""
    policy = selectors.retention_policy()
    form = RetentionForm(request.POST or None, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            services.retention_policy_save(
                actor=request.user, **{name: form.cleaned_data[name] for name in PERIOD_FIELDS}
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The retention periods are saved."))
            return redirect("privacy-retention")
    return render(
        request,
        "privacy/retention.html",
        {"form": form, "programme": programme_current()},
        status=400 if form.errors else 200,
    )


@municipal_admin_required
def erase(request: HttpRequest) -> HttpResponse:
    """Erase a partner's contact person: the address and reason, then a confirmation that
    shows what would go, then the erasure."""
    form = ErasureForm(request.POST or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        email, reason = form.cleaned_data["email"], form.cleaned_data["reason"]
        try:
            if request.POST.get("confirm") == "yes":
                services.person_erase(actor=request.user, email=email, reason=reason)
                messages.success(request, _("The person's data is erased."))
                return redirect("privacy-erase")
            plan = services.person_erasure_plan(actor=request.user, email=email, reason=reason)
        except ValidationError as error:
            apply_validation_error(form, error)
    return render(
        request,
        "privacy/erase.html",
        {
            "form": form,
            "plan": plan,
            "plan_rows": [
                (str(apps.get_model(label)._meta.verbose_name_plural).capitalize(), count)
                for label, count in (plan.rows.items() if plan else [])
            ],
        },
        status=400 if form.errors else 200,
    )
