"""The programme's home page and the municipal admin's configuration pages (/manage/)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programmes.configuration import forms as config_forms
from programmes.configuration import selectors, services
from programmes.configuration.fees import annual_fee
from programmes.configuration.models import (
    AssessmentQuestion,
    AwardCategory,
    CertificationRule,
    CertificationScheme,
    ContactPerson,
    FeeKind,
    FeeSchedule,
    Obligation,
    PrivacyStatement,
    SigningRound,
    Tier,
    WheelActivity,
)
from programmes.core.forms import apply_validation_error
from programmes.core.i18n import (
    format_date,
    format_datetime,
    format_money,
    tenant_languages,
    translated,
)
from programmes.core.views import municipal_admin_required, stored_file_response


def programme_home(request: HttpRequest) -> HttpResponse:
    return render(request, "configuration/home.html", selectors.programme_overview())


def programme_symbol(request: HttpRequest) -> HttpResponse:
    """The programme's partner symbol, public (partners and the press download it)."""
    programme = selectors.programme_current()
    if programme is None or not programme.symbol:
        raise Http404
    extension = programme.symbol.name.rsplit(".", 1)[-1]
    content_type = "image/svg+xml" if extension == "svg" else "image/png"
    return stored_file_response(
        programme.symbol, content_type, download_name=f"partner-symbol.{extension}"
    )


def programme_guidelines(request: HttpRequest) -> HttpResponse:
    programme = selectors.programme_current()
    if programme is None or not programme.guidelines:
        raise Http404
    return stored_file_response(
        programme.guidelines, "application/pdf", download_name="graphic-guidelines.pdf"
    )


# --- Configuration sections -------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """One list of configuration rows with its form and the columns its table shows."""

    slug: str
    title: str | Promise
    model: type[models.Model]
    form: type[forms.BaseForm] | None
    columns: tuple[tuple[str | Promise, Callable[[Any], Any]], ...]
    prefetch: tuple[str, ...] = field(default=())
    edit_url_name: str = "manage-item-edit"


SECTIONS = {
    section.slug: section
    for section in (
        Section(
            "contacts",
            gettext_lazy("Contact persons"),
            ContactPerson,
            config_forms.ContactPersonForm,
            (
                (gettext_lazy("Name"), str),
                (gettext_lazy("Title"), lambda c: translated(c.title)),
                (gettext_lazy("E-mail address"), lambda c: c.email),
            ),
        ),
        Section(
            "fees",
            gettext_lazy("Fee schedules"),
            FeeSchedule,
            None,
            (
                (gettext_lazy("Name"), str),
                (gettext_lazy("Kind"), lambda s: s.get_kind_display()),
                (gettext_lazy("Annual fee"), lambda s: _fee_summary(s)),
            ),
            prefetch=("bands",),
            edit_url_name="manage-fee-edit",
        ),
        Section(
            "tiers",
            gettext_lazy("Membership tiers"),
            Tier,
            config_forms.TierForm,
            (
                (gettext_lazy("Name"), str),
                (gettext_lazy("Fee schedule"), lambda t: str(t.fee_schedule or "–")),
            ),
            prefetch=("fee_schedule",),
        ),
        Section(
            "certification-schemes",
            gettext_lazy("Certification schemes"),
            CertificationScheme,
            config_forms.CertificationSchemeForm,
            (
                (gettext_lazy("Name"), str),
                (gettext_lazy("In use"), lambda s: _("yes") if s.is_active else _("no")),
            ),
        ),
        Section(
            "certification-rules",
            gettext_lazy("Certification requirements"),
            CertificationRule,
            config_forms.CertificationRuleForm,
            (
                (gettext_lazy("Requirement"), str),
                (gettext_lazy("Schemes"), lambda r: ", ".join(s.name for s in r.schemes.all())),
                (gettext_lazy("Months after signing"), lambda r: r.within_months),
            ),
            prefetch=("schemes",),
        ),
        Section(
            "obligations",
            gettext_lazy("Obligations"),
            Obligation,
            config_forms.ObligationForm,
            (
                (gettext_lazy("Obligation"), str),
                (gettext_lazy("Kind"), lambda o: o.get_kind_display()),
                (gettext_lazy("Tiers"), lambda o: ", ".join(map(str, o.tiers.all())) or _("All")),
            ),
            prefetch=("tiers",),
        ),
        Section(
            "signing-rounds",
            gettext_lazy("Signing rounds"),
            SigningRound,
            config_forms.SigningRoundForm,
            (
                (gettext_lazy("Title"), str),
                (gettext_lazy("Starts"), lambda r: format_datetime(r.starts_at)),
                (gettext_lazy("Place"), lambda r: r.place),
                (gettext_lazy("Places"), lambda r: r.capacity),
            ),
        ),
        Section(
            "awards",
            gettext_lazy("Awards"),
            AwardCategory,
            None,
            (
                (gettext_lazy("Award"), str),
                (gettext_lazy("Nominations open"), lambda a: format_date(a.nomination_opens)),
                (gettext_lazy("Nominations close"), lambda a: format_date(a.nomination_closes)),
            ),
            edit_url_name="manage-award-edit",
        ),
        Section(
            "questions",
            gettext_lazy("Self-assessment questions"),
            AssessmentQuestion,
            config_forms.AssessmentQuestionForm,
            (
                (gettext_lazy("Question"), str),
                (gettext_lazy("Theme"), lambda q: q.get_theme_display()),
                (gettext_lazy("Answer type"), lambda q: q.get_answer_type_display()),
            ),
        ),
        Section(
            "wheel",
            gettext_lazy("Annual wheel"),
            WheelActivity,
            config_forms.WheelActivityForm,
            (
                (gettext_lazy("Month"), lambda a: a.month),
                (gettext_lazy("Activity"), str),
                (gettext_lazy("Kind"), lambda a: a.get_kind_display()),
            ),
        ),
    )
}


