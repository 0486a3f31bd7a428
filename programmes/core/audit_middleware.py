"""Every request is served inside ``audit_request`` (entries written while serving it record
its client address and browser), and a refused request (401 or 403, including CSRF failures)
leaves one entry: who, method, path, outcome "refused". Nothing else costs a query."""

import logging
from collections.abc import Callable

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse

from programmes.core.audit import ANONYMOUS, audit_record, audit_request, is_sensitive_key
from programmes.core.models import Outcome

logger = logging.getLogger(__name__)
REFUSED_STATUSES = (401, 403)
PATH_MAX = 500


class AuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit_request(request):
            response = self.get_response(request)
            if response.status_code in REFUSED_STATUSES and connection.schema_name:
                _record_refusal(request, response)
        return response


def _path(request: HttpRequest) -> str:
    """The path, or its URL pattern when a part of it is a token or secret (an invitation
    or unsubscribe link must not land in the trail). Never the query string."""
    match = request.resolver_match
    if match is not None and any(is_sensitive_key(key) for key in match.kwargs):
        return "/" + match.route
    return request.path[:PATH_MAX]


def _record_refusal(request: HttpRequest, response: HttpResponse) -> None:
    user = getattr(request, "user", None)
    person = user if user is not None and user.is_authenticated else None
    try:
        audit_record(
            actor=person,
            actor_label=None if person is not None else ANONYMOUS,
            action="request.refused",
            outcome=Outcome.REFUSED,
            data={
                "method": request.method,
                "path": _path(request),
                "status": response.status_code,
            },
            request=request,
        )
    except DatabaseError:  # never turn a refusal into a server error
        logger.exception("Could not record a refused request")
