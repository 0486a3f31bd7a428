"""Matchmaking between partners: the programme's tag list, each partner's profile (what it
offers, seeks and is interested in), sessions and their one-to-one meetings.

The rules of a schedule (one meeting per partner and round, no pair twice, no "do not
match" pair, at most one meeting per table) are the services'; the database holds the two
that fit a constraint: one meeting per table and round, and each pair once per session
(stored with the smaller partner id first).
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from programmes.core.i18n import TranslatedField


class Tag(models.Model):
    """One entry of the programme's tag list ("solar power", "transport"…). A partner
    picks from the same list what it offers, what it seeks and what it is interested in."""

    name = TranslatedField(_("name"), blank=False)
    is_active = models.BooleanField(
        _("in use"),
        default=True,
        help_text=_("A tag no longer in use stays on the profiles that have it."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        from programmes.core.i18n import translated

        return translated(self.name)


class Profile(models.Model):
    """What a partner brings to matchmaking."""

    partner = models.OneToOneField(
        "partners.Partner", on_delete=models.CASCADE, related_name="matchmaking_profile"
    )
    offers = models.ManyToManyField(
        Tag, verbose_name=_("we offer"), related_name="offered_by", blank=True
    )
    seeks = models.ManyToManyField(
        Tag, verbose_name=_("we seek"), related_name="sought_by", blank=True
    )
    interests = models.ManyToManyField(
        Tag, verbose_name=_("we are interested in"), related_name="interested", blank=True
    )
    offers_text = models.TextField(_("what we offer, in our own words"), blank=True)
    seeks_text = models.TextField(_("what we seek, in our own words"), blank=True)
    do_not_match = models.ManyToManyField(
        "partners.Partner",
        verbose_name=_("do not match us with"),
        related_name="+",
        blank=True,
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.partner)


class Session(models.Model):
    """A matchmaking session: rounds of one-to-one meetings at a number of tables."""

    title = TranslatedField(_("title"), blank=False)
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("first meeting starts at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    rounds = models.PositiveSmallIntegerField(_("rounds"), default=5)
    meeting_minutes = models.PositiveSmallIntegerField(_("minutes per meeting"), default=20)
    break_minutes = models.PositiveSmallIntegerField(
        _("minutes between meetings"), default=5, help_text=_("To change tables.")
    )
    tables = models.PositiveSmallIntegerField(_("tables"), default=15)
    participants = models.ManyToManyField(
        "partners.Partner",
        verbose_name=_("participants"),
        related_name="matchmaking_sessions",
        blank=True,
        help_text=_("Leave empty for every active partner with a matchmaking profile."),
    )
    # Raised by every change of the schedule; the e-mails are keyed by it.
    version = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-starts_at", "pk"]

    def __str__(self) -> str:
        from programmes.core.i18n import translated

        return translated(self.title)


class Meeting(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="meetings")
    round = models.PositiveSmallIntegerField(_("round"))
    table = models.PositiveSmallIntegerField(_("table"))
    partner_a = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    partner_b = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    score = models.PositiveSmallIntegerField(_("score"), default=0)
    adjusted_by_hand = models.BooleanField(_("adjusted by hand"), default=False)

    class Meta:
        ordering = ["session", "round", "table"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "round", "table"],
                name="matchmaking_one_meeting_per_table",
                deferrable=models.Deferrable.DEFERRED,  # a swap updates two rows
            ),
            models.UniqueConstraint(
                fields=["session", "partner_a", "partner_b"], name="matchmaking_pair_once"
            ),
            models.CheckConstraint(
                condition=Q(partner_a__lt=F("partner_b")), name="matchmaking_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        pair = f"{self.partner_a_id}-{self.partner_b_id}"
        return f"{self.session_id} r{self.round} t{self.table}: {pair}"