def _fee_summary(schedule: FeeSchedule) -> str:
    if schedule.kind == FeeKind.FREE:
        return _("Free of charge")
    if schedule.kind == FeeKind.FLAT:
        return format_money(annual_fee(schedule))
    if schedule.kind == FeeKind.BANDED:
        amounts = [band.amount for band in schedule.bands.all()]
        if not amounts:
            return "–"
        return f"{format_money(min(amounts))} – {format_money(max(amounts))}"
    return _("%(base)s + %(per)s per inhabitant, at most %(cap)s") % {
        "base": format_money(schedule.base_amount or 0),
        "per": format_money(schedule.per_inhabitant_amount or 0),
        "cap": format_money(schedule.cap_amount) if schedule.cap_amount else "–",
    }


def _saved(
    request: HttpRequest,
    save: Callable[[], Any],
    form: forms.BaseForm,
    *,
    formset: forms.BaseFormSet | None = None,
    formset_field: str = "",
    message: str | None = None,
) -> bool:
    """Run a service. On refusal show its messages on the form (and the formset's own on
    the formset) and return False; on success flash ``message`` and return True."""
    try:
        save()
    except ValidationError as error:
        if formset is not None and formset_field in getattr(error, "error_dict", {}):
            messages_by_field = error.message_dict
            formset._non_form_errors = formset.error_class(messages_by_field.pop(formset_field))
            if messages_by_field:
                apply_validation_error(form, ValidationError(messages_by_field))
        else:
            apply_validation_error(form, error)
        return False
    messages.success(request, message or _("Saved."))
    return True


def _section(slug: str) -> Section:
    if slug not in SECTIONS:
        raise Http404
    return SECTIONS[slug]


@municipal_admin_required
def manage_home(request: HttpRequest) -> HttpResponse:
    counts = selectors.configuration_counts()
    return render(
        request,
        "configuration/manage_home.html",
        {
            "sections": SECTIONS.values(),
            "section_counts": [(section, counts[slug]) for slug, section in SECTIONS.items()],
            **selectors.programme_overview(),
        },
    )


