"""Support grants in the operator API (platform host): list, ask for one, end one."""

from typing import Any, NoReturn

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.api import IsOperator
from tenants.selectors import tenant_by_slug
from tenants.support import selectors, services
from tenants.support.models import DEFAULT_MINUTES, MAX_MINUTES, MIN_MINUTES, SupportGrant


class SupportGrantSerializer(serializers.ModelSerializer):
    tenant = serializers.SlugRelatedField(read_only=True, slug_field="schema_name")
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = SupportGrant
        fields = [
            "id",
            "tenant",
            "operator_label",
            "reason",
            "created_at",
            "expires_at",
            "is_open",
            "ended_at",
            "ended_by",
            "end_reason",
            "entered_at",
        ]
        read_only_fields = fields


class SupportGrantCreateSerializer(serializers.Serializer):
    tenant = serializers.SlugField(help_text="The tenant's slug.")
    reason = serializers.CharField(max_length=1000)
    minutes = serializers.IntegerField(
        min_value=MIN_MINUTES, max_value=MAX_MINUTES, default=DEFAULT_MINUTES
    )


class SupportGrantEndSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


def _raise_api_error(error: DjangoValidationError) -> NoReturn:
    detail = error.message_dict if hasattr(error, "error_dict") else error.messages
    raise ValidationError(detail) from None


class SupportGrantViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Time-limited support access of operators to tenants. Entering a tenant's site is done
    in the browser (the console's "Open the tenant"), not through the API."""

    permission_classes = [IsOperator]
    serializer_class = SupportGrantSerializer

    def get_queryset(self) -> QuerySet[SupportGrant]:
        if getattr(self, "swagger_fake_view", False):
            return SupportGrant.objects.none()  # the schema generator
        slug = self.request.query_params.get("tenant") if self.action == "list" else None
        if slug:
            tenant = tenant_by_slug(slug)
            if tenant is None:
                return SupportGrant.objects.none()
            return selectors.support_grants_for_console(tenant=tenant)
        return selectors.support_grants_for_console()

    @extend_schema(
        parameters=[OpenApiParameter("tenant", str, description="Only this tenant's grants.")]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=SupportGrantCreateSerializer, responses={201: SupportGrantSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = SupportGrantCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        tenant = tenant_by_slug(data["tenant"])
        if tenant is None:
            raise ValidationError({"tenant": [_("No such tenant.")]})
        try:
            grant = services.support_grant_open(
                actor=request.user, tenant=tenant, reason=data["reason"], minutes=data["minutes"]
            )
        except DjangoValidationError as error:
            _raise_api_error(error)
        return Response(SupportGrantSerializer(grant).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SupportGrantEndSerializer, responses=SupportGrantSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        """End an open grant now (its support sessions on the tenant's site end too)."""
        grant = self.get_object()
        serializer = SupportGrantEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            grant = services.support_grant_end(
                actor=request.user, grant=grant, reason=serializer.validated_data["reason"]
            )
        except DjangoValidationError as error:
            _raise_api_error(error)
        return Response(SupportGrantSerializer(grant).data)
