"""The action pages: the staff's list (with the library's flags), forms, archive, the shared
library (search, filters, pages, copy), pulling an update, publishing; the partners' list of
actions and a goal set from one. Every page's queries do not grow with the rows."""

import re

import pytest
from django_tenants.utils import tenant_context

from programmes.actions import services
from programmes.actions.models import ProgrammeAction
from programmes.partners.models import Goal, Partner, Stage
from tenants.library import services as library_services
from tenants.library.models import LibraryAction
from tests.actions.conftest import library_data, local, shared
from tests.conftest import World, client_for

# The assertions read English messages (both test tenants offer English).
pytestmark = pytest.mark.usefixtures("english_pages")


def _one_h1(page: str) -> None:
    assert page.count("<h1") == 1


def _tables_are_labelled(page: str) -> None:
    assert page.count("<table") == page.count("<caption")
    assert "<th>" not in page


def _copy(world: World, library_action: LibraryAction) -> ProgrammeAction:
    with tenant_context(world.tenant):
        return services.action_copy_from_library(actor=None, library_action=library_action)


def _form(world: World, **overrides: str) -> dict[str, object]:
    primary = world.tenant.primary_language
    data: dict[str, object] = {
        f"title__{primary}": f"{world.marker} Solar panels",
        "title__en": "Solar panels",
        f"description__{primary}": f"{world.marker} Put solar panels on the roof.",
        "description__en": "Put solar panels on the roof.",
        "theme": "energy",
        "effect_tonnes_per_year": "12,5" if primary == "da" else "12.5",
        "effect_level": "",
        "cost_level": "high",
        "sectors": ["retail", "manufacturing"],
        "sizes": ["medium"],
        "sources": "https://example.org/solar",
    }
    data.update(overrides)
    return data


# --- The staff's list, forms and archive ---------------------------------------------------


def _many(alpha: World, beta: World, count: int) -> None:
    """``count`` actions in alpha: a third copies of beta's (half of those outdated), a
    third published from alpha, the rest local."""
    for number in range(count):
        kind = number % 3
        if kind == 0:
            source = shared(beta, title={"da": f"Delt {number}", "en": f"Shared {number}"})
            _copy(alpha, source)
            if number % 2 == 0:
                with tenant_context(beta.tenant):
                    library_services.library_action_update(
                        actor=None, action=source, tenant=beta.tenant, data=library_data()
                    )
        elif kind == 1:
            action = local(alpha, theme="waste")
            with tenant_context(alpha.tenant):
                services.action_publish_to_library(actor=None, action=action)
        else:
            local(alpha)


@pytest.mark.parametrize("count", [3, 30])
def test_the_staff_list_flags_updates_in_a_constant_number_of_queries(
    alpha: World, beta: World, count: int, django_assert_max_num_queries
) -> None:
    _many(alpha, beta, count)
    with tenant_context(alpha.tenant):
        archived = local(alpha, title={"da": "Gammel handling"}, description={"da": "x"})
        services.action_archive(actor=None, action=archived)
    client = client_for(alpha, "municipal_staff")
    with django_assert_max_num_queries(8):
        response = client.get("/actions/manage/")
    page = response.content.decode()
    assert response.status_code == 200
    _one_h1(page)
    _tables_are_labelled(page)
    updates = len(re.findall(r"Update available: version 2", page))
    assert updates == len([n for n in range(count) if n % 3 == 0 and n % 2 == 0])
    assert "Copied from Beta town (version 1)" in page
    assert "Published (version 1)" in page
    assert "Only in this programme" in page
    assert "Archived" in page and "Gammel handling" in page