@municipal_admin_required
def section_list(request: HttpRequest, slug: str) -> HttpResponse:
    section = _section(slug)
    rows = section.model.objects.all()
    related = [name for name in section.prefetch if name == "fee_schedule"]
    if related:
        rows = rows.select_related(*related)
    rows = rows.prefetch_related(*(name for name in section.prefetch if name not in related))
    table = [
        (item, [getter(item) for _label, getter in section.columns], _edit_url(section, item))
        for item in rows
    ]
    return render(
        request,
        "configuration/section_list.html",
        {
            "section": section,
            "table": table,
            "sections": SECTIONS.values(),
            "new_url": _new_url(section),
        },
    )


def _edit_url(section: Section, item: models.Model) -> str:
    if section.edit_url_name == "manage-item-edit":
        return reverse("manage-item-edit", args=[section.slug, item.pk])
    return reverse(section.edit_url_name, args=[item.pk])


def _new_url(section: Section) -> str:
    if section.slug == "fees":
        return reverse("manage-fee-new")
    if section.slug == "awards":
        return reverse("manage-award-new")
    return reverse("manage-item-new", args=[section.slug])


def _m2m(form: forms.BaseForm) -> dict[str, Any]:
    return {
        name: form.cleaned_data[name]
        for name, field in form.fields.items()
        if isinstance(field, forms.ModelMultipleChoiceField)
    }


@municipal_admin_required
def item_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    section = _section(slug)
    if section.form is None:
        raise Http404
    instance = get_object_or_404(section.model, pk=pk) if pk else section.model()
    form = section.form(request.POST or None, instance=instance, languages=tenant_languages())
    if request.method == "POST" and form.is_valid():
        save = (
            (lambda: services.signing_round_save(actor=request.user, signing_round=form.instance))
            if section.model is SigningRound
            else (
                lambda: services.configuration_save(
                    actor=request.user, instance=form.instance, m2m=_m2m(form)
                )
            )
        )
        if _saved(request, save, form):
            return redirect("manage-section", slug=section.slug)
    return render(
        request,
        "configuration/item_form.html",
        {
            "section": section,
            "form": form,
            "instance": instance,
            "sections": SECTIONS.values(),
        },
    )


@municipal_admin_required
def item_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    section = _section(slug)
    instance = get_object_or_404(section.model, pk=pk)
    error = None
    if request.method == "POST":
        try:
            services.configuration_delete(actor=request.user, instance=instance)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, _("Deleted."))
            return redirect("manage-section", slug=section.slug)
    return render(
        request,
        "configuration/item_delete.html",
        {
            "section": section,
            "instance": instance,
            "error": error,
            "sections": SECTIONS.values(),
        },
    )


@municipal_admin_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    programme = selectors.programme_current()
    if programme is None:
        raise Http404
    form = config_forms.ProgrammeForm(
        request.POST or None, instance=programme, languages=tenant_languages()
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _saved(
            request,
            lambda: services.programme_update(actor=request.user, programme=form.instance),
            form,
        )
    ):
        return redirect("manage-home")
    return render(
        request,
        "configuration/profile_form.html",
        {
            "form": form,
            "sections": SECTIONS.values(),
        },
    )


@municipal_admin_required
def fee_schedule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    schedule = get_object_or_404(FeeSchedule, pk=pk) if pk else FeeSchedule()
    initial = (
        [
            {"min_size": b.min_size, "max_size": b.max_size, "amount": b.amount}
            for b in schedule.bands.all()
        ]
        if pk
        else []
    )
    form = config_forms.FeeScheduleForm(
        request.POST or None, instance=schedule, languages=tenant_languages()
    )
    bands = config_forms.FeeBandFormSet(request.POST or None, initial=initial, prefix="bands")
    if request.method == "POST" and form.is_valid() and bands.is_valid():
        band_data = [
            band.cleaned_data
            for band in bands.forms
            if band.cleaned_data and not band.cleaned_data.get("DELETE")
        ]
        if _saved(
            request,
            lambda: services.fee_schedule_save(
                actor=request.user, schedule=form.instance, bands=band_data
            ),
            form,
            formset=bands,
            formset_field="bands",
        ):
            return redirect("manage-section", slug="fees")
    examples = []
    if pk and schedule.kind == FeeKind.BANDED:
        examples = [(str(band), format_money(band.amount)) for band in schedule.bands.all()]
    return render(
        request,
        "configuration/fee_form.html",
        {
            "form": form,
            "bands": bands,
            "schedule": schedule,
            "examples": examples,
            "section": SECTIONS["fees"],
            "sections": SECTIONS.values(),
        },
    )


