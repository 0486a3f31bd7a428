"""Invoices for integrators: staff read every invoice and issue (annual run, credit notes),
record payments and import bank files; a partner's people read their own partner's invoices
and download them as PDF or UBL. Every endpoint is 404 in a free programme."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from programmes.core.api import (
    CSVFileRenderer,
    IsMunicipalAdmin,
    IsMunicipalStaff,
    PDFRenderer,
    TenantScopedViewSet,
    TenantScopedViewSetMixin,
    XMLFileRenderer,
    django_errors,
)
from programmes.core.spreadsheets import ImportRefused
from programmes.invoicing import selectors, services
from programmes.invoicing.documents import attachment_response, document_response
from programmes.invoicing.exports import invoices_csv
from programmes.invoicing.models import (
    SETTINGS_FIELDS,
    BillingDetails,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    InvoicingSettings,
    OtherIncome,
    Payment,
)
from programmes.invoicing.payments_import import payments_import
from programmes.partners.models import Partner
from programmes.partners.selectors import partners_visible_to


class InvoicingEnabled(permissions.BasePermission):
    """A programme that never charged fees has no invoicing: its endpoints do not exist."""

    documented_refusals = ("404",)  # programmes.core.openapi documents it on every operation

    def has_permission(self, request: Request, view: Any) -> bool:
        if not selectors.invoicing_in_use():
            raise NotFound
        return True


class InvoiceLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = InvoiceLine
        fields = [
            "position",
            "kind",
            "description",
            "quantity",
            "unit_price",
            "net_amount",
            "vat_rate",
            "vat_category",
        ]


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "amount", "paid_on", "source", "note", "created_at"]
        read_only_fields = ["id", "source", "created_at"]


class InvoiceSerializer(serializers.ModelSerializer):
    credited_invoice_number = serializers.CharField(
        source="credited_invoice.document_number", read_only=True, default=None
    )
    status = serializers.SerializerMethodField()
    outstanding = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    lines = InvoiceLineSerializer(many=True, read_only=True)
    payments = PaymentSerializer(many=True, read_only=True)
    pdf_url = serializers.SerializerMethodField()
    xml_url = serializers.SerializerMethodField()

    class Meta:
        model = Invoice
        fields = [
            "id",
            "document_number",
            "kind",
            "credited_invoice",
            "credited_invoice_number",
            "reason",
            "partner",
            "year",
            "issue_date",
            "due_date",
            "currency",
            "language",
            "payment_reference",
            "buyer_name",
            "buyer_business_id",
            "buyer_reference",
            "buyer_email",
            "net_amount",
            "vat_amount",
            "total_amount",
            "paid_amount",
            "paid_on",
            "credited_amount",
            "outstanding",
            "status",
            "lines",
            "payments",
            "pdf_url",
            "xml_url",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=InvoiceStatus.choices))
    def get_status(self, invoice: Invoice) -> str:
        return invoice.status_on(self.context["today"])

    def _url(self, invoice: Invoice, name: str) -> str:
        path = reverse(name, args=[invoice.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_pdf_url(self, invoice: Invoice) -> str:
        return self._url(invoice, "api-invoice-pdf")

    def get_xml_url(self, invoice: Invoice) -> str:
        return self._url(invoice, "api-invoice-xml")


class RunRequestSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    issue_date = serializers.DateField(required=False, help_text="Default: today.")
    dry_run = serializers.BooleanField(
        default=False, help_text="Only show what the run would issue."
    )
    fingerprint = serializers.CharField(
        required=False,
        help_text="A dry run's fingerprint: issue only if the run still issues exactly that.",
    )


class PlannedInvoiceSerializer(serializers.Serializer):
    partner = serializers.IntegerField(source="partner.pk")
    partner_name = serializers.CharField(source="partner.name")
    annual_fee = serializers.DecimalField(
        max_digits=12, decimal_places=2, source="quote.annual_fee"
    )
    joining_fee = serializers.DecimalField(
        max_digits=12, decimal_places=2, source="quote.joining_fee"
    )
    vat = serializers.DecimalField(max_digits=12, decimal_places=2, source="quote.vat")
    total = serializers.DecimalField(max_digits=12, decimal_places=2, source="quote.total")


class RunProblemSerializer(serializers.Serializer):
    partner = serializers.IntegerField(source="partner.pk")
    partner_name = serializers.CharField(source="partner.name")
    message = serializers.CharField()


class RunPreviewSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    issue_date = serializers.DateField()
    due_date = serializers.DateField()
    planned = PlannedInvoiceSerializer(many=True)
    problems = RunProblemSerializer(many=True)
    already_invoiced = serializers.IntegerField()
    blocking = serializers.ListField(child=serializers.CharField())
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    fingerprint = serializers.CharField()


class RunResultSerializer(serializers.Serializer):
    run = serializers.IntegerField(source="pk")
    year = serializers.IntegerField()
    invoices_issued = serializers.IntegerField()


class CreditRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class PaymentRequestSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    paid_on = serializers.DateField()
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class PaymentsImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV or XLSX: invoice number or payment reference, amount paid, date paid, note."
    )
    dry_run = serializers.BooleanField(default=False)


class PaymentsImportResultSerializer(serializers.Serializer):
    payments = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    invoices_settled = serializers.IntegerField()
    dry_run = serializers.BooleanField()


class FundingYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    invoices = serializers.IntegerField()
    invoiced = serializers.DecimalField(max_digits=14, decimal_places=2)
    credited = serializers.DecimalField(max_digits=14, decimal_places=2)
    net_invoiced = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    outstanding = serializers.DecimalField(max_digits=14, decimal_places=2)
    overdue = serializers.DecimalField(max_digits=14, decimal_places=2)
    other_income = serializers.DecimalField(max_digits=14, decimal_places=2)
    total_income = serializers.DecimalField(max_digits=14, decimal_places=2)


@extend_schema(
    parameters=[
        OpenApiParameter("year", int, description="Only this fee year."),
        OpenApiParameter("status", str, enum=InvoiceStatus.values),
        OpenApiParameter("partner", int, description="Staff: only this partner's."),
        OpenApiParameter("q", str, description="Staff: buyer, number or payment reference."),
    ]
)
class InvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    serializer_class = InvoiceSerializer
    permission_classes = [permissions.IsAuthenticated, InvoicingEnabled]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.today = timezone.localdate()
        super().initial(request, *args, **kwargs)

    def get_serializer_context(self) -> dict[str, Any]:
        return super().get_serializer_context() | {"today": getattr(self, "today", None)}

    def scoped_queryset(self, user: Any) -> QuerySet[Invoice]:
        params = self.request.query_params
        if user.is_authenticated and user.role in selectors.STAFF_ROLES and self.action == "list":
            year = params.get("year", "")
            rows = selectors.invoices_for_overview(
                year=int(year) if year.isdigit() else None,
                status=params.get("status", ""),
                query=params.get("q", "").strip(),
                today=self.today,
            )
            if params.get("partner", "").isdigit():
                rows = rows.filter(partner_id=int(params["partner"]))
        else:
            rows = selectors.invoices_visible_to(user).select_related("credited_invoice")
            if self.action == "list" and params.get("year", "").isdigit():
                rows = rows.filter(year=int(params["year"]))
        return rows.prefetch_related("lines", "payments").order_by("-issue_date", "-number")

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PDFRenderer])
    def pdf(self, request: Request, pk: str | None = None) -> HttpResponse:
        """The invoice or credit note as a PDF in the partner's language."""
        return document_response(self.get_object(), "pdf")

    @extend_schema(responses={(200, "application/xml"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, XMLFileRenderer])
    def xml(self, request: Request, pk: str | None = None) -> HttpResponse:
        """The electronic invoice: UBL 2.1, Peppol BIS Billing 3.0 (EHF in Norway)."""
        return document_response(self.get_object(), "xml")

    @extend_schema(request=CreditRequestSerializer, responses={201: InvoiceSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsMunicipalStaff, InvoicingEnabled])
    def credit(self, request: Request, pk: str | None = None) -> Response:
        """Cancel the invoice in full with a credit note (staff)."""
        invoice = self.get_object()
        data = _valid(CreditRequestSerializer, request)
        try:
            note = services.credit_note_issue(
                actor=request.user, invoice=invoice, reason=data["reason"]
            )
        except DjangoValidationError as error:
            raise django_errors(error) from None
        return Response(self._read(note), status=status.HTTP_201_CREATED)

    @extend_schema(request=PaymentRequestSerializer, responses={201: InvoiceSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsMunicipalStaff, InvoicingEnabled])
    def payments(self, request: Request, pk: str | None = None) -> Response:
        """Record money received for the invoice (staff)."""
        invoice = self.get_object()
        data = _valid(PaymentRequestSerializer, request)
        try:
            services.payment_record(actor=request.user, invoice=invoice, source="api", **data)
        except DjangoValidationError as error:
            raise django_errors(error) from None
        return Response(self._read(invoice), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=RunRequestSerializer,
        responses={200: RunPreviewSerializer, 201: RunResultSerializer},
    )
    @action(detail=False, methods=["post"], permission_classes=[IsMunicipalStaff, InvoicingEnabled])
    def run(self, request: Request) -> Response:
        """The annual invoicing run (staff): with ``dry_run`` the preview, else issue (a
        second run issues nothing twice)."""
        data = _valid(RunRequestSerializer, request)
        issue_date = data.get("issue_date") or self.today
        if data["dry_run"]:
            preview = services.invoice_run_preview(year=data["year"], issue_date=issue_date)
            return Response(RunPreviewSerializer(preview).data)
        try:
            run = services.invoice_run_issue(
                actor=request.user,
                year=data["year"],
                issue_date=issue_date,
                expected=data.get("fingerprint"),
            )
        except DjangoValidationError as error:
            raise django_errors(error) from None
        return Response(RunResultSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": PaymentsImportRequestSerializer},
        responses={200: PaymentsImportResultSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="payments-import",
        parser_classes=[MultiPartParser, FormParser],
        permission_classes=[IsMunicipalStaff, InvoicingEnabled],
    )
    def payments_import(self, request: Request) -> Response:
        """Mark invoices paid from a bank or ERP export; all rows or none. Errors come back
        as ``problems`` with row, column and message."""
        data = _valid(PaymentsImportRequestSerializer, request)
        try:
            plan = payments_import(actor=request.user, upload=data["file"], dry_run=data["dry_run"])
        except ImportRefused as refused:
            return Response(
                {"problems": [problem.as_dict() for problem in refused.problems]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        result = {
            "payments": len(plan.rows),
            "total": plan.total,
            "invoices_settled": plan.settles,
            "dry_run": data["dry_run"],
        }
        return Response(PaymentsImportResultSerializer(result).data)

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY})
    @action(
        detail=False,
        methods=["get"],
        renderer_classes=[JSONRenderer, CSVFileRenderer],
        permission_classes=[IsMunicipalStaff, InvoicingEnabled],
    )
    def export(self, request: Request) -> HttpResponse:
        """Every invoice and credit note (``?year=`` to limit) as CSV for the finance system."""
        rows = self.filter_queryset(self.get_queryset()).order_by("number", "pk")
        content = invoices_csv(rows.iterator(chunk_size=500), today=self.today)
        return attachment_response(content, "csv", "invoices.csv")

    @extend_schema(responses=FundingYearSerializer(many=True))
    @action(detail=False, methods=["get"], permission_classes=[IsMunicipalStaff, InvoicingEnabled])
    def funding(self, request: Request) -> Response:
        """Per year: fees invoiced, credited, paid, outstanding and overdue, and other income."""
        years = selectors.funding_overview(today=self.today)
        return Response(FundingYearSerializer(years, many=True).data)

    def _read(self, invoice: Invoice) -> dict[str, Any]:
        return self.get_serializer(
            selectors.invoices_visible_to(self.request.user)
            .select_related("credited_invoice")
            .prefetch_related("lines", "payments")
            .get(pk=invoice.pk)
        ).data


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class OtherIncomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = OtherIncome
        fields = ["id", "year", "source", "description", "amount", "received_on", "created_at"]
        read_only_fields = ["id", "created_at"]


class OtherIncomeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    TenantScopedViewSet,
):
    """Income besides partner fees, e.g. county grants (staff)."""

    serializer_class = OtherIncomeSerializer
    permission_classes = [IsMunicipalStaff, InvoicingEnabled]

    def scoped_queryset(self, user: Any) -> QuerySet[OtherIncome]:
        return OtherIncome.objects.order_by("-year", "source", "pk")

    def perform_create(self, serializer: serializers.ModelSerializer) -> None:
        serializer.instance = self._save(OtherIncome(**serializer.validated_data))

    def perform_update(self, serializer: serializers.ModelSerializer) -> None:
        income = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(income, name, value)
        self._save(income)

    def perform_destroy(self, instance: OtherIncome) -> None:
        services.other_income_delete(actor=self.request.user, income=instance)

    def _save(self, income: OtherIncome) -> OtherIncome:
        try:
            return services.other_income_save(actor=self.request.user, income=income)
        except DjangoValidationError as error:
            raise django_errors(error) from None


class InvoicingSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = InvoicingSettings
        fields = list(SETTINGS_FIELDS)


class InvoicingSettingsViewSet(TenantScopedViewSetMixin, viewsets.GenericViewSet):
    """Who invoices and how partners pay (municipal admins): GET the settings, PUT them."""

    serializer_class = InvoicingSettingsSerializer
    permission_classes = [IsMunicipalAdmin, InvoicingEnabled]
    pagination_class = None

    def scoped_queryset(self, user: Any) -> QuerySet[InvoicingSettings]:
        return InvoicingSettings.objects.all()

    @extend_schema(responses=InvoicingSettingsSerializer)
    def list(self, request: Request) -> Response:
        settings = self.get_queryset().first()
        if settings is None:
            raise NotFound
        return Response(self.get_serializer(settings).data)

    @extend_schema(request=InvoicingSettingsSerializer, responses=InvoicingSettingsSerializer)
    def create(self, request: Request) -> Response:
        """Create or replace the settings (every field)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            settings = services.invoicing_settings_save(
                actor=request.user, values=dict(serializer.validated_data)
            )
        except DjangoValidationError as error:
            raise django_errors(error) from None
        return Response(self.get_serializer(settings).data)


class BillingDetailsSerializer(serializers.Serializer):
    partner = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(max_length=100, allow_blank=True, default="")
    email = serializers.EmailField(allow_blank=True, default="")


class BillingDetailsViewSet(TenantScopedViewSet):
    """How a partner wants to be invoiced (``/billing-details/<partner id>/``): its
    reference and invoice e-mail. Its people and staff read; its admin and staff write."""

    serializer_class = BillingDetailsSerializer
    permission_classes = [permissions.IsAuthenticated, InvoicingEnabled]

    def scoped_queryset(self, user: Any) -> QuerySet[Partner]:
        return partners_visible_to(user)

    def _details(self, partner: Partner) -> dict[str, Any]:
        own = BillingDetails.objects.filter(partner=partner).first()
        return {
            "partner": partner.pk,
            "reference": own.reference if own else "",
            "email": own.email if own else "",
        }

    @extend_schema(responses=BillingDetailsSerializer)
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(self._details(self.get_object()))

    @extend_schema(request=BillingDetailsSerializer, responses=BillingDetailsSerializer)
    def update(self, request: Request, pk: str | None = None) -> Response:
        partner = self.get_object()
        data = _valid(BillingDetailsSerializer, request)
        try:
            services.billing_details_save(actor=request.user, partner=partner, **data)
        except DjangoValidationError as error:
            raise django_errors(error) from None
        return Response(self._details(partner))
