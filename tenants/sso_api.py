"""The operator API for a tenant's single sign-on: GET and PUT /api/v1/tenant-sso/<slug>/.
The client secret is write-only (a blank or missing one keeps the stored secret)."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from tenants import selectors, sso
from tenants.api import IsOperator
from tenants.models import Tenant


class SsoSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=sso.NAME_MAX)
    server_url = serializers.CharField(max_length=500)
    client_id = serializers.CharField(max_length=sso.CLIENT_ID_MAX)
    client_secret = serializers.CharField(
        max_length=sso.CLIENT_ID_MAX,
        write_only=True,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        style={"input_type": "password"},
    )
    has_secret = serializers.BooleanField(read_only=True)
    allowed_domains = serializers.ListField(child=serializers.CharField(max_length=253))
    enabled = serializers.BooleanField()
    login_path = serializers.CharField(read_only=True)


class TenantSsoViewSet(viewsets.ViewSet):
    """A tenant's OpenID Connect identity provider for its municipal staff (404 until set)."""

    permission_classes = [IsOperator]
    lookup_field = "slug"
    lookup_value_regex = "[a-z0-9]+"
    serializer_class = SsoSerializer

    def _tenant(self, slug: str) -> Tenant:
        tenant = selectors.tenant_by_slug(slug)
        if tenant is None:
            raise Http404
        return tenant

    @extend_schema(responses=SsoSerializer)
    def retrieve(self, request: Request, slug: str) -> Response:
        current = sso.tenant_sso_settings(self._tenant(slug))
        if current is None:
            raise Http404
        return Response(SsoSerializer(current).data)

    @extend_schema(request=SsoSerializer, responses=SsoSerializer)
    def update(self, request: Request, slug: str, **kwargs: Any) -> Response:
        tenant = self._tenant(slug)
        serializer = SsoSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            saved = sso.tenant_sso_configure(
                actor=request.user, tenant=tenant, **serializer.validated_data
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        return Response(SsoSerializer(saved).data)
