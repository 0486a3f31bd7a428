"""Invoicing pages: the staff overview, annual run, invoice page (payments, credit notes),
settings and funding overview; the partner's own invoices and billing details; and the
permission-checked PDF and XML downloads of both.

A programme that charges no fees and has never invoiced has no invoicing pages (404).
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programmes.core.forms import apply_validation_error
from programmes.core.spreadsheets import ImportRefused
from programmes.core.views import import_preview_keep, import_preview_take, role_required
from programmes.invoicing import payments_import, selectors, services
from programmes.invoicing.documents import attachment_response, document_response
from programmes.invoicing.exports import invoices_csv
from programmes.invoicing.forms import (
    BillingDetailsForm,
    CreditForm,
    InvoicingSettingsForm,
    OtherIncomeForm,
    OverviewFilterForm,
    PaymentForm,
    PaymentsImportForm,
    RunIssueForm,
    RunYearForm,
)
from programmes.invoicing.models import (
    Invoice,
    InvoiceStatus,
    OtherIncome,
)
from programmes.partners.models import Partner
from programmes.partners.selectors import partner_of_user
from programmes.people.models import STAFF_ROLES, Role

View = Callable[..., HttpResponse]
staff_required = role_required(*STAFF_ROLES)
municipal_admin_required = role_required(Role.MUNICIPAL_ADMIN)
partner_people_required = role_required(Role.PARTNER_ADMIN, Role.PARTNER_MEMBER)
# Rows per page of the staff overview.
OVERVIEW_PAGE_SIZE = 50
PAYMENTS_SESSION_KEY = "payments-import"


def invoicing_required(view: View) -> View:
    """A 404 for every invoicing page of a programme without invoicing. Put it under
    role_required, so anonymous visitors are sent to sign in without learning either way."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not selectors.invoicing_in_use():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _with_status(invoices: Iterable[Invoice]) -> list[Invoice]:
    """The invoices with ``status`` and ``status_label`` as of today, for the templates."""
    today = timezone.localdate()
    rows = list(invoices)
    for invoice in rows:
        invoice.status = invoice.status_on(today)
        invoice.status_label = InvoiceStatus(invoice.status).label
    return rows


# --- Staff -----------------------------------------------------------------------------------


