"""Award rounds, nominations and the jury's scores (rules in README.md and services.py).

A round is one award category (``configuration.AwardCategory``) for one period: a year, or a
month of a year for a monthly prize. When it is opened it copies the category's nomination
window (or takes its own) and its scoring criteria (``RoundCriterion``): the configuration
replaces a category's criteria whenever it is saved, and the scores and history of a round
must not change with it.
"""

import datetime as dt

from babel import dates as babel_dates
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programmes.core.i18n import TranslatedField, formatting_locale, translated


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open for nominations")
    SCORING = "scoring", _("The jury is scoring")
    CLOSED = "closed", _("Scoring closed")
    ANNOUNCED = "announced", _("Winner announced")


class NominatorKind(models.TextChoices):
    """Who nominated, as ``configuration.Nominator`` names them."""

    PARTNERS = "partners", _("A partner")
    PUBLIC = "public", _("The public")
    STAFF = "staff", _("Municipal staff")


class AwardRound(models.Model):
    category = models.ForeignKey(
        "configuration.AwardCategory",
        verbose_name=_("award"),
        on_delete=models.PROTECT,
        related_name="rounds",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    # A monthly prize's month; empty for a round covering the year.
    month = models.PositiveSmallIntegerField(
        _("month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    nomination_opens = models.DateField(_("nominations open"))
    nomination_closes = models.DateField(_("nominations close"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RoundStatus.choices,
        default=RoundStatus.OPEN,
        db_index=True,
    )
    winner = models.OneToOneField(
        "awards.Nomination",
        verbose_name=_("winner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="won_round",
    )
    # Why staff chose another winner than the highest weighted total (also in the audit).
    winner_reason = models.TextField(_("reason for the choice of winner"), blank=True)
    scoring_started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    announced_at = models.DateTimeField(_("announced"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-month", "category_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "year", "month"],
                name="awards_one_round_per_period",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(nomination_closes__gte=models.F("nomination_opens")),
                name="awards_window_in_order",
            ),
            models.CheckConstraint(
                condition=Q(status=RoundStatus.ANNOUNCED, winner__isnull=False)
                | (~Q(status=RoundStatus.ANNOUNCED) & Q(winner__isnull=True)),
                name="awards_winner_when_announced",
            ),
        ]

    def __str__(self) -> str:
        return f"{translated(self.category.name)} {self.period_label()}"

    def period_label(self) -> str:
        """ "2026", or the month in the tenant's language ("mars 2026")."""
        if self.month is None:
            return str(self.year)
        return babel_dates.format_date(
            dt.date(self.year, self.month, 1), format="LLLL y", locale=formatting_locale()
        )

    def accepts_nominations_on(self, day: dt.date) -> bool:
        return (
            self.status == RoundStatus.OPEN
            and self.nomination_opens <= day <= self.nomination_closes
        )


class RoundCriterion(models.Model):
    """A scoring criterion of the round, copied from the category when the round opened."""

    round = models.ForeignKey(AwardRound, on_delete=models.CASCADE, related_name="criteria")
    name = TranslatedField(_("criterion"), blank=False)
    weight = models.PositiveSmallIntegerField(
        _("weight"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "position", "pk"]

    def __str__(self) -> str:
        return translated(self.name)


class Nomination(models.Model):
    round = models.ForeignKey(AwardRound, on_delete=models.CASCADE, related_name="nominations")
    # Empty once the partner has been deleted (the retention purge); its name stays below,
    # so the history of winners is kept.
    nominee = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("nominated organisation"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="award_nominations",
    )
    nominee_name = models.CharField(_("organisation name"), max_length=200)
    justification = models.TextField(_("why this organisation deserves the award"))
    nominator_kind = models.CharField(max_length=20, choices=NominatorKind.choices)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The public give their name and address instead of an account.
    nominator_name = models.CharField(_("your name"), max_length=200, blank=True)
    nominator_email = models.EmailField(_("your e-mail address"), blank=True)
    eligible = models.BooleanField(_("eligible"), default=True)
    ineligible_reason = models.TextField(_("why not eligible"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "nominee_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "nominee"], name="awards_one_nomination_per_nominee"
            )
        ]

    def __str__(self) -> str:
        return f"{self.nominee_name} ({self.round_id})"


class Score(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="scores")
    # Empty once the account is deleted (e.g. with a purged partner): the scores stay.
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    criterion = models.ForeignKey(RoundCriterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["nomination", "criterion", "juror"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "juror", "criterion"], name="awards_one_score_per_criterion"
            ),
            models.CheckConstraint(condition=Q(value__lte=10), name="awards_score_at_most_10"),
        ]

    def __str__(self) -> str:
        return f"{self.nomination_id}/{self.criterion_id}/{self.juror_id}: {self.value}"


class JurorSubmission(models.Model):
    """A juror has submitted their scores for the round: they are final, and the juror now
    sees the other jurors' submitted scores."""

    round = models.ForeignKey(AwardRound, on_delete=models.CASCADE, related_name="submissions")
    # Empty once the account is deleted (e.g. with a purged partner): the scores stay.
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["round", "juror"], name="awards_submit_once")
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.juror_id}"
