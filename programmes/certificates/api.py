"""Certificates: staff read and write every partner's, a partner's admin its own, a partner's
members read their own. The document goes up as multipart (``document``) and comes down
through the permission-checked ``document_url``; each certificate carries its status, and
``compliance/`` tells how partners stand with the programme's certification rules."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from programmes.certificates import selectors, services
from programmes.certificates.models import Certificate, CertificateStatus
from programmes.core.api import STAFF_ROLES, TenantScopedViewSet, django_errors
from programmes.core.i18n import translated
from programmes.partners.models import Partner, Stage
from programmes.partners.selectors import partner_of_user, partners_visible_to

WRITERS = STAFF_ROLES | {"partner_admin"}


class CanWriteCertificates(permissions.BasePermission):
    """Reading for everyone signed in (the queryset decides what they see); writing for
    staff and partner admins."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user.is_authenticated:
            return False
        return request.method in permissions.SAFE_METHODS or request.user.role in WRITERS


class CertificateSerializer(serializers.ModelSerializer):
    partner = serializers.PrimaryKeyRelatedField(
        queryset=Partner.objects.none(),
        required=False,
        help_text="Required of staff; a partner's admin writes its own partner's certificates. "
        "Cannot change once the certificate exists.",
    )
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    scheme_name = serializers.CharField(source="scheme.name", read_only=True)
    status = serializers.SerializerMethodField()
    document = serializers.FileField(
        write_only=True,
        required=False,
        help_text="PDF, PNG or JPEG, at most 10 MB, checked by its content; replaces the "
        "stored document.",
    )
    remove_document = serializers.BooleanField(
        write_only=True, required=False, default=False, help_text="Remove the stored document."
    )
    has_document = serializers.SerializerMethodField()
    document_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "partner",
            "partner_name",
            "scheme",
            "scheme_name",
            "planned",
            "planned_by",
            "number",
            "issued_on",
            "expires_on",
            "issuing_body",
            "status",
            "document",
            "remove_document",
            "has_document",
            "document_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "partner" in self.fields:
            self.fields["partner"].queryset = partners_visible_to(request.user)

    @extend_schema_field(serializers.ChoiceField(choices=CertificateStatus.choices))
    def get_status(self, certificate: Certificate) -> str:
        return certificate.status_on(self.context["today"], self.context["warning_days"])

    def get_has_document(self, certificate: Certificate) -> bool:
        return bool(certificate.document)

    def get_document_url(self, certificate: Certificate) -> str | None:
        if not certificate.document:
            return None
        path = reverse("certificate-document", args=[certificate.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class RuleComplianceSerializer(serializers.Serializer):
    rule = serializers.IntegerField(source="rule.pk")
    description = serializers.SerializerMethodField()
    schemes = serializers.ListField(child=serializers.IntegerField(), source="rule.scheme_ids")
    scheme_names = serializers.ListField(child=serializers.CharField(), source="rule.scheme_names")
    within_months = serializers.IntegerField(source="rule.within_months")
    plan_counts = serializers.BooleanField(source="rule.plan_counts")
    state = serializers.ChoiceField(
        choices=[("met", "met"), ("due", "due"), ("overdue", "overdue")],
        help_text="met; due (by due_on, or within_months of signing when not signed yet); "
        "overdue (due_on has passed).",
    )
    due_on = serializers.DateField(allow_null=True)
    met_by = serializers.IntegerField(source="met_by.pk", allow_null=True, default=None)

    def get_description(self, row: selectors.RuleCompliance) -> str:
        return translated(row.rule.description)


class PartnerComplianceSerializer(serializers.Serializer):
    partner = serializers.IntegerField(source="partner.pk")
    partner_name = serializers.CharField(source="partner.name")
    all_met = serializers.BooleanField()
    rules = RuleComplianceSerializer(many=True, source="compliance")


@extend_schema(
    parameters=[
        OpenApiParameter("partner", int, description="Only this partner's certificates."),
        OpenApiParameter("status", str, enum=CertificateStatus.values),
    ]
)
class CertificateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    TenantScopedViewSet,
):
    serializer_class = CertificateSerializer
    permission_classes = [CanWriteCertificates]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.today = timezone.localdate()
        self._warning_days: int | None = None

    @property
    def warning_days(self) -> int:
        if self._warning_days is None:
            self._warning_days = selectors.programme_warning_days()
        return self._warning_days

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if hasattr(self, "today"):
            context |= {"today": self.today, "warning_days": self.warning_days}
        return context

    def scoped_queryset(self, user: Any) -> QuerySet[Certificate]:
        rows = selectors.certificates_visible_to(user)
        if self.action == "list":
            params = self.request.query_params
            if params.get("partner", "").isdigit():
                rows = rows.filter(partner_id=int(params["partner"]))
            if params.get("status") in CertificateStatus.values:
                rows = rows.filter(
                    selectors.status_q(
                        params["status"], today=self.today, warning_days=self.warning_days
                    )
                )
        return rows.order_by("partner__name", "scheme__name", "planned", "-expires_on", "pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Add a certificate (multipart with ``document``, or JSON without)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        partner = data.pop("partner", None)
        if partner is None:
            if request.user.role in STAFF_ROLES:
                raise ValidationError({"partner": [_("Choose the partner.")]})
            partner = partner_of_user(request.user)
            if partner is None:
                raise ValidationError({"partner": [_("You do not belong to a partner.")]})
        certificate = self._save(Certificate(partner=partner), data)
        return Response(self._read(certificate), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Edit a certificate (PUT: every field; PATCH: the fields given)."""
        certificate = self.get_object()
        serializer = self.get_serializer(
            certificate, data=request.data, partial=kwargs.pop("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        partner = data.pop("partner", None)
        if partner is not None and partner.pk != certificate.partner_id:
            raise ValidationError({"partner": [_("A certificate cannot move to another partner.")]})
        return Response(self._read(self._save(certificate, data)))

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def perform_destroy(self, instance: Certificate) -> None:
        services.certificate_delete(actor=self.request.user, certificate=instance)

    def _save(self, certificate: Certificate, data: dict[str, Any]) -> Certificate:
        document = data.pop("document", None)
        remove_document = data.pop("remove_document", False)
        for name, value in data.items():
            setattr(certificate, name, value)
        try:
            return services.certificate_save(
                actor=self.request.user,
                certificate=certificate,
                document=document,
                remove_document=remove_document,
            )
        except DjangoValidationError as error:
            raise django_errors(error) from None

    def _read(self, certificate: Certificate) -> dict[str, Any]:
        return self.get_serializer(self.get_queryset().get(pk=certificate.pk)).data

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "partner", int, description="Staff: only this partner (default: every active)."
            )
        ],
        responses=PartnerComplianceSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def compliance(self, request: Request) -> Response:
        """How partners stand with each certification rule of their tier: a partner's
        people see their own partner; staff every active partner, or ``?partner=``."""
        partners = partners_visible_to(request.user).only("pk", "name", "tier_id", "joined_on")
        partner_id = request.query_params.get("partner", "")
        if partner_id.isdigit():
            partners = partners.filter(pk=int(partner_id))
        elif request.user.role in STAFF_ROLES:
            partners = partners.filter(stage=Stage.ACTIVE)
        page = self.paginate_queryset(partners.order_by("name", "pk"))
        rows = list(page if page is not None else partners)
        standing = selectors.compliance_by_partner(
            rows, today=self.today, warning_days=self.warning_days
        )
        data = PartnerComplianceSerializer(
            [
                selectors.PartnerCertificates(
                    partner=partner,
                    certificates=[],
                    compliance=standing[partner.pk],
                    warning_days=self.warning_days,
                )
                for partner in rows
            ],
            many=True,
        ).data
        return self.get_paginated_response(data) if page is not None else Response(data)
