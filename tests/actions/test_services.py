"""The programme's actions and its side of the shared library: copying with provenance (and
not twice), local edits, pulling a newer library version, publishing and republishing,
archiving; who may do it; refused input changes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tenants.utils import tenant_context

from programmes.actions import selectors, services
from programmes.actions.models import ProgrammeAction
from programmes.core.models import AuditEvent
from tenants.library import services as library_services
from tenants.library.models import LibraryAction
from tests.actions.conftest import action_data, library_data, local, shared
from tests.conftest import PERSONAS, World


def _copy(world: World, library_action: LibraryAction) -> ProgrammeAction:
    with tenant_context(world.tenant):
        return services.action_copy_from_library(
            actor=world.users["municipal_staff"], library_action=library_action
        )


def test_a_copy_takes_the_texts_in_the_programmes_languages_and_keeps_its_provenance(
    alpha: World, beta: World
) -> None:
    source = shared(alpha, contributor_name="Alpha town")
    copy = _copy(beta, source)
    # Beta offers Swedish (primary) and English; the library has Danish and English: the
    # English is copied, Swedish falls back to the library action's first language.
    assert copy.title == {"sv": "LED-belysning", "en": "LED lighting"}
    assert copy.description["en"] == "Replace old lighting with LED."
    assert copy.theme == "energy" and copy.cost_level == "low"
    assert copy.effect_tonnes_per_year == Decimal("12.50")
    assert copy.sectors == ["retail", "services"] and copy.sizes == ["small"]
    assert copy.sources == "Energistyrelsen"
    assert copy.library_uuid == source.uuid and copy.library_version == 1
    assert copy.copied_from == "Alpha town" and copy.copied_at is not None
    assert copy.active and copy.published_uuid is None
    source.refresh_from_db()
    assert source.copies == 1
    with tenant_context(beta.tenant):
        event = AuditEvent.objects.get(action="action.copied")
        assert event.data["library_uuid"] == str(source.uuid)
        assert event.data["contributor"] == "Alpha town"
    with tenant_context(alpha.tenant):
        assert not ProgrammeAction.objects.exists()


def test_a_copy_in_the_primary_language_uses_it(alpha: World, beta: World) -> None:
    source = shared(beta)
    copy = _copy(alpha, source)
    assert copy.title == {"da": "LED-belysning", "en": "LED lighting"}


def test_copying_the_same_action_again_is_refused_with_a_clear_error(
    alpha: World, beta: World
) -> None:
    source = shared(alpha)
    _copy(beta, source)
    with pytest.raises(ValidationError) as refused:
        _copy(beta, source)
    assert refused.value.code == "already_copied"
    assert "already has this action" in refused.value.messages[0]
    source.refresh_from_db()
    assert source.copies == 1
    with tenant_context(beta.tenant):
        assert ProgrammeAction.objects.count() == 1


def test_a_programme_does_not_copy_back_what_it_published(alpha: World) -> None:
    action = local(alpha)
    with tenant_context(alpha.tenant):
        published = services.action_publish_to_library(
            actor=alpha.users["municipal_admin"], action=action
        )
        with pytest.raises(ValidationError) as refused:
            services.action_copy_from_library(actor=None, library_action=published)
        assert refused.value.code == "own_action"


def test_hidden_or_withdrawn_library_actions_are_not_copied(
    alpha: World, beta: World, operator
) -> None:
    hidden, withdrawn = shared(alpha), shared(alpha)
    library_services.library_action_hide(actor=operator, action=hidden, reason="Spam")
    with tenant_context(alpha.tenant):
        library_services.library_action_withdraw(
            actor=None, action=withdrawn, tenant=alpha.tenant, reason=""
        )
    for gone in (hidden, withdrawn):
        with pytest.raises(ValidationError, match="no longer in the shared library"):
            _copy(beta, gone)
    with tenant_context(beta.tenant):
        assert not ProgrammeAction.objects.exists()


def test_a_copy_is_edited_locally_and_the_library_stays_as_it_was(
    alpha: World, beta: World
) -> None:
    source = shared(alpha)
    copy = _copy(beta, source)
    with tenant_context(beta.tenant):
        edited = services.action_update(
            actor=beta.users["municipal_admin"],
            action=copy,
            data={"title": {"sv": "LED i butiken"}, "cost_level": "medium"},
        )
        assert edited.title == {"sv": "LED i butiken"} and edited.cost_level == "medium"
        assert edited.library_uuid == source.uuid and edited.library_version == 1
        event = AuditEvent.objects.get(action="action.updated")
        assert set(event.data["changed"]) == {"title", "cost_level"}
    fresh = LibraryAction.objects.get(pk=source.pk)
    assert fresh.title == source.title and fresh.cost_level == "low" and fresh.version == 1


def test_an_update_in_the_library_is_flagged_shown_and_pulled(alpha: World, beta: World) -> None:
    source = shared(alpha)
    copy = _copy(beta, source)
    with tenant_context(beta.tenant):
        services.action_update(actor=None, action=copy, data={"sources": "Our own notes"})
        assert selectors.staff_row(copy).update_version is None
    with tenant_context(alpha.tenant):
        library_services.library_action_update(
            actor=alpha.users["municipal_admin"],
            action=source,
            tenant=alpha.tenant,
            data=library_data(
                title={"da": "LED-belysning overalt", "en": "LED lighting everywhere"},
                cost_level="medium",
            ),
        )
    with tenant_context(beta.tenant):
        copy.refresh_from_db()
        assert selectors.staff_row(copy).update_version == 2
        latest = LibraryAction.objects.get(pk=source.pk)
        changes = {
            c.label: (c.before, c.after) for c in selectors.pull_update_changes(copy, latest)
        }
        assert changes["Title (English)"] == ("LED lighting", "LED lighting everywhere")
        assert changes["Title (svenska)"] == ("LED-belysning", "LED-belysning overalt")
        assert changes["Cost"] == ("Low cost", "Medium cost")
        assert changes["Sources"] == ("Our own notes", "Energistyrelsen")

        with pytest.raises(ValidationError) as stale:
            services.action_pull_update(actor=beta.users["municipal_staff"], action=copy, version=1)
        assert stale.value.code == "version_changed"

        pulled = services.action_pull_update(
            actor=beta.users["municipal_staff"], action=copy, version=2
        )
        assert pulled.title == {"sv": "LED-belysning overalt", "en": "LED lighting everywhere"}
        assert pulled.cost_level == "medium" and pulled.sources == "Energistyrelsen"
        assert pulled.library_version == 2
        event = AuditEvent.objects.get(action="action.update_pulled")
        assert (event.data["from_version"], event.data["to_version"]) == (1, 2)
        assert event.data["before"]["sources"] == "Our own notes"
        assert selectors.staff_row(pulled).update_version is None
        with pytest.raises(ValidationError, match="already up to date"):
            services.action_pull_update(actor=None, action=pulled)


def test_a_local_action_cannot_pull_updates(alpha: World) -> None:
    action = local(alpha)
    with tenant_context(alpha.tenant), pytest.raises(ValidationError, match="not copied"):
        services.action_pull_update(actor=None, action=action)


def test_publishing_then_republishing_bumps_the_library_version(alpha: World) -> None:
    action = local(alpha)
    admin = alpha.users["municipal_admin"]
    with tenant_context(alpha.tenant):
        published = services.action_publish_to_library(actor=admin, action=action)
        action.refresh_from_db()
        assert action.published_uuid == published.uuid and action.published_at
        assert published.contributor_id == alpha.tenant.pk
        assert published.contributor_name == alpha.tenant.name  # the default
        # Only the languages with both a title and a description go to the library.
        assert published.languages == ["da"]
        assert published.title == {"da": "ALPHA-MARKER local action"}
        assert published.version == 1

        services.action_update(actor=admin, action=action, data={"cost_level": "high"})
        again = services.action_publish_to_library(
            actor=alpha.users["municipal_staff"], action=action, contributor_name="ignored"
        )
        assert again.uuid == published.uuid and again.version == 2
        assert again.cost_level == "high" and again.contributor_name == alpha.tenant.name
        assert LibraryAction.objects.filter(contributor=alpha.tenant).count() == 1
        assert list(
            AuditEvent.objects.filter(action__startswith="action.")
            .order_by("pk")
            .values_list("action", flat=True)
        ) == ["action.created", "action.published", "action.updated", "action.republished"]
        assert selectors.staff_row(action).publication.version == 2

        # Withdrawn, then published anew: a new library action.
        services.action_withdraw_from_library(actor=admin, action=action, reason="Outdated")
        assert LibraryAction.objects.get(uuid=published.uuid).status == "withdrawn"
        fresh = services.action_publish_to_library(
            actor=admin, action=action, contributor_name="Alpha Kommune"
        )
        assert fresh.uuid != published.uuid and fresh.contributor_name == "Alpha Kommune"


def test_a_copy_or_an_archived_action_is_not_published(alpha: World, beta: World) -> None:
    copy = _copy(beta, shared(alpha))
    with (
        tenant_context(beta.tenant),
        pytest.raises(ValidationError, match="copied from the shared library"),
    ):
        services.action_publish_to_library(actor=None, action=copy)
    action = local(alpha)
    with tenant_context(alpha.tenant):
        services.action_archive(actor=None, action=action)
        with pytest.raises(ValidationError, match="Restore"):
            services.action_publish_to_library(actor=None, action=action)
    assert LibraryAction.objects.filter(contributor=alpha.tenant).count() == 1  # the shared


def test_archived_actions_are_not_offered_to_partners(alpha: World) -> None:
    kept, archived = local(alpha), local(alpha, theme="energy")
    with tenant_context(alpha.tenant):
        services.action_archive(actor=alpha.users["municipal_staff"], action=archived)
        assert list(selectors.actions_offered()) == [kept]
        with pytest.raises(ValidationError, match="already archived"):
            services.action_archive(actor=None, action=archived)
        services.action_restore(actor=None, action=archived)
        assert set(selectors.actions_offered()) == {kept, archived}
        assert AuditEvent.objects.filter(action="action.archived").count() == 1


@pytest.mark.parametrize(
    "persona", [p for p, _ in PERSONAS if p not in ("municipal_admin", "municipal_staff")]
)
def test_only_staff_change_actions(alpha: World, beta: World, persona: str) -> None:
    action, source = local(alpha), shared(beta)
    user = alpha.users[persona]
    with tenant_context(alpha.tenant):
        calls = [
            lambda: services.action_create(actor=user, data=action_data()),
            lambda: services.action_update(actor=user, action=action, data={"sources": "x"}),
            lambda: services.action_archive(actor=user, action=action),
            lambda: services.action_copy_from_library(actor=user, library_action=source),
            lambda: services.action_publish_to_library(actor=user, action=action),
            lambda: services.action_pull_update(actor=user, action=action),
        ]
        for call in calls:
            with pytest.raises(PermissionDenied):
                call()
        assert ProgrammeAction.objects.count() == 1
    assert LibraryAction.objects.filter(contributor=alpha.tenant).count() == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": {"en": "Only English"}}, "title", "at least in dansk"),
        ({"title": {"da": "x" * 201}}, "title", "200 characters"),
        ({"title": {"sv": "Svenska"}}, "title", "programme's languages"),
        ({"title": "not a mapping"}, "title", "mapping from language code"),
        ({"description": {"en": "Only English"}}, "description", "at least in dansk"),
        ({"effect_tonnes_per_year": Decimal("-1")}, "effect_tonnes_per_year", "positive"),
        (
            {"effect_tonnes_per_year": None, "effect_level": ""},
            "effect_tonnes_per_year",
            "or choose its level",
        ),
        ({"effect_level": "huge"}, "effect_level", "not a valid choice"),
        ({"theme": "space"}, "theme", "not a valid choice"),
        ({"cost_level": ""}, "cost_level", "cannot be blank"),
        ({"sectors": ["mining"]}, "sectors", "not a valid choice"),
        ({"sizes": "small"}, "sizes", "Choose from the list"),
        ({"sources": "x" * 5001}, "sources", "5000 characters"),
        ({"active": False}, "__all__", "Unknown fields: active"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_changes(
    alpha: World, overrides: dict, field: str, message: str
) -> None:
    with tenant_context(alpha.tenant):
        with pytest.raises(ValidationError) as refused:
            services.action_create(actor=None, data=action_data("A", **overrides))
        assert message in " ".join(refused.value.message_dict[field])
        assert not ProgrammeAction.objects.exists()
        assert not AuditEvent.objects.filter(action__startswith="action.").exists()
