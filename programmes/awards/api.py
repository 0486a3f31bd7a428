"""Awards API. ``award-winners``: the announced winners, public. ``award-rounds``: staff
read and run every round (open, start-scoring, close, announce); jury members read the
rounds they judge. ``award-nominations``: staff all (and decide eligibility), a partner's
people their partner's and their own, jury members the eligible nominations they judge;
anyone signed in may nominate as the award allows. ``award-scores``: a juror's own scores,
and after they submitted every submitted score of the round; staff the submitted scores of
closed rounds. Registered by saas/urls_tenant.py from ``API_ROUTES``."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from programmes.awards import selectors, services
from programmes.awards.models import AwardRound, Nomination, Score
from programmes.configuration.models import AwardCategory
from programmes.core.api import TenantScopedReadOnlyViewSet, TenantScopedViewSet, django_errors
from programmes.core.i18n import translated
from programmes.partners.models import Partner

STATUS_HELP = "open (nominations), scoring (the jury scores), closed (scores final), announced."


def _call(service: Any, **kwargs: Any) -> Any:
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        raise django_errors(error) from None


# --- Winners (public) ----------------------------------------------------------------------


class AwardWinnerSerializer(serializers.ModelSerializer):
    round = serializers.IntegerField(source="pk", read_only=True)
    award = serializers.IntegerField(source="category_id", read_only=True)
    award_name = serializers.SerializerMethodField()
    prize = serializers.SerializerMethodField()
    period = serializers.SerializerMethodField()
    winner = serializers.CharField(source="winner.nominee_name", read_only=True)
    winner_partner = serializers.IntegerField(
        source="winner.nominee_id", read_only=True, allow_null=True
    )

    class Meta:
        model = AwardRound
        fields = [
            "id",
            "round",
            "award",
            "award_name",
            "prize",
            "year",
            "month",
            "period",
            "winner",
            "winner_partner",
            "announced_at",
        ]

    def get_award_name(self, award_round: AwardRound) -> str:
        return translated(award_round.category.name)

    def get_prize(self, award_round: AwardRound) -> str:
        return translated(award_round.category.prize_text)

    def get_period(self, award_round: AwardRound) -> str:
        return award_round.period_label()


class AwardWinnerViewSet(TenantScopedReadOnlyViewSet):
    """Announced winners, newest first; public."""

    serializer_class = AwardWinnerSerializer
    permission_classes = [permissions.AllowAny]

    def scoped_queryset(self, user: Any) -> QuerySet[AwardRound]:
        return selectors.announced_rounds()


# --- Rounds --------------------------------------------------------------------------------


class RoundCriterionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()
    weight = serializers.IntegerField()

    def get_name(self, criterion: Any) -> str:
        return translated(criterion.name)


class AwardRoundSerializer(serializers.ModelSerializer):
    category = serializers.PrimaryKeyRelatedField(queryset=AwardCategory.objects.all())
    award_name = serializers.SerializerMethodField()
    period = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True, help_text=STATUS_HELP)
    criteria = RoundCriterionSerializer(many=True, read_only=True)
    winner = serializers.PrimaryKeyRelatedField(read_only=True)
    nomination_opens = serializers.DateField(
        required=False,
        help_text="Default: the award's window in the year (a monthly round: the month).",
    )
    nomination_closes = serializers.DateField(required=False)

    class Meta:
        model = AwardRound
        fields = [
            "id",
            "category",
            "award_name",
            "year",
            "month",
            "period",
            "nomination_opens",
            "nomination_closes",
            "status",
            "criteria",
            "winner",
            "winner_reason",
            "scoring_started_at",
            "closed_at",
            "announced_at",
        ]
        read_only_fields = ["winner_reason", "scoring_started_at", "closed_at", "announced_at"]
        validators: list[Any] = []  # the service checks one round per period

    def get_award_name(self, award_round: AwardRound) -> str:
        return translated(award_round.category.name)

    def get_period(self, award_round: AwardRound) -> str:
        return award_round.period_label()


class AnnounceSerializer(serializers.Serializer):
    winner = serializers.IntegerField(
        required=False, allow_null=True, help_text="Default: the highest weighted total."
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Required when the winner is not the single highest weighted total.",
    )


class IsStaffOrReadOnly(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user.is_authenticated:
            return False
        return request.method in permissions.SAFE_METHODS or selectors.is_staff(request.user)


class AwardRoundViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantScopedViewSet
):
    serializer_class = AwardRoundSerializer
    permission_classes = [IsStaffOrReadOnly]

    def scoped_queryset(self, user: Any) -> QuerySet[AwardRound]:
        rows = (
            selectors.rounds_for_staff()
            if selectors.is_staff(user)
            else selectors.rounds_for_juror(user)
        )
        return rows.prefetch_related("criteria")

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = serializer.validated_data
        serializer.instance = _call(
            services.round_open,
            actor=self.request.user,
            category=data["category"],
            year=data["year"],
            month=data.get("month"),
            nomination_opens=data.get("nomination_opens"),
            nomination_closes=data.get("nomination_closes"),
        )

    def _respond(self, award_round: AwardRound) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=award_round.pk)).data)

    @extend_schema(request=None, responses=AwardRoundSerializer)
    @action(detail=True, methods=["post"], url_path="start-scoring")
    def start_scoring(self, request: Request, pk: str | None = None) -> Response:
        """End the nominations; the jury scores."""
        award_round = self.get_object()
        return self._respond(
            _call(services.round_start_scoring, actor=request.user, award_round=award_round)
        )

    @extend_schema(request=None, responses=AwardRoundSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """Close the scoring."""
        award_round = self.get_object()
        return self._respond(
            _call(services.round_close, actor=request.user, award_round=award_round)
        )

    @extend_schema(request=AnnounceSerializer, responses=AwardRoundSerializer)
    @action(detail=True, methods=["post"])
    def announce(self, request: Request, pk: str | None = None) -> Response:
        """Announce the winner of a closed round."""
        award_round = self.get_object()
        body = AnnounceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        winner = None
        if body.validated_data.get("winner") is not None:
            winner = award_round.nominations.filter(pk=body.validated_data["winner"]).first()
            if winner is None:
                raise serializers.ValidationError(
                    {"winner": [_("Choose an eligible nomination of this round.")]}
                )
        return self._respond(
            _call(
                services.round_announce,
                actor=request.user,
                award_round=award_round,
                winner=winner,
                reason=body.validated_data.get("reason", ""),
            )
        )


# --- Nominations ---------------------------------------------------------------------------


class NominationSerializer(serializers.ModelSerializer):
    round = serializers.PrimaryKeyRelatedField(queryset=AwardRound.objects.all())
    nominee = serializers.PrimaryKeyRelatedField(queryset=Partner.objects.all(), allow_null=True)
    nominee_name = serializers.CharField(read_only=True)
    nominated_by = serializers.PrimaryKeyRelatedField(read_only=True)
    nominator_name = serializers.CharField(read_only=True)
    nominator_email = serializers.CharField(read_only=True)

    class Meta:
        model = Nomination
        fields = [
            "id",
            "round",
            "nominee",
            "nominee_name",
            "justification",
            "nominator_kind",
            "nominated_by",
            "nominator_name",
            "nominator_email",
            "eligible",
            "ineligible_reason",
            "created_at",
        ]
        read_only_fields = ["nominator_kind", "eligible", "ineligible_reason", "created_at"]
        validators: list[Any] = []

    def to_representation(self, instance: Nomination) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        viewer = getattr(request, "user", None)
        if not selectors.is_staff(viewer):
            # Who nominated is for staff (and the nominators themselves) only.
            if getattr(viewer, "pk", None) != instance.nominated_by_id:
                data["nominated_by"] = None
            data["nominator_name"] = data["nominator_email"] = ""
        return data


class EligibilitySerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    reason = serializers.CharField()


@extend_schema(parameters=[OpenApiParameter("round", int, description="Only this round.")])
class NominationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantScopedViewSet
):
    serializer_class = NominationSerializer

    def scoped_queryset(self, user: Any) -> QuerySet[Nomination]:
        rows = selectors.nominations_visible_to(user)
        round_id = self.request.query_params.get("round", "")
        if self.action == "list" and round_id.isdigit():
            rows = rows.filter(round_id=int(round_id))
        return rows.order_by("-round__year", "round_id", "nominee_name", "pk")

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        """Nominate (signed in: staff or a partner's people, as the award allows)."""
        data = serializer.validated_data
        serializer.instance = _call(
            services.nomination_create,
            actor=self.request.user,
            award_round=AwardRound.objects.select_related("category").get(pk=data["round"].pk),
            nominee=data.get("nominee"),
            justification=data.get("justification", ""),
        )

    @extend_schema(request=EligibilitySerializer, responses=NominationSerializer)
    @action(detail=True, methods=["post"])
    def eligibility(self, request: Request, pk: str | None = None) -> Response:
        """Staff decide whether the nomination is eligible, with a reason."""
        nomination = self.get_object()
        body = EligibilitySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _call(
            services.nomination_eligibility_decide,
            actor=request.user,
            nomination=nomination,
            eligible=body.validated_data["eligible"],
            reason=body.validated_data["reason"],
        )
        nomination.refresh_from_db()
        return Response(self.get_serializer(nomination).data)


# --- Scores --------------------------------------------------------------------------------


class ScoreSerializer(serializers.ModelSerializer):
    round = serializers.IntegerField(source="nomination.round_id", read_only=True)
    juror_name = serializers.SerializerMethodField()
    value = serializers.IntegerField(
        min_value=0, max_value=10, allow_null=True, help_text="0–10; null removes the score."
    )

    class Meta:
        model = Score
        fields = ["id", "round", "nomination", "criterion", "juror", "juror_name", "value"]
        read_only_fields = ["juror"]
        validators: list[Any] = []

    def get_juror_name(self, score: Score) -> str:
        return str(score.juror) if score.juror else ""


class SubmitSerializer(serializers.Serializer):
    round = serializers.IntegerField()


@extend_schema(parameters=[OpenApiParameter("round", int, description="Only this round.")])
class ScoreViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, TenantScopedViewSet):
    serializer_class = ScoreSerializer

    def scoped_queryset(self, user: Any) -> QuerySet[Score]:
        rows = selectors.scores_visible_to(user)
        round_id = self.request.query_params.get("round", "")
        if round_id.isdigit():
            rows = rows.filter(nomination__round_id=int(round_id))
        return rows.order_by("nomination_id", "criterion_id", "juror_id", "pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Save one of your scores (a juror, while the round is scored and before you
        submit)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        nomination, criterion = data["nomination"], data["criterion"]
        award_round = (
            selectors.rounds_for_juror(request.user).filter(pk=nomination.round_id).first()
        )
        if award_round is None or criterion.round_id != nomination.round_id:
            raise serializers.ValidationError(
                {"nomination": [_("Score only the eligible nominations of a round you judge.")]}
            )
        _call(
            services.scores_save,
            actor=request.user,
            award_round=award_round,
            values={(nomination.pk, criterion.pk): data["value"]},
        )
        score = (
            self.get_queryset()
            .filter(nomination=nomination, criterion=criterion, juror=request.user)
            .first()
        )
        if score is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(self.get_serializer(score).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SubmitSerializer, responses={204: None})
    @action(detail=False, methods=["post"])
    def submit(self, request: Request) -> Response:
        """Submit your scores for a round (final); you then see the other submitted scores."""
        body = SubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        award_round = (
            selectors.rounds_for_juror(request.user).filter(pk=body.validated_data["round"]).first()
        )
        if award_round is None:
            raise serializers.ValidationError({"round": [_("This is not a round you judge.")]})
        _call(services.scores_submit, actor=request.user, award_round=award_round)
        return Response(status=status.HTTP_204_NO_CONTENT)


API_ROUTES: list[tuple[str, Any, str]] = [
    ("award-winners", AwardWinnerViewSet, "api-award-winner"),
    ("award-rounds", AwardRoundViewSet, "api-award-round"),
    ("award-nominations", NominationViewSet, "api-award-nomination"),
    ("award-scores", ScoreViewSet, "api-award-score"),
]
