"""Widget API. ``widget/`` (``api-widget``): the public, read-only data the embeddable
widget shows, in one of the tenant's languages (``?lang=``), cached for five minutes.
Cross-origin reads only from the origins the tenant's admin listed (cors.py). Registered by
saas/urls_tenant.py from ``API_ROUTES``."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from programmes.widget import selectors

# The payload is built by selectors.widget_data; these serializers document it.


class WidgetProgrammeSerializer(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.URLField(help_text="The programme's home page.")


class WidgetPartnerSerializer(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.URLField(help_text="The partner's page in the public directory.")
    logo = serializers.URLField(
        allow_null=True, help_text="Only when the partner publishes its logo."
    )


class WidgetWinnerSerializer(serializers.Serializer):
    award = serializers.CharField()
    period = serializers.CharField(help_text="The year, or month and year of a monthly prize.")
    label = serializers.CharField(help_text="Award and period as the language writes them.")
    year = serializers.IntegerField()
    partner = serializers.CharField()
    url = serializers.URLField()


class WidgetTextsSerializer(serializers.Serializer):
    heading = serializers.CharField()
    count = serializers.CharField(help_text="The number of partners, as a sentence.")
    partners = serializers.CharField()
    winners = serializers.CharField()
    no_partners = serializers.CharField()
    all_partners = serializers.CharField()


class WidgetDataSerializer(serializers.Serializer):
    language = serializers.CharField()
    programme = WidgetProgrammeSerializer()
    directory_url = serializers.URLField()
    partner_count = serializers.IntegerField()
    partners = WidgetPartnerSerializer(many=True, help_text="Sorted by name in the language.")
    winners = WidgetWinnerSerializer(many=True, help_text="Newest first.")
    show = serializers.ListField(
        child=serializers.ChoiceField(choices=list(selectors.SHOWABLE)),
        help_text="What the admin chose to show by default.",
    )
    texts = WidgetTextsSerializer()


class WidgetDataViewSet(viewsets.ViewSet):
    """The widget's data: the programme's name, its public partners (name, link, logo if
    published), their number and the latest award winners who publish their awards, with
    the widget's texts. Public and cached: no sign-in is read (no cookies, no token)."""

    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    renderer_classes = [JSONRenderer]
    pagination_class = None
    answers_one_object = True  # the widget's data, not a collection (programmes.core.openapi)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "lang",
                str,
                description="One of the programme's languages; default its primary one.",
            )
        ],
        responses=WidgetDataSerializer,
    )
    def list(self, request: Request) -> Response:
        language = selectors.language_for(request.query_params.get("lang"))
        base = request.build_absolute_uri("/").rstrip("/")
        response = Response(selectors.with_absolute_links(selectors.widget_data(language), base))
        response["Cache-Control"] = f"public, max-age={selectors.DATA_CACHE_SECONDS}"
        response["Content-Language"] = language
        return response


API_ROUTES: list[tuple[str, Any, str]] = [("widget", WidgetDataViewSet, "api-widget")]
