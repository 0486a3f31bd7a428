"""Partners and their journey: staff see all partners, a partner's people only their own."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from programmes.actions.models import ProgrammeAction
from programmes.configuration.models import SigningRound
from programmes.core.api import IsMunicipalStaff, PDFRenderer, TenantScopedViewSet, django_errors
from programmes.core.i18n import translated
from programmes.partners import import_api, selectors, services
from programmes.partners.document_views import commitment_response
from programmes.partners.journey import TRANSITIONS, allowed_actions
from programmes.partners.models import (
    GOAL_FIELDS,
    EndReason,
    Goal,
    GoalComment,
    GoalStatus,
    Partner,
    StageChange,
)


class PartnerSerializer(serializers.ModelSerializer):
    next_steps = serializers.SerializerMethodField()

    class Meta:
        model = Partner
        fields = [
            "id",
            "name",
            "business_id",
            "kind",
            "sector",
            "employees",
            "inhabitants",
            "street",
            "postcode",
            "city",
            "website",
            "description",
            "tier",
            "language",
            "stage",
            "stage_changed_at",
            "joined_on",
            "privacy_statement",
            "unresponsive",
            "ended_at",
            "end_reason",
            "next_steps",
        ]
        read_only_fields = fields

    def get_next_steps(self, partner: Partner) -> list[str]:
        return allowed_actions(actor=self.context["request"].user, partner=partner)


class StageChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = StageChange
        fields = ["from_stage", "to_stage", "actor_label", "reason", "created_at"]


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(TRANSITIONS))
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    end_reason = serializers.ChoiceField(choices=EndReason.choices, required=False)
    signing_round = serializers.PrimaryKeyRelatedField(
        queryset=SigningRound.objects.all(),
        required=False,
        help_text="The signing round to book (action book).",
    )


class PartnerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    serializer_class = PartnerSerializer

    def scoped_queryset(self, user: Any) -> QuerySet[Partner]:
        return selectors.partners_visible_to(user).order_by("name")

    @extend_schema(**import_api.IMPORT_SCHEMA)
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        permission_classes=[IsMunicipalStaff],
        parser_classes=[MultiPartParser],
    )
    def import_partners(self, request: Request) -> Response:
        """Import partners (with their main contact and goals) from CSV or XLSX: ``file``,
        optional ``goals_file``, ``dry_run=true`` to preview. Nothing is written when any
        row is bad; the 400 lists every problem by row and column."""
        return import_api.import_partners(request)

    @extend_schema(request=TransitionSerializer, responses=PartnerSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """Take a step of the journey (assess, propose_goals, request_changes, approve, book,
        cancel_booking, sign, leave, terminate)."""
        partner = self.get_object()
        step = TransitionSerializer(data=request.data)
        step.is_valid(raise_exception=True)
        data = step.validated_data
        try:
            partner = services.journey_step(
                actor=request.user,
                partner=partner,
                action=data["action"],
                reason=data["reason"],
                end_reason=data.get("end_reason", ""),
                signing_round=data.get("signing_round"),
            )
        except DjangoValidationError as error:
            raise django_errors(error) from None
        return Response(self.get_serializer(partner).data)

    @extend_schema(responses=StageChangeSerializer(many=True))
    @action(detail=True, methods=["get"])
    def timeline(self, request: Request, pk: str | None = None) -> Response:
        partner = self.get_object()
        return Response(StageChangeSerializer(partner.stage_changes.all(), many=True).data)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PDFRenderer])
    def commitment(self, request: Request, pk: str | None = None) -> FileResponse:
        """The commitment PDF, from the approval of the goals on (404 before): the copy
        stored at signing once signed, before that the document as it stands."""
        return commitment_response(self.get_object())


class GoalCommentSerializer(serializers.ModelSerializer):
    class Meta:
        model = GoalComment
        fields = ["id", "text", "created_at"]
        read_only_fields = ["id", "created_at"]


class GoalSerializer(serializers.ModelSerializer):
    comments = GoalCommentSerializer(many=True, read_only=True)
    action = serializers.PrimaryKeyRelatedField(
        queryset=ProgrammeAction.objects.all(),
        allow_null=True,
        required=False,
        help_text="The programme's climate action the goal is based on (an active one; "
        "see /api/v1/actions/), or null.",
    )
    action_title = serializers.SerializerMethodField()

    class Meta:
        model = Goal
        fields = [
            "id",
            "partner",
            "action",
            "action_title",
            *GOAL_FIELDS,
            "status",
            "comments",
        ]
        read_only_fields = ["id", "partner", "status", "comments"]

    def get_action_title(self, goal: Goal) -> str:
        return translated(goal.action.title) if goal.action_id else ""


@extend_schema(
    parameters=[
        OpenApiParameter("partner", int, description="Only this partner's goals."),
        OpenApiParameter("status", str, enum=GoalStatus.values),
    ]
)
class GoalViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantScopedViewSet,
):
    """Goals: staff see all partners' goals, comment on them and approve goals active
    partners propose with their follow-up; a partner's admin adds and edits its own goals
    until they are proposed (the journey step ``propose_goals`` sends them)."""

    serializer_class = GoalSerializer

    def scoped_queryset(self, user: Any) -> QuerySet[Goal]:
        rows = Goal.objects.filter(partner__in=selectors.partners_visible_to(user))
        if self.action == "list":
            params = self.request.query_params
            if params.get("partner", "").isdigit():
                rows = rows.filter(partner_id=int(params["partner"]))
            if params.get("status") in GoalStatus.values:
                rows = rows.filter(status=params["status"])
        return (
            rows.select_related("action")
            .prefetch_related("comments")
            .order_by("partner_id", "target_date", "pk")
        )

    def _save(self, serializer: serializers.BaseSerializer, goal: Goal) -> None:
        if self.request.user.role != "partner_admin":
            raise PermissionDenied
        for field, value in serializer.validated_data.items():
            setattr(goal, field, value)
        try:
            serializer.instance = services.goal_save(actor=self.request.user, goal=goal)
        except DjangoValidationError as error:
            raise django_errors(error) from None

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        partner = selectors.partner_of_user(self.request.user)
        if partner is None:
            raise PermissionDenied
        self._save(serializer, Goal(partner=partner))

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        self._save(serializer, serializer.instance)

    @extend_schema(request=GoalCommentSerializer, responses=GoalCommentSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsMunicipalStaff])
    def comment(self, request: Request, pk: str | None = None) -> Response:
        goal = self.get_object()
        try:
            comment = services.goal_comment(
                actor=request.user, goal=goal, text=str(request.data.get("text", ""))
            )
        except DjangoValidationError as error:
            raise django_errors(error) from None
        return Response(GoalCommentSerializer(comment).data, status=201)

    @extend_schema(request=None, responses=GoalSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsMunicipalStaff])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Approve a goal an active partner proposed (goals of new partners are approved
        together by the journey step ``approve``)."""
        from programmes.followups.services import follow_up_goal_approve

        try:
            goal = follow_up_goal_approve(actor=request.user, goal=self.get_object())
        except DjangoValidationError as error:
            raise django_errors(error) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=goal.pk)).data)
