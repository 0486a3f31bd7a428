"""Actions API. ``actions``: the programme's climate actions; staff read, create and change
every one (archive, restore, pull-update, publish, withdraw; ``copy`` a library action in),
partners' people read the active ones. ``library``: the shared library's published actions,
read-only, for staff, each with its text in ``?lang=`` (falling back as the library does)
and whether this programme has it. Registered by saas/urls_tenant.py from ``API_ROUTES``."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from programmes.actions import selectors, services
from programmes.actions.models import ProgrammeAction
from programmes.configuration.models import Theme
from programmes.core.api import TenantScopedViewSet, django_errors
from programmes.core.i18n import LANGUAGE_CODES, translated
from programmes.partners.models import Sector
from programmes.people.models import STAFF_ROLES
from tenants.library.models import CostLevel, EffectLevel, LibraryAction, OrganisationSize
from tenants.library.selectors import library_action_by_uuid

PARTNER_ROLES = ("partner_admin", "partner_member")


def _call(service: Any, **kwargs: Any) -> Any:
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        raise django_errors(error) from None


class StaffWritePartnersRead(permissions.BasePermission):
    """Staff do everything; partners' people read."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        if user.role in STAFF_ROLES:
            return True
        return user.role in PARTNER_ROLES and request.method in permissions.SAFE_METHODS


class StaffOnly(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user.is_authenticated and request.user.role in STAFF_ROLES)


class TranslatedJSONField(serializers.JSONField):
    """A {language: text} mapping."""


# --- The programme's actions ---------------------------------------------------------------


class ActionListSerializer(serializers.ListSerializer):
    """Reads the library's view of every action of the page in one query."""

    def to_representation(self, data: Any) -> list[Any]:
        items = list(data.all() if hasattr(data, "all") else data)
        if self.child.context.get("staff"):
            self.child.context["rows"] = {row.action.pk: row for row in selectors.staff_rows(items)}
        return super().to_representation(items)


class ProgrammeActionSerializer(serializers.ModelSerializer):
    title = TranslatedJSONField(help_text="Per language; the primary language is required.")
    description = TranslatedJSONField(help_text="Per language; the primary language is required.")
    title_text = serializers.SerializerMethodField()
    theme = serializers.ChoiceField(choices=Theme.choices)
    effect_tonnes_per_year = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    effect_level = serializers.ChoiceField(
        choices=EffectLevel.choices, required=False, allow_blank=True
    )
    cost_level = serializers.ChoiceField(choices=CostLevel.choices)
    # Plain strings in the schema: the partners' API names the sector enum already.
    sectors = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        help_text="Sector codes as a partner's ``sector`` (SectorEnum); empty: suits every sector.",
    )
    sizes = serializers.ListField(
        child=serializers.ChoiceField(choices=OrganisationSize.choices),
        required=False,
        help_text="Empty: suits every size.",
    )
    library_update_version = serializers.SerializerMethodField(
        help_text="Staff: the library's newer version of a copy, to pull; else null."
    )
    publication_status = serializers.SerializerMethodField(
        help_text="Staff: how this programme's publication of it stands in the library "
        "(published, hidden, withdrawn), or empty."
    )
    publication_version = serializers.SerializerMethodField()

    class Meta:
        model = ProgrammeAction
        list_serializer_class = ActionListSerializer
        fields = [
            "id",
            "title",
            "title_text",
            "description",
            "theme",
            "effect_tonnes_per_year",
            "effect_level",
            "cost_level",
            "sectors",
            "sizes",
            "sources",
            "active",
            "library_uuid",
            "library_version",
            "copied_from",
            "copied_at",
            "library_update_version",
            "published_uuid",
            "published_at",
            "publication_status",
            "publication_version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "active",
            "library_uuid",
            "library_version",
            "copied_from",
            "copied_at",
            "published_uuid",
            "published_at",
            "created_at",
            "updated_at",
        ]

    def validate_sectors(self, value: list[str]) -> list[str]:
        unknown = [code for code in value if code not in Sector.values]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown sector: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return value

    def _row(self, item: ProgrammeAction) -> selectors.StaffRow | None:
        if not self.context.get("staff"):
            return None
        rows = self.context.setdefault("rows", {})
        if item.pk not in rows:
            rows[item.pk] = selectors.staff_row(item)
        return rows[item.pk]

    def get_title_text(self, item: ProgrammeAction) -> str:
        return translated(item.title)

    def get_library_update_version(self, item: ProgrammeAction) -> int | None:
        row = self._row(item)
        return row.update_version if row else None

    def get_publication_status(self, item: ProgrammeAction) -> str:
        row = self._row(item)
        return row.publication.status if row and row.publication else ""

    def get_publication_version(self, item: ProgrammeAction) -> int | None:
        row = self._row(item)
        return row.publication.version if row and row.publication else None


