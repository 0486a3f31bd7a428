"""Climate accounts on the partner's own pages and in the staff workspace: the accounts over
the years (a table and a chart), progress against the partner's goals, the form for one
year's account, and imports from CSV/XLSX (preview, then confirm).

Between preview and confirmation the uploaded table waits in the session (server-side)
under a random token; the confirmation validates it again from scratch.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programmes.climate import importing, selectors, services
from programmes.climate.forms import (
    ActivityFormSet,
    ClimateAccountForm,
    ImportForm,
    activity_initial,
)
from programmes.climate.models import ActivityKind, ClimateAccount
from programmes.core.forms import apply_validation_error
from programmes.core.uploads import XLSX_TYPE
from programmes.core.views import import_preview_keep, import_preview_take, role_required
from programmes.dashboards.charts import bar_chart_svg
from programmes.partners.models import Partner
from programmes.partners.selectors import get_partner_for_user, partner_of_user

partner_people_required = role_required("partner_admin", "partner_member")
partner_admin_required = role_required("partner_admin")
staff_required = role_required("municipal_admin", "municipal_staff")
SESSION_KEY = "climate-import"
CHART_UNIT = "t CO2e"


def _own_partner(request: HttpRequest) -> Partner:
    partner = partner_of_user(request.user)
    if partner is None:
        raise Http404
    return partner


# --- The accounts over the years -----------------------------------------------------------


@partner_people_required
def my_climate(request: HttpRequest) -> HttpResponse:
    """The partner's accounts: its admin adds, edits and imports them, members read."""
    partner = _own_partner(request)
    return _overview(request, partner, staff=False, can_edit=request.user.role == "partner_admin")


