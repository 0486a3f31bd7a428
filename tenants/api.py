"""The operator API on the platform host: list and onboard tenants, change their languages,
web addresses and branding."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from programmes.configuration.presets import preset_names
from tenants import selectors, services
from tenants.forms import CONSOLE_SEARCH_MAX
from tenants.models import Country, Kind, Language, Onboarding, Status, Tenant


class IsOperator(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user.is_authenticated and request.user.is_operator)


class OnboardingProgressSerializer(serializers.ModelSerializer):
    """How far a tenant's onboarding has come (``ready``: done; ``failed``: see ``error``)."""

    class Meta:
        model = Onboarding
        fields = [
            "step",
            "attempts",
            "requested_at",
            "started_at",
            "finished_at",
            "schema_method",
            "schema_seconds",
            "error",
        ]
        read_only_fields = fields


class TenantSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(read_only=True)
    domains = serializers.SlugRelatedField(many=True, read_only=True, slug_field="domain")
    # Null for tenants made before onboarding was recorded.
    onboarding = serializers.SerializerMethodField()

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
            "brand_colour",
            "sender_name",
            "reply_to",
            "has_logo",
            "onboarding",
        ]
        read_only_fields = fields

    has_logo = serializers.SerializerMethodField()

    @extend_schema_field(OnboardingProgressSerializer(allow_null=True))
    def get_onboarding(self, tenant: Tenant) -> dict[str, Any] | None:
        onboarding = getattr(tenant, "onboarding", None)
        return OnboardingProgressSerializer(onboarding).data if onboarding else None

    def get_has_logo(self, tenant: Tenant) -> bool:
        return bool(tenant.brand_logo)


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


class TenantStatusChangeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


LANGUAGE_FIELDS = ("primary_language", "other_languages")
BRANDING_FIELDS = ("brand_colour", "sender_name", "reply_to")


class TenantSettingsSerializer(serializers.Serializer):
    """A tenant's languages and branding (the logo is uploaded in the console); fields left
    out keep their value. tenants/services.py checks them."""

    primary_language = serializers.ChoiceField(choices=Language.choices, required=False)
    other_languages = serializers.ListField(
        child=serializers.ChoiceField(choices=Language.choices), required=False
    )
    brand_colour = serializers.CharField(max_length=7, required=False, allow_blank=True)
    sender_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    reply_to = serializers.CharField(max_length=254, required=False, allow_blank=True)


class TenantDomainSerializer(serializers.Serializer):
    domain = serializers.CharField(max_length=253)


class OnboardingRefusalSerializer(serializers.Serializer):
    step = serializers.ListField(child=serializers.CharField())


class DomainRefusalSerializer(serializers.Serializer):
    domain = serializers.ListField(child=serializers.CharField())


class TenantFilterSerializer(serializers.Serializer):
    """The list's query parameters, as the console's search and filters."""

    search = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=CONSOLE_SEARCH_MAX,
        help_text="Part of the name or the slug (any case).",
    )
    country = serializers.ChoiceField(choices=Country.choices, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)


class TenantViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Tenants of the platform. POST requests one (as the console does) and answers 202 at
    once: the worker provisions it; poll the tenant until `onboarding.step` is `ready` (or
    `failed`, then `retry-onboarding`)."""

    permission_classes = [IsOperator]
    lookup_field = "schema_name"
    lookup_url_kwarg = "slug"

    def get_queryset(self) -> QuerySet[Tenant]:
        tenants = selectors.tenants_for_console()
        if self.action != "list":
            return tenants
        filters = TenantFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.tenants_filtered(
            tenants,
            search=filters.validated_data.get("search", ""),
            country=filters.validated_data.get("country", ""),
            status=filters.validated_data.get("status", ""),
        )

    @extend_schema(
        parameters=[TenantFilterSerializer],
        responses={
            200: TenantSerializer(many=True),
            400: OpenApiResponse(
                description="An unknown country or status, or a search over 100 characters."
            ),
        },
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return OnboardingSerializer if self.action == "create" else TenantSerializer

    @extend_schema(request=OnboardingSerializer, responses={202: TenantSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = OnboardingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            tenant = services.tenant_onboard_in_background(
                actor=request.user,
                request=services.OnboardingRequest(**serializer.validated_data),
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        return Response(
            TenantSerializer(self._fresh(tenant)).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": reverse("tenant-detail", kwargs={"slug": tenant.slug})},
        )

    @extend_schema(
        request=None,
        responses={
            202: TenantSerializer,
            400: OpenApiResponse(
                response=OnboardingRefusalSerializer,
                description="The tenant's onboarding has not failed (or was never recorded).",
            ),
        },
    )
    @action(detail=True, methods=["post"], url_path="retry-onboarding")
    def retry_onboarding(self, request: Request, slug: str | None = None) -> Response:
        """Queue a failed onboarding again (after its cause is fixed)."""
        tenant = self.get_object()
        try:
            services.tenant_onboarding_retry(actor=request.user, tenant=tenant)
        except (DjangoValidationError, Onboarding.DoesNotExist) as error:
            messages = getattr(error, "message_dict", {"step": [_("Nothing to try again.")]})
            raise ValidationError(messages) from None
        return Response(TenantSerializer(self._fresh(tenant)).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=TenantStatusChangeSerializer, responses=TenantSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request: Request, slug: str | None = None) -> Response:
        """Stop serving the tenant (its hosts show a notice; nothing is deleted)."""
        return self._change_status(request, services.tenant_suspend)

    @extend_schema(request=TenantStatusChangeSerializer, responses=TenantSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request: Request, slug: str | None = None) -> Response:
        """Serve a suspended tenant again."""
        return self._change_status(request, services.tenant_reactivate)

    @extend_schema(request=TenantSettingsSerializer, responses=TenantSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change the tenant's languages and branding (both or nothing)."""
        tenant = self.get_object()
        serializer = TenantSettingsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            with transaction.atomic():
                if data.keys() & set(LANGUAGE_FIELDS):
                    tenant = services.tenant_languages_update(
                        actor=request.user,
                        tenant=tenant,
                        primary=data.get("primary_language", tenant.primary_language),
                        others=data.get("other_languages", tenant.other_languages),
                    )
                if data.keys() & set(BRANDING_FIELDS):
                    tenant = services.tenant_branding_update(
                        actor=request.user,
                        tenant=tenant,
                        **{name: data.get(name, getattr(tenant, name)) for name in BRANDING_FIELDS},
                    )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        # The services forgot the cached routing inside this transaction: once more after it.
        selectors.forget_tenant_hosts(tenant)
        return Response(TenantSerializer(self._fresh(tenant)).data)

    @extend_schema(request=TenantDomainSerializer, responses={201: TenantSerializer})
    @action(detail=True, methods=["post"], url_path="domains")
    def domains(self, request: Request, slug: str | None = None) -> Response:
        """Route another host name to the tenant."""
        tenant = self.get_object()
        serializer = TenantDomainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.tenant_domain_add(
                actor=request.user, tenant=tenant, domain=serializer.validated_data["domain"]
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        return Response(TenantSerializer(self._fresh(tenant)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={
            200: TenantSerializer,
            400: OpenApiResponse(
                response=DomainRefusalSerializer,
                description="Not an address of this tenant, or its own platform address.",
            ),
        },
    )
    @action(detail=True, methods=["delete"], url_path=r"domains/(?P<domain>[a-zA-Z0-9.-]+)")
    def domain_remove(
        self, request: Request, slug: str | None = None, domain: str = ""
    ) -> Response:
        """Stop routing a host name to the tenant (never its own <slug>.<platform domain>)."""
        tenant = self.get_object()
        try:
            services.tenant_domain_remove(actor=request.user, tenant=tenant, domain=domain)
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        return Response(TenantSerializer(self._fresh(tenant)).data)

    def _fresh(self, tenant: Tenant) -> Tenant:
        return self.get_queryset().get(pk=tenant.pk)

    def _change_status(self, request: Request, service: Any) -> Response:
        tenant = self.get_object()
        serializer = TenantStatusChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            tenant = service(
                actor=request.user, tenant=tenant, reason=serializer.validated_data["reason"]
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        return Response(TenantSerializer(tenant).data)


router = DefaultRouter()
router.register("tenants", TenantViewSet, basename="tenant")