class CopySerializer(serializers.Serializer):
    library_uuid = serializers.UUIDField(help_text="The library action to copy.")


class PullUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The library version you reviewed; refused when the library has moved on.",
    )


class PublishSerializer(serializers.Serializer):
    contributor_name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Shown in the library as the source; the programme's name by default. "
        "Ignored when an earlier publication is updated.",
    )


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("active", bool, description="Staff: only active (or archived)."),
            OpenApiParameter("theme", str, enum=Theme.values),
        ]
    )
)
class ProgrammeActionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantScopedViewSet,
):
    serializer_class = ProgrammeActionSerializer
    permission_classes = [StaffWritePartnersRead]

    def scoped_queryset(self, user: Any) -> QuerySet[ProgrammeAction]:
        staff = selectors.is_staff(user)
        rows = selectors.actions_for_staff() if staff else selectors.actions_offered()
        if self.action == "list":
            params = self.request.query_params
            if staff and params.get("active") in ("true", "false"):
                rows = rows.filter(active=params["active"] == "true")
            if params.get("theme") in Theme.values:
                rows = rows.filter(theme=params["theme"])
        return rows.order_by("theme", "pk")

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "staff": selectors.is_staff(self.request.user)}

    def _respond(self, item: ProgrammeAction, code: int = status.HTTP_200_OK) -> Response:
        item = ProgrammeAction.objects.get(pk=item.pk)
        return Response(self.get_serializer(item).data, status=code)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = _call(
            services.action_create, actor=self.request.user, data=dict(serializer.validated_data)
        )

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = _call(
            services.action_update,
            actor=self.request.user,
            action=serializer.instance,
            data=dict(serializer.validated_data),
        )

    @extend_schema(request=None, responses=ProgrammeActionSerializer)
    @action(detail=True, methods=["post"], permission_classes=[StaffOnly])
    def archive(self, request: Request, pk: str | None = None) -> Response:
        """Stop offering the action to partners (goals based on it keep it)."""
        return self._respond(
            _call(services.action_archive, actor=request.user, action=self.get_object())
        )

    @extend_schema(request=None, responses=ProgrammeActionSerializer)
    @action(detail=True, methods=["post"], permission_classes=[StaffOnly])
    def restore(self, request: Request, pk: str | None = None) -> Response:
        """Offer an archived action again."""
        return self._respond(
            _call(services.action_restore, actor=request.user, action=self.get_object())
        )

    @extend_schema(request=CopySerializer, responses={201: ProgrammeActionSerializer})
    @action(detail=False, methods=["post"], permission_classes=[StaffOnly])
    def copy(self, request: Request) -> Response:
        """Copy a published library action into the programme (with its provenance). A
        library action is copied once: again is a 400 (``already_copied``)."""
        body = CopySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        library_action = library_action_by_uuid(body.validated_data["library_uuid"])
        if library_action is None:
            raise ValidationError(
                {"library_uuid": [_("This action is not in the shared library.")]}
            )
        copied = _call(
            services.action_copy_from_library, actor=request.user, library_action=library_action
        )
        return self._respond(copied, status.HTTP_201_CREATED)

    @extend_schema(request=PullUpdateSerializer, responses=ProgrammeActionSerializer)
    @action(detail=True, methods=["post"], url_path="pull-update", permission_classes=[StaffOnly])
    def pull_update(self, request: Request, pk: str | None = None) -> Response:
        """Take the library's newer version of a copy (overwrites the local texts and
        fields)."""
        item = self.get_object()
        body = PullUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(
            _call(
                services.action_pull_update,
                actor=request.user,
                action=item,
                version=body.validated_data.get("version"),
            )
        )

    @extend_schema(request=PublishSerializer, responses=ProgrammeActionSerializer)
    @action(detail=True, methods=["post"], permission_classes=[StaffOnly])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        """Publish the action to the shared library, or publish its changes as a new version
        of the earlier publication."""
        item = self.get_object()
        body = PublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _call(
            services.action_publish_to_library,
            actor=request.user,
            action=item,
            contributor_name=body.validated_data.get("contributor_name", ""),
        )
        return self._respond(item)

    @extend_schema(request=WithdrawSerializer, responses=ProgrammeActionSerializer)
    @action(detail=True, methods=["post"], permission_classes=[StaffOnly])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        """Take the programme's publication of the action out of the shared library."""
        item = self.get_object()
        body = WithdrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _call(
            services.action_withdraw_from_library,
            actor=request.user,
            action=item,
            reason=body.validated_data.get("reason", ""),
        )
        return self._respond(item)


