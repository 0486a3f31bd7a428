"""Climate accounts: staff read and write every partner's, a partner's admin its own, a
partner's members read their own. Scope 3 and activities are nested in the account."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from programmes.climate import importing, selectors, services
from programmes.climate.models import (
    ACCOUNT_FIELDS,
    TONNES,
    ActivityKind,
    ActivityUnit,
    ClimateAccount,
    Scope3Category,
)
from programmes.core.api import STAFF_ROLES, TenantScopedViewSet, django_errors
from programmes.partners.models import Partner
from programmes.partners.selectors import partner_of_user, partners_visible_to

WRITERS = STAFF_ROLES | {"partner_admin"}


class CanWriteClimateAccounts(permissions.BasePermission):
    """Reading for everyone signed in (the queryset decides what they see); writing for
    staff and partner admins."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user.is_authenticated:
            return False
        return request.method in permissions.SAFE_METHODS or request.user.role in WRITERS


class Scope3Serializer(serializers.Serializer):
    category = serializers.ChoiceField(
        choices=Scope3Category.choices, help_text="GHG Protocol scope 3 category, 1 to 15."
    )
    tonnes = serializers.DecimalField(
        max_digits=TONNES["max_digits"], decimal_places=TONNES["decimal_places"], min_value=0
    )


class ActivitySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    quantity = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)
    unit = serializers.ChoiceField(
        choices=ActivityUnit.choices,
        help_text="One suiting the activity: kWh or MWh of electricity, l of diesel, km…",
    )


class ClimateAccountSerializer(serializers.ModelSerializer):
    partner = serializers.PrimaryKeyRelatedField(
        queryset=Partner.objects.none(),
        required=False,
        help_text="Required of staff; a partner's admin writes its own partner's accounts.",
    )
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    scope3 = Scope3Serializer(many=True, required=False)
    activities = ActivitySerializer(many=True, required=False)
    total = serializers.SerializerMethodField(
        help_text="t CO2e: scope 1 + scope 2 (market-based when given, else location-based) "
        "+ scope 3."
    )

    class Meta:
        model = ClimateAccount
        fields = [
            "id",
            "partner",
            "partner_name",
            *ACCOUNT_FIELDS,
            "scope3",
            "activities",
            "total",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        # One account a year and one baseline a partner are the service's to check: it
        # moves the baseline flag rather than refusing a second one.
        validators: list[Any] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["partner"].queryset = partners_visible_to(request.user)

    @extend_schema_field(serializers.DecimalField(max_digits=16, decimal_places=3))
    def get_total(self, account: ClimateAccount) -> str:
        return str(selectors.account_total(account))

    def validate_scope3(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        categories = [row["category"] for row in rows]
        if len(set(categories)) != len(categories):
            raise ValidationError(_("Give each scope 3 category once."))
        return rows

    def to_representation(self, account: ClimateAccount) -> dict[str, Any]:
        data = super().to_representation(account)
        data["scope3"] = Scope3Serializer(account.scope3.all(), many=True).data
        data["activities"] = ActivitySerializer(account.activities.all(), many=True).data
        return data


class ClimateImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV or XLSX, one row per partner and year (staff: with the business id)."
    )
    dry_run = serializers.BooleanField(
        default=False, help_text="Only check the file and show what would be created."
    )


class ImportedClimateAccountSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    partner = serializers.IntegerField()
    partner_name = serializers.CharField()
    business_id = serializers.CharField()
    year = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=16, decimal_places=3)
    is_baseline = serializers.BooleanField()
    scope3_categories = serializers.ListField(child=serializers.IntegerField())
    activities = serializers.IntegerField(help_text="Number of activities.")


class ClimateImportResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    created = serializers.IntegerField(help_text="Accounts created (0 on a dry run).")
    partners = serializers.IntegerField()
    ignored_columns = serializers.ListField(child=serializers.CharField())
    accounts = ImportedClimateAccountSerializer(many=True)


class ClimateImportProblemSerializer(serializers.Serializer):
    sheet = serializers.CharField()
    row = serializers.IntegerField(allow_null=True, help_text="The spreadsheet's row number.")
    column = serializers.CharField(help_text="The column's key, e.g. scope1.")
    label = serializers.CharField(help_text="The column's name in the request's language.")
    message = serializers.CharField(help_text='E.g. "Row 4, scope 1 (t CO2e): …".')


