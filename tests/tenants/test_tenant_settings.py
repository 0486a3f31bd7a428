"""Operators edit a tenant's languages, web addresses and branding (console, API), and the
branding reaches the tenant's own hosts and e-mails, never another tenant's."""

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django_tenants.utils import schema_context, tenant_context
from PIL import Image

from programmes.core.mail import send_localised_mail
from programmes.core.models import AuditEvent
from programmes.people.models import User
from tenants import services
from tenants.models import Domain, Tenant
from tests.conftest import World, client_for, operator_client

CUSTOM_HOST = "klima.alpha-kommune.example"
GOOD_COLOUR = "#1D4ED8"  # white text on it: 6.70:1
LOW_COLOUR = "#777777"  # white text on it: 4.478:1, just below AA


def png(colour: str = "green") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def fresh(world: World) -> Tenant:
    return Tenant.objects.get(pk=world.tenant.pk)


def public_events(action: str) -> list[AuditEvent]:
    with schema_context("public"):
        return list(AuditEvent.objects.filter(action=action))


def tenant_events(world: World, action: str) -> list[AuditEvent]:
    with tenant_context(world.tenant):
        return list(AuditEvent.objects.filter(action=action))


def branding(world: World, operator: User, **values: object) -> Tenant:
    arguments: dict[str, object] = {"brand_colour": "", "sender_name": "", "reply_to": ""}
    return services.tenant_branding_update(
        actor=operator, tenant=world.tenant, **{**arguments, **values}
    )


@pytest.fixture
def media(alpha: World) -> Path:
    """Alpha's media folder as the storage resolves it (django-tenants' storage keeps the
    MEDIA_ROOT it saw first, so a test cannot move it)."""
    with tenant_context(alpha.tenant):
        return Path(default_storage.location)


def branding_files(folder: Path) -> set[Path]:
    return set((folder / "branding").glob("*"))


@pytest.fixture
def custom_host_allowed(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, CUSTOM_HOST]


# --- Languages ----------------------------------------------------------------------------


def test_the_languages_change_and_are_audited_in_both_trails(alpha: World, operator: User) -> None:
    services.tenant_languages_update(
        actor=operator, tenant=alpha.tenant, primary="da", others=["en", "fi", "da", "fi"]
    )
    tenant = fresh(alpha)
    assert tenant.languages == ["da", "en", "fi"]
    [event] = public_events("tenant.languages_updated")
    assert event.actor == operator
    assert event.data == {"before": ["da", "en"], "after": ["da", "en", "fi"], "locale": "da_DK"}
    [own] = tenant_events(alpha, "tenant.languages_updated")
    assert own.actor_label == f"operator {operator.email}"
    # Routing serves the new languages at once (the cached tenant was forgotten).
    response = client_for(alpha).get("/", HTTP_ACCEPT_LANGUAGE="fi")
    assert response["Content-Language"] == "fi"


