"""Partner organisations and their way through the programme.

The journey is one state machine (see journey.py): every change of ``Partner.stage`` goes
through ``partner_transition`` and leaves a ``StageChange`` row (who, when, from, to, why).
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from programmes.configuration.models import Theme
from programmes.core.i18n import TranslatedField


class Stage(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ASSESSED = "assessed", _("Self-assessment done")
    GOALS_PROPOSED = "goals_proposed", _("Goals proposed")
    APPROVED = "approved", _("Goals approved")
    BOOKED = "booked", _("Booked for signing")
    ACTIVE = "active", _("Active partner")
    ENDED = "ended", _("Ended")


class OrganisationKind(models.TextChoices):
    COMPANY = "company", _("Company")
    PUBLIC_BODY = "public_body", _("Public body")
    NGO = "ngo", _("Association or NGO")
    SCHOOL = "school", _("School or education")
    ACADEMIA = "academia", _("University or research")
    MUNICIPALITY = "municipality", _("Municipality")


class Sector(models.TextChoices):
    CONSTRUCTION = "construction", _("Construction and real estate")
    ENERGY = "energy", _("Energy and utilities")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    TRANSPORT = "transport", _("Transport and logistics")
    RETAIL = "retail", _("Retail and wholesale")
    HOSPITALITY = "hospitality", _("Hotels, restaurants and tourism")
    AGRICULTURE = "agriculture", _("Agriculture, forestry and fishing")
    SERVICES = "services", _("Business services and IT")
    FINANCE = "finance", _("Finance and insurance")
    HEALTH = "health", _("Health and care")
    EDUCATION = "education", _("Education and research")
    PUBLIC = "public", _("Public administration")
    CULTURE = "culture", _("Culture, sport and associations")
    OTHER = "other", _("Other")


class EndReason(models.TextChoices):
    LEFT = "left", _("Left the programme")
    UNRESPONSIVE = "unresponsive", _("Terminated: did not respond")
    OBLIGATIONS = "obligations", _("Terminated: obligations not met")
    OTHER = "other", _("Terminated: other reason")


class Publication(models.TextChoices):
    """What a partner may choose to publish (``Partner.public_fields``). Nothing of a partner
    is public (directory, partner page, widget, public API) unless it chose DIRECTORY; the
    others add to its public page. ``partners.selectors.public_partners`` applies this."""

    DIRECTORY = "directory", _("Our organisation in the public partner directory")
    DESCRIPTION = "description", _("Description")
    WEBSITE = "website", _("Website")
    LOGO = "logo", _("Logo")
    SECTOR = "sector", _("Sector")
    CITY = "city", _("Town or city")
    GOALS = "goals", _("Goals and progress")
    CERTIFICATES = "certificates", _("Certifications")
    AWARDS = "awards", _("Awards")
    CLIMATE = "climate", _("Climate figures (reported emissions)")
    CONTACTS = "contacts", _("Contacts")


PUBLISHABLE_FIELDS = tuple(Publication.values)


class Partner(models.Model):
    name = models.CharField(_("organisation name"), max_length=200)
    business_id = models.CharField(_("business id"), max_length=20, unique=True)
    kind = models.CharField(
        _("kind of organisation"), max_length=20, choices=OrganisationKind.choices
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    employees = models.PositiveIntegerField(_("number of employees"), null=True, blank=True)
    inhabitants = models.PositiveIntegerField(
        _("number of inhabitants"),
        null=True,
        blank=True,
        help_text=_("For member municipalities."),
    )
    street = models.CharField(_("street address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("town or city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = TranslatedField(_("description"))
    logo = models.FileField(_("logo"), upload_to="partners/logos/", blank=True)
    public_fields = ArrayField(
        models.CharField(max_length=20),
        verbose_name=_("shown publicly"),
        default=list,
        blank=True,
    )
    tier = models.ForeignKey(
        "configuration.Tier",
        verbose_name=_("tier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partners",
    )
    # The language documents and e-mails to this partner are in; one of the tenant's.
    language = models.CharField(_("language"), max_length=5)

    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.APPLIED, db_index=True
    )
    stage_changed_at = models.DateTimeField(_("stage since"))
    joined_on = models.DateField(_("signed on"), null=True, blank=True)
    signing_round = models.ForeignKey(
        "configuration.SigningRound",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signed_partners",
    )
    privacy_statement = models.ForeignKey(
        "configuration.PrivacyStatement",
        verbose_name=_("privacy statement accepted"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unresponsive = models.BooleanField(_("unresponsive"), default=False, db_index=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(
        _("why it ended"), max_length=20, choices=EndReason.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["stage", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.stage == Stage.ACTIVE

    @property
    def has_commitment(self) -> bool:
        """A commitment document exists from the approval of the goals on, and stays
        once the partner has signed, even after the partnership ends."""
        return (
            self.stage in {Stage.APPROVED, Stage.BOOKED, Stage.ACTIVE} or self.joined_on is not None
        )


class ContactRole(models.TextChoices):
    MAIN = "main", _("Main contact")
    CLIMATE = "climate", _("Responsible for climate work")
    MANAGEMENT = "management", _("Top management")
    COMMUNICATION = "communication", _("Communication")
    INVOICING = "invoicing", _("Invoicing")


class PartnerContact(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    role = models.CharField(
        _("role"), max_length=20, choices=ContactRole.choices, default=ContactRole.MAIN
    )

    class Meta:
        ordering = ["partner", "role", "name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """Which partner a partner admin or member belongs to. Users live in people (installed
    in the public schema too), so the link lives here. A colleague invited by e-mail has a
    membership by address until the invitation is accepted; then ``user`` is filled in."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="memberships")
    email = models.EmailField(unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="membership",
    )

    def __str__(self) -> str:
        return f"{self.email} @ {self.partner}"


