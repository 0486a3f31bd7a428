"""The public directory's API, read-only and open to anyone (no sign-in), throttled per
address. ``directory/partners/``: the listed partners with the directory page's search,
filters and order (ICU, the request's language), 50 a page; ``directory/partners/<id>/``:
exactly what one listed partner published; ``directory/programme/``: the programme, its
target and links. Registered by saas/urls_tenant.py from ``API_ROUTES``."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from programmes.core.api import TenantScopedReadOnlyViewSet
from programmes.core.i18n import translated
from programmes.directory import selectors
from programmes.directory.forms import DirectoryFilterForm
from programmes.directory.selectors import Order, ProgrammeSummary, PublicProfile
from programmes.partners.models import Partner, Sector


class PublicThrottle(AnonRateThrottle):
    """Per address and tenant (the cache's keys carry the schema)."""

    scope = "public-directory"
    rate = "120/minute"


class DirectoryPagination(PageNumberPagination):
    page_size = selectors.PAGE_SIZE


def _absolute(request: Request, path: str) -> str:
    return request.build_absolute_uri(path)


def _decimal(value: Any) -> str | None:
    return None if value is None else str(value)


# --- Serializers (they document the shape; the data is built from what is published) ----


class PublicPartnerSerializer(serializers.Serializer):
    """A listed partner in the directory. Keys of unpublished items are left out."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    url = serializers.URLField(read_only=True, help_text="The partner's public page.")
    tier = serializers.CharField(read_only=True, help_text="The tier's name; empty without.")
    logo = serializers.URLField(required=False, help_text="When the partner publishes it.")
    sector = serializers.ChoiceField(
        choices=Sector.choices, required=False, help_text="When the partner publishes it."
    )
    sector_name = serializers.CharField(required=False)
    city = serializers.CharField(required=False, help_text="When the partner publishes it.")

    def to_representation(self, partner: Partner) -> dict[str, Any]:
        request = self.context["request"]
        item = selectors.list_item(partner)
        slug = item.pop("slug")
        item["url"] = _absolute(
            request, reverse("directory-partner", kwargs={"pk": partner.pk, "slug": slug})
        )
        if "logo" in item:
            item["logo"] = _absolute(request, item["logo"])
        return item


class PublicGoalSerializer(serializers.Serializer):
    theme = serializers.CharField()
    theme_name = serializers.CharField()
    description = serializers.CharField()
    indicator = serializers.CharField()
    unit = serializers.CharField()
    baseline_value = serializers.DecimalField(max_digits=14, decimal_places=2)
    baseline_year = serializers.IntegerField()
    target_value = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="The revised target when there is one."
    )
    target_date = serializers.DateField()
    status = serializers.CharField(help_text="approved or achieved")
    progress = serializers.CharField(
        allow_null=True, help_text="The latest follow-up's answer (on_track, delayed…)."
    )
    latest_value = serializers.DecimalField(max_digits=16, decimal_places=3, allow_null=True)
    latest_value_year = serializers.IntegerField(allow_null=True)
    share_percent = serializers.DecimalField(
        max_digits=8,
        decimal_places=0,
        allow_null=True,
        help_text="Per cent of the way from the baseline to the target.",
    )


class PublicCertificateSerializer(serializers.Serializer):
    scheme = serializers.CharField()
    scheme_website = serializers.CharField()
    expires_on = serializers.DateField(allow_null=True)


class PublicAwardSerializer(serializers.Serializer):
    award = serializers.CharField()
    period = serializers.CharField()
    year = serializers.IntegerField()
    month = serializers.IntegerField(allow_null=True)


class PublicEmissionsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    scope1 = serializers.DecimalField(max_digits=16, decimal_places=3)
    scope2 = serializers.DecimalField(max_digits=16, decimal_places=3)
    scope2_market_based = serializers.BooleanField()
    scope3 = serializers.DecimalField(max_digits=16, decimal_places=3)
    total = serializers.DecimalField(max_digits=16, decimal_places=3)
    baseline_year = serializers.IntegerField(allow_null=True)
    change = serializers.DecimalField(
        max_digits=16,
        decimal_places=3,
        allow_null=True,
        help_text="t CO2e against the baseline year.",
    )
    change_percent = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)


class PublicContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    role = serializers.CharField()
    role_name = serializers.CharField()
    email = serializers.EmailField()


class PublicPartnerDetailSerializer(PublicPartnerSerializer):
    """Exactly what a listed partner published: a key per published item, none for the
    others (``climate`` is null when it publishes its figures but has reported none)."""

    description = serializers.CharField(required=False)
    website = serializers.URLField(required=False)
    goals = PublicGoalSerializer(many=True, required=False)
    certificates = PublicCertificateSerializer(
        many=True, required=False, help_text="Certificates in force today."
    )
    awards = PublicAwardSerializer(many=True, required=False, help_text="Awards won.")
    climate = PublicEmissionsSerializer(
        required=False, allow_null=True, help_text="The latest reported emissions."
    )
    contacts = PublicContactSerializer(many=True, required=False)

    def to_representation(self, partner: Partner) -> dict[str, Any]:
        data = super().to_representation(partner)
        data.pop("logo", None)  # from the profile below, the same rule
        profile: PublicProfile = self.context.get("profile") or selectors.partner_profile(partner)
        request = self.context["request"]
        if profile.logo:
            data["logo"] = _absolute(request, profile.logo)
        if profile.description is not None:
            data["description"] = profile.description
        if profile.website is not None:
            data["website"] = profile.website
        if profile.goals is not None:
            data["goals"] = [_goal(standing) for standing in profile.goals]
        if profile.certificates is not None:
            data["certificates"] = [
                {
                    "scheme": certificate.scheme.name,
                    "scheme_website": certificate.scheme.website,
                    "expires_on": certificate.expires_on,
                }
                for certificate in profile.certificates
            ]
        if profile.awards is not None:
            data["awards"] = [
                {
                    "award": translated(award_round.category.name),
                    "period": award_round.period_label(),
                    "year": award_round.year,
                    "month": award_round.month,
                }
                for award_round in profile.awards
            ]
        if profile.climate_published:
            data["climate"] = _climate(profile)
        if profile.contacts is not None:
            data["contacts"] = [
                {
                    "name": contact.name,
                    "role": contact.role,
                    "role_name": str(contact.get_role_display()),
                    "email": contact.email,
                }
                for contact in profile.contacts
            ]
        return data


def _goal(standing: Any) -> dict[str, Any]:
    goal = standing.goal
    return {
        "theme": goal.theme,
        "theme_name": str(goal.get_theme_display()),
        "description": goal.description,
        "indicator": goal.indicator,
        "unit": goal.unit,
        "baseline_value": _decimal(goal.baseline_value),
        "baseline_year": goal.baseline_year,
        "target_value": _decimal(standing.target_value),
        "target_date": goal.target_date,
        "status": goal.status,
        "progress": standing.progress.status if standing.progress else None,
        "latest_value": _decimal(standing.value),
        "latest_value_year": standing.value_year,
        "share_percent": _decimal(standing.share),
    }


def _climate(profile: PublicProfile) -> dict[str, Any] | None:
    if profile.climate is None:
        return None
    latest, baseline = profile.climate.latest, profile.climate.baseline
    return {
        "year": latest.year,
        "scope1": _decimal(latest.scope1),
        "scope2": _decimal(latest.scope2),
        "scope2_market_based": latest.scope2_market_based,
        "scope3": _decimal(latest.scope3),
        "total": _decimal(latest.total),
        "baseline_year": baseline.year if baseline else None,
        "change": _decimal(latest.change) if baseline else None,
        "change_percent": _decimal(latest.change_percent) if baseline else None,
    }


FILTER_PARAMETERS = [
    OpenApiParameter("q", str, description="Words of the name, or of a published description."),
    OpenApiParameter(
        "sector",
        str,
        enum=list(Sector.values),
        description="Partners that publish this sector (a sector nobody publishes: 400).",
    ),
    OpenApiParameter("tier", int, description="Partners of this tier (id)."),
    OpenApiParameter(
        "scheme",
        int,
        description="Partners that publish a valid certificate of this scheme (id).",
    ),
    OpenApiParameter("awarded", bool, description="Only partners that publish an award they won."),
    OpenApiParameter(
        "order",
        str,
        enum=[Order.NAME, Order.NAME_DESCENDING],
        description="By name in the alphabet of the request's language (default: name).",
    ),
]


class DirectoryPartnerViewSet(TenantScopedReadOnlyViewSet):
    """The public partner directory: listed partners only, what they published only."""

    serializer_class = PublicPartnerSerializer
    permission_classes = [permissions.AllowAny]
    throttle_classes = [PublicThrottle]
    pagination_class = DirectoryPagination

    def scoped_queryset(self, user: Any) -> QuerySet[Partner]:
        return selectors.public_partners().select_related("tier")

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action == "retrieve":
            return PublicPartnerDetailSerializer
        return PublicPartnerSerializer

    @extend_schema(parameters=FILTER_PARAMETERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Listed partners, searched and filtered like the directory page, sorted by name
        in the alphabet of the request's language; 50 a page (``?page=``)."""
        form = DirectoryFilterForm(request.query_params, options=selectors.filter_options())
        if not form.is_valid():
            raise ValidationError(form.error_messages_by_field())
        partners = selectors.directory_partners(form.directory_query())
        page = self.paginate_queryset(partners)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Exactly what one listed partner published; 404 for any other partner."""
        partner = self.get_object()
        serializer = PublicPartnerDetailSerializer(
            partner,
            context={
                **self.get_serializer_context(),
                "profile": selectors.partner_profile(partner),
            },
        )
        return Response(serializer.data)


# --- The programme ----------------------------------------------------------------------


class ProgressSerializer(serializers.Serializer):
    achieved_percent = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    expected_percent = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    on_track = serializers.BooleanField(allow_null=True)
    latest_year = serializers.IntegerField(allow_null=True)
    partners = serializers.IntegerField(help_text="Partners compared like for like.")


class LinksSerializer(serializers.Serializer):
    home = serializers.URLField()
    directory = serializers.URLField()
    awards = serializers.URLField()
    figures = serializers.URLField(allow_null=True, help_text="Null when nothing is published.")
    sitemap = serializers.URLField()


class PublicProgrammeSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField()
    target_text = serializers.CharField()
    target_year = serializers.IntegerField(allow_null=True)
    target_reduction_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True
    )
    baseline_year = serializers.IntegerField(allow_null=True)
    listed_partners = serializers.IntegerField(help_text="Partners in the public directory.")
    target_progress = ProgressSerializer(
        allow_null=True,
        help_text="Progress towards the target, when the programme publishes it.",
    )
    links = LinksSerializer()


def _programme_data(request: Request, summary: ProgrammeSummary) -> dict[str, Any]:
    programme = summary.programme
    progress = None
    if summary.target is not None:
        target = summary.target
        progress = {
            "achieved_percent": _decimal(target.achieved_percent) if target.possible else None,
            "expected_percent": _decimal(target.expected_percent),
            "on_track": target.on_track,
            "latest_year": target.latest_year,
            "partners": target.partners,
        }
    return {
        "name": translated(programme.name) if programme else "",
        "description": translated(programme.description) if programme else "",
        "target_text": translated(programme.target_text) if programme else "",
        "target_year": programme.target_year if programme else None,
        "target_reduction_percent": _decimal(programme.target_reduction_percent)
        if programme
        else None,
        "baseline_year": programme.baseline_year if programme else None,
        "listed_partners": summary.listed_partners,
        "target_progress": progress,
        "links": {
            "home": _absolute(request, reverse("home")),
            "directory": _absolute(request, reverse("directory")),
            "awards": _absolute(request, reverse("awards")),
            "figures": _absolute(request, reverse("figures")) if summary.figures_public else None,
            "sitemap": _absolute(request, reverse("sitemap")),
        },
    }


class DirectoryProgrammeViewSet(viewsets.ViewSet):
    """The programme as the public sees it."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [PublicThrottle]

    @extend_schema(responses=PublicProgrammeSerializer, parameters=[], request=None)
    @action(detail=False, methods=["get"])
    def programme(self, request: Request) -> Response:
        """The programme's name, description and climate target, how many partners are
        listed, its progress towards the target when it publishes that figure, and links
        to its public pages."""
        return Response(_programme_data(request, selectors.programme_summary()))


API_ROUTES: list[tuple[str, Any, str]] = [
    ("directory/partners", DirectoryPartnerViewSet, "api-directory-partner"),
    ("directory", DirectoryProgrammeViewSet, "api-directory"),
]