def test_staff_write_an_action_with_the_form(alpha: World) -> None:
    client = client_for(alpha, "municipal_admin")
    form = client.get("/actions/manage/new/")
    page = form.content.decode()
    _one_h1(page)
    assert 'for="id_title__da"' in page and 'lang="da"' in page
    assert 'for="id_effect_tonnes_per_year"' in page
    response = client.post("/actions/manage/new/", _form(alpha))
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        action = ProgrammeAction.objects.get()
        assert response["Location"] == f"/actions/manage/{action.pk}/"
        assert action.title == {"da": "ALPHA-MARKER Solar panels", "en": "Solar panels"}
        assert str(action.effect_tonnes_per_year) == "12.50"
        assert action.sectors == ["retail", "manufacturing"] and action.sizes == ["medium"]
        assert action.active and action.library_uuid is None
    detail = client.get(response["Location"]).content.decode()
    _one_h1(detail)
    assert "Only in this programme" in detail and "Publish to the shared library" in detail
    assert 'href="https://example.org/solar"' in detail


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title__da": ""}, "This field is required."),
        ({"description__da": ""}, "This field is required."),
        ({"title__da": "x" * 201}, "Keep it to 200 characters."),
        ({"effect_tonnes_per_year": "", "effect_level": ""}, "or choose its level"),
        ({"effect_tonnes_per_year": "-3"}, "greater than or equal to 0"),
        ({"effect_tonnes_per_year": "lots"}, "Enter a number."),
        ({"theme": "space"}, "Select a valid choice."),
        ({"sectors": ["mining"]}, "Select a valid choice."),
    ],
)
def test_bad_input_on_the_form_is_refused_and_nothing_is_saved(
    alpha: World, overrides: dict[str, str], message: str
) -> None:
    response = client_for(alpha, "municipal_staff").post(
        "/actions/manage/new/", _form(alpha, **overrides)
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error-summary" role="alert"' in page
    assert message in page
    with tenant_context(alpha.tenant):
        assert not ProgrammeAction.objects.exists()


def test_staff_edit_and_archive_and_restore_an_action(alpha: World) -> None:
    action = local(alpha)
    client = client_for(alpha, "municipal_admin")
    edit = client.get(f"/actions/manage/{action.pk}/edit/").content.decode()
    assert "ALPHA-MARKER local action" in edit
    response = client.post(
        f"/actions/manage/{action.pk}/edit/",
        _form(alpha, **{"title__da": "Ny titel", "cost_level": "none"}),
    )
    assert response.status_code == 302
    response = client.post(f"/actions/manage/{action.pk}/archive/", {"do": "archive"})
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        action.refresh_from_db()
        assert action.title["da"] == "Ny titel" and action.cost_level == "none"
        assert not action.active
    detail = client.get(f"/actions/manage/{action.pk}/").content.decode()
    assert "Archived: partners no longer see this action." in detail
    assert "Publish to the shared library" not in detail
    client.post(f"/actions/manage/{action.pk}/archive/", {"do": "restore"})
    with tenant_context(alpha.tenant):
        action.refresh_from_db()
        assert action.active
    assert client.get(f"/actions/manage/{action.pk}/archive/").status_code == 405
    response = client.post(f"/actions/manage/{action.pk}/archive/", {"do": "delete"}, follow=True)
    assert "Choose what to do." in response.content.decode()


# --- The shared library --------------------------------------------------------------------


def test_the_library_searches_filters_and_shows_what_the_programme_has(
    alpha: World, beta: World
) -> None:
    shared(beta, contributor_name="Beta stad")
    bikes = shared(
        beta,
        contributor_name="Beta stad",
        title={"sv": "Cykelparkering", "en": "Bicycle parking"},
        description={"sv": "Cykelställ vid entrén.", "en": "Bicycle racks at the door."},
        languages=["sv", "en"],
        theme="transport",
        cost_level="none",
        sectors=[],
        sizes=["large"],
    )
    copied = shared(beta, title={"da": "Kopieret", "en": "Copied one"})
    _copy(alpha, copied)
    own = local(alpha, title={"da": "Vores egen"}, description={"da": "Vores beskrivelse"})
    with tenant_context(alpha.tenant):
        services.action_publish_to_library(actor=None, action=own)
    client = client_for(alpha, "municipal_staff")
    page = client.get("/actions/manage/library/").content.decode()
    _one_h1(page)
    assert "4 actions" in page
    assert "Beta stad" in page
    assert "LED lighting" in page  # in English (the page's language)
    assert f"/actions/manage/library/{bikes.uuid}/copy/" in page
    assert f"/actions/manage/library/{copied.uuid}/copy/" not in page
    assert "In your programme" in page and "Published from your programme" in page
    assert 'role="search"' in page and 'for="id_q"' in page

    def titles(query: str) -> str:
        return client.get(f"/actions/manage/library/?{query}").content.decode()

    assert "Bicycle parking" in titles("q=racks") and "LED lighting" not in titles("q=racks")
    found = titles("theme=transport")
    assert "Bicycle parking" in found and "LED lighting" not in found
    assert "LED lighting" not in titles("cost=none")
    assert "Bicycle parking" in titles("sector=health")  # no sectors: suits every sector
    assert "LED lighting" not in titles("size=large") and "Bicycle parking" in titles("size=large")
    bad = client.get("/actions/manage/library/?theme=space&cost=x")
    assert bad.status_code == 200 and "Select a valid choice." in bad.content.decode()


def test_the_library_text_falls_back_to_the_actions_own_language(alpha: World, beta: World) -> None:
    finnish = shared(
        beta,
        title={"fi": "Pyöräpysäköinti"},
        description={"fi": "Pyörätelineet sisäänkäynnin luo."},
        languages=["fi"],
    )
    page = (
        client_for(alpha, "municipal_staff")
        .get(f"/actions/manage/library/{finnish.uuid}/")
        .content.decode()
    )
    _one_h1(page)
    assert '<h1 lang="fi">Pyöräpysäköinti</h1>' in page
    assert "Beta town" in page


@pytest.mark.parametrize("count", [3, 30])
def test_the_library_page_takes_a_constant_number_of_queries(
    alpha: World, beta: World, count: int, django_assert_max_num_queries
) -> None:
    for number in range(count):
        action = shared(beta, title={"da": f"Delt {number}", "en": f"Shared {number}"})
        if number % 2:
            _copy(alpha, action)
    client = client_for(alpha, "municipal_admin")
    with django_assert_max_num_queries(8):
        response = client.get("/actions/manage/library/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="library-action"') == min(count, 20)
    if count > 20:
        assert "Page 1 of 2" in page
        second = client.get("/actions/manage/library/?page=2").content.decode()
        assert second.count('class="library-action"') == count - 20


def test_staff_copy_from_the_library_then_adapt_the_copy(alpha: World, beta: World) -> None:
    source = shared(beta, contributor_name="Beta stad")
    client = client_for(alpha, "municipal_staff")
    detail = client.get(f"/actions/manage/library/{source.uuid}/").content.decode()
    assert "Copy to our programme" in detail and "Energistyrelsen" in detail
    response = client.post(f"/actions/manage/library/{source.uuid}/copy/", follow=True)
    page = response.content.decode()
    with tenant_context(alpha.tenant):
        copy = ProgrammeAction.objects.get(library_uuid=source.uuid)
    assert response.redirect_chain[-1][0] == f"/actions/manage/{copy.pk}/"
    assert "is copied into your programme" in page
    assert "Copied from Beta stad (version 1)" in page
    again = client.post(f"/actions/manage/library/{source.uuid}/copy/", follow=True)
    assert "Your programme already has this action" in again.content.decode()
    edit = client.get(f"/actions/manage/{copy.pk}/edit/").content.decode()
    assert "This is your copy of an action from the shared library" in edit
    client.post(
        f"/actions/manage/{copy.pk}/edit/",
        _form(alpha, **{"title__da": "Vores LED", "cost_level": "medium"}),
    )
    source.refresh_from_db()
    assert source.title["da"] == "LED-belysning" and source.copies == 1
    assert client.get(f"/actions/manage/{copy.pk}/publish/", follow=True).status_code == 200


def test_a_missing_or_hidden_library_action_is_not_found(
    alpha: World, beta: World, operator
) -> None:
    hidden = shared(beta)
    library_services.library_action_hide(actor=operator, action=hidden, reason="Spam")
    client = client_for(alpha, "municipal_staff")
    assert client.get(f"/actions/manage/library/{hidden.uuid}/").status_code == 404
    assert client.post(f"/actions/manage/library/{hidden.uuid}/copy/").status_code == 404
    assert client.get("/actions/manage/library/not-a-uuid/").status_code == 404


def test_staff_review_and_take_an_update_from_the_library(alpha: World, beta: World) -> None:
    source = shared(beta)
    copy = _copy(alpha, source)
    client = client_for(alpha, "municipal_staff")
    nothing = client.get(f"/actions/manage/{copy.pk}/pull-update/", follow=True)
    assert "no newer version" in nothing.content.decode()
    with tenant_context(beta.tenant):
        library_services.library_action_update(
            actor=None,
            action=source,
            tenant=beta.tenant,
            data=library_data(title={"da": "LED overalt", "en": "LED everywhere"}),
        )
    detail = client.get(f"/actions/manage/{copy.pk}/").content.decode()
    assert "The shared library has a newer version (2) of this action." in detail
    review = client.get(f"/actions/manage/{copy.pk}/pull-update/")
    page = review.content.decode()
    _one_h1(page)
    _tables_are_labelled(page)
    assert "LED-belysning" in page and "LED overalt" in page
    assert 'name="version" value="2"' in page
    stale = client.post(f"/actions/manage/{copy.pk}/pull-update/", {"version": "1"})
    assert stale.status_code == 400
    assert "changed in the library again" in stale.content.decode()
    taken = client.post(f"/actions/manage/{copy.pk}/pull-update/", {"version": "2"}, follow=True)
    assert "Your copy now has version 2" in taken.content.decode()
    with tenant_context(alpha.tenant):
        copy.refresh_from_db()
        assert copy.title == {"da": "LED overalt", "en": "LED everywhere"}
        assert copy.library_version == 2


def test_staff_publish_then_publish_an_update(alpha: World) -> None:
    action = local(alpha)
    client = client_for(alpha, "municipal_admin")
    form = client.get(f"/actions/manage/{action.pk}/publish/").content.decode()
    _one_h1(form)
    assert 'value="ALPHA-MARKER municipality"' in form  # the tenant's name by default
    refused = client.post(f"/actions/manage/{action.pk}/publish/", {"contributor_name": ""})
    assert refused.status_code == 400 and "This field is required." in refused.content.decode()
    assert not LibraryAction.objects.filter(contributor=alpha.tenant).exists()
    response = client.post(
        f"/actions/manage/{action.pk}/publish/", {"contributor_name": "Alpha Kommune"}, follow=True
    )
    assert "The action is published in the shared library." in response.content.decode()
    published = LibraryAction.objects.get(contributor=alpha.tenant)
    assert published.contributor_name == "Alpha Kommune" and published.version == 1
    detail = client.get(f"/actions/manage/{action.pk}/").content.decode()
    assert "Publish update" in detail and "Withdraw from the shared library" in detail
    update = client.get(f"/actions/manage/{action.pk}/publish/").content.decode()
    assert "The library has version 1 of this action." in update
    response = client.post(f"/actions/manage/{action.pk}/publish/", {}, follow=True)
    assert "the library now has version 2" in response.content.decode()
    published.refresh_from_db()
    assert published.version == 2
    withdraw = client.post(f"/actions/manage/{action.pk}/withdraw/", {"reason": "Old"}, follow=True)
    assert "withdrawn from the shared library" in withdraw.content.decode()
    published.refresh_from_db()
    assert published.status == "withdrawn"
    again = client.get(f"/actions/manage/{action.pk}/withdraw/", follow=True)
    assert "not published in the shared library" in again.content.decode()


# --- Partners ------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_partners_see_the_active_actions_by_theme(
    alpha: World, count: int, django_assert_max_num_queries
) -> None:
    for number in range(count):
        local(alpha, theme=("energy", "transport", "waste")[number % 3])
    archived = local(alpha, title={"da": "Arkiveret"}, description={"da": "x"})
    with tenant_context(alpha.tenant):
        services.action_archive(actor=None, action=archived)
    client = client_for(alpha, "partner_member")
    with django_assert_max_num_queries(8):
        response = client.get("/my-partnership/actions/")
    page = response.content.decode()
    assert response.status_code == 200
    _one_h1(page)
    assert page.count('class="programme-action"') == count
    assert "Arkiveret" not in page
    assert page.index("Energy") < page.index("Transport") < page.index("Waste and resources")
    assert "Set a goal from this action" not in page  # a member does not write goals
    admin_page = client_for(alpha, "partner_admin").get("/my-partnership/actions/")
    assert "Set a goal from this action" in admin_page.content.decode()


def _new_partner(world: World) -> Partner:
    """The partner admin's partner, back at the start (it writes its goals)."""
    with tenant_context(world.tenant):
        partner = Partner.objects.get(name=f"{world.marker} partner")
        Partner.objects.filter(pk=partner.pk).update(stage=Stage.APPLIED)
        return partner


def _goal(**overrides: str) -> dict[str, str]:
    data = {
        "theme": "transport",
        "description": "Half of the staff cycle to work",
        "indicator": "Share cycling",
        "unit": "%",
        "baseline_value": "10",
        "baseline_year": "2025",
        "target_value": "50",
        "target_date": "2028-12-31",
        "horizon": "long_term",
    }
    data.update(overrides)
    return data


def test_a_partner_sets_a_goal_from_an_action(alpha: World, django_assert_max_num_queries) -> None:
    partner = _new_partner(alpha)
    action = local(alpha)
    client = client_for(alpha, "partner_admin")
    with django_assert_max_num_queries(10):
        form = client.get(f"/my-partnership/actions/{action.pk}/goal/")
    page = form.content.decode()
    _one_h1(page)
    # In English, the page's language (the action's English title).
    assert f'<option value="{action.pk}" selected>Local action</option>' in page
    assert "\nLocal action</textarea>" in page  # the goal starts from its title
    assert '<option value="transport" selected>' in page
    response = client.post(
        f"/my-partnership/actions/{action.pk}/goal/", _goal(action=str(action.pk))
    )
    assert response.status_code == 302 and response["Location"] == "/my-partnership/goals/"
    with tenant_context(alpha.tenant):
        goal = Goal.objects.get(partner=partner)
        assert goal.action == action
    goals = client.get("/my-partnership/goals/").content.decode()
    assert "Based on the action: Local action" in goals
    staff = client_for(alpha, "municipal_staff")
    assert "Based on the action" in staff.get(f"/partners/{partner.pk}/").content.decode()
    detail = staff.get(f"/actions/manage/{action.pk}/").content.decode()
    assert "Half of the staff cycle to work" in detail


def test_an_active_partner_is_told_where_new_goals_go(alpha: World) -> None:
    action = local(alpha)
    page = client_for(alpha, "partner_admin").get(f"/my-partnership/actions/{action.pk}/goal/")
    assert "Active partners add new goals in their annual follow-up." in page.content.decode()


def test_the_goal_form_offers_the_active_actions_grouped_by_theme(alpha: World) -> None:
    _new_partner(alpha)
    energy = local(alpha, theme="energy")
    transport = local(alpha, title={"da": "Cykler"}, description={"da": "x"})
    archived = local(alpha, title={"da": "Arkiveret"}, description={"da": "x"})
    with tenant_context(alpha.tenant):
        services.action_archive(actor=None, action=archived)
    client = client_for(alpha, "partner_admin")
    page = client.get("/my-partnership/goals/").content.decode()
    assert 'for="id_action"' in page
    assert '<optgroup label="Energy">' in page and '<optgroup label="Transport">' in page
    assert page.index(f'value="{energy.pk}"') < page.index(f'value="{transport.pk}"')
    assert "Arkiveret" not in page
    for bad in (str(archived.pk), "999999", "x"):
        response = client.post("/my-partnership/goals/", _goal(action=bad))
        assert "Choose one of the programme&#x27;s current actions." in response.content.decode()
    with tenant_context(alpha.tenant):
        assert not Goal.objects.exists()
    client.post("/my-partnership/goals/", _goal(action=str(energy.pk)))
    client.post("/my-partnership/goals/", _goal(action=""))
    with tenant_context(alpha.tenant):
        assert sorted(Goal.objects.values_list("action_id", flat=True), key=str) == sorted(
            [energy.pk, None], key=str
        )


def test_an_archived_or_missing_action_has_no_goal_page(alpha: World) -> None:
    _new_partner(alpha)
    archived = local(alpha)
    with tenant_context(alpha.tenant):
        services.action_archive(actor=None, action=archived)
    client = client_for(alpha, "partner_admin")
    assert client.get(f"/my-partnership/actions/{archived.pk}/goal/").status_code == 404
    assert client.post(f"/my-partnership/actions/{archived.pk}/goal/", _goal()).status_code == 404
    assert client.get("/my-partnership/actions/999999/goal/").status_code == 404
