"""API routes, registered by saas/urls_tenant.py from ``API_ROUTES``: (prefix, viewset,
basename).

- ``events/``: staff read and write every event (``cancel/``, ``attendance/``); a partner's
  people read the published ones and register (``register/``). ``participation/?year=``: staff
  every active partner, a partner's people their own. ``calendar/``: the programme's
  iCalendar feed.
- ``event-registrations/``: staff every registration (``?event=``), a partner's people their
  partner's; POST ``{"event": id}`` registers the caller; ``<id>/cancel/``: their own (staff
  any). ``calendar/``: the caller's own registrations as iCalendar; ``calendar-link/``: the
  URL of the personal feed (POST makes a new one).
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from programmes.core.api import (
    STAFF_ROLES,
    FileRenderer,
    IsMunicipalStaff,
    TenantScopedViewSet,
    django_errors,
)
from programmes.core.i18n import current_tenant, translated
from programmes.core.urls import absolute_url
from programmes.events import ical, selectors, services
from programmes.events.models import (
    ACTIVE_STATUSES,
    EVENT_KINDS,
    Event,
    Registration,
    RegistrationStatus,
)
from programmes.partners.selectors import partner_of_user

PARTNER_ROLES = {"partner_admin", "partner_member"}


class ICalendarRenderer(FileRenderer):
    media_type = "text/calendar"
    format = "ics"


class StaffWritePeopleRead(permissions.BasePermission):
    """Staff and partners' people read (the queryset decides what); staff write."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not user.is_authenticated or user.role not in STAFF_ROLES | PARTNER_ROLES:
            return False
        return request.method in permissions.SAFE_METHODS or user.role in STAFF_ROLES


class IsPartnerPerson(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user.is_authenticated and request.user.role in PARTNER_ROLES)


class PeopleOfTheProgramme(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user.is_authenticated and user.role in STAFF_ROLES | PARTNER_ROLES)


class TranslatedJSONField(serializers.JSONField):
    """A {language: text} mapping."""


class EventSerializer(serializers.ModelSerializer):
    title = TranslatedJSONField(help_text="Per language; the primary language is required.")
    description = TranslatedJSONField(required=False)
    title_text = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in EVENT_KINDS])
    registered_count = serializers.IntegerField(read_only=True, default=0)
    waiting_count = serializers.IntegerField(read_only=True, default=0)
    attended_count = serializers.IntegerField(read_only=True, default=0)
    cancelled = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "title",
            "title_text",
            "description",
            "kind",
            "wheel_activity",
            "starts_at",
            "ends_at",
            "place",
            "online_url",
            "capacity",
            "counts_as_main_event",
            "published",
            "cancelled",
            "cancelled_at",
            "cancellation_reason",
            "registered_count",
            "waiting_count",
            "attended_count",
            "url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["cancelled_at", "cancellation_reason", "created_at", "updated_at"]
        extra_kwargs = {"capacity": {"min_value": None}}

    def get_title_text(self, event: Event) -> str:
        return translated(event.title)

    def get_cancelled(self, event: Event) -> bool:
        return event.is_cancelled

    def get_url(self, event: Event) -> str:
        return absolute_url(reverse("event-detail", args=[event.pk]))


class OwnEventSerializer(EventSerializer):
    """What a partner's person sees: the event and their own registration."""

    my_registration = serializers.IntegerField(
        source="my_registration_id", read_only=True, allow_null=True, default=None
    )
    my_status = serializers.ChoiceField(
        choices=RegistrationStatus.choices, read_only=True, allow_null=True, default=None
    )

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "my_registration", "my_status"]


class CancelEventSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Told to the registered and waiting people.")


class AttendanceSerializer(serializers.Serializer):
    attended = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="The ids of the registrations that attended; the event's others did not.",
    )


class ParticipationSerializer(serializers.Serializer):
    partner = serializers.IntegerField(source="partner.pk")
    partner_name = serializers.CharField(source="partner.name")
    year = serializers.IntegerField()
    attended = serializers.IntegerField(help_text="Main events of the year attended.")
    expected = serializers.IntegerField(help_text="The programme's expectation (0: none).")
    held = serializers.IntegerField(help_text="Main events of the year held so far.")
    planned = serializers.IntegerField(help_text="Main events of the year, not cancelled.")
    meets_expectation = serializers.BooleanField()


