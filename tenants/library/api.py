"""The operators' API of the shared action library, on the platform host: read every action
(any status) with search and filters, hide and restore with a reason. Registered on the
operator router (/api/v1/) by saas/urls_public.py from ``API_ROUTES``."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from programmes.core.api import django_errors
from tenants.api import IsOperator
from tenants.library import selectors, services
from tenants.library.models import (
    ActionTheme,
    CostLevel,
    EffectLevel,
    LibraryAction,
    ModerationStatus,
    OrganisationSize,
)
from tenants.library.services import REASON_MAX

REASON_MISSING = _("Give the reason for this decision.")


def _values(choices: Any) -> str:
    return ", ".join(choices.values)


# Choice fields are plain strings with their values in the help text: the operator schema
# already has a "status" enum (tenants), and two enums of one name would collide.
class LibraryActionSerializer(serializers.ModelSerializer):
    title = serializers.DictField(
        child=serializers.CharField(), read_only=True, help_text="Language code → title."
    )
    description = serializers.DictField(
        child=serializers.CharField(), read_only=True, help_text="Language code → description."
    )
    theme = serializers.CharField(read_only=True, help_text=_values(ActionTheme))
    effect_level = serializers.CharField(
        read_only=True, help_text=f"Empty, or one of: {_values(EffectLevel)}."
    )
    cost_level = serializers.CharField(read_only=True, help_text=_values(CostLevel))
    sectors = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Empty: every sector."
    )
    sizes = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=f"Empty: every size. Values: {_values(OrganisationSize)}.",
    )
    languages = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Its first language first."
    )
    contributor = serializers.SlugRelatedField(
        slug_field="schema_name",
        read_only=True,
        allow_null=True,
        help_text="The contributing tenant's slug (empty once it is offboarded).",
    )
    status = serializers.CharField(read_only=True, help_text=_values(ModerationStatus))

    class Meta:
        model = LibraryAction
        fields = [
            "uuid",
            "title",
            "description",
            "theme",
            "effect_tonnes_per_year",
            "effect_level",
            "cost_level",
            "sectors",
            "sizes",
            "sources",
            "languages",
            "contributor",
            "contributor_name",
            "version",
            "status",
            "moderation_reason",
            "copies",
            "published_at",
            "updated_at",
        ]
        read_only_fields = fields


class ModerationSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=REASON_MAX,
        help_text="Required; the contributor sees it.",
        error_messages={"required": REASON_MISSING, "blank": REASON_MISSING},
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Words in the texts, sources or contributor."),
            OpenApiParameter("status", str, description=_values(ModerationStatus)),
            OpenApiParameter("theme", str, description=_values(ActionTheme)),
            OpenApiParameter("sector", str, description="Suits this sector."),
            OpenApiParameter("size", str, description=_values(OrganisationSize)),
            OpenApiParameter("cost", str, description=_values(CostLevel)),
            OpenApiParameter("language", str, description="Written in this language."),
        ]
    )
)
class LibraryActionViewSet(viewsets.ReadOnlyModelViewSet):
    """Every action of the shared library, whatever its status, last changed first."""

    serializer_class = LibraryActionSerializer
    permission_classes = [IsOperator]
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-f-]{36}"

    def get_queryset(self) -> QuerySet[LibraryAction]:
        params = self.request.query_params
        if self.action != "list":
            return selectors.library_actions_for_moderation().select_related("contributor")
        return selectors.library_actions_for_moderation(
            params.get("status", ""),
            query=params.get("q", ""),
            theme=params.get("theme", ""),
            sector=params.get("sector", ""),
            size=params.get("size", ""),
            cost=params.get("cost", ""),
            language=params.get("language", ""),
        ).select_related("contributor")

    def _moderate(self, request: Request, service: Any) -> Response:
        library_action = self.get_object()
        body = ModerationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            service(
                actor=request.user,
                action=library_action,
                reason=body.validated_data["reason"],
            )
        except DjangoValidationError as error:
            raise django_errors(error) from None
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=ModerationSerializer, responses=LibraryActionSerializer)
    @action(detail=True, methods=["post"])
    def hide(self, request: Request, uuid: str | None = None) -> Response:
        """Hide a published action from the library, with a reason."""
        return self._moderate(request, services.library_action_hide)

    @extend_schema(request=ModerationSerializer, responses=LibraryActionSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, uuid: str | None = None) -> Response:
        """Publish a hidden action again, with a reason."""
        return self._moderate(request, services.library_action_restore)


API_ROUTES: list[tuple[str, Any, str]] = [
    ("library-actions", LibraryActionViewSet, "api-library-action"),
]
