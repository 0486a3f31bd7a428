"""programmes.core.headers: a page may send a form to the origins the code rendering it
names in ``request.csp_form_action`` (the single sign-on button); nothing else changes."""

from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils.csp import CSP

from programmes.core.headers import DOCS_CSP, DocsCSPMiddleware

IDP = "https://login.alpha.example"


def run(request: HttpRequest, response: HttpResponse | None = None) -> HttpResponse:
    return DocsCSPMiddleware(lambda _request: response or HttpResponse())(request)


def test_named_origins_are_added_to_form_action_only(settings) -> None:
    request = RequestFactory().get("/accounts/login/")
    request.csp_form_action = [IDP, IDP, ""]  # type: ignore[attr-defined]
    policy = run(request)._csp_config  # type: ignore[attr-defined]
    assert policy["form-action"] == [CSP.SELF, IDP]
    assert {key: value for key, value in policy.items() if key != "form-action"} == {
        key: value for key, value in settings.SECURE_CSP.items() if key != "form-action"
    }
    assert settings.SECURE_CSP["form-action"] == [CSP.SELF]  # the setting is not changed


def test_without_origins_the_site_policy_stays(settings) -> None:
    response = run(RequestFactory().get("/accounts/login/"))
    assert not hasattr(response, "_csp_config")


def test_a_page_with_its_own_policy_keeps_it_plus_the_origins() -> None:
    request = RequestFactory().get("/x/")
    request.csp_form_action = [IDP]  # type: ignore[attr-defined]
    response = HttpResponse()
    response._csp_config = DOCS_CSP  # type: ignore[attr-defined]
    policy = run(request, response)._csp_config  # type: ignore[attr-defined]
    assert policy["style-src"] == DOCS_CSP["style-src"]
    assert policy["form-action"] == [CSP.SELF, IDP]
    assert DOCS_CSP["form-action"] == [CSP.SELF]


def test_a_page_without_any_policy_gets_none() -> None:
    request = RequestFactory().get("/x/")
    request.csp_form_action = [IDP]  # type: ignore[attr-defined]
    response = HttpResponse()
    response._csp_config = {}  # type: ignore[attr-defined]
    assert run(request, response)._csp_config == {}  # type: ignore[attr-defined]
