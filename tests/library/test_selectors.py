"""Searching and filtering the library, and reading an action's text in a language."""

import uuid

from django_tenants.utils import tenant_context

from programmes.people.models import User
from tenants.library import selectors, services
from tenants.library.models import LibraryAction
from tests.conftest import World
from tests.library.conftest import publish


def _titles(rows) -> set[str]:  # type: ignore[no-untyped-def]
    return {row.title.get("en") or next(iter(row.title.values())) for row in rows}


def test_search_finds_words_in_every_language_case_insensitively(alpha: World, beta: World) -> None:
    publish(
        alpha,
        title={"da": "Fossilfri fjernvarme", "en": "Fossil-free district heating"},
        description={"da": "Skift til VARMEPUMPER.", "en": "Switch to heat pumps."},
        languages=["da", "en"],
    )
    publish(
        beta,
        title={"sv": "Minska matsvinnet", "fi": "Vähennä ruokahävikkiä"},
        description={"sv": "Mät och följ upp matsvinn i köket.", "fi": "Mittaa hävikki."},
        languages=["sv", "fi"],
    )

    def found(query: str) -> list[str]:
        return [
            row.title[row.languages[0]] for row in selectors.library_actions_published(query=query)
        ]

    assert found("fjernvarme") == ["Fossilfri fjernvarme"]
    assert found("varmepumper") == ["Fossilfri fjernvarme"]  # description, other case
    assert found("HEAT pumps") == ["Fossilfri fjernvarme"]  # every word, any order
    assert found("MATSVINN") == ["Minska matsvinnet"]
    assert found("vähennä") == ["Minska matsvinnet"]  # Finnish, lower case Ä
    assert found("KÖKET") == ["Minska matsvinnet"]
    assert found("fjernvarme matsvinn") == []
    assert len(found("")) == 2
    assert found("da") == []  # language codes are not searched


def test_filters_narrow_the_list_and_empty_lists_suit_everyone(alpha: World) -> None:
    publish(alpha, title={"en": "Energy A"}, description={"en": "a"}, languages=["en"])
    publish(
        alpha,
        title={"en": "Transport B", "sv": "Transport B"},
        description={"en": "b", "sv": "b"},
        languages=["en", "sv"],
        theme="transport",
        cost_level="high",
        sectors=[],
        sizes=["large"],
    )

    def titles(**filters: str) -> set[str]:
        return _titles(selectors.library_actions_published(**filters))

    assert titles(theme="transport") == {"Transport B"}
    assert titles(cost="low") == {"Energy A"}
    assert titles(sector="retail") == {"Energy A", "Transport B"}  # B suits every sector
    assert titles(sector="health") == {"Transport B"}
    assert titles(size="large") == {"Transport B"}
    assert titles(size="small") == {"Energy A"}
    assert titles(language="sv") == {"Transport B"}
    assert titles(theme="energy", cost="high") == set()


def test_hidden_and_withdrawn_actions_are_not_published(alpha: World, operator: User) -> None:
    kept = publish(alpha, title={"en": "Kept"}, description={"en": "k"}, languages=["en"])
    hidden = publish(alpha, title={"en": "Hidden"}, description={"en": "h"}, languages=["en"])
    gone = publish(alpha, title={"en": "Gone"}, description={"en": "g"}, languages=["en"])
    services.library_action_hide(actor=operator, action=hidden, reason="x")
    with tenant_context(alpha.tenant):
        services.library_action_withdraw(actor=None, action=gone, tenant=alpha.tenant, reason="")
    assert _titles(selectors.library_actions_published()) == {"Kept"}
    assert selectors.library_action_by_uuid(kept.uuid) == kept
    assert selectors.library_action_by_uuid(str(kept.uuid)) == kept
    assert selectors.library_action_by_uuid(hidden.uuid) is None
    assert selectors.library_action_by_uuid(gone.uuid) is None
    assert selectors.library_action_by_uuid(uuid.uuid4()) is None
    assert selectors.library_action_by_uuid("not-a-uuid") is None
    # The operators and the contributor still see them.
    assert _titles(selectors.library_actions_for_moderation()) == {"Kept", "Hidden", "Gone"}
    assert _titles(selectors.library_actions_for_moderation("hidden")) == {"Hidden"}
    assert _titles(selectors.library_actions_contributed_by(tenant=alpha.tenant)) == {
        "Kept",
        "Hidden",
        "Gone",
    }
    assert selectors.library_action_counts() == {
        "published": 1,
        "hidden": 1,
        "withdrawn": 1,
        "all": 3,
    }


def test_a_contributor_finds_only_its_own_actions(alpha: World, beta: World) -> None:
    own = publish(alpha)
    other = publish(beta)
    assert selectors.library_action_of_contributor(tenant=alpha.tenant, uuid=own.uuid) == own
    assert selectors.library_action_of_contributor(tenant=alpha.tenant, uuid=other.uuid) is None
    assert list(selectors.library_actions_contributed_by(tenant=beta.tenant)) == [other]


def test_moderation_search_includes_the_contributor(alpha: World, beta: World) -> None:
    publish(alpha)
    publish(beta)
    rows = selectors.library_actions_for_moderation(query="beta-marker municipality")
    assert [row.contributor_name for row in rows] == ["BETA-MARKER municipality"]


def test_the_text_falls_back_to_the_first_language_then_any() -> None:
    action = LibraryAction(
        title={"sv": "Cykelparkering", "fi": "Pyöräpysäköinti"},
        description={"sv": "Bättre cykelställ.", "fi": "Paremmat telineet."},
        languages=["fi", "sv"],
    )
    assert selectors.library_action_text(action, "sv") == {
        "title": "Cykelparkering",
        "description": "Bättre cykelställ.",
        "language": "sv",
    }
    assert selectors.library_action_text(action, "da")["title"] == "Pyöräpysäköinti"
    assert selectors.library_action_text(action, "da")["language"] == "fi"
    action.languages = []
    assert selectors.library_action_text(action, "nb")["title"] in {
        "Cykelparkering",
        "Pyöräpysäköinti",
    }
    assert selectors.library_action_text(LibraryAction(), "en") == {
        "title": "",
        "description": "",
        "language": "",
    }
