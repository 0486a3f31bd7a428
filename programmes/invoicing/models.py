"""Invoices for partner fees, credit notes, payments and the programme's other income.

An issued invoice is a legal document: its amounts, parties and number are copied onto it
when it is issued and never change. A mistake is corrected with a credit note, which is a
document of its own with a number from the same gapless sequence (see numbering.py).
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoicingSettings(models.Model):
    """Who invoices, how partners pay and when the annual run happens; one per tenant."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    seller_name = models.CharField(_("legal name of the invoicing body"), max_length=200)
    organisation_number = models.CharField(_("organisation number"), max_length=20)
    vat_number = models.CharField(
        _("VAT number"),
        max_length=20,
        blank=True,
        help_text=_("Needed when the fees carry VAT."),
    )
    street = models.CharField(_("street address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=10)
    city = models.CharField(_("town or city"), max_length=100)
    contact_name = models.CharField(_("contact for invoice questions"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail address"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11)
    bankgiro = models.CharField(
        _("bankgiro number"), max_length=9, blank=True, help_text=_("Swedish bankgiro, if any.")
    )
    # National statements some finance systems check (Peppol rules SE-R-005, NO-R-002).
    f_skatt = models.BooleanField(
        _("approved for F-tax (Godkänd för F-skatt)"),
        default=False,
        help_text=_("Sweden: printed on invoices when the seller holds F-tax approval."),
    )
    foretaksregisteret = models.BooleanField(
        _("registered in the Register of Business Enterprises (Foretaksregisteret)"),
        default=False,
        help_text=_("Norway: printed on invoices when the seller is registered there."),
    )
    payment_terms_days = models.PositiveSmallIntegerField(
        _("days to pay"), default=30, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    invoice_series = models.CharField(
        _("invoice number prefix"),
        max_length=10,
        default="",
        blank=True,
        help_text=_("Letters put before every invoice number, e.g. KP-."),
    )
    credit_note_series = models.CharField(
        _("credit note number prefix"),
        max_length=10,
        default="",
        blank=True,
        help_text=_("Leave empty to number credit notes in the same sequence as invoices."),
    )
    run_month = models.PositiveSmallIntegerField(
        _("annual invoicing run (month)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Leave empty to start every run by hand."),
    )
    run_day = models.PositiveSmallIntegerField(
        _("annual invoicing run (day)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    reminder_interval_days = models.PositiveSmallIntegerField(
        _("days between payment reminders"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    max_reminders = models.PositiveSmallIntegerField(
        _("payment reminders at most"),
        default=2,
        validators=[MinValueValidator(0), MaxValueValidator(5)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("invoicing settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(singleton=True), name="invoicing_settings_singleton_true"
            )
        ]

    def __str__(self) -> str:
        return self.seller_name


SETTINGS_FIELDS = (
    "seller_name",
    "organisation_number",
    "vat_number",
    "street",
    "postcode",
    "city",
    "contact_name",
    "contact_email",
    "contact_phone",
    "iban",
    "bic",
    "bankgiro",
    "f_skatt",
    "foretaksregisteret",
    "payment_terms_days",
    "invoice_series",
    "credit_note_series",
    "run_month",
    "run_day",
    "reminder_interval_days",
    "max_reminders",
)


class BillingDetails(models.Model):
    """How a partner wants to be invoiced; without it the main contact's name is the
    reference and the partner's usual e-mail addresses get the invoice."""

    partner = models.OneToOneField(
        "partners.Partner", on_delete=models.CASCADE, related_name="billing"
    )
    reference = models.CharField(
        _("your reference"),
        max_length=100,
        blank=True,
        help_text=_("A name, cost centre or order number your finance department asks for."),
    )
    email = models.EmailField(_("invoice e-mail address"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.reference


class NumberSeries(models.Model):
    """The last number used in a series. Issuing locks this row, so numbers are handed out
    one transaction at a time and a rolled-back issue gives its number back."""

    prefix = models.CharField(max_length=10, unique=True, blank=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}{self.last_number}"


class InvoiceRun(models.Model):
    """One annual invoicing run: who started it, for which year, and what it issued."""

    year = models.PositiveSmallIntegerField(_("fee year"))
    issue_date = models.DateField(_("invoice date"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_by_label = models.CharField(max_length=254)
    invoices_issued = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.year} ({self.created_at:%Y-%m-%d})"


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class InvoiceStatus(models.TextChoices):
    """Derived from the amounts and dates, never stored (``Invoice.status_on`` and, in the
    database, ``selectors.status_q``)."""

    OPEN = "open", _("Open")
    OVERDUE = "overdue", _("Overdue")
    PAID = "paid", _("Paid")
    CREDITED = "credited", _("Credited")
    CREDIT_NOTE = "credit_note", _("Credit note")


class VatCategory(models.TextChoices):
    """UNCL5305 codes as EN 16931 uses them."""

    STANDARD = "S", _("Standard rate")
    EXEMPT = "E", _("Exempt from VAT")
    OUTSIDE_SCOPE = "O", _("Not subject to VAT")


class Invoice(models.Model):
    kind = models.CharField(
        _("kind"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.INVOICE
    )
    series = models.ForeignKey(NumberSeries, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("number"))
    # The document number as printed, e.g. "KP-1042"; copied so a search is one lookup.
    document_number = models.CharField(_("invoice number"), max_length=30, unique=True)
    # Invoices outlive the partner (bookkeeping law): the buyer is copied below.
    partner = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invoices",
    )
    run = models.ForeignKey(
        InvoiceRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="invoices"
    )
    year = models.PositiveSmallIntegerField(_("fee year"))
    credited_invoice = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
        verbose_name=_("credits invoice"),
    )
    reason = models.TextField(_("reason"), blank=True)
    issue_date = models.DateField(_("invoice date"))
    due_date = models.DateField(_("due date"))
    currency = models.CharField(_("currency"), max_length=3)
    language = models.CharField(_("language"), max_length=5)
    payment_reference = models.CharField(_("payment reference"), max_length=25)
    # The parties as they were on the invoice date.
    seller = models.JSONField()
    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_business_id = models.CharField(_("buyer's business id"), max_length=20)
    buyer_street = models.CharField(max_length=200, blank=True)
    buyer_postcode = models.CharField(max_length=10, blank=True)
    buyer_city = models.CharField(max_length=100, blank=True)
    buyer_country = models.CharField(max_length=2)
    buyer_reference = models.CharField(_("buyer's reference"), max_length=100)
    buyer_email = models.EmailField(_("invoice e-mail address"), blank=True)
    net_amount = models.DecimalField(_("amount before VAT"), max_digits=12, decimal_places=2)
    vat_amount = models.DecimalField(_("VAT"), max_digits=12, decimal_places=2)
    total_amount = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    # What has happened since: payments received, credit notes issued, reminders sent.
    paid_amount = models.DecimalField(
        _("paid"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    credited_amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    fully_credited = models.BooleanField(default=False)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_on = models.DateField(null=True, blank=True)
    created_by_label = models.CharField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issue_date", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="invoice_number_in_series"),
            # Running the annual invoicing twice issues nothing twice: a partner has at most
            # one live (not fully credited) annual invoice per year.
            models.UniqueConstraint(
                fields=["partner", "year"],
                condition=models.Q(kind="invoice", fully_credited=False),
                name="one_live_invoice_per_partner_and_year",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="invoice", credited_invoice__isnull=True)
                | models.Q(kind="credit_note", credited_invoice__isnull=False),
                name="credit_note_credits_an_invoice",
            ),
        ]
        indexes = [models.Index(fields=["year", "kind"]), models.Index(fields=["due_date"])]

    def __str__(self) -> str:
        return self.document_number

    @property
    def is_credit_note(self) -> bool:
        return self.kind == DocumentKind.CREDIT_NOTE

    @property
    def outstanding(self) -> Decimal:
        if self.is_credit_note:
            return Decimal("0.00")
        return max(self.total_amount - self.paid_amount - self.credited_amount, Decimal("0.00"))

    def status_on(self, today: dt.date) -> str:
        if self.is_credit_note:
            return InvoiceStatus.CREDIT_NOTE
        if self.fully_credited:
            return InvoiceStatus.CREDITED
        if self.outstanding == 0:
            return InvoiceStatus.PAID
        if self.due_date < today:
            return InvoiceStatus.OVERDUE
        return InvoiceStatus.OPEN


class LineKind(models.TextChoices):
    ANNUAL_FEE = "annual_fee", _("Annual partner fee")
    JOINING_FEE = "joining_fee", _("Joining fee")
    CREDIT = "credit", _("Credit")


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=LineKind.choices)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(max_digits=10, decimal_places=4, default=Decimal(1))
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    net_amount = models.DecimalField(max_digits=12, decimal_places=2)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2)
    vat_category = models.CharField(max_length=1, choices=VatCategory.choices)

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position")
        ]

    def __str__(self) -> str:
        return self.description


class PaymentSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Imported from a bank or ERP file")
    API = "api", _("Reported through the API")


class Payment(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    source = models.CharField(max_length=10, choices=PaymentSource.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by_label = models.CharField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["invoice", "paid_on", "id"]

    def __str__(self) -> str:
        return f"{self.invoice} {self.amount}"


class OtherIncome(models.Model):
    """Income besides partner fees, e.g. a county grant, for the funding overview."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    source = models.CharField(_("from"), max_length=200)
    description = models.CharField(_("what for"), max_length=300, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    received_on = models.DateField(_("received on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "source"]
        verbose_name = _("other income")

    def __str__(self) -> str:
        return self.source