@pytest.mark.parametrize(
    ("primary", "others", "field"),
    [("xx", ["en"], "primary_language"), ("da", ["en", "klingon"], "other_languages")],
)
def test_languages_the_platform_does_not_offer_are_refused(
    alpha: World, operator: User, primary: str, others: list[str], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.tenant_languages_update(
            actor=operator, tenant=alpha.tenant, primary=primary, others=others
        )
    assert field in refused.value.message_dict
    assert fresh(alpha).languages == ["da", "en"]
    assert public_events("tenant.languages_updated") == []


def test_the_primary_language_is_not_dropped_in_the_step_that_replaces_it(
    alpha: World, operator: User
) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.tenant_languages_update(
            actor=operator, tenant=alpha.tenant, primary="en", others=[]
        )
    assert "primary language" in refused.value.message_dict["other_languages"][0]
    assert fresh(alpha).languages == ["da", "en"]
    # Two deliberate steps: make English primary keeping Danish, then remove Danish.
    services.tenant_languages_update(
        actor=operator, tenant=alpha.tenant, primary="en", others=["da"]
    )
    services.tenant_languages_update(actor=operator, tenant=alpha.tenant, primary="en", others=[])
    assert fresh(alpha).languages == ["en"]
    assert fresh(alpha).locale == "en_DK"  # numbers and dates follow the primary language


# --- Web addresses ------------------------------------------------------------------------


def test_a_new_custom_domain_routes_at_once_and_stops_when_removed(
    alpha: World, operator: User, custom_host_allowed: None
) -> None:
    visitor = Client(HTTP_HOST=CUSTOM_HOST)
    assert visitor.get("/").status_code == 404  # and "unknown host" is now cached
    services.tenant_domain_add(
        actor=operator, tenant=alpha.tenant, domain=" Klima.Alpha-Kommune.example. "
    )
    assert Domain.objects.filter(domain=CUSTOM_HOST, tenant=alpha.tenant).exists()
    response = visitor.get("/")
    assert response.status_code == 200
    assert "ALPHA-MARKER programme" in response.content.decode()
    assert public_events("tenant.domain_added")[0].data == {"domain": CUSTOM_HOST}
    assert tenant_events(alpha, "tenant.domain_added")

    services.tenant_domain_remove(actor=operator, tenant=alpha.tenant, domain=CUSTOM_HOST)
    assert visitor.get("/").status_code == 404  # the cached tenant was forgotten
    assert public_events("tenant.domain_removed")[0].data == {"domain": CUSTOM_HOST}


@pytest.mark.parametrize(
    "domain",
    [
        "https://klima.example.dk",
        "klima.example.dk/path",
        "klima.example.dk:8443",
        "klima",
        "-klima.example.dk",
        "klima..example.dk",
        "klima_x.example.dk",
        "klima.example.dk\nevil.example",
        "klima .example.dk",
        "10.0.0.1",
        "",
        "x" * 64 + ".example.dk",
    ],
)
def test_what_is_not_a_host_name_is_refused(alpha: World, operator: User, domain: str) -> None:
    with pytest.raises(ValidationError) as refused:
        services.tenant_domain_add(actor=operator, tenant=alpha.tenant, domain=domain)
    assert "domain" in refused.value.message_dict
    assert list(alpha.tenant.domains.values_list("domain", flat=True)) == ["alpha.localhost"]
    assert public_events("tenant.domain_added") == []


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("localhost", "platform's own address"),
        ("gamma.localhost", "given by the platform"),
        ("beta.localhost", "given by the platform"),
        ("alpha.localhost", "already in use"),
    ],
)
def test_the_platform_domain_and_used_names_are_refused(
    alpha: World, beta: World, operator: User, domain: str, expected: str
) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.tenant_domain_add(actor=operator, tenant=alpha.tenant, domain=domain)
    assert expected in refused.value.message_dict["domain"][0]


def test_a_domain_of_another_tenant_is_refused_and_cannot_be_removed(
    alpha: World, beta: World, operator: User
) -> None:
    services.tenant_domain_add(actor=operator, tenant=beta.tenant, domain=CUSTOM_HOST)
    with pytest.raises(ValidationError):
        services.tenant_domain_add(actor=operator, tenant=alpha.tenant, domain=CUSTOM_HOST.upper())
    with pytest.raises(ValidationError):
        services.tenant_domain_remove(actor=operator, tenant=alpha.tenant, domain=CUSTOM_HOST)
    assert Domain.objects.get(domain=CUSTOM_HOST).tenant_id == beta.tenant.pk


def test_the_tenants_own_platform_address_cannot_be_removed(alpha: World, operator: User) -> None:
    with pytest.raises(ValidationError):
        services.tenant_domain_remove(actor=operator, tenant=alpha.tenant, domain="alpha.localhost")
    assert Domain.objects.filter(domain="alpha.localhost").exists()
    assert client_for(alpha).get("/").status_code == 200


# --- Branding -----------------------------------------------------------------------------


def test_branding_is_saved_and_audited(alpha: World, operator: User, media: Path) -> None:
    tenant = branding(
        alpha,
        operator,
        brand_colour=GOOD_COLOUR.lower(),
        sender_name="  Klima Alpha  ",
        reply_to="klima@alpha.example",
        logo=SimpleUploadedFile("whatever.exe", png()),
    )
    tenant = fresh(alpha)
    assert (tenant.brand_colour, tenant.sender_name, tenant.reply_to) == (
        GOOD_COLOUR,
        "Klima Alpha",
        "klima@alpha.example",
    )
    # Stored in the tenant's own media folder, under a name of our making.
    assert media.name == "alpha"
    assert re.fullmatch(r"branding/logo-[0-9a-f]{12}\.png", tenant.brand_logo.name)
    assert (media / tenant.brand_logo.name).read_bytes() == png()
    [event] = public_events("tenant.branding_updated")
    assert event.data["logo"] == "uploaded"
    assert event.data["brand_colour"] == GOOD_COLOUR
    assert tenant_events(alpha, "tenant.branding_updated")


