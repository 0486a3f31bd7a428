"""GET /api/v1/figures/: the dashboard's numbers. Staff get every section; anyone else (the
public, partners) the sections the programme publishes, without per-partner rows.

Not a ``TenantScopedViewSet``: there is no queryset to scope. The figures are aggregates of
the request's tenant (the schema is set by the routing middleware) and what a viewer may see
is decided once, in ``FiguresViewSet.list``.
"""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from programmes.configuration.models import PublicFigure
from programmes.configuration.selectors import programme_current
from programmes.core.api import STAFF_ROLES
from programmes.core.openapi import NOT_FOUND
from programmes.dashboards import selectors
from programmes.dashboards.selectors import TargetGap
from programmes.dashboards.views import EARLIEST_YEAR, LATEST_YEAR


def _tonnes(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=18, decimal_places=3, **kwargs)


def _percent() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=7, decimal_places=1, allow_null=True)


class CategoryCountSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stage, sector or status code; a tier's id.")
    label = serializers.CharField()
    count = serializers.IntegerField()


class PartnersSerializer(serializers.Serializer):
    by_stage = CategoryCountSerializer(many=True, help_text="Every organisation, by stage.")
    by_sector = CategoryCountSerializer(many=True, help_text="Active partners, by sector.")
    by_tier = CategoryCountSerializer(many=True, help_text="Active partners, by tier.")


class YearEmissionsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    accounts = serializers.IntegerField()
    scope1 = _tonnes()
    scope2_location = _tonnes()
    scope2_market = _tonnes(help_text="Of the accounts that report it; not in the total.")
    market_accounts = serializers.IntegerField()
    scope3 = _tonnes()
    total = _tonnes(help_text="Scope 1 + scope 2 location-based + scope 3.")


class ScopesSerializer(serializers.Serializer):
    scope1 = _tonnes()
    scope2_location = _tonnes()
    scope3 = _tonnes()
    total = _tonnes()


class PartnerReductionSerializer(serializers.Serializer):
    partner = serializers.IntegerField(source="partner_id")
    name = serializers.CharField()
    baseline_year = serializers.IntegerField()
    baseline = ScopesSerializer()
    latest_year = serializers.IntegerField()
    latest = ScopesSerializer()
    change = _tonnes(help_text="Tonnes less than in the baseline (negative: more).")
    change_percent = _percent()


class ReductionsSerializer(serializers.Serializer):
    partners_compared = serializers.SerializerMethodField()
    partners_reduced = serializers.IntegerField(source="reduced")
    baseline = ScopesSerializer()
    latest = ScopesSerializer()
    change = _tonnes()
    change_percent = _percent()
    partners = PartnerReductionSerializer(
        many=True, required=False, help_text="Each partner's reduction; staff only."
    )

    def get_partners_compared(self, reductions: selectors.Reductions) -> int:
        return len(reductions.partners)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self.context.get("staff"):
            data.pop("partners", None)
        return data


class ReportingSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    active = serializers.IntegerField()
    reported = serializers.IntegerField()
    share_percent = _percent()


class CertificationSerializer(serializers.Serializer):
    active = serializers.IntegerField()
    valid = serializers.IntegerField()
    expiring = serializers.IntegerField()
    planned = serializers.IntegerField()
    none = serializers.IntegerField()
    covered = serializers.IntegerField(help_text="Valid or expiring.")
    coverage_percent = _percent()
    warning_days = serializers.IntegerField()


class TargetSerializer(serializers.Serializer):
    possible = serializers.BooleanField()
    missing = serializers.ListField(
        child=serializers.ChoiceField(
            choices=[
                TargetGap.NO_TARGET,
                TargetGap.NO_BASELINE_YEAR,
                TargetGap.NO_DATA,
                TargetGap.ZERO_BASELINE,
            ]
        ),
        help_text="Why progress cannot be shown, when it cannot.",
    )
    baseline_year = serializers.IntegerField(allow_null=True)
    target_year = serializers.IntegerField(allow_null=True)
    target_percent = _percent()
    partners = serializers.IntegerField()
    baseline_tonnes = _tonnes()
    latest_tonnes = _tonnes()
    latest_year = serializers.IntegerField(allow_null=True)
    achieved_percent = _percent()
    expected_percent = _percent()
    on_track = serializers.BooleanField(allow_null=True)


class FiguresSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="The year of the reporting share.")
    sections = serializers.ListField(child=serializers.ChoiceField(choices=PublicFigure.choices))
    partners = PartnersSerializer(required=False)
    emissions = YearEmissionsSerializer(many=True, required=False)
    reductions = ReductionsSerializer(required=False)
    reporting = ReportingSerializer(required=False)
    certification = CertificationSerializer(required=False)
    goals = CategoryCountSerializer(many=True, required=False)
    target = TargetSerializer(required=False)


def _section_data(figures: selectors.Figures, code: str) -> Any:
    if code == PublicFigure.PARTNERS:
        return {
            "by_stage": figures.partners_by_stage,
            "by_sector": figures.partners_by_sector,
            "by_tier": figures.partners_by_tier,
        }
    return getattr(figures, code)  # emissions, reductions, reporting… are named alike


class FiguresViewSet(viewsets.ViewSet):
    permission_classes = [permissions.AllowAny]
    answers_one_object = True  # the programme's figures, not a collection

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "year", int, description="Year of the reporting share (default: last year)."
            )
        ],
        responses={200: FiguresSerializer, 404: NOT_FOUND},
    )
    def list(self, request: Request) -> Response:
        """The programme's figures: staff every section, others the published ones (404
        when the programme publishes none)."""
        programme = programme_current()
        staff = bool(request.user.is_authenticated and request.user.role in STAFF_ROLES)
        codes = list(PublicFigure.values) if staff else selectors.public_sections(programme)
        if not codes:
            raise NotFound
        raw = request.query_params.get("year", "")
        year = int(raw) if raw.isdigit() and EARLIEST_YEAR <= int(raw) <= LATEST_YEAR else None
        figures = selectors.figures(year, programme=programme)
        data = {"year": figures.year, "sections": codes}
        data |= {code: _section_data(figures, code) for code in codes}
        return Response(FiguresSerializer(data, context={"staff": staff}).data)