@municipal_admin_required
def award_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    category = get_object_or_404(AwardCategory, pk=pk) if pk else AwardCategory()
    languages = tenant_languages()
    initial = (
        [
            {
                **{f"name__{code}": text for code, text in criterion.name.items()},
                "weight": criterion.weight,
            }
            for criterion in category.criteria.all()
        ]
        if pk
        else []
    )
    form = config_forms.AwardCategoryForm(
        request.POST or None, instance=category, languages=languages
    )
    criteria = config_forms.CriterionFormSet(
        request.POST or None,
        initial=initial,
        prefix="criteria",
        form_kwargs={"languages": languages},
    )
    if request.method == "POST" and form.is_valid() and criteria.is_valid():
        chosen = [
            c.as_criterion()
            for c in criteria.forms
            if c.cleaned_data and not c.cleaned_data.get("DELETE")
        ]
        if _saved(
            request,
            lambda: services.award_category_save(
                actor=request.user,
                category=form.instance,
                criteria=chosen,
                jurors=form.cleaned_data["jurors"],
            ),
            form,
            formset=criteria,
            formset_field="criteria",
        ):
            return redirect("manage-section", slug="awards")
    return render(
        request,
        "configuration/award_form.html",
        {
            "form": form,
            "criteria": criteria,
            "category": category,
            "section": SECTIONS["awards"],
            "sections": SECTIONS.values(),
        },
    )


@municipal_admin_required
def privacy_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "configuration/privacy_list.html",
        {
            "statements": PrivacyStatement.objects.all(),
            "in_force": selectors.privacy_statement_in_force(),
            "sections": SECTIONS.values(),
        },
    )


@municipal_admin_required
def privacy_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    statement = get_object_or_404(PrivacyStatement, pk=pk) if pk else None
    if statement is not None and statement.published_at is not None:
        messages.error(
            request, _("A published version cannot be changed; start a new version instead.")
        )
        return redirect("manage-privacy")
    if statement is None:
        # A new version starts from the text in force.
        in_force = selectors.privacy_statement_in_force()
        statement = PrivacyStatement(text=dict(in_force.text) if in_force else {})
    form = config_forms.PrivacyStatementForm(
        request.POST or None, instance=statement, languages=tenant_languages()
    )
    if request.method == "POST" and form.is_valid():
        text = form.translated_value("text")
        save = (
            (
                lambda: services.privacy_statement_update(
                    actor=request.user, statement=statement, text=text
                )
            )
            if statement.pk
            else (lambda: services.privacy_statement_draft(actor=request.user, text=text))
        )
        if _saved(
            request, save, form, message=_("Saved as a draft. Publish it to put it in force.")
        ):
            return redirect("manage-privacy")
    return render(
        request,
        "configuration/privacy_form.html",
        {
            "form": form,
            "statement": statement,
            "sections": SECTIONS.values(),
        },
    )


@municipal_admin_required
def privacy_publish(request: HttpRequest, pk: int) -> HttpResponse:
    statement = get_object_or_404(PrivacyStatement, pk=pk)
    if request.method != "POST":
        return redirect("manage-privacy")
    try:
        services.privacy_statement_publish(actor=request.user, statement=statement)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Version %(version)s is now in force.") % {"version": statement.version}
        )
    return redirect("manage-privacy")


@municipal_admin_required
def files_edit(request: HttpRequest) -> HttpResponse:
    programme = selectors.programme_current()
    if programme is None:
        raise Http404
    form = config_forms.ProgrammeFilesForm(request.POST or None, request.FILES or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _saved(
            request,
            lambda: services.programme_files_upload(
                actor=request.user,
                symbol=form.cleaned_data.get("symbol") or None,
                guidelines=form.cleaned_data.get("guidelines") or None,
            ),
            form,
        )
    ):
        return redirect("manage-files")
    return render(
        request,
        "configuration/files_form.html",
        {
            "form": form,
            "programme": programme,
            "sections": SECTIONS.values(),
        },
    )
