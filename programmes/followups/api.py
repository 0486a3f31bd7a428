"""Annual follow-ups: staff see all and open a year's; a partner's admin answers its own."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from programmes.core.api import IsMunicipalAdmin, TenantScopedViewSet, django_errors
from programmes.followups import selectors, services
from programmes.followups.models import FollowUp, FollowUpStatus, GoalProgress, ProgressStatus
from programmes.partners.models import GOAL_FIELDS, Goal


class GoalProgressSerializer(serializers.ModelSerializer):
    class Meta:
        model = GoalProgress
        fields = [
            "goal",
            "status",
            "value_reached",
            "comment",
            "revised_target_value",
            "revised_target_date",
        ]
        read_only_fields = fields


class FollowUpSerializer(serializers.ModelSerializer):
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    progress = GoalProgressSerializer(many=True, read_only=True)

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "partner",
            "partner_name",
            "year",
            "status",
            "opened_at",
            "due_on",
            "reminders_sent",
            "last_reminded_at",
            "submitted_at",
            "support_needed",
            "progress",
        ]
        read_only_fields = fields


class ProgressAnswerSerializer(serializers.Serializer):
    goal = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ProgressStatus.choices)
    value_reached = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    revised_target_value = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    revised_target_date = serializers.DateField(required=False, allow_null=True)


class NewGoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Goal
        fields = GOAL_FIELDS


class FollowUpAnswerSerializer(serializers.Serializer):
    progress = ProgressAnswerSerializer(many=True)
    support_needed = serializers.CharField(required=False, allow_blank=True, default="")
    new_goals = NewGoalSerializer(many=True, required=False, default=list)


class OpenYearSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)


@extend_schema(
    parameters=[
        OpenApiParameter("year", int, description="Only this year's follow-ups."),
        OpenApiParameter("status", str, enum=FollowUpStatus.values),
    ]
)
class FollowUpViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    serializer_class = FollowUpSerializer

    def scoped_queryset(self, user: Any) -> QuerySet[FollowUp]:
        rows = selectors.follow_ups_visible_to(user).prefetch_related("progress")
        if self.action == "list":
            params = self.request.query_params
            if params.get("year", "").isdigit():
                rows = rows.filter(year=int(params["year"]))
            if params.get("status") in FollowUpStatus.values:
                rows = rows.filter(status=params["status"])
        return rows.order_by("-year", "partner__name", "pk")

    @extend_schema(request=FollowUpAnswerSerializer, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """The partner's admin answers the follow-up: progress for every running goal,
        optional new goals (proposed for approval) and the support it needs."""
        follow_up = self.get_object()
        if request.user.role != "partner_admin":
            raise PermissionDenied
        answer = FollowUpAnswerSerializer(data=request.data)
        answer.is_valid(raise_exception=True)
        data = answer.validated_data
        try:
            follow_up = services.followup_submit(
                actor=request.user,
                follow_up=follow_up,
                answers=[
                    services.ProgressAnswer(
                        goal_id=row["goal"],
                        status=row["status"],
                        value_reached=row.get("value_reached"),
                        comment=row["comment"],
                        revised_target_value=row.get("revised_target_value"),
                        revised_target_date=row.get("revised_target_date"),
                    )
                    for row in data["progress"]
                ],
                support_needed=data["support_needed"],
                new_goals=[Goal(**goal) for goal in data["new_goals"]],
            )
        except DjangoValidationError as error:
            raise django_errors(error) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=follow_up.pk)).data)

    @extend_schema(request=OpenYearSerializer, responses=FollowUpSerializer(many=True))
    @action(detail=False, methods=["post"], permission_classes=[IsMunicipalAdmin])
    def open(self, request: Request) -> Response:
        """Open the year's follow-up for every active partner that has none (the worker
        does this in the month the annual wheel names)."""
        year = OpenYearSerializer(data=request.data)
        year.is_valid(raise_exception=True)
        opened = services.followups_open(actor=request.user, year=year.validated_data["year"])
        rows = self.get_queryset().filter(pk__in=[follow_up.pk for follow_up in opened])
        return Response(self.get_serializer(rows, many=True).data, status=201)
