"""The operators' moderation of the shared action library, on the platform host."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from programmes.core.forms import apply_validation_error
from programmes.core.i18n import language_name
from programmes.partners.models import Sector
from tenants.library import selectors, services
from tenants.library.forms import ModerationFilterForm, ModerationForm
from tenants.library.models import LibraryAction, ModerationStatus, OrganisationSize
from tenants.views import operator_required

PAGE_SIZE = 50
DECISIONS = {
    "libraryaction.hidden": _lazy("Hidden"),
    "libraryaction.restored": _lazy("Published again"),
}


def _label(choices: type[models.TextChoices], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _with_text(actions: list[LibraryAction]) -> list[LibraryAction]:
    """Each action with ``text`` (title, description) in the page's language or its own."""
    language = translation.get_language() or "en"
    for action in actions:
        action.text = selectors.library_action_text(action, language)
    return actions


@operator_required
def moderation_list(request: HttpRequest) -> HttpResponse:
    """Every action of the library with its status, searchable and filtered by status."""
    filters = ModerationFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    status = chosen.get("status", "")
    rows = selectors.library_actions_for_moderation(status, query=chosen.get("q", ""))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.library_action_counts()
    return render(
        request,
        "library/moderation_list.html",
        {
            "filters": filters,
            "page": page,
            "actions": _with_text(list(page.object_list)),
            "counts": [
                {"status": value, "label": label, "count": counts[value]}
                for value, label in ModerationStatus.choices
            ],
            "total": counts["all"],
            "chosen_status": status,
        },
    )


@operator_required
def moderation_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    """One action in every language it has, its moderation history, and the form to hide
    it (published) or restore it (hidden), with a reason."""
    action = selectors.library_action_any_by_uuid(uuid)
    if action is None:
        raise Http404
    decision = {
        ModerationStatus.PUBLISHED: "hide",
        ModerationStatus.HIDDEN: "restore",
    }.get(action.status, "")
    form = ModerationForm(request.POST or None)
    if request.method == "POST":
        if not decision:
            form.add_error(None, _("A withdrawn action cannot be moderated."))
        elif form.is_valid():
            service = (
                services.library_action_hide
                if decision == "hide"
                else services.library_action_restore
            )
            try:
                service(actor=request.user, action=action, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(
                    request,
                    _("The action is hidden from the library.")
                    if decision == "hide"
                    else _("The action is published in the library again."),
                )
                return redirect("console-library-detail", uuid=action.uuid)
    history = list(selectors.library_moderation_history(action))
    for event in history:
        event.label = DECISIONS.get(event.action, event.action)
    language = translation.get_language() or "en"
    texts = [
        {
            "language": code,
            "title": action.title.get(code, ""),
            "description": action.description.get(code, ""),
            "language_name": language_name(code),
        }
        for code in dict.fromkeys([*action.languages, *action.title, *action.description])
    ]
    return render(
        request,
        "library/moderation_detail.html",
        {
            "action": action,
            "text": selectors.library_action_text(action, language),
            "texts": texts,
            "form": form,
            "decision": decision,
            "sector_labels": [_label(Sector, value) for value in action.sectors],
            "size_labels": [_label(OrganisationSize, value) for value in action.sizes],
            "history": history,
        },
    )
