"""The base of every tenant API view.

The schema is already the request's tenant (set by the routing middleware), so a queryset can
only see this tenant's rows. Within the tenant, what a viewer may see is decided here, once:
subclasses implement ``scoped_queryset(user)`` and never override ``get_queryset``. A view that
must bypass the scope says so in its name (``dangerously_unscoped_queryset``).
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from rest_framework import permissions, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request

STAFF_ROLES = frozenset({"municipal_admin", "municipal_staff"})


def django_errors(error: DjangoValidationError) -> ValidationError:
    """A service's ValidationError as DRF's: field messages by field, the rest as
    ``non_field_errors``."""
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


class IsMunicipalStaff(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user.is_authenticated and request.user.role in STAFF_ROLES)


class IsMunicipalAdmin(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user.is_authenticated and request.user.role == "municipal_admin")


class TenantScopedViewSetMixin:
    request: Request

    def scoped_queryset(self, user: Any) -> QuerySet:
        raise NotImplementedError(f"{type(self).__name__} must define scoped_queryset(user)")

    def get_queryset(self) -> QuerySet:
        return self.scoped_queryset(self.request.user)


class TenantScopedViewSet(TenantScopedViewSetMixin, viewsets.GenericViewSet):
    """Base for tenant API viewsets; add DRF's list/retrieve/... mixins as needed."""


class TenantScopedReadOnlyViewSet(TenantScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class FileRenderer(BaseRenderer):
    """Lets a client ask for a file type (``Accept`` or ``?format=``). The file itself leaves
    the view as a Django response; only errors come through here, and they stay JSON."""

    charset = None
    render_style = "binary"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return JSONRenderer().render(data)


class PDFRenderer(FileRenderer):
    media_type = "application/pdf"
    format = "pdf"


class XMLFileRenderer(FileRenderer):
    media_type = "application/xml"
    format = "xml"


class CSVFileRenderer(FileRenderer):
    media_type = "text/csv"
    format = "csv"