def test_a_replaced_logo_file_is_deleted_once_committed(
    alpha: World, operator: User, media: Path, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        branding(alpha, operator, logo=SimpleUploadedFile("a.png", png("red")))
    old = media / fresh(alpha).brand_logo.name
    assert old.exists()
    with django_capture_on_commit_callbacks(execute=True):
        branding(alpha, operator, logo=SimpleUploadedFile("b.png", png("blue")))
    assert not old.exists()
    new = media / fresh(alpha).brand_logo.name
    assert new.exists()
    with django_capture_on_commit_callbacks(execute=True):
        branding(alpha, operator, remove_logo=True)
    assert not new.exists()
    assert not fresh(alpha).brand_logo


def test_a_colour_too_light_for_white_text_is_refused_with_its_ratio(
    alpha: World, operator: User
) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        branding(alpha, operator, brand_colour=LOW_COLOUR, sender_name="Changed")
    [message] = refused.value.message_dict["brand_colour"]
    assert "4.47:1" in message  # rounded down: never shown as enough
    assert "4.5:1" in message
    tenant = fresh(alpha)
    assert (tenant.brand_colour, tenant.sender_name) == ("", "")
    assert public_events("tenant.branding_updated") == []


def test_the_contrast_message_is_in_the_operators_language(alpha: World, operator: User) -> None:
    with translation.override("da"), pytest.raises(ValidationError) as refused:
        branding(alpha, operator, brand_colour=LOW_COLOUR)
    assert "4,47" in refused.value.message_dict["brand_colour"][0]  # Danish decimal comma


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"brand_colour": "green"}, "brand_colour"),
        ({"brand_colour": "#12345"}, "brand_colour"),
        ({"brand_colour": "#12345G"}, "brand_colour"),
        ({"brand_colour": "#FFFF00"}, "brand_colour"),
        ({"sender_name": "Alpha\r\nBcc: victim@example.com"}, "sender_name"),
        ({"sender_name": "x" * 101}, "sender_name"),
        ({"reply_to": "not an address"}, "reply_to"),
        (
            {"logo": SimpleUploadedFile("logo.png", b"<html><script>1</script></html>")},
            "brand_logo",
        ),
        (
            {
                "logo": SimpleUploadedFile(
                    "logo.svg",
                    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                )
            },
            "brand_logo",
        ),
    ],
)
def test_bad_branding_is_refused_and_nothing_changes(
    alpha: World, operator: User, media: Path, values: dict[str, object], field: str
) -> None:
    before = branding_files(media)
    with pytest.raises(ValidationError) as refused:
        branding(alpha, operator, **{"brand_colour": GOOD_COLOUR, **values})
    assert field in refused.value.message_dict
    tenant = fresh(alpha)
    assert (tenant.brand_colour, tenant.sender_name, tenant.reply_to) == ("", "", "")
    assert not tenant.brand_logo
    assert branding_files(media) == before


# --- Branding on the tenant's hosts -------------------------------------------------------


