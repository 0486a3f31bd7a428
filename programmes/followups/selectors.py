from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from programmes.followups.models import FollowUp, FollowUpStatus
from programmes.partners.selectors import partners_visible_to


def follow_ups_visible_to(viewer: Any) -> QuerySet[FollowUp]:
    """Staff see every follow-up; a partner's people their own partner's."""
    return FollowUp.objects.filter(partner__in=partners_visible_to(viewer)).select_related(
        "partner"
    )


def get_follow_up_for_user(viewer: Any, pk: int) -> FollowUp:
    follow_up = follow_ups_visible_to(viewer).filter(pk=pk).first()
    if follow_up is None:
        raise Http404
    return follow_up


def latest_follow_up(partner: Any) -> FollowUp | None:
    """The follow-up a partner sees: the open one, else the newest."""
    return partner.follow_ups.order_by("-year").first()


def follow_ups_for_overview(*, year: int, status: str = "", query: str = "") -> QuerySet[FollowUp]:
    rows = FollowUp.objects.filter(year=year).select_related("partner")
    if status == "overdue":
        rows = rows.filter(status=FollowUpStatus.OPEN, due_on__lt=timezone.localdate())
    elif status:
        rows = rows.filter(status=status)
    if query:
        rows = rows.filter(
            Q(partner__name__icontains=query) | Q(partner__business_id__icontains=query)
        )
    return rows.order_by("partner__name")


def follow_up_counts(year: int) -> dict[str, int]:
    """How the year's follow-up stands across the programme, in one query."""
    today = timezone.localdate()
    return FollowUp.objects.filter(year=year).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=FollowUpStatus.OPEN)),
        submitted=Count("pk", filter=Q(status=FollowUpStatus.SUBMITTED)),
        overdue=Count("pk", filter=Q(status=FollowUpStatus.OPEN, due_on__lt=today)),
        unresponsive=Count("pk", filter=Q(partner__unresponsive=True)),
    )