class RegistrationSerializer(serializers.ModelSerializer):
    event = serializers.PrimaryKeyRelatedField(queryset=Event.objects.none())
    event_title = serializers.SerializerMethodField()
    partner_name = serializers.CharField(source="partner.name", read_only=True)

    class Meta:
        model = Registration
        fields = [
            "id",
            "event",
            "event_title",
            "partner",
            "partner_name",
            "user",
            "name",
            "email",
            "status",
            "position",
            "attended",
            "created_at",
            "cancelled_at",
        ]
        read_only_fields = [
            "partner",
            "user",
            "name",
            "email",
            "status",
            "position",
            "attended",
            "created_at",
            "cancelled_at",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["event"].queryset = selectors.events_visible_to(request.user)

    def get_event_title(self, registration: Registration) -> str:
        return translated(registration.event.title)


class CalendarLinkSerializer(serializers.Serializer):
    url = serializers.URLField(allow_null=True)


def _ics_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=ical.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@extend_schema(
    parameters=[
        OpenApiParameter("past", bool, description="Past events (default: upcoming)."),
    ]
)
class EventViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantScopedViewSet,
):
    permission_classes = [StaffWritePeopleRead]

    def get_serializer_class(self) -> type[serializers.Serializer]:
        user = self.request.user
        if getattr(user, "is_authenticated", False) and user.role in PARTNER_ROLES:
            return OwnEventSerializer
        return EventSerializer

    def scoped_queryset(self, user: Any) -> QuerySet[Event]:
        rows = selectors.with_counts(selectors.events_visible_to(user))
        if user.is_authenticated and user.role in PARTNER_ROLES:
            rows = selectors.with_own_registration(rows, user)
        if self.action == "list":
            now = timezone.now()
            if self.request.query_params.get("past") in {"1", "true"}:
                return rows.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
            return rows.filter(ends_at__gt=now).order_by("starts_at", "pk")
        return rows.order_by("starts_at", "pk")

    def perform_create(self, serializer: serializers.Serializer) -> None:
        serializer.instance = self._save(Event(), serializer.validated_data)

    def perform_update(self, serializer: serializers.Serializer) -> None:
        serializer.instance = self._save(serializer.instance, serializer.validated_data)

    def _save(self, event: Event, data: dict[str, Any]) -> Event:
        for name, value in data.items():
            setattr(event, name, value)
        try:
            event = services.event_save(actor=self.request.user, event=event)
        except DjangoValidationError as error:
            raise django_errors(error) from None
        return self.get_queryset().get(pk=event.pk)

    @extend_schema(request=CancelEventSerializer, responses=EventSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsMunicipalStaff])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Cancel the event; the registered and waiting people are told why."""
        event = self.get_object()
        serializer = CancelEventSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.event_cancel(
                actor=request.user, event=event, reason=serializer.validated_data["reason"]
            )
        except DjangoValidationError as error:
            raise django_errors(error) from None
        return Response(EventSerializer(self.get_queryset().get(pk=event.pk)).data)

    @extend_schema(methods=["GET"], request=None, responses=RegistrationSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=AttendanceSerializer,
        responses=RegistrationSerializer(many=True),
    )
    @action(
        detail=True,
        methods=["get", "post"],
        permission_classes=[IsMunicipalStaff],
        pagination_class=None,
    )
    def attendance(self, request: Request, pk: str | None = None) -> Response:
        """The event's registered and waiting people with ``attended``; POST the ids of
        those who attended."""
        event = self.get_object()
        if request.method == "POST":
            serializer = AttendanceSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            try:
                services.attendance_record(
                    actor=request.user,
                    event=event,
                    attended=serializer.validated_data["attended"],
                )
            except DjangoValidationError as error:
                raise django_errors(error) from None
        rows = [r for r in selectors.registrations_of_event(event) if r.status in ACTIVE_STATUSES]
        return Response(RegistrationSerializer(rows, many=True, context={"request": request}).data)

    @extend_schema(request=None, responses={201: RegistrationSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsPartnerPerson])
    def register(self, request: Request, pk: str | None = None) -> Response:
        """Register the caller for the event (the waiting list when it is full)."""
        event = self.get_object()
        registration = _register(request, event)
        return Response(
            RegistrationSerializer(registration, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        parameters=[OpenApiParameter("year", int, description="Default: this year.")],
        responses=ParticipationSerializer(many=True),
    )
    @action(
        detail=False,
        methods=["get"],
        permission_classes=[PeopleOfTheProgramme],
        pagination_class=None,
    )
    def participation(self, request: Request) -> Response:
        """Main events attended per partner in a year against the programme's expectation:
        staff every active partner, a partner's people their own."""
        year_param = request.query_params.get("year", "")
        year = selectors.current_year()
        if year_param:
            if not (
                year_param.isascii() and year_param.isdigit() and 2000 <= int(year_param) <= 2100
            ):
                raise ValidationError({"year": [_("Give a year from 2000 to 2100.")]})
            year = int(year_param)
        if request.user.role in STAFF_ROLES:
            rows = selectors.participation(year=year)
        else:
            partner = partner_of_user(request.user)
            rows = [] if partner is None else [selectors.partner_participation(partner, year=year)]
        return Response(ParticipationSerializer(rows, many=True).data)

    @extend_schema(responses={(200, "text/calendar"): OpenApiTypes.BINARY})
    @action(
        detail=False,
        methods=["get"],
        permission_classes=[permissions.AllowAny],
        renderer_classes=[JSONRenderer, ICalendarRenderer],
    )
    def calendar(self, request: Request) -> HttpResponse:
        """The programme's published events as iCalendar (the same as ``/calendar.ics``)."""
        content = ical.tenant_feed(selectors.feed_events(), name=current_tenant().name)
        return _ics_response(content, "calendar.ics")


