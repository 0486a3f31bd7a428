"""Matchmaking API, registered by saas/urls_tenant.py from ``API_ROUTES``.

- ``matchmaking-tags/``: the programme's tag list; everyone signed in reads, staff write.
- ``matchmaking-profiles/``: staff read and write every partner's profile, a partner's admin
  its own (the partner is implied), its members read it.
- ``matchmaking-sessions/``: staff only; ``<id>/schedule/`` (GET the meetings),
  ``<id>/compute/`` (POST: compute the schedule again) and ``<id>/send/`` (POST: e-mail
  every partner its schedule).
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from programmes.core.api import STAFF_ROLES, IsMunicipalStaff, TenantScopedViewSet, django_errors
from programmes.matchmaking import selectors, services
from programmes.matchmaking.models import Meeting, Profile, Session, Tag
from programmes.partners.models import Partner
from programmes.partners.selectors import partner_of_user, partners_visible_to


class ReadForAllWriteForStaff(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user.is_authenticated:
            return False
        return request.method in permissions.SAFE_METHODS or request.user.role in STAFF_ROLES


class ReadForAllWriteForAdmins(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user.is_authenticated:
            return False
        return request.method in permissions.SAFE_METHODS or request.user.role in (
            STAFF_ROLES | {"partner_admin"}
        )


def _save(run: Any) -> Any:
    try:
        return run()
    except DjangoValidationError as error:
        raise django_errors(error) from None


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name", "is_active"]


class TagViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantScopedViewSet,
):
    serializer_class = TagSerializer
    permission_classes = [ReadForAllWriteForStaff]

    def scoped_queryset(self, user: Any) -> QuerySet[Tag]:
        return Tag.objects.order_by("pk")

    def perform_create(self, serializer: TagSerializer) -> None:
        tag = Tag(**serializer.validated_data)
        serializer.instance = _save(lambda: services.tag_save(actor=self.request.user, tag=tag))

    def perform_update(self, serializer: TagSerializer) -> None:
        tag = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(tag, name, value)
        _save(lambda: services.tag_save(actor=self.request.user, tag=tag))


class ProfileSerializer(serializers.ModelSerializer):
    partner = serializers.PrimaryKeyRelatedField(
        queryset=Partner.objects.none(),
        required=False,
        help_text="Required of staff; a partner's admin writes its own partner's profile.",
    )
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    offers = serializers.PrimaryKeyRelatedField(
        queryset=Tag.objects.all(), many=True, required=False
    )
    seeks = serializers.PrimaryKeyRelatedField(
        queryset=Tag.objects.all(), many=True, required=False
    )
    interests = serializers.PrimaryKeyRelatedField(
        queryset=Tag.objects.all(), many=True, required=False
    )
    do_not_match = serializers.PrimaryKeyRelatedField(
        queryset=Partner.objects.all(), many=True, required=False
    )

    class Meta:
        model = Profile
        fields = [
            "id",
            "partner",
            "partner_name",
            "offers",
            "seeks",
            "interests",
            "offers_text",
            "seeks_text",
            "do_not_match",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["partner"].queryset = partners_visible_to(request.user)


class ProfileViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    TenantScopedViewSet,
):
    serializer_class = ProfileSerializer
    permission_classes = [ReadForAllWriteForAdmins]

    def scoped_queryset(self, user: Any) -> QuerySet[Profile]:
        return (
            selectors.profiles_visible_to(user)
            .prefetch_related("offers", "seeks", "interests", "do_not_match")
            .order_by("partner__name", "pk")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Create or replace a partner's profile (one per partner)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        partner = data.pop("partner", None)
        if partner is None:
            if request.user.role in STAFF_ROLES:
                raise ValidationError({"partner": [_("Choose the partner.")]})
            partner = partner_of_user(request.user)
            if partner is None:
                raise ValidationError({"partner": [_("You do not belong to a partner.")]})
        return Response(self._save(partner, data), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Replace the profile (PUT) or the fields given (PATCH)."""
        profile = self.get_object()
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(profile, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        partner = data.pop("partner", None)
        if partner is not None and partner.pk != profile.partner_id:
            raise ValidationError({"partner": [_("A profile cannot move to another partner.")]})
        if partial:
            for name in ("offers", "seeks", "interests", "do_not_match"):
                data.setdefault(name, list(getattr(profile, name).all()))
            for name in ("offers_text", "seeks_text"):
                data.setdefault(name, getattr(profile, name))
        return Response(self._save(profile.partner, data))

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def _save(self, partner: Partner, data: dict[str, Any]) -> dict[str, Any]:
        profile = _save(
            lambda: services.profile_save(
                actor=self.request.user,
                partner=partner,
                offers=data.get("offers", []),
                seeks=data.get("seeks", []),
                interests=data.get("interests", []),
                offers_text=data.get("offers_text", ""),
                seeks_text=data.get("seeks_text", ""),
                do_not_match=data.get("do_not_match", []),
            )
        )
        return self.get_serializer(self.get_queryset().get(pk=profile.pk)).data


class SessionSerializer(serializers.ModelSerializer):
    participants = serializers.PrimaryKeyRelatedField(
        queryset=Partner.objects.all(),
        many=True,
        required=False,
        help_text="The partners taking part; empty: every active partner with a profile.",
    )

    class Meta:
        model = Session
        fields = [
            "id",
            "title",
            "date",
            "starts_at",
            "place",
            "rounds",
            "meeting_minutes",
            "break_minutes",
            "tables",
            "participants",
            "version",
            "computed_at",
        ]
        read_only_fields = ["version", "computed_at"]


class MeetingSerializer(serializers.ModelSerializer):
    partner_a_name = serializers.CharField(source="partner_a.name", read_only=True)
    partner_b_name = serializers.CharField(source="partner_b.name", read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "round",
            "table",
            "partner_a",
            "partner_a_name",
            "partner_b",
            "partner_b_name",
            "score",
            "adjusted_by_hand",
        ]


class SessionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantScopedViewSet,
):
    serializer_class = SessionSerializer
    permission_classes = [IsMunicipalStaff]

    def scoped_queryset(self, user: Any) -> QuerySet[Session]:
        return Session.objects.prefetch_related("participants").order_by("-date", "pk")

    def _write(self, session: Session, data: dict[str, Any]) -> None:
        participants = data.pop("participants", None)
        for name, value in data.items():
            setattr(session, name, value)
        _save(
            lambda: services.session_save(
                actor=self.request.user, session=session, participants=participants
            )
        )

    def perform_create(self, serializer: SessionSerializer) -> None:
        session = Session()
        self._write(session, dict(serializer.validated_data))
        serializer.instance = session

    def perform_update(self, serializer: SessionSerializer) -> None:
        self._write(serializer.instance, dict(serializer.validated_data))

    @extend_schema(responses=MeetingSerializer(many=True))
    @action(detail=True, methods=["get"])
    def schedule(self, request: Request, pk: str | None = None) -> Response:
        """The session's meetings by round and table."""
        session = self.get_object()
        meetings = session.meetings.select_related("partner_a", "partner_b").order_by(
            "round", "table"
        )
        return Response(MeetingSerializer(meetings, many=True).data)

    @extend_schema(request=None, responses=MeetingSerializer(many=True))
    @action(detail=True, methods=["post"])
    def compute(self, request: Request, pk: str | None = None) -> Response:
        """Compute the schedule again, replacing every meeting."""
        session = self.get_object()
        services.schedule_compute(actor=request.user, session=session)
        return self.schedule(request, pk)

    @extend_schema(request=None, responses={202: None})
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str | None = None) -> Response:
        """E-mail each partner its personal schedule with the PDF (by the worker)."""
        session = self.get_object()
        _save(lambda: services.schedule_send_request(actor=request.user, session=session))
        return Response(status=status.HTTP_202_ACCEPTED)


API_ROUTES: list = [
    ("matchmaking-tags", TagViewSet, "api-matchmaking-tag"),
    ("matchmaking-profiles", ProfileViewSet, "api-matchmaking-profile"),
    ("matchmaking-sessions", SessionViewSet, "api-matchmaking-session"),
]
