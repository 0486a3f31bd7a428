"""Response headers that protect personal data and the pages themselves.

- ``NoStoreMiddleware``: ``Cache-Control: no-store, private`` on every response to a signed-in
  user (session or API token) and on every response that sets the session cookie, so that no
  browser or proxy keeps a copy of a page with personal data. Public responses to anonymous
  visitors (the widget's data, sitemap.xml, calendar.ics, static files) keep their caching.
- ``DocsCSPMiddleware``: the pages whose policy allows inline styles (never inline scripts):
  the Swagger UI page (``/api/docs/``: drf-spectacular's inline start-up script gets the
  request's CSP nonce, see saas/templates/drf_spectacular/; Swagger UI sets inline styles)
  and the pages with charts (programmes.dashboards.charts draws matplotlib SVG inline, whose
  elements carry ``style`` attributes). Drawing the charts as ``<img>`` would remove the
  second exception.

- ``request.csp_form_action``: origins a page may send a form to besides itself, set by the
  code that renders the form (the login page's single sign-on button, whose POST is
  redirected to the tenant's identity provider: Chromium checks ``form-action`` on that
  redirect too). Added to the page's policy, nothing else changes.

The policy of every other page is ``SECURE_CSP`` in saas/settings.py (Django's
``ContentSecurityPolicyMiddleware``); views that set their own ``Content-Security-Policy``
header (the widget's frame, file downloads with ``sandbox``) keep it.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.csp import CSP
from django.utils.functional import empty
from drf_spectacular.views import SpectacularSwaggerView

NO_STORE = "no-store, private"

DOCS_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}


def signed_in(request: HttpRequest) -> bool:
    """Whether the request may come from a signed-in user, without loading the session or
    the user if nobody looked at them yet (a session cookie or an API token is enough)."""
    if request.headers.get("Authorization"):
        return True
    user = getattr(request, "user", None)
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is not empty and wrapped is not None and wrapped.is_authenticated:
        return True
    # Not looked at, or replaced by an API view without authentication (the widget's data):
    # a session cookie is enough (no query to load the session).
    return settings.SESSION_COOKIE_NAME in request.COOKIES


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.SESSION_COOKIE_NAME in response.cookies or signed_in(request):
            response.headers["Cache-Control"] = NO_STORE
            response.headers.pop("Expires", None)
        return response


# URL names of the pages with inline SVG charts.
CHART_PAGES = {"dashboard", "figures", "my-climate", "workspace-climate"}


class DocsCSPMiddleware:
    """Below ContentSecurityPolicyMiddleware: marks the responses of the Swagger UI and of
    the chart pages with DOCS_CSP (``csp_override`` without touching the URLconfs)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view_class = getattr(match.func, "view_class", None) if match else None
        docs = view_class is not None and issubclass(view_class, SpectacularSwaggerView)
        if docs or (match is not None and match.url_name in CHART_PAGES):
            response._csp_config = DOCS_CSP
        extra = [origin for origin in getattr(request, "csp_form_action", []) if origin]
        if extra:
            policy = getattr(response, "_csp_config", settings.SECURE_CSP)
            if policy:
                form_action = [*policy.get("form-action", []), *extra]
                response._csp_config = {**policy, "form-action": list(dict.fromkeys(form_action))}
        return response