class StageChange(models.Model):
    """The partner's timeline: every transition of the journey."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(max_length=254)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.partner}: {self.from_stage} → {self.to_stage}"


class AssessmentAnswer(models.Model):
    """A partner's answer to one self-assessment question, kept as given (yes/no, 1–5,
    a number or text)."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="assessment_answers"
    )
    question = models.ForeignKey(
        "configuration.AssessmentQuestion", on_delete=models.CASCADE, related_name="answers"
    )
    value = models.JSONField()
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.question_id}"


class Horizon(models.TextChoices):
    ONE_YEAR = "one_year", _("Next year")
    LONG_TERM = "long_term", _("Longer term")


class GoalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class Goal(models.Model):
    """A concrete climate goal of a partner, with its indicator, baseline and target."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="goals")
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    description = models.TextField(_("goal"))
    indicator = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20)
    baseline_value = models.DecimalField(_("baseline value"), max_digits=14, decimal_places=2)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=2)
    target_date = models.DateField(_("target date"))
    horizon = models.CharField(_("horizon"), max_length=10, choices=Horizon.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.DRAFT
    )
    # The programme's climate action the goal is based on (``programmes.actions``); kept
    # when the action is archived, emptied if it is ever deleted.
    action = models.ForeignKey(
        "actions.ProgrammeAction",
        verbose_name=_("based on the action"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="goals",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partner", "target_date", "id"]

    def __str__(self) -> str:
        return self.description[:80]


class CommitmentDocument(models.Model):
    """The commitment PDF as it stood when the partner signed. It is served from then on
    instead of a fresh rendering, so later edits to goals, obligations or the privacy
    statement never change what was signed."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="commitment_documents"
    )
    file = models.FileField(upload_to="partners/commitments/")
    language = models.CharField(max_length=5)
    privacy_statement = models.ForeignKey(
        "configuration.PrivacyStatement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.partner_id}: {self.file.name}"


# What a partner writes of a goal (forms, API, imports); status and links are set by services.
GOAL_FIELDS = (
    "theme",
    "description",
    "indicator",
    "unit",
    "baseline_value",
    "baseline_year",
    "target_value",
    "target_date",
    "horizon",
)


class GoalComment(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]
