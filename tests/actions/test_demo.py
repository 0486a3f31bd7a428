"""The demo: each tenant's contributions are its own published actions, copies of other
tenants' actions show their provenance, two local actions stay local, some goals are based
on actions; running it again changes nothing."""

from django_tenants.utils import tenant_context

from programmes.actions.demo import COPIES, LOCAL_ACTIONS, demo_actions_create
from programmes.actions.models import ProgrammeAction
from programmes.partners.models import Goal, Partner
from tenants.library.models import LibraryAction
from tests.conftest import World


def _run(world: World, language: str) -> None:
    with tenant_context(world.tenant):
        demo_actions_create(slug=world.slug, country=world.tenant.country, language=language)


def _goals(world: World, count: int) -> None:
    with tenant_context(world.tenant):
        partner = Partner.objects.get(name=f"{world.marker} partner")
        Goal.objects.bulk_create(
            Goal(
                partner=partner,
                theme=("energy", "transport", "waste")[number % 3],
                description=f"{world.marker} goal {number}",
                indicator="kWh",
                unit="kWh",
                baseline_value=10,
                baseline_year=2025,
                target_value=5,
                target_date="2030-12-31",
                horizon="long_term",
            )
            for number in range(count)
        )


def test_the_demo_shows_contributions_copies_and_local_actions(alpha: World, beta: World) -> None:
    _goals(alpha, 12)
    _run(alpha, "da")
    contributed = LibraryAction.objects.filter(contributor=alpha.tenant)
    assert contributed.count() >= 6
    assert {a.contributor_name for a in contributed} == {alpha.tenant.name}
    with tenant_context(alpha.tenant):
        published = ProgrammeAction.objects.filter(published_uuid__isnull=False)
        assert set(published.values_list("published_uuid", flat=True)) == {
            a.uuid for a in contributed
        }
        # Nobody else has contributed yet: nothing to copy on the first run.
        assert not ProgrammeAction.objects.filter(library_uuid__isnull=False).exists()
        local = ProgrammeAction.objects.filter(library_uuid=None, published_uuid=None)
        assert local.count() == len(LOCAL_ACTIONS)
        assert all(set(action.title) == {"da", "en"} for action in local)
        based = Goal.objects.filter(action__isnull=False).select_related("action")
        assert based.count() >= 3
        assert all(goal.action.theme == goal.theme for goal in based)

    _run(beta, "sv")
    with tenant_context(beta.tenant):
        copies = ProgrammeAction.objects.filter(library_uuid__isnull=False)
        assert copies.count() == COPIES
        assert {copy.copied_from for copy in copies} == {alpha.tenant.name}
        assert len({copy.theme for copy in copies}) == COPIES
        assert all(copy.title.get("sv") for copy in copies)  # the primary language filled

    _run(alpha, "da")  # a second run copies from the tenants seeded since
    with tenant_context(alpha.tenant):
        assert ProgrammeAction.objects.filter(library_uuid__isnull=False).count() == COPIES
        counts = ProgrammeAction.objects.count(), Goal.objects.filter(action__isnull=False).count()
    copies_counted = sum(LibraryAction.objects.values_list("copies", flat=True))
    assert copies_counted == 2 * COPIES

    _run(alpha, "da")
    _run(beta, "sv")
    with tenant_context(alpha.tenant):
        assert (
            ProgrammeAction.objects.count(),
            Goal.objects.filter(action__isnull=False).count(),
        ) == counts
    assert sum(LibraryAction.objects.values_list("copies", flat=True)) == copies_counted
