"""Certificates on the partner's own pages (its admin adds, edits and deletes them; members
read), the staff overview of the programme, and the permission-checked document download."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.vary import vary_on_headers

from programmes.certificates import selectors, services
from programmes.certificates.forms import CertificateForm, OverviewFilterForm
from programmes.certificates.models import Certificate
from programmes.core.forms import apply_validation_error
from programmes.core.views import role_required, stored_file_response
from programmes.partners.models import Partner
from programmes.partners.selectors import get_partner_for_user, partner_of_user

partner_people_required = role_required("partner_admin", "partner_member")
partner_admin_required = role_required("partner_admin")
staff_required = role_required("municipal_admin", "municipal_staff")
CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}
# Rows on the staff overview; the filters narrow it down.
OVERVIEW_ROWS = 300


def _own_partner(request: HttpRequest) -> Partner:
    partner = partner_of_user(request.user)
    if partner is None:
        raise Http404
    return partner


def _own_certificate(request: HttpRequest, pk: int) -> Certificate:
    """One of the partner's own certificates; the same 404 for anyone else's."""
    return selectors.get_certificate_for_user(request.user, pk)


@partner_people_required
def my_certificates(request: HttpRequest) -> HttpResponse:
    """The partner's certificates with their status and its compliance with the rules."""
    partner = _own_partner(request)
    return render(
        request,
        "certificates/my_certificates.html",
        {
            "overview": selectors.partner_certificates(partner),
            "can_edit": request.user.role == "partner_admin",
        },
    )


@partner_admin_required
def my_certificate_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add (no ``pk``) or edit one of the partner's certificates, with its document."""
    if pk is None:
        certificate = Certificate(partner=_own_partner(request))
    else:
        certificate = _own_certificate(request, pk)
    form = CertificateForm(request.POST or None, request.FILES or None, instance=certificate)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_save(
                actor=request.user,
                certificate=form.instance,
                document=form.cleaned_data["document_upload"],
                remove_document=form.cleaned_data.get("remove_document", False),
            )
        except ValidationError as error:
            apply_validation_error(form, _upload_errors_on_the_field(error))
        else:
            messages.success(request, _("The certificate is saved."))
            return redirect("my-certificates")
    return render(request, "certificates/form.html", {"form": form, "certificate": certificate})


def _upload_errors_on_the_field(error: ValidationError) -> ValidationError:
    """The service reports the file under ``document``; the form's field is the upload."""
    if hasattr(error, "error_dict") and "document" in error.error_dict:
        errors = dict(error.message_dict)
        errors["document_upload"] = errors.pop("document")
        return ValidationError(errors)
    return error


@partner_admin_required
def my_certificate_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then delete one of the partner's certificates."""
    certificate = _own_certificate(request, pk)
    if request.method == "POST":
        services.certificate_delete(actor=request.user, certificate=certificate)
        messages.success(request, _("The certificate is deleted."))
        return redirect("my-certificates")
    return render(request, "certificates/confirm_delete.html", {"certificate": certificate})


@staff_required
def overview(request: HttpRequest) -> HttpResponse:
    """Every certificate of the programme (filter by status, scheme, name or number) and
    how the active partners stand with each certification rule."""
    filters = OverviewFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    today = timezone.localdate()
    days = selectors.programme_warning_days()
    rows = selectors.certificates_for_overview(
        today=today,
        warning_days=days,
        status=chosen.get("status", ""),
        scheme=chosen["scheme"].pk if chosen.get("scheme") else None,
        query=chosen.get("q", ""),
    )
    return render(
        request,
        "certificates/overview.html",
        {
            "filters": filters,
            "certificates": selectors.with_status(
                rows[:OVERVIEW_ROWS], today=today, warning_days=days
            ),
            "limit": OVERVIEW_ROWS,
            "warning_days": days,
            "compliance": selectors.compliance_overview(today=today, warning_days=days),
        },
    )


@staff_required
@vary_on_headers("HX-Request")
def partner_certificates(request: HttpRequest, pk: int) -> HttpResponse:
    """One partner's certificates and compliance for staff: the panel htmx puts into the
    staff partner page, or a page of its own when asked for without htmx."""
    partner = get_partner_for_user(request.user, pk)
    template = "partner_panel" if request.htmx else "partner_page"
    return render(
        request,
        f"certificates/{template}.html",
        {"overview": selectors.partner_certificates(partner)},
    )


@never_cache
def certificate_document(request: HttpRequest, pk: int) -> HttpResponse:
    """A certificate's document, for the partner's own people and staff; the same 404 for
    everyone else and for a certificate without one."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    certificate = selectors.get_certificate_for_user(request.user, pk)
    if not certificate.document:
        raise Http404
    extension = certificate.document.name.rsplit(".", 1)[-1].lower()
    if extension not in CONTENT_TYPES:
        raise Http404
    name = slugify(f"{certificate.scheme.name} {certificate.number}") or "certificate"
    return stored_file_response(
        certificate.document,
        CONTENT_TYPES[extension],
        download_name=f"{name}.{extension}",
        inline=False,  # a document (even a photographed one) is always a download
    )