# --- The shared library --------------------------------------------------------------------


class LibraryListSerializer(serializers.ListSerializer):
    """Reads the texts and which actions this programme has for the whole page at once."""

    def to_representation(self, data: Any) -> list[Any]:
        items = list(data.all() if hasattr(data, "all") else data)
        language = self.child.context.get("language") or translation.get_language()
        self.child.context["entries"] = {
            entry.action.pk: entry for entry in selectors.library_entries(items, language)
        }
        return super().to_representation(items)


class LibraryActionSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    language = serializers.SerializerMethodField(
        help_text="The language of title and description (the one asked for, else the "
        "action's own)."
    )
    in_programme = serializers.SerializerMethodField(
        help_text="This programme's copy of it (an id in /api/v1/actions/), or null."
    )
    published_from = serializers.SerializerMethodField(
        help_text="This programme's action it was published from, or null."
    )

    class Meta:
        model = LibraryAction
        list_serializer_class = LibraryListSerializer
        fields = [
            "uuid",
            "title",
            "description",
            "language",
            "theme",
            "effect_tonnes_per_year",
            "effect_level",
            "cost_level",
            "sectors",
            "sizes",
            "sources",
            "languages",
            "contributor_name",
            "version",
            "copies",
            "published_at",
            "updated_at",
            "in_programme",
            "published_from",
        ]
        read_only_fields = fields

    def _entry(self, item: LibraryAction) -> selectors.LibraryEntry:
        entries = self.context.setdefault("entries", {})
        if item.pk not in entries:
            language = self.context.get("language") or translation.get_language()
            entries[item.pk] = selectors.library_entry(item, language)
        return entries[item.pk]

    def get_title(self, item: LibraryAction) -> str:
        return self._entry(item).title

    def get_description(self, item: LibraryAction) -> str:
        return self._entry(item).description

    def get_language(self, item: LibraryAction) -> str:
        return self._entry(item).language

    def get_in_programme(self, item: LibraryAction) -> int | None:
        copy = self._entry(item).copy
        return copy.pk if copy else None

    def get_published_from(self, item: LibraryAction) -> int | None:
        own = self._entry(item).own
        return own.pk if own else None


LIBRARY_FILTERS = [
    OpenApiParameter("lang", str, enum=list(LANGUAGE_CODES), description="Text language."),
    OpenApiParameter("q", str, description="Words in the title or description."),
    OpenApiParameter("theme", str, enum=Theme.values),
    OpenApiParameter("sector", str, enum=Sector.values, description="Suits this sector."),
    OpenApiParameter("size", str, enum=OrganisationSize.values, description="Suits this size."),
    OpenApiParameter("cost", str, enum=CostLevel.values),
]


@extend_schema_view(
    list=extend_schema(parameters=LIBRARY_FILTERS),
    retrieve=extend_schema(parameters=LIBRARY_FILTERS[:1]),
)
class LibraryActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """The shared library's published actions (every municipality's), for staff."""

    serializer_class = LibraryActionSerializer
    permission_classes = [StaffOnly]
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-fA-F-]{32,36}"

    def _param(self, name: str, allowed: list[str]) -> str:
        value = self.request.query_params.get(name, "")
        if value and value not in allowed:
            raise ValidationError(
                {name: [_("Choose one of: %(values)s.") % {"values": ", ".join(allowed)}]}
            )
        return value

    def scoped_queryset(self, user: Any) -> QuerySet[LibraryAction]:
        self._param("lang", list(LANGUAGE_CODES))
        filters = selectors.LibraryFilters()
        if self.action == "list":
            filters = selectors.LibraryFilters(
                query=self.request.query_params.get("q", "")[:200],
                theme=self._param("theme", list(Theme.values)),
                sector=self._param("sector", list(Sector.values)),
                size=self._param("size", list(OrganisationSize.values)),
                cost=self._param("cost", list(CostLevel.values)),
            )
        return selectors.library_actions(filters)

    def get_serializer_context(self) -> dict[str, Any]:
        language = self.request.query_params.get("lang", "") if self.request else ""
        return {
            **super().get_serializer_context(),
            "language": language if language in LANGUAGE_CODES else "",
        }


API_ROUTES: list[tuple[str, Any, str]] = [
    ("actions", ProgrammeActionViewSet, "api-action"),
    ("library", LibraryActionViewSet, "api-library-action"),
]
