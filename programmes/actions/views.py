"""Action pages: the staff's list of the programme's actions (with what the library says of
each), their forms, the shared library to browse and copy from, publishing; and the
partners' list of the programme's actions with "set a goal from this action"."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from programmes.actions import selectors, services
from programmes.actions.forms import (
    ActionForm,
    LibraryFilterForm,
    PublishForm,
    PullUpdateForm,
    WithdrawForm,
)
from programmes.actions.models import ProgrammeAction
from programmes.core.forms import apply_validation_error
from programmes.core.i18n import current_tenant, translated
from programmes.core.views import role_required
from programmes.partners import services as partner_services
from programmes.partners.forms import GoalForm
from programmes.partners.models import Stage
from programmes.partners.selectors import partner_of_user
from tenants.library.models import ModerationStatus
from tenants.library.selectors import library_action_by_uuid

staff_required = role_required("municipal_admin", "municipal_staff")
partner_people_required = role_required("partner_admin", "partner_member")

LIBRARY_PAGE_SIZE = 20
GOALS_WRITABLE = (Stage.APPLIED, Stage.ASSESSED)


def _posted(request: HttpRequest) -> Any:
    """The POSTed data (even when empty: a form of optional fields is still submitted)."""
    return request.POST if request.method == "POST" else None


def _languages() -> list[str]:
    tenant = current_tenant()
    return tenant.languages if tenant else ["en"]


# --- The programme's actions (staff) -------------------------------------------------------


@staff_required
def manage_actions(request: HttpRequest) -> HttpResponse:
    """Every action of the programme, active and archived, with the library's flags (an
    update to pull, a source gone, how a publication stands)."""
    active, archived = selectors.staff_actions_overview()
    return render(request, "actions/manage_list.html", {"active": active, "archived": archived})


@staff_required
def action_create(request: HttpRequest) -> HttpResponse:
    form = ActionForm(_posted(request), languages=_languages())
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_create(actor=request.user, data=form.data_for_service())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The action is saved and offered to partners."))
            return redirect("actions-detail", pk=action.pk)
    return render(
        request,
        "actions/form.html",
        {"form": form, "action": None},
        status=400 if form.errors else 200,
    )


@staff_required
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.get_action_for_staff(request.user, pk)
    form = ActionForm(_posted(request), instance=action, languages=_languages())
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(actor=request.user, action=action, data=form.data_for_service())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("actions-detail", pk=action.pk)
    return render(
        request,
        "actions/form.html",
        {"form": form, "action": selectors.get_action_for_staff(request.user, pk)},
        status=400 if form.errors else 200,
    )


@staff_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One action: its texts in every language, sources, provenance, publication, goals
    based on it; edit, archive, pull an update, publish."""
    action = selectors.get_action_for_staff(request.user, pk)
    row = selectors.staff_row(action)
    languages = _languages()
    texts = [
        (code, action.title.get(code, ""), action.description.get(code, "")) for code in languages
    ]
    goals = list(action.goals.select_related("partner").order_by("partner__name", "pk")[:50])
    return render(
        request,
        "actions/detail.html",
        {"action": action, "row": row, "texts": texts, "goals": goals},
    )


@staff_required
@require_POST
def action_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """Archive (``do=archive``) or restore (``do=restore``) an action."""
    action = selectors.get_action_for_staff(request.user, pk)
    service = {"archive": services.action_archive, "restore": services.action_restore}.get(
        request.POST.get("do", "")
    )
    if service is None:
        messages.error(request, _("Choose what to do."))
        return redirect("actions-detail", pk=action.pk)
    try:
        service(actor=request.user, action=action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The action is archived: partners no longer see it.")
            if request.POST["do"] == "archive"
            else _("The action is offered to partners again."),
        )
    return redirect("actions-detail", pk=action.pk)


@staff_required
def action_pull_update(request: HttpRequest, pk: int) -> HttpResponse:
    """What the library's newer version would change in the copy (GET), and taking it once
    the staff confirm (POST)."""
    action = selectors.get_action_for_staff(request.user, pk)
    source = library_action_by_uuid(action.library_uuid) if action.library_uuid else None
    if source is None or source.version <= (action.library_version or 0):
        messages.error(
            request,
            _("There is no newer version of this action in the shared library.")
            if action.library_uuid
            else _("This action was not copied from the shared library."),
        )
        return redirect("actions-detail", pk=action.pk)
    form = PullUpdateForm(_posted(request), initial={"version": source.version})
    error = ""
    if request.method == "POST":
        if not form.is_valid():
            error = _("Review the changes and confirm again.")
        else:
            try:
                services.action_pull_update(
                    actor=request.user, action=action, version=form.cleaned_data["version"]
                )
            except ValidationError as problem:
                error = " ".join(problem.messages)
                form = PullUpdateForm(initial={"version": source.version})
            else:
                messages.success(
                    request,
                    _("Your copy now has version %(version)s of the library action.")
                    % {"version": source.version},
                )
                return redirect("actions-detail", pk=action.pk)
    return render(
        request,
        "actions/pull_update.html",
        {
            "action": action,
            "source": source,
            "changes": selectors.pull_update_changes(action, source),
            "form": form,
            "error": error,
        },
        status=400 if error else 200,
    )


