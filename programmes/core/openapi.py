"""The OpenAPI schema documents the error statuses each operation can really answer.

drf-spectacular documents only the success response. This schema class adds, per operation,
the error responses DRF gives for what the view is made of, so a client (and the schemathesis
run in tests/api/) can rely on "every answer is documented":

- 400 when the operation reads a body or filter/query parameters (validation errors);
- 401 when an authenticator answers with a challenge (token: a bad or missing token);
- 403 when a permission may refuse a signed-in person, or a session request may fail CSRF
  (unsafe methods with session authentication), or anonymous refusals have no challenge;
- 404 when the path names an object, or a page number may be past the end (views that
  refuse otherwise document it themselves with NOT_FOUND);
- 415 when a body is parsed (an unsupported content type);
- 429 when the view is throttled.

A permission that refuses with another status names it (``documented_refusals = ("404",)``);
an operation that documents its own 400 gets DRF's validation errors besides (``anyOf``).
Kept accurate rather than blanket: tests/api/test_openapi_errors.py checks the rules against
real answers, and the fuzz run checks every answer against the schema.
"""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import ScopedRateThrottle

# Permissions that never refuse a signed-in person: only anonymous requests are refused.
_AUTHENTICATED_IS_ENOUGH = (
    permissions.AllowAny,
    permissions.IsAuthenticated,
    permissions.IsAuthenticatedOrReadOnly,
)
# Query parameters that are never rejected (pagination ignores bad values; a bad ``format``
# is DRF's 404).
_LENIENT_QUERY_PARAMETERS = frozenset({"limit", "offset", "format"})


class ErrorSerializer(serializers.Serializer):
    """DRF's error answer: a message (``detail``)."""

    detail = serializers.CharField()


# For views that refuse in ways the rules below cannot see: ``responses={404: NOT_FOUND}``.
NOT_FOUND = OpenApiResponse(
    response=ErrorSerializer, description="Nothing to show here (the same answer for all)."
)
VALIDATION_ERROR_COMPONENT = "ValidationError"
_VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "description": (
        "Validation errors: messages by field (``non_field_errors`` for the rest; nested "
        "for nested fields), or a list of messages."
    ),
    "oneOf": [
        {"type": "object", "additionalProperties": {}},
        {"type": "array", "items": {"type": "string"}},
    ],
}
_DESCRIPTIONS = {
    "400": "The body or the query parameters are invalid.",
    "401": "Not signed in, or the token is wrong.",
    "403": "Signed in, but not allowed (role, partnership, or a missing CSRF token).",
    "404": "No such object for this viewer (the same answer whether it exists or not).",
    "415": "The body's content type is not accepted.",
    "429": "Too many requests; wait the ``Retry-After`` seconds.",
}


def error_statuses(
    view: Any,
    method: str,
    *,
    has_body: bool,
    query_parameters: list[str],
    path: str,
    lists: bool,
) -> set[str]:
    """The error statuses DRF can answer for this operation of ``view``."""
    request = getattr(view, "request", None)
    authenticators = view.get_authenticators()
    challenges = any(auth.authenticate_header(request) for auth in authenticators)
    perms = view.get_permissions()
    refuses_anonymous = any(not isinstance(perm, permissions.AllowAny) for perm in perms)
    refuses_signed_in = any(
        not isinstance(perm, _AUTHENTICATED_IS_ENOUGH) and not hasattr(perm, "documented_refusals")
        for perm in perms
    )
    csrf = method.upper() not in permissions.SAFE_METHODS and any(
        isinstance(auth, SessionAuthentication) for auth in authenticators
    )
    statuses: set[str] = set()
    for perm in perms:  # a permission that refuses otherwise says so (e.g. 404)
        statuses.update(getattr(perm, "documented_refusals", ()))
    if has_body or set(query_parameters) - _LENIENT_QUERY_PARAMETERS:
        statuses.add("400")
    if challenges:
        statuses.add("401")
    if refuses_signed_in or csrf or (refuses_anonymous and not challenges):
        statuses.add("403")
    paged = isinstance(getattr(view, "paginator", None), PageNumberPagination)
    if "{" in path or (lists and paged):  # a page number past the end is "not found"
        statuses.add("404")
    if has_body:
        statuses.add("415")
    if any(_throttles(view, throttle) for throttle in view.get_throttles()):
        statuses.add("429")
    return statuses


def _throttles(view: Any, throttle: Any) -> bool:
    """A scoped throttle limits only views that name a scope with a rate (DRF lets the others
    through)."""
    if isinstance(throttle, ScopedRateThrottle):
        scope = getattr(view, throttle.scope_attr, None)
        return bool(scope) and scope in throttle.THROTTLE_RATES
    return True


def _model_field_is_blank(field: Any) -> bool:
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source or field.source == "*":
        return False
    try:
        return bool(model._meta.get_field(field.source).blank)
    except FieldDoesNotExist:
        return False


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema with the documented error answers added (see the module).

    A viewset whose ``list`` answers one object (a summary, not a collection) says so with
    ``answers_one_object = True``; drf-spectacular would otherwise document an array.
    """

    def _map_serializer_field(
        self, field: Any, direction: str, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        # DRF drops allow_blank from read-only model fields, so a blank URL, e-mail or choice
        # (e.g. a partner without a website) would break its documented format or enum.
        if (
            field.read_only
            and isinstance(field, serializers.CharField | serializers.ChoiceField)
            and not field.allow_blank
            and _model_field_is_blank(field)
        ):
            field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)

    def _is_list_view(self, serializer: Any = None) -> bool:
        if getattr(self.view, "answers_one_object", False):
            return False
        return super()._is_list_view(serializer)

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if not operation:
            return operation
        statuses = error_statuses(
            self.view,
            self.method,
            has_body="requestBody" in operation,
            query_parameters=[
                p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"
            ],
            path=self.path,
            lists=self.method == "GET" and self._is_list_view(),
        )
        responses = operation.setdefault("responses", {})
        for status in sorted(statuses):
            if status in responses:  # the view documents its own (e.g. import reports)
                if status == "400":
                    self._add_validation_errors(responses["400"])
                continue
            schema = (
                self._validation_error_component()
                if status == "400"
                else self.resolve_serializer(ErrorSerializer, "response").ref
            )
            responses[status] = {
                "content": {"application/json": {"schema": schema}},
                "description": _DESCRIPTIONS[status],
            }
        return operation

    def _add_validation_errors(self, response: dict[str, Any]) -> None:
        """A view's own 400 (e.g. an import's report by row) comes besides DRF's validation
        errors of the request itself: the body may be either."""
        for content in response.get("content", {}).values():
            schema = content.get("schema")
            if schema and schema != self._validation_error_component():
                content["schema"] = {"anyOf": [schema, self._validation_error_component()]}

    def _validation_error_component(self) -> dict[str, str]:
        component = ResolvedComponent(
            name=VALIDATION_ERROR_COMPONENT,
            type=ResolvedComponent.SCHEMA,
            object=VALIDATION_ERROR_COMPONENT,
            schema=_VALIDATION_ERROR_SCHEMA,
        )
        self.registry.register_on_missing(component)
        return component.ref
