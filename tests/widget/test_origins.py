"""What an admin may list as a website that shows the widget: an https origin (http only for
localhost), normalised as browsers send it; anything else is refused with a clear message
and nothing is saved."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django_tenants.utils import tenant_context

from programmes.core.models import AuditEvent
from programmes.widget import services
from programmes.widget.models import WidgetSettings
from programmes.widget.origins import ORIGINS_MAX, normalise_origin, normalise_origins
from tests.conftest import World


@pytest.mark.parametrize(
    ("typed", "origin"),
    [
        ("https://www.hjoring.dk", "https://www.hjoring.dk"),
        ("  HTTPS://WWW.Hjoring.DK  ", "https://www.hjoring.dk"),
        ("https://www.hjoring.dk/", "https://www.hjoring.dk"),
        ("https://www.hjoring.dk:443", "https://www.hjoring.dk"),
        ("https://www.hjoring.dk:8443", "https://www.hjoring.dk:8443"),
        ("https://www.hjørring.dk", "https://www.xn--hjrring-r1a.dk"),
        ("https://xn--hjrring-r1a.dk", "https://xn--hjrring-r1a.dk"),
        ("http://localhost:8000", "http://localhost:8000"),
        ("http://hjorring.localhost:8000", "http://hjorring.localhost:8000"),
        ("http://127.0.0.1:5500", "http://127.0.0.1:5500"),
        ("http://[::1]:3000", "http://[::1]:3000"),
        ("http://localhost:80", "http://localhost"),
        ("https://10.0.0.5", "https://10.0.0.5"),
    ],
)
def test_an_origin_is_normalised_as_browsers_send_it(typed: str, origin: str) -> None:
    assert normalise_origin(typed) == origin


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("www.hjoring.dk", "origin_scheme"),
        ("ftp://www.hjoring.dk", "origin_scheme"),
        ("javascript:alert(1)", "origin_scheme"),
        ("https://", "origin_scheme"),
        ("http://www.hjoring.dk", "origin_insecure"),
        ("http://10.0.0.5", "origin_insecure"),
        ("https://*.hjoring.dk", "origin_wildcard"),
        ("*", "origin_wildcard"),
        ("https://www.hjoring.dk/borger/klima", "origin_path"),
        ("https://www.hjoring.dk?x=1", "origin_path"),
        ("https://www.hjoring.dk/#widget", "origin_path"),
        ("https://user:secret@www.hjoring.dk", "origin_userinfo"),
        ("https://www.hjoring.dk:99999", "origin_invalid"),
        ("https://www.hjoring.dk:http", "origin_invalid"),
        ("https://www_hjoring.dk", "origin_invalid"),
        ("https://-hjoring.dk", "origin_invalid"),
        ("https://hjoring..dk", "origin_invalid"),
        ("https://intranet", "origin_invalid"),
        ("https://hjoring.d1", "origin_invalid"),
        ("https://999.1.1.1", "origin_invalid"),
        ("https://[::zz]", "origin_invalid"),
        ("https://www.hjoring.dk https://x.dk", "origin_spaces"),
        ("null", "origin_scheme"),
        ("https://" + "a" * 200 + ".dk", "origin_too_long"),
    ],
)
def test_what_is_not_an_origin_is_refused_with_a_reason(typed: str, code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        normalise_origin(typed)
    assert refused.value.code == code
    message = refused.value.messages[0]
    assert typed.strip()[:20] in message or code == "origin_too_long"


def test_the_messages_are_translated() -> None:
    with translation.override("da"), pytest.raises(ValidationError) as refused:
        normalise_origin("http://www.hjoring.dk")
    # Looked up in the active language's catalogue; the value is always named.
    with translation.override("da"):
        assert refused.value.messages[0] == (
            translation.gettext(
                "“%(value)s”: use https:// (http:// is accepted only for localhost)."
            )
            % {"value": "http://www.hjoring.dk"}
        )


def test_a_list_is_deduplicated_and_every_refusal_is_reported() -> None:
    assert normalise_origins(["https://a.dk", "", "HTTPS://A.DK/", "https://b.dk", "  "]) == [
        "https://a.dk",
        "https://b.dk",
    ]
    with pytest.raises(ValidationError) as refused:
        normalise_origins(["https://a.dk", "http://b.dk", "https://*.c.dk"])
    assert len(refused.value.messages) == 2
    with pytest.raises(ValidationError) as too_many:
        normalise_origins([f"https://site{number}.dk" for number in range(ORIGINS_MAX + 1)])
    assert too_many.value.messages == [f"List at most {ORIGINS_MAX} websites."]


def _save(actor, origins: list[str], **changes: object) -> WidgetSettings:  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "actor": actor,
        "allowed_origins": origins,
        "show_partners": True,
        "show_count": True,
        "show_winners": True,
        "winners_count": 3,
    }
    values.update(changes)
    return services.widget_settings_save(**values)  # type: ignore[arg-type]


def test_the_service_saves_normalised_origins_and_audits_the_change(alpha: World) -> None:
    admin = alpha.users["municipal_admin"]
    with tenant_context(alpha.tenant):
        _save(admin, ["https://www.hjoring.dk/", "https://www.hjoring.dk"])
        row = _save(admin, ["https://www.hjoring.dk", "https://hjoring.dk"], winners_count=5)
        assert WidgetSettings.objects.count() == 1
        assert row.allowed_origins == ["https://www.hjoring.dk", "https://hjoring.dk"]
        events = list(AuditEvent.objects.filter(action="widget.settings_saved").order_by("pk"))
        assert len(events) == 2 and events[-1].actor == admin
        assert events[-1].data["changed"] == {
            "allowed_origins": {
                "from": ["https://www.hjoring.dk"],
                "to": ["https://www.hjoring.dk", "https://hjoring.dk"],
            },
            "winners_count": {"from": 3, "to": 5},
        }


@pytest.mark.parametrize(
    ("origins", "changes", "field"),
    [
        (["https://ok.dk", "http://bad.dk"], {}, "allowed_origins"),
        (["https://ok.dk"], {"winners_count": 0}, "winners_count"),
        (["https://ok.dk"], {"winners_count": 11}, "winners_count"),
        (
            ["https://ok.dk"],
            {"show_partners": False, "show_count": False, "show_winners": False},
            "__all__",
        ),
    ],
)
def test_a_refused_save_changes_nothing(
    alpha: World, origins: list[str], changes: dict[str, object], field: str
) -> None:
    admin = alpha.users["municipal_admin"]
    with tenant_context(alpha.tenant):
        _save(admin, ["https://before.dk"])
        with pytest.raises(ValidationError) as refused:
            _save(admin, origins, **changes)
        assert field in refused.value.message_dict
        assert WidgetSettings.objects.get().allowed_origins == ["https://before.dk"]
        assert AuditEvent.objects.filter(action="widget.settings_saved").count() == 1


@pytest.mark.parametrize(
    "persona", ["municipal_staff", "partner_admin", "partner_member", "other_partner_member"]
)
def test_only_a_municipal_admin_may_save(alpha: World, persona: str) -> None:
    with tenant_context(alpha.tenant):
        with pytest.raises(PermissionDenied):
            _save(alpha.users[persona], ["https://www.hjoring.dk"])
        assert not WidgetSettings.objects.exists()
