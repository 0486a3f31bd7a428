"""Privacy API: ``me/data/`` (the caller's own data, any signed-in person of the tenant),
``privacy/retention/`` and ``privacy/erasures/`` (municipal admins). Not querysets of a
model, so plain APIViews; each acts on the caller or the whole tenant, nothing by id."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from programmes.configuration.selectors import programme_current
from programmes.core.api import IsMunicipalAdmin, django_errors
from programmes.privacy import selectors, services
from programmes.privacy.models import MONTHS_MAX, MONTHS_MIN, PERIOD_FIELDS


class PrivacyStatementAcceptedSerializer(serializers.Serializer):
    accepted_version = serializers.IntegerField(
        allow_null=True, help_text="The version the person's partner accepted at signing."
    )
    accepted_by_partner = serializers.CharField(allow_null=True)
    accepted_on = serializers.DateField(allow_null=True)
    version_in_force = serializers.IntegerField(allow_null=True)


class ExportedPersonSerializer(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField()


class PersonalDataSerializer(serializers.Serializer):
    format = serializers.CharField(help_text=f"Always ``{selectors.FORMAT}``.")
    exported_at = serializers.DateTimeField()
    person = ExportedPersonSerializer()
    privacy_statement = PrivacyStatementAcceptedSerializer()
    data = serializers.DictField(
        child=serializers.ListField(child=serializers.DictField()),
        help_text="One key per model holding personal data (``app.model``), each a list of "
        "rows: ISO 8601 dates, files as ``{name, download}`` (``download`` is a path on this "
        "host the person may open, or null). Secrets are never included.",
    )


class PersonalDataView(APIView):
    """Everything this tenant holds of the caller, machine-readable (GDPR art. 15 and 20).
    Each call is recorded in the audit log."""

    @extend_schema(responses=PersonalDataSerializer)
    def get(self, request: Request) -> Response:
        return Response(services.personal_data_export(actor=request.user))


class RetentionPolicySerializer(serializers.Serializer):
    applications_months = serializers.IntegerField(min_value=MONTHS_MIN, max_value=MONTHS_MAX)
    invitations_months = serializers.IntegerField(min_value=MONTHS_MIN, max_value=MONTHS_MAX)
    registrations_months = serializers.IntegerField(min_value=MONTHS_MIN, max_value=MONTHS_MAX)
    sent_mail_months = serializers.IntegerField(min_value=MONTHS_MIN, max_value=MONTHS_MAX)
    audit_client_months = serializers.IntegerField(min_value=MONTHS_MIN, max_value=MONTHS_MAX)
    ended_partner_years = serializers.IntegerField(
        read_only=True,
        help_text="Years an ended partner's data is kept: the programme's "
        "``retention_years`` (changed with the programme's settings).",
    )


def _policy_data() -> dict[str, Any]:
    policy = selectors.retention_policy()
    programme = programme_current()
    data = {name: getattr(policy, name) for name in PERIOD_FIELDS}
    data["ended_partner_years"] = programme.retention_years if programme else None
    return data


class RetentionPolicyView(APIView):
    """The tenant's retention periods, applied daily by the worker. Municipal admins."""

    permission_classes = [IsMunicipalAdmin]

    @extend_schema(responses=RetentionPolicySerializer)
    def get(self, request: Request) -> Response:
        return Response(_policy_data())

    @extend_schema(request=RetentionPolicySerializer, responses=RetentionPolicySerializer)
    def put(self, request: Request) -> Response:
        serializer = RetentionPolicySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.retention_policy_save(actor=request.user, **serializer.validated_data)
        except DjangoValidationError as error:
            raise django_errors(error) from error
        except DjangoPermissionDenied as error:
            raise PermissionDenied from error
        return Response(_policy_data())


class ErasureRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(help_text="The person's address in this tenant.")
    reason = serializers.CharField(max_length=services.REASON_MAX)


class ErasureSerializer(serializers.Serializer):
    changed = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Rows deleted or changed per model (``app.model``).",
    )


class ErasureView(APIView):
    """Erase a partner's contact person, found by e-mail address (GDPR art. 17): rows
    deleted or anonymised per the registry, sessions deleted, audit entries pseudonymised.
    Municipal admins. Irreversible."""

    permission_classes = [IsMunicipalAdmin]

    @extend_schema(
        request=ErasureRequestSerializer,
        responses={
            201: ErasureSerializer,
            400: OpenApiResponse(
                description="A bad address or reason, nobody with this address, or a "
                "municipal staff account."
            ),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = ErasureRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            changed = services.person_erase(actor=request.user, **serializer.validated_data)
        except DjangoValidationError as error:
            raise django_errors(error) from error
        except DjangoPermissionDenied as error:
            raise PermissionDenied from error
        return Response({"changed": changed}, status=status.HTTP_201_CREATED)