class ClimateImportErrorsSerializer(serializers.Serializer):
    errors = ClimateImportProblemSerializer(many=True)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("partner", int, description="Only this partner's accounts."),
            OpenApiParameter("year", int, description="Only this year's accounts."),
        ]
    )
)
class ClimateAccountViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    TenantScopedViewSet,
):
    """Annual climate accounts in tonnes CO2e: scope 1, scope 2 location- and market-based,
    scope 3 per GHG Protocol category, the method, a baseline flag (marking another year
    moves it) and activity data. Years from 1990 to the current year, one a partner."""

    serializer_class = ClimateAccountSerializer
    permission_classes = [CanWriteClimateAccounts]

    def scoped_queryset(self, user: Any) -> QuerySet[ClimateAccount]:
        rows = selectors.with_details(selectors.accounts_visible_to(user)).select_related("partner")
        if self.action == "list":
            params = self.request.query_params
            if params.get("partner", "").isdigit():
                rows = rows.filter(partner_id=int(params["partner"]))
            if params.get("year", "").isdigit():
                rows = rows.filter(year=int(params["year"]))
        return rows.order_by("partner__name", "partner_id", "year")

    def _save(
        self, data: dict[str, Any], partner: Partner, account: ClimateAccount | None
    ) -> ClimateAccount:
        """The service with the posted values, the account's own for those left out
        (PATCH)."""
        values = {name: data.get(name, getattr(account, name, None)) for name in ACCOUNT_FIELDS}
        values["method_detail"] = values["method_detail"] or ""
        values["notes"] = values["notes"] or ""
        values["is_baseline"] = bool(values["is_baseline"])
        if "scope3" in data or account is None:
            scope3 = {row["category"]: row["tonnes"] for row in data.get("scope3", [])}
        else:
            scope3 = {row.category: row.tonnes for row in account.scope3.all()}
        if "activities" in data or account is None:
            activities = [services.Activity(**row) for row in data.get("activities", [])]
        else:
            activities = [
                services.Activity(kind=row.kind, quantity=row.quantity, unit=row.unit)
                for row in account.activities.all()
            ]
        try:
            saved = services.account_save(
                actor=self.request.user,
                partner=partner,
                account=account,
                scope3=scope3,
                activities=activities,
                **values,
            )
        except DjangoValidationError as error:
            raise django_errors(error) from None
        return self.get_queryset().get(pk=saved.pk)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = serializer.validated_data
        partner = data.get("partner")
        if partner is None:
            if self.request.user.role in STAFF_ROLES:
                raise ValidationError({"partner": [_("Choose the partner.")]})
            partner = partner_of_user(self.request.user)
            if partner is None:
                raise PermissionDenied
        serializer.instance = self._save(data, partner, None)

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        account = serializer.instance
        data = serializer.validated_data
        if data.get("partner", account.partner) != account.partner:
            raise ValidationError({"partner": [_("An account stays with its partner.")]})
        serializer.instance = self._save(data, account.partner, account)

    def perform_destroy(self, instance: ClimateAccount) -> None:
        services.account_delete(actor=self.request.user, account=instance)

    @extend_schema(
        request={"multipart/form-data": ClimateImportRequestSerializer},
        responses={
            200: OpenApiResponse(
                ClimateImportResultSerializer, description="The preview (dry run)."
            ),
            201: OpenApiResponse(
                ClimateImportResultSerializer, description="Everything was imported."
            ),
            400: OpenApiResponse(
                ClimateImportErrorsSerializer, description="Every problem; nothing was imported."
            ),
        },
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_accounts(self, request: Request) -> Response:
        """Import accounts from CSV or XLSX: ``file``, ``dry_run=true`` to preview. Staff
        import many partners' (a business id column names each row's partner); a
        partner's admin its own history. Nothing is written when any row is bad; the 400
        lists every problem by row and column."""
        upload = ClimateImportRequestSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        partner = None
        if request.user.role not in STAFF_ROLES:
            partner = partner_of_user(request.user)
            if partner is None:
                raise PermissionDenied
        try:
            table = importing.read_upload(data["file"])
            plan = importing.accounts_import(
                actor=request.user, table=table, partner=partner, dry_run=data["dry_run"]
            )
        except importing.ImportRefused as refused:
            return Response(
                {"errors": [problem.as_dict() for problem in refused.problems]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        result = ClimateImportResultSerializer(
            {
                "dry_run": data["dry_run"],
                "created": 0 if data["dry_run"] else len(plan.rows),
                "partners": plan.partner_count,
                "ignored_columns": plan.ignored_columns,
                "accounts": [row.as_dict() for row in plan.rows],
            }
        )
        return Response(
            result.data, status=status.HTTP_200_OK if data["dry_run"] else status.HTTP_201_CREATED
        )
