"""Announcements and newsletters from the municipality to its partners.

An ``Announcement`` is written by staff in the tenant's languages, addressed to all partners
or a segment (criteria stored as JSON, read by ``selectors.partners_in_segment``), and sent by
the worker: every partner in the segment gets an ``InboxItem`` (read on the platform), and
the partner's people get it as e-mail in their language. Non-essential announcements
(newsletters) respect each address's ``NotificationPreference``; essential ones (service
messages) go to everyone.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from programmes.core.i18n import TranslatedField


class Category(models.TextChoices):
    NEWS = "news", _("News")
    PROCUREMENT = "procurement", _("Upcoming procurements")
    TRAINING = "training", _("Training")
    EVENT = "event", _("Events")
    OTHER = "other", _("Other")


class AnnouncementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENT = "sent", _("Sent")


class Announcement(models.Model):
    title = TranslatedField(_("title"), blank=False)
    body = TranslatedField(_("text"), blank=False)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.NEWS
    )
    essential = models.BooleanField(
        _("service message"),
        default=False,
        help_text=_(
            "A service message reaches every recipient, even those who unsubscribed from "
            "newsletters. Use it only for what partners must know."
        ),
    )
    # {"stages": [...], "tiers": [ids], "sectors": [...], "not_reported_year": 2026 | null,
    #  "certificate_expiring": bool}; empty: every partner that has not ended.
    segment = models.JSONField(_("recipients"), default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AnnouncementStatus.choices,
        default=AnnouncementStatus.DRAFT,
        db_index=True,
    )
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("partners reached"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(next(iter(self.title.values()), "")) if self.title else f"#{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == AnnouncementStatus.DRAFT


class InboxItem(models.Model):
    """An announcement in one partner's inbox on the platform (read by any of its people)."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="inbox_items"
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="inbox_items"
    )
    delivered_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-delivered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "partner"], name="one_inbox_item_per_partner"
            )
        ]
        indexes = [models.Index(fields=["partner", "-delivered_at"])]

    def __str__(self) -> str:
        return f"{self.partner_id}: {self.announcement_id}"


class NotificationPreference(models.Model):
    """What one e-mail address does not want: categories of newsletters, or every
    newsletter. Keyed by address, so partner contacts without an account can unsubscribe
    too; ``user`` links it to an account when there is one. Service messages ignore it."""

    email = models.EmailField(_("e-mail address"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    categories_off = ArrayField(
        models.CharField(max_length=20, choices=Category.choices),
        verbose_name=_("categories not wanted"),
        default=list,
        blank=True,
    )
    newsletters_off = models.BooleanField(_("no newsletters at all"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.email

    def wants(self, category: str) -> bool:
        return not self.newsletters_off and category not in self.categories_off
