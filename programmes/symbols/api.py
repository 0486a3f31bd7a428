"""Partner symbol API. ``partner-symbol``: a partner's own people read where their symbol's
files and verification page are, and download the files (``svg/``, ``png/?size=web|print``,
``qr/``). ``symbol-verifications/<code>/``: public, the status a verification page shows.
Registered by saas/urls_tenant.py from ``API_ROUTES``."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from programmes.configuration.selectors import programme_current
from programmes.core.api import FileRenderer, TenantScopedViewSet
from programmes.core.urls import absolute_url
from programmes.partners.models import Partner, Stage
from programmes.partners.selectors import partners_visible_to
from programmes.symbols import rendering, selectors, services
from programmes.symbols.files import file_response, file_stem, qr_svg
from programmes.symbols.models import SymbolVerification

PARTNER_ROLES = frozenset({"partner_admin", "partner_member"})
STATUS_HELP = (
    "active: a current partner (since = signed on); ended: the partnership ended (ended_on); "
    "not_active: not a partner at present."
)


class SVGFileRenderer(FileRenderer):
    media_type = "image/svg+xml"
    format = "svg"


class PNGFileRenderer(FileRenderer):
    media_type = "image/png"
    format = "png"


class IsPartnerPerson(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user.is_authenticated and request.user.role in PARTNER_ROLES)


class SymbolFilesSerializer(serializers.Serializer):
    svg = serializers.URLField()
    png_web = serializers.URLField()
    png_print = serializers.URLField()
    qr_svg = serializers.URLField()


class PartnerSymbolSerializer(serializers.Serializer):
    partner = serializers.IntegerField()
    partner_name = serializers.CharField()
    active = serializers.BooleanField(help_text="Only an active partner has a symbol.")
    year = serializers.IntegerField(allow_null=True)
    language = serializers.CharField(allow_null=True)
    languages = serializers.ListField(child=serializers.CharField())
    files = SymbolFilesSerializer(allow_null=True)
    verification_url = serializers.URLField(allow_null=True)
    guidelines_url = serializers.URLField(allow_null=True)


LANGUAGE_PARAMETER = OpenApiParameter(
    "language",
    str,
    description="One of the programme's languages; default: the partner's language.",
)


class OwnObjectSchema(AutoSchema):
    """The list route answers with one object, the viewer's own, not with a list."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


