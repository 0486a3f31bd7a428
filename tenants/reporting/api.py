"""The platform figures for operators: GET /api/v1/platform-figures/ (from the rollup)."""

from dataclasses import asdict
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.api import IsOperator
from tenants.reporting import selectors


class PlatformTotalsSerializer(serializers.Serializer):
    tenants = serializers.IntegerField()
    tenants_by_status = serializers.DictField(child=serializers.IntegerField())
    active_tenants = serializers.IntegerField(help_text="Tenants active in the last 30 days.")
    partners_active = serializers.IntegerField()
    partners_in_progress = serializers.IntegerField(help_text="Applicants up to booked.")
    partners_ended = serializers.IntegerField()
    partners_total = serializers.IntegerField()
    people = serializers.IntegerField()
    emissions_tonnes = serializers.DecimalField(
        max_digits=20, decimal_places=3, help_text="Reported t CO2e of `year`."
    )
    emissions_partners = serializers.IntegerField()
    not_refreshed = serializers.IntegerField(help_text="Tenants without figures yet.")


class PlatformCountryTotalsSerializer(PlatformTotalsSerializer):
    country = serializers.CharField()


class PlatformFiguresSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="The latest complete year (emissions).")
    oldest_refresh = serializers.DateTimeField(allow_null=True)
    total = PlatformTotalsSerializer()
    by_country = PlatformCountryTotalsSerializer(many=True)


class PlatformFiguresViewSet(viewsets.ViewSet):
    """Totals across all tenants and per country, read from the hourly rollup."""

    permission_classes = [IsOperator]
    answers_one_object = True  # the platform's totals, not a collection

    @extend_schema(responses=PlatformFiguresSerializer)
    def list(self, request: Request) -> Response:
        figures = selectors.platform_figures()
        data: dict[str, Any] = {
            "year": figures.year,
            "oldest_refresh": figures.oldest_refresh,
            "total": asdict(figures.total),
            "by_country": [
                {"country": code, **asdict(country)} for code, country in figures.by_country.items()
            ],
        }
        return Response(PlatformFiguresSerializer(data).data)


API_ROUTES = [("platform-figures", PlatformFiguresViewSet, "platform-figures")]
