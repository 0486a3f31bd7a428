from typing import Any

from allauth.mfa import signals as mfa_signals
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.models import Authenticator
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from programmes.core.api import IsMunicipalAdmin, TenantScopedViewSet, django_errors
from programmes.people import selectors, services
from programmes.people.mfa import requires_mfa
from programmes.people.models import TENANT_ROLES, Invitation, User


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text=(
            "The current code of the person's authenticator app, or one of their recovery "
            "codes. Required for operators and municipal staff (who must have set up "
            "two-factor authentication in the browser first) and for anyone who has set it up."
        ),
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()


class TokenView(APIView):
    """Exchange this tenant's e-mail and password (and two-factor code) for an API token of
    this tenant.

    Tokens live in the tenant's schema: they authenticate on this tenant's host only. A person
    with two-factor authentication also sends ``code``: the current code of their
    authenticator app or an unused recovery code (security keys work in the browser only).
    Municipal staff must have set up two-factor authentication before they can have a token.
    """

    permission_classes = [permissions.AllowAny]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(
                description="Wrong e-mail or password, or a missing or wrong two-factor code."
            ),
            403: OpenApiResponse(
                TokenErrorSerializer,
                description="Two-factor authentication is required for this role and is not "
                "set up yet (code ``mfa_setup_required``).",
            ),
        },
    )
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
        self._check_second_factor(user, serializer.validated_data.get("code", "").strip())
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    def _check_second_factor(self, user: User, code: str) -> None:
        """allauth.mfa's own check (the form of its login stage: TOTP or an unused recovery
        code, rate limited, failures signalled), without touching a browser session."""
        has_factor = Authenticator.objects.filter(user_id=user.pk).exists()
        if not has_factor:
            if requires_mfa(user):
                raise PermissionDenied(
                    detail=_(
                        "Your role requires two-factor authentication. Set it up in the "
                        "browser (your account's two-factor authentication page) before "
                        "asking for an API token."
                    ),
                    code="mfa_setup_required",
                )
            return
        if not code:
            raise ValidationError(
                {
                    "code": [
                        _(
                            "Send the current code of your authenticator app or one of your "
                            "recovery codes."
                        )
                    ]
                },
                code="mfa_required",
            )
        form = AuthenticateForm(user=user, data={"code": code})
        if not form.is_valid():
            raise ValidationError({"code": form.errors.get("code", [_("Incorrect code.")])})
        form.authenticator.record_usage()
        mfa_signals.authenticator_used.send(
            sender=Authenticator,
            request=self.request._request,
            user=user,
            authenticator=form.authenticator,
            reauthenticated=False,
            passwordless=False,
        )


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "role", "language", "is_active"]
        read_only_fields = fields


class AccessChangeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="Why, for the audit log.")


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

    @extend_schema(request=AccessChangeSerializer, responses=PersonSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsMunicipalAdmin])
    def deactivate(self, request: Request, pk: str | None = None) -> Response:
        """Take away the person's access: sign-in refused, sessions ended, API tokens
        deleted (municipal admins; not their own account)."""
        return self._change_access(request, services.user_deactivate)

    @extend_schema(request=AccessChangeSerializer, responses=PersonSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsMunicipalAdmin])
    def reactivate(self, request: Request, pk: str | None = None) -> Response:
        """Give a deactivated person their access back (municipal admins)."""
        return self._change_access(request, services.user_reactivate)

    def _change_access(self, request: Request, service: Any) -> Response:
        person = self.get_object()
        serializer = AccessChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            person = service(
                actor=request.user, user=person, reason=serializer.validated_data["reason"]
            )
        except DjangoValidationError as error:
            raise django_errors(error) from None
        return Response(PersonSerializer(person).data)


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