class PartnerSymbolViewSet(TenantScopedViewSet):
    """The signed-in partner person's own partner symbol (``GET``): links to its files and
    the verification page; the files themselves from ``svg/``, ``png/`` and ``qr/``."""

    schema = OwnObjectSchema()
    serializer_class = PartnerSymbolSerializer
    permission_classes = [IsPartnerPerson]
    pagination_class = None

    def scoped_queryset(self, user: Any) -> QuerySet[Partner]:
        return partners_visible_to(user)

    def _partner(self) -> Partner:
        partner = selectors.partner_for_symbol(self.request.user)
        if partner is None:
            raise NotFound
        return partner

    def _active_partner(self) -> Partner:
        partner = self._partner()
        if partner.stage != Stage.ACTIVE:
            raise NotFound
        return partner

    def _svg(self, partner: Partner) -> tuple[str, str]:
        language = selectors.symbol_language(partner, self.request.query_params.get("language", ""))
        content = selectors.symbol_content(partner, programme_current(), language=language)
        return rendering.symbol_svg(content), language

    @extend_schema(parameters=[LANGUAGE_PARAMETER], responses=PartnerSymbolSerializer)
    def list(self, request: Request) -> Response:
        partner = self._partner()
        data: dict[str, Any] = {
            "partner": partner.pk,
            "partner_name": partner.name,
            "active": partner.stage == Stage.ACTIVE,
            "year": None,
            "language": None,
            "languages": selectors.symbol_languages(),
            "files": None,
            "verification_url": None,
            "guidelines_url": None,
        }
        if partner.stage != Stage.ACTIVE:
            return Response(data)
        verification = selectors.loaded_verification(partner) or services.verification_ensure(
            actor=request.user, partner=partner
        )
        language = selectors.symbol_language(partner, request.query_params.get("language", ""))
        base = reverse("api-partner-symbol-list")
        query = f"?language={language}"
        programme = programme_current()
        data.update(
            year=selectors.symbol_year(),
            language=language,
            files={
                "svg": absolute_url(f"{base}svg/{query}"),
                "png_web": absolute_url(f"{base}png/{query}&size=web"),
                "png_print": absolute_url(f"{base}png/{query}&size=print"),
                "qr_svg": absolute_url(f"{base}qr/"),
            },
            verification_url=selectors.verification_url(verification),
            guidelines_url=absolute_url(reverse("programme-guidelines"))
            if programme is not None and programme.guidelines
            else None,
        )
        return Response(data)

    @extend_schema(
        parameters=[LANGUAGE_PARAMETER], responses={(200, "image/svg+xml"): OpenApiTypes.BINARY}
    )
    @action(detail=False, methods=["get"], renderer_classes=[JSONRenderer, SVGFileRenderer])
    def svg(self, request: Request) -> HttpResponse:
        """The symbol as SVG (vector)."""
        partner = self._active_partner()
        svg, language = self._svg(partner)
        return file_response(svg, "image/svg+xml", f"{file_stem(partner, language)}.svg")

    @extend_schema(
        parameters=[
            LANGUAGE_PARAMETER,
            OpenApiParameter(
                "size",
                str,
                enum=[*rendering.PNG_SIZES],
                description="web: 600 px wide; print: 2400 px wide at 300 dpi. Default: web.",
            ),
        ],
        responses={(200, "image/png"): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"], renderer_classes=[JSONRenderer, PNGFileRenderer])
    def png(self, request: Request) -> HttpResponse:
        """The symbol as PNG, for the web or for print."""
        size = rendering.PNG_SIZES.get(request.query_params.get("size", "web"))
        if size is None:
            raise serializers.ValidationError({"size": [_("Choose web or print.")]})
        partner = self._active_partner()
        svg, language = self._svg(partner)
        return file_response(
            rendering.symbol_png(svg, size),
            "image/png",
            f"{file_stem(partner, language)}-{size.slug}.png",
        )

    @extend_schema(responses={(200, "image/svg+xml"): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], renderer_classes=[JSONRenderer, SVGFileRenderer])
    def qr(self, request: Request) -> HttpResponse:
        """The QR code of the verification page (SVG)."""
        partner = self._active_partner()
        verification = selectors.loaded_verification(partner) or services.verification_ensure(
            actor=request.user, partner=partner
        )
        return file_response(
            qr_svg(selectors.verification_url(verification)),
            "image/svg+xml",
            f"{file_stem(partner, 'qr')}.svg",
        )


class SymbolVerificationSerializer(serializers.Serializer):
    partner_name = serializers.CharField()
    programme = serializers.CharField(source="programme_name")
    status = serializers.ChoiceField(
        choices=[selectors.ACTIVE, selectors.ENDED, selectors.NOT_ACTIVE], help_text=STATUS_HELP
    )
    since = serializers.DateField(allow_null=True)
    ended_on = serializers.DateField(allow_null=True)
    checked_on = serializers.DateField()


class SymbolVerificationViewSet(mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Public: whether the partnership behind a verification code is real and current (the
    name, the programme, the status and its dates; nothing else). Unknown codes are 404."""

    serializer_class = SymbolVerificationSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9_-]+"

    def scoped_queryset(self, user: Any) -> QuerySet[SymbolVerification]:
        return SymbolVerification.objects.select_related("partner")

    @extend_schema(responses=SymbolVerificationSerializer)
    def retrieve(self, request: Request, code: str | None = None) -> Response:
        try:
            verification = selectors.get_verification_by_code(code or "")
        except Http404:
            raise NotFound from None
        status = selectors.verification_status(verification, programme_current())
        return Response(self.get_serializer(status).data)


API_ROUTES: list[tuple[str, Any, str]] = [
    ("partner-symbol", PartnerSymbolViewSet, "api-partner-symbol"),
    ("symbol-verifications", SymbolVerificationViewSet, "api-symbol-verification"),
]