def _register(request: Request, event: Event) -> Registration:
    try:
        return services.registration_create(actor=request.user, event=event)
    except DjangoValidationError as error:
        raise django_errors(error) from None


@extend_schema(
    parameters=[OpenApiParameter("event", int, description="Only this event's registrations.")]
)
class RegistrationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    TenantScopedViewSet,
):
    serializer_class = RegistrationSerializer
    permission_classes = [PeopleOfTheProgramme]

    def scoped_queryset(self, user: Any) -> QuerySet[Registration]:
        rows = selectors.registrations_visible_to(user)
        if self.action == "list":
            event = self.request.query_params.get("event", "")
            if event.isdigit():
                rows = rows.filter(event_id=int(event))
        return rows.order_by("-event__starts_at", "event_id", "status", "position", "pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Register the caller (a partner's person) for ``event``."""
        if request.user.role not in PARTNER_ROLES:
            raise PermissionDenied
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = _register(request, serializer.validated_data["event"])
        return Response(
            self.get_serializer(self.get_queryset().get(pk=registration.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses=RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Cancel the registration: a person their own, staff anyone's. The place goes to
        the first on the waiting list."""
        registration = self.get_object()
        try:
            services.registration_cancel(actor=request.user, registration=registration)
        except DjangoValidationError as error:
            raise django_errors(error) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=registration.pk)).data)

    @extend_schema(responses={(200, "text/calendar"): OpenApiTypes.BINARY})
    @action(
        detail=False,
        methods=["get"],
        renderer_classes=[JSONRenderer, ICalendarRenderer],
    )
    def calendar(self, request: Request) -> HttpResponse:
        """The caller's own registrations as iCalendar."""
        content = ical.personal_feed(
            selectors.personal_registrations(request.user), name=current_tenant().name
        )
        return _ics_response(content, "my-events.ics")

    @extend_schema(methods=["GET"], request=None, responses=CalendarLinkSerializer)
    @extend_schema(methods=["POST"], request=None, responses=CalendarLinkSerializer)
    @action(detail=False, methods=["get", "post"], url_path="calendar-link")
    def calendar_link(self, request: Request) -> Response:
        """The URL of the caller's personal calendar feed (null until made); POST makes it,
        or a new one (the old one stops working)."""
        if request.method == "POST":
            token = services.calendar_token_rotate(actor=request.user)
        else:
            token = selectors.calendar_token_of(request.user)
        url = absolute_url(reverse("calendar-personal", args=[token.secret])) if token else None
        return Response(CalendarLinkSerializer({"url": url}).data)


API_ROUTES: list = [
    ("events", EventViewSet, "api-event"),
    ("event-registrations", RegistrationViewSet, "api-event-registration"),
]
