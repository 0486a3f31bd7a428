"""The demo's announcements: sent news, a procurement notice and a training with inbox
items, one draft, in the tenant's languages; the same every time; no e-mail."""

from django.core import mail
from django.db.models import BooleanField, ExpressionWrapper, Q
from django_tenants.utils import tenant_context

from programmes.communication.demo import demo_communication_create
from programmes.communication.models import Announcement, AnnouncementStatus, InboxItem
from programmes.partners.demo import demo_partners_create
from programmes.partners.models import Stage
from tests.configuration.test_presets import onboard
from tests.conftest import World


def _fingerprint() -> list[tuple]:
    return list(
        InboxItem.objects.annotate(
            read=ExpressionWrapper(Q(read_at__isnull=False), output_field=BooleanField())
        )
        .order_by("announcement__category", "partner__name")
        .values_list("announcement__category", "partner__name", "read")
    )


def test_a_bilingual_demo_tenant_gets_announcements_in_both_languages(
    alpha: World, django_assert_max_num_queries
) -> None:
    with tenant_context(onboard("porvoo")):
        demo_partners_create(country="FI", language="sv", count=25)
        mail.outbox.clear()
        with django_assert_max_num_queries(25):
            made = demo_communication_create(slug="porvoo", country="FI", language="sv")
        assert made == 4
        assert mail.outbox == []
        rows = list(Announcement.objects.order_by("pk"))
        assert [row.category for row in rows] == ["news", "procurement", "training", "event"]
        assert [row.status for row in rows] == [AnnouncementStatus.SENT] * 3 + [
            AnnouncementStatus.DRAFT
        ]
        for row in rows:
            assert set(row.title) == {"sv", "fi"} and set(row.body) == {"sv", "fi"}
            assert row.title["sv"] and row.title["fi"]
        news, _procurement, training, _draft = rows
        assert news.recipient_count == InboxItem.objects.filter(announcement=news).count() > 0
        assert not InboxItem.objects.filter(partner__stage=Stage.ENDED).exists()
        assert set(
            InboxItem.objects.filter(announcement=training).values_list("partner__stage", flat=True)
        ) == {Stage.ACTIVE}
        assert InboxItem.objects.filter(read_at__isnull=False).exists()
        assert InboxItem.objects.filter(read_at__isnull=True).exists()
        first = _fingerprint()
        assert demo_communication_create(slug="porvoo", country="FI", language="sv") == 0
        Announcement.objects.all().delete()
        demo_communication_create(slug="porvoo", country="FI", language="sv")
        assert _fingerprint() == first
