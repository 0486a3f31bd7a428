"""The operator API on the platform host: list and onboard tenants."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from programmes.configuration.presets import preset_names
from tenants import selectors, services
from tenants.models import Country, Kind, Language, Tenant


class IsOperator(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user.is_authenticated and request.user.is_operator)


class TenantSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(read_only=True)
    domains = serializers.SlugRelatedField(many=True, read_only=True, slug_field="domain")

    class Meta:
        model = Tenant
        fields = [
            "slug",
            "name",
            "kind",
            "country",
            "primary_language",
            "other_languages",
            "currency",
            "locale",
            "time_zone",
            "status",
            "ready",
            "domains",
            "created_at",
        ]
        read_only_fields = fields


class OnboardingSerializer(serializers.Serializer):
    slug = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.MUNICIPALITY)
    country = serializers.ChoiceField(choices=Country.choices)
    language = serializers.ChoiceField(choices=Language.choices)
    other_languages = serializers.ListField(
        child=serializers.ChoiceField(choices=Language.choices), required=False, default=list
    )
    preset = serializers.ChoiceField(choices=(), default=services.DEFAULT_PRESET)
    admin_email = serializers.EmailField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preset"].choices = preset_names()


class TenantViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Tenants of the platform. POST onboards one (same service as `onboard_tenant`)."""

    permission_classes = [IsOperator]
    lookup_field = "schema_name"
    lookup_url_kwarg = "slug"

    def get_queryset(self) -> QuerySet[Tenant]:
        return selectors.tenants_for_console()

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return OnboardingSerializer if self.action == "create" else TenantSerializer

    @extend_schema(request=OnboardingSerializer, responses={201: TenantSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = OnboardingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            tenant = services.tenant_onboard(
                actor=request.user,
                request=services.OnboardingRequest(**serializer.validated_data),
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        return Response(TenantSerializer(tenant).data, status=status.HTTP_201_CREATED)


router = DefaultRouter()
router.register("tenants", TenantViewSet, basename="tenant")