@staff_required
def partner_climate(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_partner_for_user(request.user, pk)
    return _overview(request, partner, staff=True, can_edit=True)


def _overview(
    request: HttpRequest, partner: Partner, *, staff: bool, can_edit: bool
) -> HttpResponse:
    years = selectors.totals_per_year(selectors.accounts_for_partner(partner))
    kinds = [kind for kind in ActivityKind.values if any(kind in year.activities for year in years)]
    return render(
        request,
        "climate/overview.html",
        {
            "partner": partner,
            "staff": staff,
            "can_edit": can_edit,
            "years": years,
            "has_baseline": any(year.is_baseline for year in years),
            "chart": _chart(years),
            "activity_kinds": [ActivityKind(kind).label for kind in kinds],
            "activity_rows": [
                (year, [year.activities.get(kind) for kind in kinds]) for year in years
            ],
            "goals": selectors.goal_standings(partner, years),
        },
    )


def _chart(years: list[selectors.YearTotals]) -> str:
    """Stacked bars of scope 1, 2 and 3 per year (the table beside it has the numbers)."""
    if not years:
        return ""
    svg = bar_chart_svg(
        title=_("Emissions per year (t CO2e)"),
        categories=[str(year.year) for year in years],
        series=[
            (_("Scope 1"), [float(year.scope1) for year in years]),
            (_("Scope 2"), [float(year.scope2) for year in years]),
            (_("Scope 3"), [float(year.scope3) for year in years]),
        ],
        unit=CHART_UNIT,
        stacked=True,
        # Small emitters' tonnes need a decimal to tell the years apart.
        decimals=0 if max(year.total for year in years) >= 100 else 1,
    )
    return mark_safe(svg)  # noqa: S308 - drawn by our own chart code, labels escaped there


# --- One year's account ----------------------------------------------------------------------


@partner_people_required
def my_account(request: HttpRequest, year: int | None = None) -> HttpResponse:
    partner = _own_partner(request)
    return _account_page(
        request,
        partner,
        year,
        can_edit=request.user.role == "partner_admin",
        back=reverse("my-climate"),
    )


@staff_required
def partner_account(request: HttpRequest, pk: int, year: int | None = None) -> HttpResponse:
    partner = get_partner_for_user(request.user, pk)
    return _account_page(
        request, partner, year, can_edit=True, back=reverse("workspace-climate", args=[pk])
    )


def _account_page(
    request: HttpRequest, partner: Partner, year: int | None, *, can_edit: bool, back: str
) -> HttpResponse:
    """GET: the form (or, for members, the account as it stands). POST: save, or delete
    with ``action=delete``."""
    account: ClimateAccount | None = None
    if year is not None:
        account = selectors.accounts_for_partner(partner).filter(year=year).first()
        if account is None:
            raise Http404
    elif not can_edit:
        raise PermissionDenied
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if request.POST.get("action") == "delete" and account is not None:
            services.account_delete(actor=request.user, account=account)
            messages.success(
                request, _("The climate account for %(year)s is deleted.") % {"year": year}
            )
            return redirect(back)
    posted = request.POST if request.method == "POST" else None
    initial = (
        ClimateAccountForm.initial_for(account)
        if account is not None
        else {"year": timezone.localdate().year - 1}
    )
    form = ClimateAccountForm(posted, initial=initial)
    activities = ActivityFormSet(posted, prefix="activities", initial=activity_initial(account))
    if posted is not None and form.is_valid() and activities.is_valid():
        try:
            services.account_save(
                actor=request.user,
                partner=partner,
                account=account,
                activities=activities.activities(),
                **form.account_fields(),
            )
        except ValidationError as error:
            _show_errors(form, activities, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(back)
    return render(
        request,
        "climate/account.html",
        {
            "partner": partner,
            "account": account,
            "total": selectors.account_total(account) if account is not None else None,
            "form": form,
            "activities": activities,
            "can_edit": can_edit,
            "back": back,
        },
    )


def _show_errors(form: ClimateAccountForm, activities: Any, error: ValidationError) -> None:
    """The service's messages on their fields; the activities' above the activity rows."""
    if not hasattr(error, "error_dict"):
        apply_validation_error(form, error)
        return
    errors = dict(error.message_dict)
    if "activities" in errors:
        activities._non_form_errors = activities.error_class(errors.pop("activities"))
    if errors:
        apply_validation_error(form, ValidationError(errors))


# --- Imports --------------------------------------------------------------------------------


@partner_admin_required
def my_import(request: HttpRequest) -> HttpResponse:
    """The partner admin brings the organisation's earlier accounts over."""
    partner = _own_partner(request)
    return _import_page(request, partner)


@staff_required
def staff_import(request: HttpRequest) -> HttpResponse:
    """Staff bring many partners' accounts over at once, rows keyed by business id."""
    return _import_page(request, None)


def _import_page(request: HttpRequest, partner: Partner | None) -> HttpResponse:
    """GET: the upload form. POST "preview": the accounts that would be created, or every
    problem. POST "confirm": the import itself."""
    staff = partner is None
    owner = partner.pk if partner is not None else None
    context: dict[str, Any] = {
        "partner": partner,
        "staff": staff,
        "columns": importing.column_guide(staff=staff),
        "template_xlsx": reverse(
            "climate-import-template-xlsx" if staff else "my-climate-template-xlsx"
        ),
        "template_csv": reverse(
            "climate-import-template-csv" if staff else "my-climate-template-csv"
        ),
        "back": reverse("partner-workspace" if staff else "my-climate"),
    }
    if request.method == "POST" and request.POST.get("action") == "confirm":
        stored = import_preview_take(request, SESSION_KEY)
        if stored is None or stored.get("partner") != owner:
            expired = importing.Problem(_("The preview has expired: upload the file again."))
            context.update(form=ImportForm(), problems=[expired])
            return render(request, "climate/import.html", context)
        try:
            plan = importing.accounts_import(
                actor=request.user, table=stored["table"], partner=partner
            )
        except importing.ImportRefused as refused:
            context.update(form=ImportForm(), problems=refused.problems)
            return render(request, "climate/import.html", context)
        count = len(plan.rows)
        messages.success(
            request,
            ngettext(
                "%(count)s climate account was imported.",
                "%(count)s climate accounts were imported.",
                count,
            )
            % {"count": count},
        )
        return redirect(context["back"])

    form = ImportForm(request.POST or None, request.FILES or None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        try:
            table = importing.read_upload(form.cleaned_data["file"])
            plan = importing.accounts_import(
                actor=request.user, table=table, partner=partner, dry_run=True
            )
        except importing.ImportRefused as refused:
            context["problems"] = refused.problems
        else:
            token = import_preview_keep(request, SESSION_KEY, {"table": table, "partner": owner})
            context.update(plan=plan, token=token)
    return render(request, "climate/import.html", context)


@partner_admin_required
def my_template_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(importing.template_xlsx(staff=False), XLSX_TYPE, "xlsx")


@partner_admin_required
def my_template_csv(request: HttpRequest) -> HttpResponse:
    return _download(importing.template_csv(staff=False), "text/csv; charset=utf-8", "csv")


@staff_required
def staff_template_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(importing.template_xlsx(staff=True), XLSX_TYPE, "xlsx")


@staff_required
def staff_template_csv(request: HttpRequest) -> HttpResponse:
    return _download(importing.template_csv(staff=True), "text/csv; charset=utf-8", "csv")


def _download(content: bytes, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="climate-accounts.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
