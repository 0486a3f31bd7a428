import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_exists, tenant_context

from programmes.configuration.models import Programme
from programmes.core.i18n import translated
from programmes.core.models import AuditEvent
from programmes.people.models import Invitation
from tenants import services
from tenants.models import Domain, Tenant
from tenants.services import OnboardingRequest, tenant_onboard
from tests.conftest import World


def request(**overrides: object) -> OnboardingRequest:
    fields = {
        "slug": "aarhus",
        "name": "Aarhus Kommune",
        "country": "DK",
        "language": "da",
        "admin_email": "klima@aarhus.example",
        "preset": "hjorring",
    }
    fields.update(overrides)
    return OnboardingRequest(**fields)  # type: ignore[arg-type]


def test_onboarding_creates_schema_domain_programme_and_invitation(
    alpha: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        tenant = tenant_onboard(actor=None, request=request(other_languages=("en",)))
    assert tenant.ready
    assert schema_exists("aarhus")
    assert tenant.currency == "DKK"
    assert (tenant.locale, tenant.time_zone) == ("da_DK", "Europe/Copenhagen")
    assert tenant.languages == ["da", "en"]
    assert list(tenant.domains.values_list("domain", flat=True)) == ["aarhus.localhost"]
    with tenant_context(tenant):
        assert translated(Programme.objects.get().name, "da") == "Det Store Klimapartnerskab"
        invitation = Invitation.objects.get()
        assert (invitation.email, invitation.role) == ("klima@aarhus.example", "municipal_admin")
        assert invitation.sent_at is not None
    # The invitation e-mail goes out in the tenant's language, from the tenant's name.
    [message] = mail.outbox
    assert message.to == ["klima@aarhus.example"]
    assert message.from_email.startswith("Aarhus Kommune")
    assert "http://aarhus.localhost/invitations/" in message.body
    assert "Kommunal administrator" in message.body
    assert message.subject == "Din invitation til Aarhus Kommune"
    assert message.extra_headers["Content-Language"] == "da"
    connection.set_schema_to_public()
    assert AuditEvent.objects.filter(action="tenant.onboarded", target_id=str(tenant.pk)).exists()


def test_a_new_tenant_answers_on_its_host(alpha: World, client) -> None:
    tenant_onboard(actor=None, request=request())
    response = client.get("/", HTTP_HOST="aarhus.localhost")
    assert response.status_code == 200
    assert "Det Store Klimapartnerskab" in response.content.decode()
    assert response["Content-Language"] == "da"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"slug": "Aarhus"}, "slug"),
        ({"slug": "a"}, "slug"),
        ({"slug": "aar-hus"}, "slug"),
        ({"slug": "1aarhus"}, "slug"),
        ({"slug": "public"}, "slug"),
        ({"slug": "www"}, "slug"),
        ({"slug": "pgdata"}, "slug"),
        ({"slug": "alpha"}, "slug"),
        ({"name": "  "}, "name"),
        ({"country": "DE"}, "country"),
        ({"language": "de"}, "language"),
        ({"other_languages": ("xx",)}, "other_languages"),
        ({"preset": "atlantis"}, "preset"),
        ({"admin_email": "not-an-address"}, "admin_email"),
        ({"locale": "zz_ZZ"}, "locale"),
        ({"kind": "empire"}, "kind"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_creates_nothing(
    alpha: World, overrides: dict, field: str
) -> None:
    tenants_before = Tenant.objects.count()
    with pytest.raises(ValidationError) as refused:
        tenant_onboard(actor=None, request=request(**overrides))
    assert field in refused.value.message_dict
    assert all(refused.value.message_dict[field])
    assert Tenant.objects.count() == tenants_before
    assert not schema_exists("aarhus")


def test_all_errors_are_reported_at_once(alpha: World) -> None:
    with pytest.raises(ValidationError) as refused:
        tenant_onboard(actor=None, request=request(slug="X", country="DE", admin_email="nope"))
    assert {"slug", "country", "admin_email"} <= set(refused.value.message_dict)


def test_a_failing_step_leaves_nothing_half_made(alpha: World, monkeypatch) -> None:
    def broken_preset(**kwargs: object) -> None:
        raise RuntimeError("preset store unavailable")

    monkeypatch.setattr(services, "preset_apply", broken_preset)
    with pytest.raises(RuntimeError):
        tenant_onboard(actor=None, request=request())
    assert not Tenant.objects.filter(schema_name="aarhus").exists()
    assert not Domain.objects.filter(domain="aarhus.localhost").exists()
    assert not schema_exists("aarhus")


def test_the_command_onboards_a_tenant(alpha: World, capsys) -> None:
    call_command(
        "onboard_tenant",
        "--slug",
        "borga",
        "--name",
        "Borgå",
        "--country",
        "FI",
        "--language",
        "sv",
        "--other-languages",
        "fi",
        "--locale",
        "sv_FI",
        "--preset",
        "porvoo",
        "--admin-email",
        "admin@borga.example",
    )
    tenant = Tenant.objects.get(schema_name="borga")
    assert (tenant.languages, tenant.locale, tenant.currency) == (["sv", "fi"], "sv_FI", "EUR")
    assert "borga.localhost" in capsys.readouterr().out


def test_the_command_refuses_bad_input_with_clear_messages(alpha: World) -> None:
    with pytest.raises(CommandError) as refused:
        call_command(
            "onboard_tenant",
            "--slug",
            "Bad Slug",
            "--name",
            "X",
            "--country",
            "XX",
            "--language",
            "da",
            "--admin-email",
            "admin@x.example",
        )
    message = str(refused.value)
    assert "--slug:" in message
    assert "--country:" in message
    assert not Tenant.objects.filter(name="X").exists()


def test_the_command_refuses_a_duplicate_slug(alpha: World) -> None:
    with pytest.raises(CommandError, match="already exists"):
        call_command(
            "onboard_tenant",
            "--slug",
            "alpha",
            "--name",
            "Again",
            "--country",
            "DK",
            "--language",
            "da",
            "--admin-email",
            "admin@x.example",
        )
