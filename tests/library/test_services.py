"""Publishing, updating, withdrawing, counting copies and moderating library actions."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import translation
from django_tenants.utils import schema_context, tenant_context

from programmes.core.models import AuditEvent
from programmes.people.models import User
from tenants.library import services
from tenants.library.models import LibraryAction, ModerationStatus
from tests.conftest import World
from tests.library.conftest import action_data, publish


def _errors(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


def test_staff_publish_an_action_to_the_public_library_audited_in_their_tenant(
    alpha: World,
) -> None:
    action = publish(alpha)
    with schema_context("public"):
        stored = LibraryAction.objects.get(pk=action.pk)
        assert not AuditEvent.objects.filter(action="libraryaction.published").exists()
    assert stored.contributor == alpha.tenant
    assert stored.contributor_name == "ALPHA-MARKER municipality"
    assert stored.status == ModerationStatus.PUBLISHED
    assert stored.version == 1 and stored.copies == 0
    assert stored.languages == ["da", "en"]
    assert stored.effect_tonnes_per_year == Decimal("12.50")
    with tenant_context(alpha.tenant):
        event = AuditEvent.objects.get(action="libraryaction.published")
    assert event.target_id == str(action.pk)
    assert event.actor_label == alpha.email("municipal_admin")
    assert event.data["contributor"] == "alpha"


def test_the_languages_follow_the_tenant_when_not_given(alpha: World) -> None:
    action = publish(
        alpha,
        languages=[],
        title={"en": "Bike racks", "da": "Cykelparkering", "sv": "Cykelparkering"},
        description={"en": "Racks for bikes.", "da": "Stativer til cykler."},
    )
    # Alpha is Danish first, then English; Swedish has no description, so it is left out.
    assert action.languages == ["da", "en"]
    assert "sv" not in action.title


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": {}, "description": {}, "languages": []}, "__all__"),
        ({"title": {"da": "  "}, "description": {"da": "x"}, "languages": []}, "__all__"),
        ({"title": "just text"}, "title"),
        ({"title": {"xx": "Unknown language"}}, "title"),
        ({"languages": ["da", "sv"]}, "languages"),
        ({"languages": ["xx"]}, "languages"),
        ({"effect_tonnes_per_year": None, "effect_level": ""}, "effect_tonnes_per_year"),
        ({"effect_tonnes_per_year": "-3"}, "effect_tonnes_per_year"),
        ({"effect_tonnes_per_year": "lots"}, "effect_tonnes_per_year"),
        ({"effect_tonnes_per_year": None, "effect_level": "huge"}, "effect_level"),
        ({"sectors": ["spaceflight"]}, "sectors"),
        ({"sectors": "retail"}, "sectors"),
        ({"sizes": ["gigantic"]}, "sizes"),
        ({"theme": ""}, "theme"),
        ({"theme": "astrology"}, "theme"),
        ({"cost_level": "priceless"}, "cost_level"),
        ({"title": {"da": "x" * 201}, "description": {"da": "y"}}, "title"),
        ({"mood": "happy"}, "__all__"),
    ],
)
def test_bad_input_is_refused_with_a_translated_message_and_nothing_is_stored(
    alpha: World, overrides: dict, field: str
) -> None:
    with translation.override("da"), pytest.raises(ValidationError) as error:
        publish(alpha, **overrides)
    assert field in _errors(error), _errors(error)
    assert not LibraryAction.objects.exists()
    with tenant_context(alpha.tenant):
        assert not AuditEvent.objects.filter(action__startswith="libraryaction").exists()


def test_a_message_is_in_the_active_language(alpha: World) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as error:
        publish(alpha, effect_tonnes_per_year=None, effect_level="")
    assert _errors(error)["effect_tonnes_per_year"] == [
        "Give the expected effect in tonnes CO2e a year, or choose its level."
    ]


def test_a_level_is_enough_without_tonnes(alpha: World) -> None:
    action = publish(alpha, effect_tonnes_per_year="", effect_level="medium", sectors=[])
    assert action.effect_tonnes_per_year is None and action.effect_level == "medium"
    assert action.sectors == []


def test_one_language_other_than_the_tenants_primary_is_enough(alpha: World) -> None:
    action = publish(
        alpha,
        title={"fi": "LED-valaistus"},
        description={"fi": "Vaihda valot LED-valoihin."},
        languages=["fi"],
    )
    assert action.languages == ["fi"]


def test_the_contributor_name_is_required(alpha: World) -> None:
    with tenant_context(alpha.tenant), pytest.raises(ValidationError) as error:
        services.library_action_publish(
            actor=alpha.users["municipal_admin"],
            tenant=alpha.tenant,
            contributor_name="  ",
            data=action_data(alpha),
        )
    assert "contributor_name" in _errors(error)
    assert not LibraryAction.objects.exists()


@pytest.mark.parametrize("persona", ["partner_admin", "partner_member"])
def test_partners_people_cannot_publish(alpha: World, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        publish(alpha, persona=persona)
    assert not LibraryAction.objects.exists()


def test_an_update_raises_the_version_and_is_audited(alpha: World) -> None:
    action = publish(alpha)
    with tenant_context(alpha.tenant):
        updated = services.library_action_update(
            actor=alpha.users["municipal_staff"],
            action=action,
            tenant=alpha.tenant,
            data=action_data(alpha, title={"da": "Ny titel", "en": "New title"}),
        )
        event = AuditEvent.objects.get(action="libraryaction.updated")
    assert updated.version == 2
    assert LibraryAction.objects.get(pk=action.pk).title["en"] == "New title"
    assert event.data["before"]["version"] == 1 and event.data["after"]["version"] == 2
    with tenant_context(alpha.tenant):
        again = services.library_action_update(
            actor=None, action=updated, tenant=alpha.tenant, data=action_data(alpha)
        )
    assert again.version == 3


def test_another_tenant_cannot_update_or_withdraw_an_action(alpha: World, beta: World) -> None:
    action = publish(alpha)
    with tenant_context(beta.tenant):
        with pytest.raises(PermissionDenied):
            services.library_action_update(
                actor=beta.users["municipal_admin"],
                action=action,
                tenant=beta.tenant,
                data=action_data(beta),
            )
        with pytest.raises(PermissionDenied):
            services.library_action_withdraw(
                actor=beta.users["municipal_admin"], action=action, tenant=beta.tenant, reason=""
            )
        assert not AuditEvent.objects.filter(action__startswith="libraryaction").exists()
    stored = LibraryAction.objects.get(pk=action.pk)
    assert stored.version == 1 and stored.status == ModerationStatus.PUBLISHED
    assert "BETA-MARKER" not in str(stored.title)


def test_a_hidden_action_cannot_be_updated(alpha: World, operator: User) -> None:
    action = publish(alpha)
    services.library_action_hide(actor=operator, action=action, reason="Advertising")
    with (
        translation.override("en"),
        tenant_context(alpha.tenant),
        pytest.raises(ValidationError) as error,
    ):
        services.library_action_update(
            actor=alpha.users["municipal_admin"],
            action=action,
            tenant=alpha.tenant,
            data=action_data(alpha, title={"da": "Ændret", "en": "Changed"}),
        )
    assert "hidden" in error.value.messages[0] and "Advertising" in error.value.messages[0]
    stored = LibraryAction.objects.get(pk=action.pk)
    assert stored.version == 1 and stored.title["en"] != "Changed"


def test_the_contributor_withdraws_its_action(alpha: World) -> None:
    action = publish(alpha)
    with tenant_context(alpha.tenant):
        services.library_action_withdraw(
            actor=alpha.users["municipal_admin"],
            action=action,
            tenant=alpha.tenant,
            reason="Outdated",
        )
        event = AuditEvent.objects.get(action="libraryaction.withdrawn")
        with pytest.raises(ValidationError):
            services.library_action_withdraw(
                actor=None, action=action, tenant=alpha.tenant, reason=""
            )
        with pytest.raises(ValidationError):
            services.library_action_update(
                actor=None, action=action, tenant=alpha.tenant, data=action_data(alpha)
            )
    assert event.reason == "Outdated"
    assert LibraryAction.objects.get(pk=action.pk).status == ModerationStatus.WITHDRAWN


def test_copies_are_counted_atomically(alpha: World) -> None:
    action = publish(alpha)
    stale = LibraryAction.objects.get(pk=action.pk)
    services.library_action_copied(action=action)
    services.library_action_copied(action=stale)  # a stale instance still adds one
    stored = LibraryAction.objects.get(pk=action.pk)
    assert stored.copies == 2
    assert stored.updated_at == action.updated_at  # copying is not an update


def test_operators_hide_and_restore_with_a_reason_audited_in_public(
    alpha: World, operator: User
) -> None:
    action = publish(alpha)
    assert connection.schema_name == "public"
    hidden = services.library_action_hide(actor=operator, action=action, reason="Spam")
    assert hidden.status == ModerationStatus.HIDDEN and hidden.moderation_reason == "Spam"
    restored = services.library_action_restore(actor=operator, action=action, reason="Fixed")
    assert restored.status == ModerationStatus.PUBLISHED
    events = list(
        AuditEvent.objects.filter(target_id=str(action.pk))
        .order_by("id")
        .values_list("action", "reason", "actor_label")
    )
    assert events == [
        ("libraryaction.hidden", "Spam", operator.email),
        ("libraryaction.restored", "Fixed", operator.email),
    ]
    with tenant_context(alpha.tenant):
        assert not AuditEvent.objects.filter(action="libraryaction.hidden").exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_moderation_needs_a_reason_and_changes_nothing_without(
    alpha: World, operator: User, reason: str
) -> None:
    action = publish(alpha)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.library_action_hide(actor=operator, action=action, reason=reason)
    assert _errors(error) == {"reason": ["Give the reason for this decision."]}
    assert LibraryAction.objects.get(pk=action.pk).status == ModerationStatus.PUBLISHED
    assert not AuditEvent.objects.filter(action__startswith="libraryaction").exists()


def test_only_hidden_actions_are_restored_and_only_published_ones_hidden(
    alpha: World, operator: User
) -> None:
    action = publish(alpha)
    with pytest.raises(ValidationError):
        services.library_action_restore(actor=operator, action=action, reason="x")
    services.library_action_hide(actor=operator, action=action, reason="x")
    with pytest.raises(ValidationError):
        services.library_action_hide(actor=operator, action=action, reason="again")


def test_tenant_people_cannot_moderate(alpha: World) -> None:
    action = publish(alpha)
    with pytest.raises(PermissionDenied):
        services.library_action_hide(
            actor=alpha.users["municipal_admin"], action=action, reason="Mine now"
        )
    assert LibraryAction.objects.get(pk=action.pk).status == ModerationStatus.PUBLISHED


def test_moderation_refuses_to_run_inside_a_tenant(alpha: World, operator: User) -> None:
    action = publish(alpha)
    with tenant_context(alpha.tenant), pytest.raises(RuntimeError):
        services.library_action_hide(actor=None, action=action, reason="x")