@staff_required
def action_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the action to the shared library (under a contributor name, the programme's
    by default), or publish the changes of an action published before (a new version)."""
    action = selectors.get_action_for_staff(request.user, pk)
    row = selectors.staff_row(action)
    republish = row.publication is not None and row.publication.status != (
        ModerationStatus.WITHDRAWN
    )
    tenant = current_tenant()
    form = PublishForm(_posted(request), initial={"contributor_name": tenant.name})
    if republish:
        form.fields["contributor_name"].required = False
    if request.method == "POST" and form.is_valid():
        try:
            library_action = services.action_publish_to_library(
                actor=request.user,
                action=action,
                contributor_name=form.cleaned_data.get("contributor_name", ""),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("The update is published: the library now has version %(version)s.")
                % {"version": library_action.version}
                if republish
                else _("The action is published in the shared library."),
            )
            return redirect("actions-detail", pk=action.pk)
    return render(
        request,
        "actions/publish.html",
        {"action": action, "row": row, "form": form, "republish": republish},
        status=400 if form.errors else 200,
    )


@staff_required
def action_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Take the programme's publication of the action out of the shared library."""
    action = selectors.get_action_for_staff(request.user, pk)
    row = selectors.staff_row(action)
    if row.publication is None or row.publication.status == ModerationStatus.WITHDRAWN:
        messages.error(request, _("This action is not published in the shared library."))
        return redirect("actions-detail", pk=action.pk)
    form = WithdrawForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.action_withdraw_from_library(
                actor=request.user, action=action, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The action is withdrawn from the shared library."))
            return redirect("actions-detail", pk=action.pk)
    return render(
        request,
        "actions/withdraw.html",
        {"action": action, "form": form},
        status=400 if form.errors else 200,
    )


# --- The shared library (staff) ------------------------------------------------------------


@staff_required
def library(request: HttpRequest) -> HttpResponse:
    """The library's published actions: search, filters, pages; which ones the programme
    already has; copy."""
    form = LibraryFilterForm(request.GET or None)
    filters = selectors.LibraryFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.LibraryFilters(
            query=data["q"],
            theme=data["theme"],
            sector=data["sector"],
            size=data["size"],
            cost=data["cost"],
        )
    page = Paginator(selectors.library_actions(filters), LIBRARY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    entries = selectors.library_entries(list(page.object_list), translation.get_language())
    return render(
        request,
        "actions/library.html",
        {"form": form, "page": page, "entries": entries},
    )


def _library_action(uuid: Any) -> Any:
    action = library_action_by_uuid(uuid)
    if action is None:
        raise Http404
    return action


@staff_required
def library_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    entry = selectors.library_entry(_library_action(uuid), translation.get_language())
    return render(request, "actions/library_detail.html", {"entry": entry})


@staff_required
@require_POST
def library_copy(request: HttpRequest, uuid: Any) -> HttpResponse:
    """Copy a library action into the programme, then show the copy (to edit it)."""
    library_action = _library_action(uuid)
    try:
        action = services.action_copy_from_library(
            actor=request.user, library_action=library_action
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("actions-library-detail", uuid=library_action.uuid)
    messages.success(
        request,
        _("“%(title)s” is copied into your programme. You can adapt it here.")
        % {"title": translated(action.title)},
    )
    return redirect("actions-detail", pk=action.pk)


# --- Partners ------------------------------------------------------------------------------


def _own_partner(request: HttpRequest) -> Any:
    partner = partner_of_user(request.user)
    if partner is None:
        raise Http404
    return partner


@partner_people_required
def my_actions(request: HttpRequest) -> HttpResponse:
    """The programme's climate actions, by theme, to base goals on."""
    _own_partner(request)
    return render(
        request,
        "actions/my_actions.html",
        {"groups": selectors.by_theme(list(selectors.actions_offered()))},
    )


@partner_people_required
def my_action_goal(request: HttpRequest, pk: int) -> HttpResponse:
    """A new goal of the partner based on one of the programme's actions: the goal form
    with the action, its theme and its title filled in (the partner's admin saves it)."""
    partner = _own_partner(request)
    action: ProgrammeAction = selectors.get_offered_action(pk)
    if request.user.role != "partner_admin":
        raise PermissionDenied
    initial = {
        "action": str(action.pk),
        "theme": action.theme,
        "description": translated(action.title),
    }
    form = GoalForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        form.instance.partner = partner
        try:
            partner_services.goal_save(actor=request.user, goal=form.instance)
        except ValidationError as refused:
            apply_validation_error(form, refused)
        else:
            messages.success(request, _("Saved."))
            return redirect("my-goals")
    return render(
        request,
        "actions/my_action_goal.html",
        {
            "action": action,
            "form": form,
            "partner": partner,
            # New partners write their goals; active ones add goals in the follow-up.
            "can_add": partner.stage in GOALS_WRITABLE,
        },
        status=400 if form.errors else 200,
    )
