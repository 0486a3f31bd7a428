"""Announcements API: staff write, preview and send announcements; a partner's people read
their partner's inbox and mark items read; everyone signed in keeps their own notification
preferences. Registered by saas/urls_tenant.py from ``API_ROUTES``: (prefix, viewset,
basename)."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, permissions, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from programmes.communication import segments, selectors, services
from programmes.communication.models import (
    Announcement,
    AnnouncementStatus,
    Category,
    InboxItem,
    NotificationPreference,
)
from programmes.core.api import IsMunicipalStaff, TenantScopedViewSet, django_errors
from programmes.core.i18n import translated

SAMPLE = 50


# "category" and "status" are field names other topics use with other choice sets; an enum
# per field name would collide in the schema's enum components (drf-spectacular warns, and
# the schema test fails on warnings). The enum is wrapped in allOf so it stays inline: the
# proper fix is ENUM_NAME_OVERRIDES in saas/settings.py ("AnnouncementCategoryEnum":
# "programmes.communication.models.Category.choices", "AnnouncementStatusEnum":
# "programmes.communication.models.AnnouncementStatus.choices"), not this app's to edit.
@extend_schema_field({"allOf": [{"type": "string", "enum": Category.values}]})
class CategoryField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Category.choices, **kwargs)


@extend_schema_field({"allOf": [{"type": "string", "enum": AnnouncementStatus.values}]})
class StatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=AnnouncementStatus.choices, **kwargs)


class AnnouncementSerializer(serializers.ModelSerializer):
    title = serializers.JSONField(help_text="{language: text}; the primary language required.")
    body = serializers.JSONField(help_text="{language: text}; the primary language required.")
    segment = serializers.JSONField(
        required=False,
        help_text="Criteria, combined with AND: stages, tiers (ids), sectors, "
        "not_reported_year, certificate_expiring. Empty: every partner that has not ended.",
    )
    category = CategoryField(default=Category.NEWS)
    status = StatusField(read_only=True)
    reached = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()

    class Meta:
        model = Announcement
        fields = [
            "id",
            "title",
            "body",
            "category",
            "essential",
            "segment",
            "status",
            "send_at",
            "sent_at",
            "recipient_count",
            "reached",
            "read",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "send_at",
            "sent_at",
            "recipient_count",
            "created_by",
            "created_at",
            "updated_at",
        ]

    def get_reached(self, announcement: Announcement) -> int:
        return getattr(announcement, "reached", 0)

    def get_read(self, announcement: Announcement) -> int:
        return getattr(announcement, "read", 0)


class SendSerializer(serializers.Serializer):
    send_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Empty or past: send now."
    )


class RecipientsSerializer(serializers.Serializer):
    partners = serializers.IntegerField(help_text="Partners in the segment today.")
    addresses = serializers.IntegerField(help_text="E-mail addresses of their people.")
    opted_out = serializers.IntegerField(
        help_text="Addresses that do not want this category (they get it in the inbox only)."
    )
    sample = serializers.ListField(
        child=inline_serializer(
            "SegmentPartner", {"id": serializers.IntegerField(), "name": serializers.CharField()}
        ),
        help_text=f"The first {SAMPLE} partners by name.",
    )


class SegmentPreviewSerializer(serializers.Serializer):
    segment = serializers.JSONField(required=False, default=dict)
    category = CategoryField(default=Category.NEWS)
    essential = serializers.BooleanField(default=False)


def _recipients(criteria: dict[str, Any], category: str, essential: bool) -> dict[str, Any]:
    partners = list(selectors.partners_in_segment(criteria).only("pk", "name", "language"))
    recipients = selectors.recipients_for_partners(partners)
    preferences = {} if essential else selectors.preferences_for(r.email for r in recipients)
    addresses = {r.email for r in recipients}
    return {
        "partners": len(partners),
        "addresses": len(addresses),
        "opted_out": sum(
            1 for a in addresses if a in preferences and not preferences[a].wants(category)
        ),
        "sample": [{"id": p.pk, "name": p.name} for p in partners[:SAMPLE]],
    }


@extend_schema(
    parameters=[
        OpenApiParameter("status", str, enum=AnnouncementStatus.values),
        OpenApiParameter("category", str, enum=Category.values),
    ]
)
class AnnouncementViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    TenantScopedViewSet,
):
    """Staff: every announcement. Drafts are written and changed here; ``send/`` sends or
    schedules one; ``recipients/`` tells who it reaches today."""

    serializer_class = AnnouncementSerializer
    permission_classes = [IsMunicipalStaff]

    def scoped_queryset(self, user: Any) -> QuerySet[Announcement]:
        if not selectors.is_staff(user):
            return Announcement.objects.none()
        rows = selectors.announcements_for_staff()
        params = self.request.query_params
        if self.action == "list":
            if params.get("status") in AnnouncementStatus.values:
                rows = rows.filter(status=params["status"])
            if params.get("category") in Category.values:
                rows = rows.filter(category=params["category"])
        return rows

    def _save(self, announcement: Announcement, data: dict[str, Any]) -> Announcement:
        for name, value in data.items():
            setattr(announcement, name, value)
        try:
            return services.announcement_save(actor=self.request.user, announcement=announcement)
        except DjangoValidationError as error:
            raise django_errors(error) from None

    def _read(self, announcement: Announcement) -> dict[str, Any]:
        return self.get_serializer(self.get_queryset().get(pk=announcement.pk)).data

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Write a draft."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        announcement = self._save(Announcement(), dict(serializer.validated_data))
        return Response(self._read(announcement), status=201)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change a draft (PUT: every field; PATCH: the fields given)."""
        announcement = self.get_object()
        serializer = self.get_serializer(
            announcement, data=request.data, partial=kwargs.pop("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        return Response(self._read(self._save(announcement, dict(serializer.validated_data))))

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def perform_destroy(self, instance: Announcement) -> None:
        try:
            services.announcement_delete(actor=self.request.user, announcement=instance)
        except DjangoValidationError as error:
            raise django_errors(error) from None

    @extend_schema(request=SendSerializer, responses=AnnouncementSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str | None = None) -> Response:
        """Send a draft now, or schedule it (``send_at`` in the future)."""
        announcement = self.get_object()
        serializer = SendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.announcement_send(
                actor=request.user,
                announcement=announcement,
                send_at=serializer.validated_data.get("send_at"),
            )
        except DjangoValidationError as error:
            raise django_errors(error) from None
        return Response(self._read(announcement))

    @extend_schema(request=None, responses=AnnouncementSerializer)
    @action(detail=True, methods=["post"])
    def unschedule(self, request: Request, pk: str | None = None) -> Response:
        """Take a scheduled announcement back to draft."""
        announcement = self.get_object()
        try:
            services.announcement_unschedule(actor=request.user, announcement=announcement)
        except DjangoValidationError as error:
            raise django_errors(error) from None
        return Response(self._read(announcement))

    @extend_schema(responses=RecipientsSerializer)
    @action(detail=True, methods=["get"])
    def recipients(self, request: Request, pk: str | None = None) -> Response:
        """Who the announcement's segment reaches today."""
        announcement = self.get_object()
        return Response(
            _recipients(announcement.segment, announcement.category, announcement.essential)
        )

    @extend_schema(request=SegmentPreviewSerializer, responses=RecipientsSerializer)
    @action(detail=False, methods=["post"], url_path="recipients-preview")
    def recipients_preview(self, request: Request) -> Response:
        """Who a segment would reach today, before saving it."""
        serializer = SegmentPreviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            criteria = segments.segment_clean(data["segment"])
        except DjangoValidationError as error:
            raise django_errors(error) from None
        return Response(_recipients(criteria, data["category"], data["essential"]))


class InboxItemSerializer(serializers.ModelSerializer):
    announcement = serializers.IntegerField(source="announcement_id", read_only=True)
    title = serializers.SerializerMethodField(help_text="In the request's language.")
    body = serializers.SerializerMethodField(help_text="In the request's language.")
    category = CategoryField(source="announcement.category", read_only=True)
    essential = serializers.BooleanField(source="announcement.essential", read_only=True)

    class Meta:
        model = InboxItem
        fields = [
            "id",
            "announcement",
            "title",
            "body",
            "category",
            "essential",
            "delivered_at",
            "read_at",
        ]

    def get_title(self, item: InboxItem) -> str:
        return translated(item.announcement.title)

    def get_body(self, item: InboxItem) -> str:
        return translated(item.announcement.body)


class MarkReadSerializer(serializers.Serializer):
    read = serializers.BooleanField(default=True)


@extend_schema(parameters=[OpenApiParameter("unread", bool, description="Only unread items.")])
class InboxViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """A partner's people: the announcements their partner received, newest first; ``read/``
    marks one read (or unread with ``{"read": false}``). Staff have no inbox."""

    serializer_class = InboxItemSerializer
    permission_classes = [permissions.IsAuthenticated]

    def scoped_queryset(self, user: Any) -> QuerySet[InboxItem]:
        rows = selectors.inbox_items_visible_to(user)
        if self.action == "list" and self.request.query_params.get("unread") in {"1", "true"}:
            rows = rows.filter(read_at__isnull=True)
        return rows

    @extend_schema(request=MarkReadSerializer, responses=InboxItemSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.inbox_item_mark(
            actor=request.user, item=item, read=serializer.validated_data["read"]
        )
        return Response(self.get_serializer(item).data)


class PreferenceSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(read_only=True)
    categories_off = serializers.ListField(
        child=CategoryField(),
        required=False,
        default=list,
        help_text="Newsletter categories not wanted by e-mail.",
    )
    newsletters_off = serializers.BooleanField(
        required=False, default=False, help_text="No newsletters at all."
    )

    class Meta:
        model = NotificationPreference
        fields = ["email", "categories_off", "newsletters_off", "updated_at"]
        # Empty for someone who never saved preferences (the defaults, not yet stored).
        extra_kwargs = {"updated_at": {"read_only": True, "allow_null": True}}


class NotificationPreferenceViewSet(TenantScopedViewSet):
    """The signed-in person's own e-mail preferences: GET them, POST to save. Service
    messages come whatever is chosen."""

    serializer_class = PreferenceSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None
    answers_one_object = True  # one person's preferences (programmes.core.openapi)

    def scoped_queryset(self, user: Any) -> QuerySet[NotificationPreference]:
        return NotificationPreference.objects.filter(email=user.email.lower())

    @extend_schema(responses=PreferenceSerializer)
    def list(self, request: Request) -> Response:
        return Response(self.get_serializer(selectors.preference_of(request.user.email)).data)

    @extend_schema(request=PreferenceSerializer, responses={200: PreferenceSerializer})
    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            preference = services.preference_save(
                actor=request.user,
                email=request.user.email,
                categories_off=serializer.validated_data.get("categories_off", []),
                newsletters_off=serializer.validated_data.get("newsletters_off", False),
            )
        except DjangoValidationError as error:
            raise django_errors(error) from None
        return Response(self.get_serializer(preference).data)


API_ROUTES: list = [
    ("announcements", AnnouncementViewSet, "api-announcement"),
    ("inbox", InboxViewSet, "api-inbox"),
    ("notification-preferences", NotificationPreferenceViewSet, "api-notification-preference"),
]
