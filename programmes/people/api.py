from typing import Any

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from programmes.core.api import IsMunicipalAdmin, TenantScopedViewSet
from programmes.people import selectors, services
from programmes.people.models import TENANT_ROLES, Invitation, User


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenView(APIView):
    """Exchange this tenant's e-mail and password for an API token of this tenant.

    Tokens live in the tenant's schema: they authenticate on this tenant's host only.
    """

    permission_classes = [permissions.AllowAny]
    throttle_scope = "token"

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer})
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            email=serializer.validated_data["email"],
            password=serializer.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise ValidationError({"non_field_errors": [_("E-mail or password is wrong.")]})
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "role", "language", "is_active"]
        read_only_fields = fields


class InvitationSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=[(role.value, role.label) for role in TENANT_ROLES])
    language = serializers.ChoiceField(
        choices=["da", "sv", "fi", "nb", "en"], required=False, write_only=True
    )

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "language",
            "created_at",
            "expires_at",
            "sent_at",
            "accepted_at",
        ]
        read_only_fields = ["id", "created_at", "expires_at", "sent_at", "accepted_at"]


class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """People of this programme: staff see everyone, others only themselves."""

    serializer_class = PersonSerializer

    def scoped_queryset(self, user: User) -> QuerySet[User]:
        return selectors.people_visible_to(user)

    @extend_schema(responses=PersonSerializer)
    @action(detail=False, methods=["get"])
    def me(self, request: Request) -> Response:
        return Response(PersonSerializer(request.user).data)


class InvitationViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, TenantScopedViewSet):
    """Invitations to this programme; municipal admins only."""

    serializer_class = InvitationSerializer
    permission_classes = [IsMunicipalAdmin]

    def scoped_queryset(self, user: User) -> QuerySet[Invitation]:
        return selectors.invitations_visible_to(user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            invitation = services.invitation_create(actor=request.user, **serializer.validated_data)
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        return Response(self.get_serializer(invitation).data, status=status.HTTP_201_CREATED)
