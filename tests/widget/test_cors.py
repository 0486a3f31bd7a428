"""CORS and framing: only the origins a tenant's admin listed may read the widget's data
cross-origin or frame it; never with credentials, never another tenant's origins, never for
any other path."""

import pytest
from django_tenants.utils import tenant_context

from programmes.widget import selectors
from tests.conftest import World, client_for
from tests.widget.conftest import allow

API = "/api/v1/widget/"
FRAME = "/widget/frame/"
SCRIPT = "/widget/embed.js"
LISTED = "https://www.alpha-kommune.dk"
ACAO = "Access-Control-Allow-Origin"


def _get(world: World | None, path: str, origin: str, persona: str | None = None):  # type: ignore[no-untyped-def]
    return client_for(world, persona).get(path, HTTP_ORIGIN=origin)


def _preflight(world: World, path: str, origin: str):  # type: ignore[no-untyped-def]
    return client_for(world).options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="accept",
    )


@pytest.mark.parametrize("path", [API, API + "?lang=en", FRAME, SCRIPT])
def test_a_listed_origin_may_read_the_widget(alpha: World, path: str) -> None:
    allow(alpha, LISTED, "https://intranet.alpha-kommune.dk:8443")
    response = _get(alpha, path, LISTED)
    assert response.status_code == 200
    assert response[ACAO] == LISTED
    assert "Access-Control-Allow-Credentials" not in response
    assert "origin" in response["Vary"].lower()
    other_port = _get(alpha, path, "https://intranet.alpha-kommune.dk:8443")
    assert other_port[ACAO] == "https://intranet.alpha-kommune.dk:8443"


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "http://www.alpha-kommune.dk",  # another scheme
        "https://www.alpha-kommune.dk:444",  # another port
        "https://alpha-kommune.dk",  # another host
        "https://www.alpha-kommune.dk.evil.example",
        "null",
        "",
    ],
)
@pytest.mark.parametrize("path", [API, FRAME])
def test_an_unlisted_origin_gets_no_cors_header(alpha: World, path: str, origin: str) -> None:
    allow(alpha, LISTED)
    response = _get(alpha, path, origin)
    assert response.status_code == 200  # the data is public; the browser keeps it from the page
    assert ACAO not in response


def test_a_listed_origin_written_differently_is_the_same_origin(alpha: World) -> None:
    allow(alpha, "HTTPS://WWW.Alpha-Kommune.DK:443/")
    assert _get(alpha, API, LISTED)[ACAO] == LISTED


def test_the_preflight_answers_listed_origins_only(alpha: World) -> None:
    allow(alpha, LISTED)
    allowed = _preflight(alpha, API, LISTED)
    assert allowed.status_code == 200
    assert allowed[ACAO] == LISTED
    assert set(allowed["Access-Control-Allow-Methods"].replace(" ", "").split(",")) == {
        "GET",
        "OPTIONS",
    }
    assert "Access-Control-Allow-Credentials" not in allowed
    refused = _preflight(alpha, API, "https://evil.example")
    assert ACAO not in refused and "Access-Control-Allow-Methods" not in refused


def test_with_no_listed_origin_nobody_may_read_it_cross_origin(alpha: World) -> None:
    assert ACAO not in _get(alpha, API, LISTED)
    assert ACAO not in _preflight(alpha, API, LISTED)


@pytest.mark.parametrize(
    "path",
    ["/manage/widget/", "/api/v1/partners/", "/api/v1/award-winners/", "/", "/partners/"],
)
def test_a_listed_origin_opens_no_other_path(alpha: World, path: str) -> None:
    allow(alpha, LISTED)
    for persona in (None, "municipal_admin"):
        assert ACAO not in _get(alpha, path, LISTED, persona)
    assert ACAO not in _preflight(alpha, path, LISTED)


def test_betas_origins_do_not_open_alpha(alpha: World, beta: World) -> None:
    beta_site = "https://www.beta-kommun.se"
    allow(beta, beta_site)
    allow(alpha, LISTED)
    assert _get(beta, API, beta_site)[ACAO] == beta_site
    for path in (API, FRAME, SCRIPT):
        assert ACAO not in _get(alpha, path, beta_site)
    assert ACAO not in _preflight(alpha, API, beta_site)
    assert ACAO not in _get(beta, API, LISTED)
    # And framing: alpha's frame names only alpha's origins.
    policy = client_for(alpha).get(FRAME)["Content-Security-Policy"]
    assert "frame-ancestors https://www.alpha-kommune.dk" in policy and beta_site not in policy


def test_the_platform_host_has_no_widget_and_no_cors(alpha: World) -> None:
    allow(alpha, LISTED)
    response = _get(None, API, LISTED)
    assert ACAO not in response


def test_removing_an_origin_closes_it_at_once(alpha: World) -> None:
    allow(alpha, LISTED)
    assert _get(alpha, API, LISTED)[ACAO] == LISTED
    allow(alpha)
    assert ACAO not in _get(alpha, API, LISTED)
    assert "frame-ancestors 'none'" in client_for(alpha).get(FRAME)["Content-Security-Policy"]


def test_the_origins_are_read_from_the_cache(alpha: World, django_assert_num_queries) -> None:
    allow(alpha, LISTED)
    client = client_for(alpha)
    client.get(API, HTTP_ORIGIN=LISTED)
    with django_assert_num_queries(0):
        assert client.get(API, HTTP_ORIGIN=LISTED)[ACAO] == LISTED
    with tenant_context(alpha.tenant):
        assert selectors.allowed_origins() == [LISTED]


def test_the_frame_may_be_framed_by_listed_origins_only(alpha: World) -> None:
    response = client_for(alpha).get(FRAME)
    assert "X-Frame-Options" not in response
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    allow(alpha, LISTED, "http://localhost:8080")
    policy = client_for(alpha).get(FRAME)["Content-Security-Policy"]
    assert "frame-ancestors https://www.alpha-kommune.dk http://localhost:8080" in policy
    assert "default-src 'none'" in policy
    # Every other page stays unframeable.
    assert client_for(alpha).get("/")["X-Frame-Options"] == "DENY"
    assert client_for(alpha, "municipal_admin").get("/manage/widget/")["X-Frame-Options"] == "DENY"


def test_the_script_is_javascript_cached_for_a_day(alpha: World) -> None:
    response = client_for(alpha).get(SCRIPT)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert "data-klimapartner-widget" in response.content.decode()
    assert "innerHTML" not in response.content.decode()
    again = client_for(alpha).get(SCRIPT, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert client_for(alpha).head(SCRIPT).status_code == 200
    assert client_for(alpha).post(SCRIPT).status_code == 405
