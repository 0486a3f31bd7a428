"""The programme configuration API: public reads (for the municipality's website and
integrators), writes for municipal admins, every write through the services."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from programmes.configuration import services
from programmes.configuration.fees import fee_quote
from programmes.configuration.models import (
    AWARD_CATEGORY_FIELDS,
    FEE_SCHEDULE_FIELDS,
    PROGRAMME_PROFILE_FIELDS,
    AssessmentQuestion,
    AwardCategory,
    CertificationRule,
    CertificationScheme,
    ContactPerson,
    FeeBand,
    FeeSchedule,
    Obligation,
    PrivacyStatement,
    Programme,
    ScoringCriterion,
    SigningRound,
    Tier,
    WheelActivity,
)
from programmes.core.api import STAFF_ROLES, TenantScopedViewSetMixin, django_errors
from programmes.core.i18n import TranslatedField, translated


class ReadPublicWriteAdmin(permissions.BasePermission):
    """Anyone reads the configuration; only the tenant's municipal admins change it."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user.is_authenticated and request.user.role == "municipal_admin")


class TranslatedJSONField(serializers.JSONField):
    """A {language: text} mapping."""


class ConfigurationSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        TranslatedField: TranslatedJSONField,
    }


class ConfigurationViewSet(
    TenantScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """CRUD over one configuration model; saves go through ``configuration_save``."""

    permission_classes = [ReadPublicWriteAdmin]
    model: type[models.Model]
    related: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()

    def scoped_queryset(self, user: Any) -> QuerySet:
        rows = self.model.objects.prefetch_related(*self.prefetch)
        return rows.select_related(*self.related) if self.related else rows

    def save(self, instance: models.Model, m2m: dict[str, Any]) -> models.Model:
        return services.configuration_save(actor=self.request.user, instance=instance, m2m=m2m)

    def _write(self, serializer: serializers.ModelSerializer) -> None:
        data = dict(serializer.validated_data)
        m2m = {
            name: data.pop(name)
            for name in list(data)
            if isinstance(serializer.fields[name], serializers.ManyRelatedField)
        }
        instance = serializer.instance or self.model()
        for name, value in data.items():
            setattr(instance, name, value)
        try:
            serializer.instance = self.save(instance, m2m)
        except DjangoValidationError as error:
            raise django_errors(error) from None

    def perform_create(self, serializer: serializers.ModelSerializer) -> None:
        self._write(serializer)

    def perform_update(self, serializer: serializers.ModelSerializer) -> None:
        self._write(serializer)

    def perform_destroy(self, instance: models.Model) -> None:
        try:
            services.configuration_delete(actor=self.request.user, instance=instance)
        except DjangoValidationError as error:
            raise django_errors(error) from None


def _serializer(model_class: type[models.Model], field_names: list[str]) -> type:
    meta = type("Meta", (), {"model": model_class, "fields": ["id", *field_names]})
    return type(f"{model_class.__name__}Serializer", (ConfigurationSerializer,), {"Meta": meta})


ContactPersonSerializer = _serializer(ContactPerson, ["name", "title", "email", "phone", "order"])
TierSerializer = _serializer(Tier, ["name", "description", "fee_schedule", "order"])
CertificationSchemeSerializer = _serializer(CertificationScheme, ["name", "website", "is_active"])
CertificationRuleSerializer = _serializer(
    CertificationRule, ["description", "schemes", "within_months", "plan_counts", "tiers"]
)
ObligationSerializer = _serializer(Obligation, ["kind", "text", "tiers", "order"])
SigningRoundSerializer = _serializer(
    SigningRound,
    [
        "title",
        "starts_at",
        "place",
        "capacity",
        "signatory_name",
        "signatory_title",
        "booking_open",
    ],
)
AssessmentQuestionSerializer = _serializer(
    AssessmentQuestion, ["theme", "text", "answer_type", "unit", "suggestion", "order"]
)
WheelActivitySerializer = _serializer(WheelActivity, ["title", "description", "kind", "month"])


class ContactPersonViewSet(ConfigurationViewSet):
    model, serializer_class = ContactPerson, ContactPersonSerializer


class TierViewSet(ConfigurationViewSet):
    model, serializer_class, related = Tier, TierSerializer, ("fee_schedule",)


class CertificationSchemeViewSet(ConfigurationViewSet):
    model, serializer_class = CertificationScheme, CertificationSchemeSerializer


class CertificationRuleViewSet(ConfigurationViewSet):
    model, serializer_class = CertificationRule, CertificationRuleSerializer
    prefetch = ("schemes", "tiers")


class ObligationViewSet(ConfigurationViewSet):
    model, serializer_class, prefetch = Obligation, ObligationSerializer, ("tiers",)


class SigningRoundViewSet(ConfigurationViewSet):
    model, serializer_class = SigningRound, SigningRoundSerializer

    def save(self, instance: models.Model, m2m: dict[str, Any]) -> models.Model:
        return services.signing_round_save(actor=self.request.user, signing_round=instance)


class AssessmentQuestionViewSet(ConfigurationViewSet):
    model, serializer_class = AssessmentQuestion, AssessmentQuestionSerializer


class WheelActivityViewSet(ConfigurationViewSet):
    model, serializer_class = WheelActivity, WheelActivitySerializer


# --- Nested: fee schedules with bands, awards with criteria ------------------------------


class FeeBandSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeeBand
        fields = ["min_size", "max_size", "amount"]


class FeeScheduleSerializer(ConfigurationSerializer):
    bands = FeeBandSerializer(many=True, required=False)

    class Meta:
        model = FeeSchedule
        fields = ["id", *FEE_SCHEDULE_FIELDS, "bands"]


class FeeQuoteRequestSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    joined_on = serializers.DateField(required=False)
    size = serializers.IntegerField(min_value=0, required=False)
    inhabitants = serializers.IntegerField(min_value=0, required=False)


class FeeQuoteSerializer(serializers.Serializer):
    annual_fee = serializers.DecimalField(max_digits=12, decimal_places=2)
    joining_fee = serializers.DecimalField(max_digits=12, decimal_places=2)
    vat = serializers.DecimalField(max_digits=12, decimal_places=2)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    full_annual_fee = serializers.DecimalField(max_digits=12, decimal_places=2)


class FeeScheduleViewSet(ConfigurationViewSet):
    model, serializer_class, prefetch = FeeSchedule, FeeScheduleSerializer, ("bands",)

    def _write(self, serializer: serializers.ModelSerializer) -> None:
        data = dict(serializer.validated_data)
        bands = data.pop("bands", [])
        schedule = serializer.instance or FeeSchedule()
        for name, value in data.items():
            setattr(schedule, name, value)
        try:
            serializer.instance = services.fee_schedule_save(
                actor=self.request.user, schedule=schedule, bands=bands
            )
        except DjangoValidationError as error:
            raise django_errors(error) from None

    @extend_schema(parameters=[FeeQuoteRequestSerializer], responses=FeeQuoteSerializer)
    @action(detail=True, methods=["get"])
    def quote(self, request: Request, pk: str | None = None) -> Response:
        """What a partner would pay in a year under this schedule."""
        params = FeeQuoteRequestSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        try:
            quote = fee_quote(self.get_object(), **params.validated_data)
        except DjangoValidationError as error:
            raise django_errors(error) from None
        return Response(FeeQuoteSerializer(quote).data)


class ScoringCriterionSerializer(ConfigurationSerializer):
    class Meta:
        model = ScoringCriterion
        fields = ["name", "weight"]


class AwardCategorySerializer(ConfigurationSerializer):
    criteria = ScoringCriterionSerializer(many=True)

    class Meta:
        model = AwardCategory
        fields = ["id", *AWARD_CATEGORY_FIELDS, "criteria"]


class AwardCategoryViewSet(ConfigurationViewSet):
    model, serializer_class = AwardCategory, AwardCategorySerializer
    prefetch = ("criteria", "jurors")

    def get_serializer(self, *args: Any, **kwargs: Any) -> serializers.BaseSerializer:
        serializer = super().get_serializer(*args, **kwargs)
        user = self.request.user
        if not (user.is_authenticated and user.role in STAFF_ROLES):
            # Who sits on the jury is the programme's business, not the public's.
            serializer_fields = getattr(serializer, "child", serializer).fields
            serializer_fields.pop("jurors", None)
        return serializer

    def _write(self, serializer: serializers.ModelSerializer) -> None:
        data = dict(serializer.validated_data)
        criteria = data.pop("criteria", [])
        jurors = data.pop("jurors", None)
        category = serializer.instance or AwardCategory()
        for name, value in data.items():
            setattr(category, name, value)
        try:
            serializer.instance = services.award_category_save(
                actor=self.request.user,
                category=category,
                criteria=criteria,
                jurors=jurors
                if jurors is not None
                else (category.jurors.all() if category.pk else []),
            )
        except DjangoValidationError as error:
            raise django_errors(error) from None


class PrivacyStatementSerializer(ConfigurationSerializer):
    class Meta:
        model = PrivacyStatement
        fields = ["id", "version", "text", "published_at"]
        read_only_fields = ["version", "published_at"]


class PrivacyStatementViewSet(
    TenantScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Versions of the privacy statement: the public sees published versions; admins also
    drafts, which they create, edit and publish."""

    serializer_class = PrivacyStatementSerializer
    permission_classes = [ReadPublicWriteAdmin]

    def scoped_queryset(self, user: Any) -> QuerySet[PrivacyStatement]:
        if user.is_authenticated and user.role in STAFF_ROLES:
            return PrivacyStatement.objects.all()
        return PrivacyStatement.objects.filter(published_at__isnull=False)

    def perform_create(self, serializer: serializers.ModelSerializer) -> None:
        try:
            serializer.instance = services.privacy_statement_draft(
                actor=self.request.user, text=serializer.validated_data["text"]
            )
        except DjangoValidationError as error:
            raise django_errors(error) from None

    def perform_update(self, serializer: serializers.ModelSerializer) -> None:
        try:
            serializer.instance = services.privacy_statement_update(
                actor=self.request.user,
                statement=serializer.instance,
                text=serializer.validated_data.get("text", serializer.instance.text),
            )
        except DjangoValidationError as error:
            raise django_errors(error) from None

    @extend_schema(request=None, responses=PrivacyStatementSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        try:
            statement = services.privacy_statement_publish(
                actor=request.user, statement=self.get_object()
            )
        except DjangoValidationError as error:
            raise django_errors(error) from None
        return Response(PrivacyStatementSerializer(statement).data)


# --- The programme profile ----------------------------------------------------------------


class ProgrammeSerializer(ConfigurationSerializer):
    name_text = serializers.SerializerMethodField(
        help_text="The name in the request's language, with the tenant's fallback."
    )
    symbol = serializers.SerializerMethodField()
    guidelines = serializers.SerializerMethodField()

    class Meta:
        model = Programme
        fields = [
            "id",
            "name_text",
            *PROGRAMME_PROFILE_FIELDS,
            "symbol",
            "guidelines",
            "updated_at",
        ]
        read_only_fields = ["id", "name_text", "symbol", "guidelines", "updated_at"]

    def get_name_text(self, programme: Programme) -> str:
        return translated(programme.name)

    def get_symbol(self, programme: Programme) -> str | None:
        return "/programme/symbol/" if programme.symbol else None

    def get_guidelines(self, programme: Programme) -> str | None:
        return "/programme/guidelines/" if programme.guidelines else None


class ProgrammeViewSet(
    TenantScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The programme profile (one per tenant); public, for the municipality's website."""

    serializer_class = ProgrammeSerializer
    permission_classes = [ReadPublicWriteAdmin]

    def scoped_queryset(self, user: Any) -> QuerySet[Programme]:
        return Programme.objects.all()

    def perform_update(self, serializer: serializers.ModelSerializer) -> None:
        programme = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(programme, name, value)
        try:
            services.programme_update(actor=self.request.user, programme=programme)
        except DjangoValidationError as error:
            raise django_errors(error) from None
