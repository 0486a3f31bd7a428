"""Support sessions on tenant hosts end with their grant.

A support session is one started by ``support_enter_view``: it carries the grant's id. On
each of its requests the grant must still be open (one query); once it has ended or expired
the session is signed out. Other sessions cost nothing: the session is read anyway by the
MFA middleware before this one, and without a session cookie nothing is read at all.

A support session also cannot change the support account's credentials (password, e-mail,
second factors, API tokens), so the account is usable only through a grant."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenants.support.selectors import open_support_grant

SESSION_GRANT_KEY = "support_grant_id"
ENTER_PREFIX = "/support/enter/"
ENDED_MESSAGE = gettext_lazy("The support access has ended; you have been signed out.")
# Account pages a support session may not use (it may sign out).
BLOCKED_PREFIXES = (
    "/accounts/password/",
    "/accounts/email/",
    "/accounts/2fa/",
    "/accounts/3rdparty/",
    "/accounts/sessions/",
    "/api/v1/auth/token/",
)


class SupportSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.support_grant = None  # type: ignore[attr-defined]
        tenant = getattr(request, "tenant", None)
        session = getattr(request, "session", None)
        if tenant is None or session is None:
            return self.get_response(request)
        grant_id = session.get(SESSION_GRANT_KEY)
        if grant_id is None:
            return self.get_response(request)
        grant = open_support_grant(grant_id=grant_id, tenant_id=tenant.pk)
        if grant is None:
            logout(request)
            if request.path.startswith(ENTER_PREFIX):
                return self.get_response(request)  # a new entry token: let it be redeemed
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": str(ENDED_MESSAGE), "code": "support_access_ended"}, status=403
                )
            messages.warning(request, ENDED_MESSAGE, fail_silently=True)
            return redirect("account_login")
        if request.path.startswith(BLOCKED_PREFIXES):
            raise PermissionDenied(_("Not available in a support session."))
        request.support_grant = grant  # type: ignore[attr-defined]
        return self.get_response(request)