def test_branding_css_carries_the_tenants_colour_only(
    alpha: World, beta: World, operator: User, django_assert_max_num_queries
) -> None:
    branding(alpha, operator, brand_colour=GOOD_COLOUR)
    version = fresh(alpha).branding_version
    client = client_for(alpha)
    client.get("/")  # routing cached
    with django_assert_max_num_queries(2):
        response = client.get(f"/branding.css?v={version}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in response["Cache-Control"]
    assert f"--brand: {GOOD_COLOUR};" in response.content.decode()
    assert response["ETag"]
    again = client.get(f"/branding.css?v={version}", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    # Beta has no branding: its stylesheet is the platform's, its pages do not link one.
    other = client_for(beta).get("/branding.css")
    assert other.status_code == 200
    assert GOOD_COLOUR not in other.content.decode()
    assert "branding.css" not in client_for(beta).get("/").content.decode()
    page = client_for(alpha).get("/").content.decode()
    assert f'href="/branding.css?v={version}"' in page
    assert "style=" not in page


def test_the_logo_is_shown_and_served_on_the_tenants_hosts_only(
    alpha: World, beta: World, operator: User, media: Path, django_assert_max_num_queries
) -> None:
    branding(alpha, operator, logo=SimpleUploadedFile("logo.png", png()))
    version = fresh(alpha).branding_version
    page = client_for(alpha).get("/").content.decode()
    assert f'<img class="site-logo" src="/branding/logo/?v={version}" alt="">' in page
    client = client_for(alpha)
    client.get("/")
    with django_assert_max_num_queries(2):
        response = client.get(f"/branding/logo/?v={version}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == png()
    assert client_for(beta).get("/branding/logo/").status_code == 404
    assert "site-logo" not in client_for(beta).get("/").content.decode()


def test_the_platform_host_has_no_branding_routes(alpha: World) -> None:
    assert Client(HTTP_HOST="localhost").get("/branding.css").status_code in {302, 404}


# --- E-mail -------------------------------------------------------------------------------


def _send(world: World) -> mail.EmailMessage:
    mail.outbox.clear()
    with tenant_context(fresh(world)):
        send_localised_mail(
            to="someone@example.com",
            language="en",
            template="followups/email/reminder",
            context={
                "partner": {"name": "Partner"},
                "follow_up": {"year": 2031, "due_on": dt.date(2031, 6, 30)},
                "site_name": "Test",
                "url": "https://example.test/",
            },
        )
    [message] = mail.outbox
    return message


def test_emails_use_the_sender_name_and_reply_to(
    alpha: World, beta: World, operator: User, settings
) -> None:  # type: ignore[no-untyped-def]
    branding(alpha, operator, sender_name="Klima Alpha", reply_to="klima@alpha.example")
    message = _send(alpha)
    assert message.from_email == f"Klima Alpha <{settings.DEFAULT_FROM_EMAIL}>"
    assert message.reply_to == ["klima@alpha.example"]
    assert message.message()["Reply-To"] == "klima@alpha.example"
    other = _send(beta)
    assert other.from_email == f"BETA-MARKER municipality <{settings.DEFAULT_FROM_EMAIL}>"
    assert other.reply_to == []
    assert "Reply-To" not in other.message()


# --- Console pages ------------------------------------------------------------------------

SETTINGS = "/tenants/alpha/settings/"


def test_an_operator_sees_the_settings_page(
    alpha: World, operator: User, django_assert_max_num_queries, english_pages: None
) -> None:
    client = operator_client(operator)
    with django_assert_max_num_queries(8):
        response = client.get(SETTINGS)
    assert response.status_code == 200
    page = response.content.decode()
    for heading in ("<h1>", '<h2 id="languages-heading">', '<h2 id="domains-heading">'):
        assert heading in page
    assert "alpha.localhost" in page
    assert 'for="id_branding-brand_colour"' in page
    assert "style=" not in page
    assert "ALPHA-MARKER programme" not in page
    assert 'href="/tenants/alpha/settings/"' in client.get("/tenants/alpha/").content.decode()


@pytest.mark.parametrize("path", [SETTINGS, f"{SETTINGS}logo/"])
def test_anonymous_visitors_and_tenant_sessions_cannot_reach_the_settings(
    alpha: World, path: str
) -> None:
    response = Client(HTTP_HOST="localhost").get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    replayed = client_for(alpha, "municipal_admin")
    replayed.defaults["HTTP_HOST"] = "localhost"
    assert replayed.get(path).status_code == 302
    assert replayed.post(path, {"section": "branding"}).status_code == 302
    # Tenant hosts have no such page.
    assert client_for(alpha, "municipal_admin").get(path).status_code == 404


def test_an_unknown_tenant_is_not_found(operator: User, alpha: World) -> None:
    client = operator_client(operator)
    assert client.get("/tenants/nosuch/settings/").status_code == 404
    assert client.get("/tenants/nosuch/settings/logo/").status_code == 404


def test_the_operator_saves_languages_on_the_page(alpha: World, operator: User) -> None:
    client = operator_client(operator)
    response = client.post(
        SETTINGS,
        {
            "section": "languages",
            "languages-primary_language": "da",
            "languages-other_languages": ["en", "sv"],
        },
    )
    assert response.status_code == 302
    assert fresh(alpha).languages == ["da", "en", "sv"]


def test_the_operator_adds_and_removes_a_domain_on_the_page(
    alpha: World, operator: User, english_pages: None
) -> None:
    client = operator_client(operator)
    response = client.post(SETTINGS, {"section": "domain_add", "domain-domain": CUSTOM_HOST})
    assert response.status_code == 302
    page = client.get(SETTINGS).content.decode()
    assert f'value="{CUSTOM_HOST}"' in page
    response = client.post(SETTINGS, {"section": "domain_remove", "remove-domain": CUSTOM_HOST})
    assert response.status_code == 302
    assert not Domain.objects.filter(domain=CUSTOM_HOST).exists()
    refused = client.post(SETTINGS, {"section": "domain_add", "domain-domain": "localhost"})
    assert refused.status_code == 400
    assert 'aria-describedby="id_domain-domain_helptext id_domain-domain_error"' in (
        refused.content.decode()
    )


def test_a_refused_colour_shows_its_ratio_tied_to_the_input(
    alpha: World, operator: User, english_pages: None
) -> None:
    client = operator_client(operator)
    response = client.post(
        SETTINGS,
        {
            "section": "branding",
            "branding-brand_colour": LOW_COLOUR,
            "branding-sender_name": "",
            "branding-reply_to": "",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "4.47:1" in page
    assert 'id="id_branding-brand_colour_error"' in page
    assert "id_branding-brand_colour_error" in re.search(
        r'<input[^>]*id="id_branding-brand_colour"[^>]*>', page
    ).group(0)
    assert fresh(alpha).brand_colour == ""


def test_the_operator_uploads_a_logo_and_previews_it(
    alpha: World, operator: User, media: Path
) -> None:
    client = operator_client(operator)
    response = client.post(
        SETTINGS,
        {
            "section": "branding",
            "branding-brand_colour": GOOD_COLOUR,
            "branding-sender_name": "Klima Alpha",
            "branding-reply_to": "klima@alpha.example",
            "branding-brand_logo": SimpleUploadedFile("logo.png", png()),
        },
    )
    assert response.status_code == 302
    preview = client.get(f"{SETTINGS}logo/")
    assert preview.status_code == 200
    assert preview["Content-Type"] == "image/png"
    assert preview["X-Content-Type-Options"] == "nosniff"
    assert b"".join(preview.streaming_content) == png()
    assert operator_client(operator).get("/tenants/beta/settings/logo/").status_code == 404


def test_an_unknown_section_is_a_bad_request(alpha: World, operator: User) -> None:
    assert operator_client(operator).post(SETTINGS, {"section": "nope"}).status_code == 400


# --- API ----------------------------------------------------------------------------------

API = "/api/v1/tenants/alpha/"


def test_the_api_changes_languages_and_branding(alpha: World, operator: User) -> None:
    client = operator_client(operator)
    response = client.patch(
        API,
        {
            "other_languages": ["en", "fi"],
            "brand_colour": GOOD_COLOUR,
            "reply_to": "k@alpha.example",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["other_languages"] == ["en", "fi"]
    assert body["brand_colour"] == GOOD_COLOUR
    assert body["reply_to"] == "k@alpha.example"
    assert body["has_logo"] is False


def test_the_api_changes_nothing_when_one_part_is_refused(alpha: World, operator: User) -> None:
    response = operator_client(operator).patch(
        API,
        {"other_languages": ["en", "fi"], "brand_colour": LOW_COLOUR},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "brand_colour" in response.json()
    assert fresh(alpha).languages == ["da", "en"]


def test_the_api_adds_and_removes_domains(alpha: World, operator: User) -> None:
    client = operator_client(operator)
    added = client.post(f"{API}domains/", {"domain": CUSTOM_HOST}, content_type="application/json")
    assert added.status_code == 201
    assert CUSTOM_HOST in added.json()["domains"]
    refused = client.post(
        f"{API}domains/", {"domain": "localhost"}, content_type="application/json"
    )
    assert refused.status_code == 400
    removed = client.delete(f"{API}domains/{CUSTOM_HOST}/")
    assert removed.status_code == 200
    assert removed.json()["domains"] == ["alpha.localhost"]
    assert client.delete(f"{API}domains/alpha.localhost/").status_code == 400


def test_the_api_is_for_operators_only(alpha: World) -> None:
    anonymous = Client(HTTP_HOST="localhost")
    assert anonymous.patch(API, {}, content_type="application/json").status_code == 401
    assert anonymous.post(f"{API}domains/", {"domain": CUSTOM_HOST}).status_code == 401
    assert anonymous.delete(f"{API}domains/alpha.localhost/").status_code == 401
    assert not Domain.objects.filter(domain=CUSTOM_HOST).exists()
