"""The annual follow-up: once a year every active partner reports progress on its goals.

The worker opens a ``FollowUp`` per active partner in the month the programme's annual
wheel names, e-mails the partner, and reminds it on the programme's schedule; a partner that
leaves the configured number of reminders unanswered is flagged unresponsive for staff.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    SUBMITTED = "submitted", _("Answered")
    CLOSED = "closed", _("Closed without an answer")


class FollowUp(models.Model):
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="follow_ups"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=FollowUpStatus.choices,
        default=FollowUpStatus.OPEN,
        db_index=True,
    )
    opened_at = models.DateTimeField(_("opened"))
    due_on = models.DateField(_("answer due"))
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    support_needed = models.TextField(_("support needed from the municipality"), blank=True)
    submitted_at = models.DateTimeField(_("answered"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-year", "partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "year"], name="one_follow_up_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.year}"

    @property
    def is_overdue(self) -> bool:
        return self.status == FollowUpStatus.OPEN and self.due_on < timezone.localdate()


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    DELAYED = "delayed", _("Delayed")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class GoalProgress(models.Model):
    """A partner's answer for one goal: where it stands, and a revised target if any."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="progress")
    goal = models.ForeignKey("partners.Goal", on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(_("status"), max_length=12, choices=ProgressStatus.choices)
    value_reached = models.DecimalField(
        _("value reached"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    revised_target_value = models.DecimalField(
        _("revised target value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    revised_target_date = models.DateField(_("revised target date"), null=True, blank=True)

    class Meta:
        ordering = ["goal__target_date", "goal_id"]
        constraints = [
            models.UniqueConstraint(fields=["follow_up", "goal"], name="one_progress_per_goal")
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.status}"
