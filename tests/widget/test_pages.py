"""The widget's admin page for every persona: municipal admins edit the settings, municipal
staff read them and the embed code, everybody else is refused; the embed code and the
preview."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tenants.utils import tenant_context

from programmes.core.models import AuditEvent
from programmes.partners.models import Publication
from programmes.widget.models import WidgetSettings
from tests.conftest import PERSONAS, World, client_for, work_queries
from tests.widget.conftest import SECRETS, Public, add_partner, allow

# The assertions read English messages (both test tenants offer English).
pytestmark = pytest.mark.usefixtures("english_pages")

PAGE = reverse("widget-manage", urlconf="saas.urls_tenant")
FORM = {
    "allowed_origins": "https://www.alpha-kommune.dk\r\nhttps://klima.alpha-kommune.dk/",
    "show_count": "on",
    "show_partners": "on",
    "winners_count": "2",
}


@pytest.mark.parametrize("persona", [None, *(persona for persona, _ in PERSONAS)])
def test_who_may_see_the_page(alpha: World, persona: str | None) -> None:
    response = client_for(alpha, persona).get(PAGE)
    expected = {None: 302, "municipal_admin": 200, "municipal_staff": 200}.get(persona, 403)
    assert response.status_code == expected
    if persona is None:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona", [None, *(persona for persona, _ in PERSONAS)])
def test_only_a_municipal_admin_may_change_the_settings(alpha: World, persona: str | None) -> None:
    response = client_for(alpha, persona).post(PAGE, FORM)
    with tenant_context(alpha.tenant):
        saved = WidgetSettings.objects.first()
    if persona == "municipal_admin":
        assert response.status_code == 302 and response["Location"] == PAGE
        assert saved is not None
        assert saved.allowed_origins == [
            "https://www.alpha-kommune.dk",
            "https://klima.alpha-kommune.dk",
        ]
        assert (saved.show_count, saved.show_partners, saved.show_winners) == (True, True, False)
        assert saved.winners_count == 2
    else:
        assert response.status_code in {302, 403}
        assert saved is None


def test_the_operator_is_nobody_on_a_tenant_host(alpha: World, operator) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import operator_client

    client = operator_client(operator)
    client.defaults["HTTP_HOST"] = alpha.host
    assert client.get(PAGE).status_code == 302


def test_the_admin_page_shows_the_form_the_embed_code_and_a_preview(
    alpha: World, public: Public
) -> None:
    allow(alpha, "https://www.alpha-kommune.dk")
    response = client_for(alpha, "municipal_admin").get(PAGE)
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert 'for="id_allowed_origins"' in page and 'for="id_winners_count"' in page
    assert "https://www.alpha-kommune.dk" in page
    code = html.unescape(page)
    assert (
        '<div data-klimapartner-widget data-lang="da" data-show="count,partners,winners" '
        'data-heading-level="2">' in code
    )
    assert '<script src="http://alpha.localhost/widget/embed.js" async></script>' in code
    assert (
        '<iframe src="http://alpha.localhost/widget/frame/?lang=da&amp;show=count,partners,winners"'
        in code
    )
    # Read-only text areas with a label; the copy buttons appear with JavaScript only.
    assert '<label for="widget-script">' in page and '<label for="widget-iframe">' in page
    assert page.count("readonly") == 2
    assert page.count('<button type="button" hidden data-copy-target') == 2
    assert "/static/widget/copy.js" in page
    # The preview: the widget as the server draws it, which embed.js then redraws.
    assert public.listed.name in page and "kp-widget__partners" in page
    for secret in SECRETS:
        assert secret not in page


def test_staff_read_the_settings_and_the_embed_code_without_a_form(alpha: World) -> None:
    allow(alpha, "https://www.alpha-kommune.dk")
    page = client_for(alpha, "municipal_staff").get(PAGE).content.decode()
    assert 'name="allowed_origins"' not in page and "Save settings" not in page
    assert "https://www.alpha-kommune.dk" in page
    assert 'id="widget-script"' in page and 'id="widget-iframe"' in page


def test_the_embed_code_options(alpha: World) -> None:
    client = client_for(alpha, "municipal_staff")
    page = html.unescape(
        client.get(
            PAGE, {"lang": "en", "show": ["winners", "count"], "heading_level": "4"}
        ).content.decode()
    )
    assert 'data-lang="en" data-show="count,winners" data-heading-level="4"' in page
    assert "/widget/frame/?lang=en&amp;show=count,winners" in page
    # Options that are not offered fall back to the defaults.
    odd = html.unescape(
        client.get(PAGE, {"lang": "fi", "show": "nothing", "heading_level": "9"}).content.decode()
    )
    assert 'data-lang="da" data-show="count,partners,winners" data-heading-level="2"' in odd


@pytest.mark.parametrize(
    ("origins", "message"),
    [
        ("https://*.alpha-kommune.dk", "wildcards are not allowed"),
        ("http://www.alpha-kommune.dk", "use https://"),
        ("https://www.alpha-kommune.dk/klima/partnere", "without a page, query or fragment"),
        ("www.alpha-kommune.dk", "is not a website address"),
    ],
)
def test_bad_origins_are_refused_on_the_form_and_nothing_is_saved(
    alpha: World, origins: str, message: str
) -> None:
    allow(alpha, "https://before.example.dk")
    client = client_for(alpha, "municipal_admin")
    response = client.post(PAGE, {**FORM, "allowed_origins": f"https://ok.dk\n{origins}"})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert 'class="error-summary"' in page
    assert message in page and origins in page
    assert 'id="id_allowed_origins_error"' in page  # tied to the field
    with tenant_context(alpha.tenant):
        assert WidgetSettings.objects.get().allowed_origins == ["https://before.example.dk"]
        assert AuditEvent.objects.filter(action="widget.settings_saved").count() == 1


def test_nothing_to_show_and_a_bad_number_are_refused(alpha: World) -> None:
    client = client_for(alpha, "municipal_admin")
    nothing = client.post(PAGE, {"allowed_origins": "", "winners_count": "3"})
    assert nothing.status_code == 400
    assert "Choose at least one thing for the widget to show." in nothing.content.decode()
    too_many = client.post(PAGE, {**FORM, "winners_count": "50"})
    assert too_many.status_code == 400
    with tenant_context(alpha.tenant):
        assert not WidgetSettings.objects.exists()


def test_the_page_uses_the_same_queries_for_3_or_30_partners(alpha: World) -> None:
    client = client_for(alpha, "municipal_admin")

    def queries() -> int:
        from django.core.cache import cache

        cache.delete("widget:data:da")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PAGE).status_code == 200
        return work_queries(captured)

    with tenant_context(alpha.tenant):
        for number in range(3):
            add_partner(
                f"Firma {number}", fields=(Publication.DIRECTORY, Publication.LOGO), logo=True
            )
    client.get(PAGE)
    few = queries()
    with tenant_context(alpha.tenant):
        for number in range(3, 30):
            add_partner(
                f"Firma {number}", fields=(Publication.DIRECTORY, Publication.LOGO), logo=True
            )
    assert queries() == few
    assert few <= 10
