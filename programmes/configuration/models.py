"""The partnership model a tenant configures: its programme profile, tiers and fees,
certification rules, obligations, signing rounds, awards, annual wheel and privacy statement.

Every model here is plain data; the rules that span rows (fee bands without gaps, award
windows, rounds in the future) are checked by the services in services.py.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from programmes.core.i18n import TranslatedField, translated


class Benefit(models.TextChoices):
    VISIBILITY = "visibility", _("Visibility on the municipality's website")
    SYMBOL = "symbol", _("Partner symbol")
    NETWORK = "network", _("Network meetings")
    TRAINING = "training", _("Training")
    PROCUREMENT_NEWS = "procurement_news", _("News of upcoming procurements")
    BUSINESS_SUPPORT = "business_support", _("Business support and advice")
    AWARD = "award", _("Annual award")
    MATCHMAKING = "matchmaking", _("Matchmaking with other partners")


class MemberKind(models.TextChoices):
    ORGANISATIONS = "organisations", _("Companies and organisations")
    MUNICIPALITIES = "municipalities", _("Municipalities")


class PublicFigure(models.TextChoices):
    """The sections of the dashboard a programme may publish."""

    PARTNERS = "partners", _("Partners by stage, sector and tier")
    EMISSIONS = "emissions", _("Reported emissions per year and scope")
    REDUCTIONS = "reductions", _("Reductions against the baseline")
    REPORTING = "reporting", _("Share of partners that reported this year")
    CERTIFICATION = "certification", _("Certification coverage")
    GOALS = "goals", _("Goals by status")
    TARGET = "target", _("Progress towards the municipal target")


class Programme(models.Model):
    """The programme profile; one per tenant schema (enforced by the singleton key)."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    name = TranslatedField(_("name"), blank=False)
    description = TranslatedField(_("description"))
    member_kind = models.CharField(
        _("who can become a partner"),
        max_length=20,
        choices=MemberKind.choices,
        default=MemberKind.ORGANISATIONS,
    )
    target_text = TranslatedField(_("the municipality's climate target"))
    target_year = models.PositiveSmallIntegerField(
        _("target year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    target_reduction_percent = models.DecimalField(
        _("reduction target (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
    )
    benefits = ArrayField(
        models.CharField(max_length=30, choices=Benefit.choices),
        verbose_name=_("benefits offered"),
        default=list,
        blank=True,
    )
    benefits_text = TranslatedField(_("benefits, in your own words"))
    expectations = TranslatedField(_("what is expected of partners"))
    # The annual wheel: how many main events a partner should attend, when reports are due.
    main_events_expected = models.PositiveSmallIntegerField(
        _("main events a partner is expected to attend each year"), default=0
    )
    report_due_month = models.PositiveSmallIntegerField(
        _("annual report due (month)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    report_due_day = models.PositiveSmallIntegerField(
        _("annual report due (day)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    # The annual follow-up: reminders until the partner answers, then it is flagged.
    reminder_interval_days = models.PositiveSmallIntegerField(
        _("days between follow-up reminders"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    reminders_before_unresponsive = models.PositiveSmallIntegerField(
        _("unanswered reminders before a partner is flagged unresponsive"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    retention_years = models.PositiveSmallIntegerField(
        _("years an ended partner's data is kept"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    certificate_warning_days = models.PositiveSmallIntegerField(
        _("days before expiry a certificate counts as expiring"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    public_figures = ArrayField(
        models.CharField(max_length=20, choices=PublicFigure.choices),
        verbose_name=_("figures shown on the public dashboard"),
        default=list,
        blank=True,
    )
    symbol = models.FileField(_("partner symbol"), upload_to="programme/", blank=True)
    guidelines = models.FileField(_("graphic guidelines"), upload_to="programme/", blank=True)
    # The preset it was created from, for support and upgrades.
    preset = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(singleton=True), name="programme_singleton_true"
            )
        ]

    def __str__(self) -> str:
        return translated(self.name)

    def get_benefits_display(self) -> list[str]:
        labels = dict(Benefit.choices)
        return [str(labels.get(code, code)) for code in self.benefits]


# What a municipality edits in its programme profile (forms, API and presets alike).
PROGRAMME_PROFILE_FIELDS = (
    "name",
    "description",
    "member_kind",
    "target_text",
    "target_year",
    "target_reduction_percent",
    "baseline_year",
    "benefits",
    "benefits_text",
    "expectations",
    "main_events_expected",
    "report_due_month",
    "report_due_day",
    "reminder_interval_days",
    "reminders_before_unresponsive",
    "retention_years",
    "certificate_warning_days",
    "public_figures",
)


class ContactPerson(models.Model):
    name = models.CharField(_("name"), max_length=200)
    title = TranslatedField(_("title"))
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class FeeKind(models.TextChoices):
    FREE = "free", _("Free of charge")
    FLAT = "flat", _("Flat annual fee")
    BANDED = "banded", _("Banded by size")
    PER_INHABITANT = "per_inhabitant", _("Base plus per inhabitant, with a cap")


class SizeMeasure(models.TextChoices):
    EMPLOYEES = "employees", _("Number of employees")
    FULL_TIME = "full_time", _("Full-time equivalents")


class ProRata(models.TextChoices):
    FULL_YEAR = "full_year", _("The full annual fee, whenever the partner joins")
    MONTHLY = "monthly", _("Only the months left in the year, the joining month included")
    NEXT_YEAR = "next_year", _("Nothing in the joining year; fees start the next year")


class FeeSchedule(models.Model):
    """How a tier's annual fee is computed (see fees.py). Invoices copy the amounts they
    charge, so editing a schedule never changes a fee already invoiced."""

    name = TranslatedField(_("name"), blank=False)
    kind = models.CharField(_("kind"), max_length=20, choices=FeeKind.choices)
    flat_amount = models.DecimalField(
        _("annual fee"),
        help_text=_("For a flat annual fee."),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    size_measure = models.CharField(
        _("size measured by"),
        max_length=20,
        choices=SizeMeasure.choices,
        blank=True,
        help_text=_("For fees banded by size; give the bands below."),
    )
    base_amount = models.DecimalField(
        _("base fee"),
        help_text=_("For fees per inhabitant."),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    per_inhabitant_amount = models.DecimalField(
        _("fee per inhabitant"),
        max_digits=8,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    cap_amount = models.DecimalField(
        _("maximum annual fee"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    joining_fee = models.DecimalField(
        _("one-off joining fee"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    pro_rata = models.CharField(
        _("partners joining during the year pay"),
        max_length=20,
        choices=ProRata.choices,
        default=ProRata.FULL_YEAR,
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return translated(self.name)

    def clean(self) -> None:
        required = {
            FeeKind.FLAT: ["flat_amount"],
            FeeKind.BANDED: ["size_measure"],
            FeeKind.PER_INHABITANT: ["base_amount", "per_inhabitant_amount"],
        }.get(self.kind, [])
        missing = {
            name: _("Needed for this kind of fee.")
            for name in required
            if getattr(self, name) in (None, "")
        }
        if missing:
            raise ValidationError(missing)
        if (
            self.kind == FeeKind.PER_INHABITANT
            and self.cap_amount is not None
            and self.base_amount is not None
            and self.cap_amount < self.base_amount
        ):
            raise ValidationError({"cap_amount": _("The maximum is below the base fee.")})


FEE_SCHEDULE_FIELDS = (
    "name",
    "kind",
    "flat_amount",
    "size_measure",
    "base_amount",
    "per_inhabitant_amount",
    "cap_amount",
    "joining_fee",
    "pro_rata",
    "vat_rate",
)


class FeeBand(models.Model):
    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="bands")
    min_size = models.PositiveIntegerField(_("from"))
    max_size = models.PositiveIntegerField(_("to"), null=True, blank=True)  # None: and more
    amount = models.DecimalField(
        _("annual fee"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["schedule", "min_size"]

    def __str__(self) -> str:
        upper = "" if self.max_size is None else str(self.max_size)
        return f"{self.min_size}–{upper}"

    def clean(self) -> None:
        if self.max_size is not None and self.max_size < self.min_size:
            raise ValidationError({"max_size": _("The band ends before it starts.")})


class Tier(models.Model):
    name = TranslatedField(_("name"), blank=False)
    description = TranslatedField(_("description"))
    fee_schedule = models.ForeignKey(
        FeeSchedule,
        verbose_name=_("fee schedule"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tiers",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return translated(self.name)


class CertificationScheme(models.Model):
    """An entry of the programme's catalogue of environmental certifications."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CertificationRule(models.Model):
    """E.g. "one of {Miljøfyrtårn, ISO 14001, EMAS} within 12 months of signing"."""

    description = TranslatedField(_("description"), blank=False)
    schemes = models.ManyToManyField(
        CertificationScheme, verbose_name=_("any one of these schemes"), related_name="rules"
    )
    within_months = models.PositiveSmallIntegerField(
        _("months after signing"), default=12, validators=[MaxValueValidator(120)]
    )
    plan_counts = models.BooleanField(_("a plan to certify is enough"), default=False)
    tiers = models.ManyToManyField(
        Tier, verbose_name=_("applies to tiers (none: all)"), blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return translated(self.description)


class ObligationKind(models.TextChoices):
    MANAGEMENT = "management", _("Climate work anchored in top management")
    CLIMATE_ACCOUNT = "climate_account", _("Annual climate account")
    REDUCE_EMISSIONS = "reduce_emissions", _("Reduce own emissions")
    CERTIFICATION = "certification", _("Environmental certification")
    ATTEND_EVENTS = "attend_events", _("Attend the main events")
    COMMUNICATE = "communicate", _("Communicate the partnership")
    REPORT = "report", _("Report progress every year")
    OTHER = "other", _("Other")


class Obligation(models.Model):
    """A clause of the commitment every partner (of the given tiers) signs."""

    kind = models.CharField(_("kind"), max_length=30, choices=ObligationKind.choices)
    text = TranslatedField(_("text"), blank=False)
    tiers = models.ManyToManyField(
        Tier, verbose_name=_("applies to tiers (none: all)"), blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return translated(self.text)


class SigningRound(models.Model):
    """A signing ceremony partners book a place on (Borgå holds 2–4 a year)."""

    title = TranslatedField(_("title"), blank=False)
    starts_at = models.DateTimeField(_("starts"))
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    signatory_name = models.CharField(_("signs for the municipality"), max_length=200)
    signatory_title = TranslatedField(_("signatory's title"), blank=False)
    booking_open = models.BooleanField(_("open for booking"), default=True)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return translated(self.title)


class Nominator(models.TextChoices):
    PARTNERS = "partners", _("Partners")
    PUBLIC = "public", _("The public")
    STAFF = "staff", _("Municipal staff")


class AwardCategory(models.Model):
    name = TranslatedField(_("name"), blank=False)
    description = TranslatedField(_("description"))
    prize_text = TranslatedField(_("prize"))
    nomination_opens = models.DateField(_("nominations open"))
    nomination_closes = models.DateField(_("nominations close"))
    nominators = ArrayField(
        models.CharField(max_length=20, choices=Nominator.choices),
        verbose_name=_("who may nominate"),
        default=list,
    )
    previous_winners_excluded = models.BooleanField(_("a winner can win only once"), default=True)
    municipal_units_excluded = models.BooleanField(
        _("municipal units cannot be nominated"), default=False
    )
    jurors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("jury members"), blank=True, related_name="+"
    )

    class Meta:
        ordering = ["nomination_opens", "id"]
        verbose_name_plural = "award categories"

    def __str__(self) -> str:
        return translated(self.name)

    def clean(self) -> None:
        if (
            self.nomination_opens
            and self.nomination_closes
            and self.nomination_closes < self.nomination_opens
        ):
            raise ValidationError(
                {"nomination_closes": _("The nomination window ends before it starts.")}
            )
        if not self.nominators:
            raise ValidationError({"nominators": _("Choose who may nominate.")})


AWARD_CATEGORY_FIELDS = (
    "name",
    "description",
    "prize_text",
    "nomination_opens",
    "nomination_closes",
    "nominators",
    "previous_winners_excluded",
    "municipal_units_excluded",
    "jurors",
)


class ScoringCriterion(models.Model):
    category = models.ForeignKey(AwardCategory, on_delete=models.CASCADE, related_name="criteria")
    name = TranslatedField(_("criterion"), blank=False)
    weight = models.PositiveSmallIntegerField(
        _("weight"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["category", "id"]

    def __str__(self) -> str:
        return translated(self.name)


class ActivityKind(models.TextChoices):
    MAIN_EVENT = "main_event", _("Main event")
    NETWORK_MEETING = "network_meeting", _("Network meeting")
    TRAINING = "training", _("Training")
    PARTNERSHIP_DAY = "partnership_day", _("Partnership day with matchmaking")
    SIGNING = "signing", _("Signing ceremony")
    FOLLOW_UP = "follow_up", _("Annual follow-up")
    DEADLINE = "deadline", _("Deadline")


class WheelActivity(models.Model):
    """A recurring activity of the annual wheel ("årshjul"), by month."""

    title = TranslatedField(_("title"), blank=False)
    description = TranslatedField(_("description"))
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )

    class Meta:
        ordering = ["month", "id"]
        verbose_name_plural = "wheel activities"

    def __str__(self) -> str:
        return translated(self.title)

    @property
    def is_main_event(self) -> bool:
        return self.kind in {ActivityKind.MAIN_EVENT, ActivityKind.PARTNERSHIP_DAY}


class PrivacyStatement(models.Model):
    """A version of the privacy statement. Published versions never change; the newest
    published one is in force and is what partners accept when they sign."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    text = TranslatedField(_("text"), blank=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


class Theme(models.TextChoices):
    ENERGY = "energy", _("Energy")
    TRANSPORT = "transport", _("Transport")
    WASTE = "waste", _("Waste and resources")
    PROCUREMENT = "procurement", _("Procurement")
    BUILDINGS = "buildings", _("Buildings")
    FOOD = "food", _("Food")
    MANAGEMENT = "management", _("Management and strategy")


class AnswerType(models.TextChoices):
    YES_NO = "yes_no", _("Yes or no")
    SCALE = "scale", _("Scale from 1 to 5")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Text")


class AssessmentQuestion(models.Model):
    """A question of the programme's initial self-assessment. A "no" (or 1–2 on a scale)
    brings up the suggested goal."""

    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    text = TranslatedField(_("question"), blank=False)
    answer_type = models.CharField(_("answer type"), max_length=10, choices=AnswerType.choices)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    suggestion = TranslatedField(_("suggested goal"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["theme", "order", "id"]

    def __str__(self) -> str:
        return translated(self.text)