@staff_required
@invoicing_required
def overview(request: HttpRequest) -> HttpResponse:
    """Every invoice and credit note, newest first, filtered by year, status and search."""
    filters = OverviewFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    year, query = chosen.get("year"), chosen.get("q", "")
    invoices = selectors.invoices_for_overview(
        year=year, status=chosen.get("status", ""), query=query, today=timezone.localdate()
    ).order_by("-issue_date", "-number", "-pk")
    page = Paginator(invoices, OVERVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.invoice_status_counts(year=year, query=query, today=timezone.localdate())
    return render(
        request,
        "invoicing/overview.html",
        {
            "filters": filters,
            "page": page,
            "invoices": _with_status(page.object_list),
            "counts": counts,
            # The statuses do not overlap: every document has exactly one.
            "total": sum(row["count"] for row in counts),
            "chosen_status": chosen.get("status", ""),
        },
    )


@staff_required
@invoicing_required
def run(request: HttpRequest) -> HttpResponse:
    """Preview the annual run for a year; issue it once the person confirms, and only if it
    still issues what the preview showed (its fingerprint comes back with the form)."""
    this_year = timezone.localdate().year
    if request.method == "POST":
        issue_form = RunIssueForm(request.POST, prefix="issue")
        if issue_form.is_valid():
            year = issue_form.cleaned_data["year"]
            try:
                issued = services.invoice_run_issue(
                    actor=request.user, year=year, expected=request.POST.get("fingerprint", "")
                )
            except ValidationError as error:
                apply_validation_error(issue_form, error)
            else:
                messages.success(request, _run_message(issued.invoices_issued, year))
                return redirect(f"{reverse('invoicing-overview')}?year={year}")
        year = issue_form.cleaned_data.get("year") or this_year
        year_form = RunYearForm(initial={"year": year})
    else:
        year_form = RunYearForm(request.GET or None, initial={"year": this_year})
        year = year_form.cleaned_data["year"] if year_form.is_valid() else this_year
        issue_form = RunIssueForm(prefix="issue", initial={"year": year})
    return render(
        request,
        "invoicing/run.html",
        {
            "year_form": year_form,
            "issue_form": issue_form,
            "preview": services.invoice_run_preview(year=year),
        },
    )


def _run_message(count: int, year: int) -> str:
    if count == 0:
        return _("No invoices were issued for %(year)s: nobody was left to invoice.") % {
            "year": year
        }
    return ngettext(
        "%(count)s invoice for %(year)s is issued and on its way to the partner.",
        "%(count)s invoices for %(year)s are issued and on their way to the partners.",
        count,
    ) % {"count": count, "year": year}


@staff_required
@invoicing_required
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One invoice or credit note: its lines, payments and credit notes; record a payment
    or credit the invoice."""
    invoice = selectors.get_invoice_for_user(request.user, pk)
    payment_form = PaymentForm(prefix="payment")
    credit_form = CreditForm(prefix="credit")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "payment":
            payment_form = PaymentForm(request.POST, prefix="payment")
            if payment_form.is_valid():
                try:
                    services.payment_record(
                        actor=request.user, invoice=invoice, **payment_form.cleaned_data
                    )
                except ValidationError as error:
                    apply_validation_error(payment_form, error)
                else:
                    messages.success(request, _("The payment is recorded."))
                    return redirect("invoice-detail", invoice.pk)
        elif action == "credit":
            credit_form = CreditForm(request.POST, prefix="credit")
            if credit_form.is_valid():
                try:
                    note = services.credit_note_issue(
                        actor=request.user,
                        invoice=invoice,
                        reason=credit_form.cleaned_data["reason"],
                    )
                except ValidationError as error:
                    apply_validation_error(credit_form, error)
                else:
                    messages.success(
                        request,
                        _("Credit note %(number)s is issued and on its way to the partner.")
                        % {"number": note.document_number},
                    )
                    return redirect("invoice-detail", invoice.pk)
        else:
            return HttpResponseBadRequest()
    [invoice] = _with_status([invoice])
    open_invoice = not invoice.is_credit_note and not invoice.fully_credited
    return render(
        request,
        "invoicing/detail.html",
        {
            "invoice": invoice,
            "lines": invoice.lines.all(),
            "payments": invoice.payments.all(),
            "credit_notes": invoice.credit_notes.order_by("issue_date", "pk"),
            "payment_form": payment_form,
            "credit_form": credit_form,
            "can_pay": open_invoice and invoice.outstanding > 0,
            "can_credit": open_invoice and invoice.paid_amount == 0,
        },
    )


@staff_required
@invoicing_required
def invoice_document(request: HttpRequest, pk: int, extension: str) -> HttpResponse:
    """The invoice as PDF or e-invoice (``extension`` comes from the URL pattern)."""
    return document_response(selectors.get_invoice_for_user(request.user, pk), extension)


@municipal_admin_required
@invoicing_required
def invoicing_settings(request: HttpRequest) -> HttpResponse:
    """Who invoices, how partners pay and when the annual run happens."""
    form = InvoicingSettingsForm(request.POST or None, instance=selectors.invoicing_settings())
    if request.method == "POST" and form.is_valid():
        try:
            services.invoicing_settings_save(actor=request.user, values=form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The invoicing settings are saved."))
            return redirect("invoicing-settings")
    return render(request, "invoicing/settings.html", {"form": form})


@staff_required
@invoicing_required
def funding(request: HttpRequest) -> HttpResponse:
    """Per year: fees invoiced, credited, paid and outstanding, and the other income, which
    staff add here."""
    form = OtherIncomeForm(
        request.POST or None, prefix="income", initial={"year": timezone.localdate().year}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.other_income_save(actor=request.user, income=form.instance)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The income is added."))
            return redirect("invoicing-funding")
    years = selectors.funding_overview(today=timezone.localdate())
    return render(
        request,
        "invoicing/funding.html",
        {
            "years": years,
            "other_income": [item for year in years for item in year.other_items],
            "form": form,
        },
    )


@staff_required
@invoicing_required
def other_income_edit(request: HttpRequest, pk: int) -> HttpResponse:
    income = get_object_or_404(OtherIncome, pk=pk)
    form = OtherIncomeForm(request.POST or None, instance=income)
    if request.method == "POST" and form.is_valid():
        try:
            services.other_income_save(actor=request.user, income=form.instance)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The income is saved."))
            return redirect("invoicing-funding")
    return render(request, "invoicing/other_income_form.html", {"form": form, "income": income})


@staff_required
@invoicing_required
def other_income_delete(request: HttpRequest, pk: int) -> HttpResponse:
    income = get_object_or_404(OtherIncome, pk=pk)
    if request.method == "POST":
        services.other_income_delete(actor=request.user, income=income)
        messages.success(request, _("The income is deleted."))
        return redirect("invoicing-funding")
    return render(request, "invoicing/other_income_delete.html", {"income": income})


# --- The partner's own -----------------------------------------------------------------------


def _own_partner(request: HttpRequest) -> Partner:
    partner = partner_of_user(request.user)
    if partner is None:
        raise Http404
    return partner


@partner_people_required
@invoicing_required
def my_invoices(request: HttpRequest) -> HttpResponse:
    """The partner's invoices and credit notes with their downloads; its admin keeps the
    reference and e-mail address its invoices carry."""
    partner = _own_partner(request)
    can_edit = request.user.role == Role.PARTNER_ADMIN
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    details = selectors.billing_details_of(partner)
    form = BillingDetailsForm(request.POST or None, instance=details) if can_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.billing_details_save(actor=request.user, partner=partner, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Your billing details are saved."))
            return redirect("my-invoices")
    invoices = (
        selectors.invoices_visible_to(request.user)
        .select_related("credited_invoice")
        .order_by("-issue_date", "-number", "-pk")
    )
    return render(
        request,
        "invoicing/my_invoices.html",
        {
            "partner": partner,
            "invoices": _with_status(invoices),
            "details": details,
            "form": form,
        },
    )


@partner_people_required
@invoicing_required
def my_invoice_document(request: HttpRequest, pk: int, extension: str) -> HttpResponse:
    return document_response(selectors.get_invoice_for_user(request.user, pk), extension)


# --- Payments import and export (staff) --------------------------------------------------------


@staff_required
@invoicing_required
def payments_import_view(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST "preview": the payments the file records, or every problem
    by row. POST "confirm": record them. Between the two the table waits in the session
    under a random token and is checked again from scratch."""
    context: dict[str, Any] = {"columns": payments_import.COLUMNS}
    if request.method == "POST" and request.POST.get("action") == "confirm":
        stored = import_preview_take(request, PAYMENTS_SESSION_KEY)
        if stored is None:
            expired = payments_import.Problem(_("The preview has expired: upload the file again."))
            context.update(form=PaymentsImportForm(), problems=[expired])
            return render(request, "invoicing/payments_import.html", context)
        try:
            plan = payments_import.payments_import(actor=request.user, table=stored["table"])
        except ImportRefused as refused:
            context.update(form=PaymentsImportForm(), problems=refused.problems)
            return render(request, "invoicing/payments_import.html", context)
        messages.success(
            request,
            ngettext(
                "%(count)s payment was recorded.",
                "%(count)s payments were recorded.",
                len(plan.rows),
            )
            % {"count": len(plan.rows)},
        )
        return redirect("invoicing-overview")
    form = PaymentsImportForm(request.POST or None, request.FILES or None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        try:
            table = payments_import.read_upload(form.cleaned_data["file"])
            plan = payments_import.payments_import(actor=request.user, table=table, dry_run=True)
        except ImportRefused as refused:
            context["problems"] = refused.problems
        else:
            token = import_preview_keep(request, PAYMENTS_SESSION_KEY, {"table": table})
            context.update(plan=plan, token=token)
    return render(request, "invoicing/payments_import.html", context)


@staff_required
@invoicing_required
def payments_import_template(request: HttpRequest) -> HttpResponse:
    return attachment_response(payments_import.template_csv(), "csv", "payments.csv")


@staff_required
@invoicing_required
def invoices_export(request: HttpRequest) -> HttpResponse:
    """Every invoice and credit note (of ``?year=``) as CSV for the finance system."""
    filters = OverviewFilterForm(request.GET or None)
    year = filters.cleaned_data.get("year") if filters.is_valid() else None
    today = timezone.localdate()
    invoices = selectors.invoices_for_overview(year=year, today=today).order_by("number", "pk")
    name = f"invoices-{year}.csv" if year else "invoices.csv"
    return attachment_response(
        invoices_csv(invoices.iterator(chunk_size=500), today=today), "csv", name
    )
