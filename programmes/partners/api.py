"""Partners and their journey: staff see all partners, a partner's people only their own."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from programmes.configuration.api import django_errors
from programmes.configuration.models import SigningRound
from programmes.core.api import TenantScopedViewSet
from programmes.partners import selectors, services
from programmes.partners.journey import TRANSITIONS, allowed_actions
from programmes.partners.models import EndReason, Partner, StageChange


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
