"""The demo seeding of the library: valid actions in the tenant's languages, idempotent."""

import pytest
from django_tenants.utils import tenant_context

from programmes.core.models import AuditEvent
from tenants.library import demo, services
from tenants.library.models import LibraryAction
from tests.conftest import World


def test_a_tenant_contributes_its_catalogue_once(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        actions = demo.demo_library_seed(tenant=alpha.tenant, language="da")
        again = demo.demo_library_seed(tenant=alpha.tenant, language="da")
        assert AuditEvent.objects.filter(action="libraryaction.published").count() == len(actions)
    assert 6 <= len(actions) <= 10
    assert again == []
    assert LibraryAction.objects.filter(contributor=alpha.tenant).count() == len(actions)
    # Alpha offers Danish and English; the Danish catalogue is in Danish only.
    assert all(action.languages == ["da"] for action in actions)
    assert all(action.contributor_name == "ALPHA-MARKER municipality" for action in actions)
    assert {action.theme for action in actions} >= {"energy", "transport", "food"}


def test_the_contributor_name_can_be_given(beta: World) -> None:
    actions = demo.demo_library_seed(tenant=beta.tenant, contributor_name="Klimatkontoret")
    assert {action.contributor_name for action in actions} == {"Klimatkontoret"}
    assert all(action.languages == ["sv"] for action in actions)


@pytest.mark.parametrize("slug", sorted(demo.CATALOGUES))
def test_every_catalogue_passes_the_rules(alpha: World, slug: str) -> None:
    catalogue = demo.CATALOGUES[slug]
    assert 6 <= len(catalogue) <= 10
    languages = {"hjorring": ["da"], "porvoo": ["sv", "fi"], "ostfold": ["nb"]}.get(slug, ["sv"])
    for action in catalogue:
        assert list(action.texts) == languages
        published = services.library_action_publish(
            actor=None,
            tenant=alpha.tenant,
            contributor_name=slug,
            data=demo._data(action, languages),
        )
        assert published.languages == languages
        assert published.sources
