"""Reading a programme's climate actions and how they stand against the shared library.

Staff see every action of their programme (active and archived); partners' people see the
active ones only. The library is read through ``tenants.library.selectors`` (published
actions) and, for the few questions only this side asks (which copies have a newer version,
where a copy or publication stands), straight from its table with one query per page.
"""

import uuid as uuid_module
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from programmes.actions.models import ProgrammeAction
from programmes.configuration.models import Theme
from programmes.core.i18n import current_tenant, format_number, language_name, translated
from programmes.partners.models import Sector
from programmes.people.models import STAFF_ROLES
from tenants.library.models import (
    CostLevel,
    EffectLevel,
    LibraryAction,
    ModerationStatus,
    OrganisationSize,
)
from tenants.library.selectors import library_action_text, library_actions_published

# The fields a copy takes from the library and a publication gives it (besides the texts).
SHARED_FIELDS = (
    "theme",
    "effect_tonnes_per_year",
    "effect_level",
    "cost_level",
    "sectors",
    "sizes",
    "sources",
)


def is_staff(viewer: Any) -> bool:
    return bool(getattr(viewer, "is_authenticated", False) and viewer.role in STAFF_ROLES)


# --- The programme's actions ---------------------------------------------------------------


def _sorted(actions: list[ProgrammeAction]) -> list[ProgrammeAction]:
    """By theme (in the order of the themes), then by title in the current language."""
    order = {value: number for number, value in enumerate(Theme.values)}
    return sorted(
        actions,
        key=lambda action: (
            order.get(action.theme, len(order)),
            translated(action.title).casefold(),
            action.pk,
        ),
    )


def actions_for_staff() -> QuerySet[ProgrammeAction]:
    return ProgrammeAction.objects.all()


def actions_offered() -> QuerySet[ProgrammeAction]:
    """The actions partners may base a goal on: the active ones."""
    return ProgrammeAction.objects.filter(active=True)


def actions_offered_sorted() -> list[ProgrammeAction]:
    return _sorted(list(actions_offered()))


@dataclass
class ThemeGroup:
    theme: str
    label: str
    actions: list[ProgrammeAction]


def by_theme(actions: list[ProgrammeAction]) -> list[ThemeGroup]:
    """Sorted actions grouped by theme, in the order of the themes."""
    groups: list[ThemeGroup] = []
    labels = dict(Theme.choices)
    for action in _sorted(actions):
        if not groups or groups[-1].theme != action.theme:
            groups.append(ThemeGroup(action.theme, str(labels.get(action.theme, "")), []))
        groups[-1].actions.append(action)
    return groups


def get_action_for_staff(viewer: Any, pk: Any) -> ProgrammeAction:
    """One of the programme's actions for its staff; 404 for anyone else or a missing id."""
    if not is_staff(viewer):
        raise Http404
    action = ProgrammeAction.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if action is None:
        raise Http404
    return action


def get_offered_action(pk: Any) -> ProgrammeAction:
    """An active action of the programme; the same 404 for a missing or archived one."""
    action = actions_offered().filter(pk=pk).first() if str(pk).isdigit() else None
    if action is None:
        raise Http404
    return action


@dataclass
class StaffRow:
    action: ProgrammeAction
    # The library's newer version of a copy, or None.
    update_version: int | None = None
    # The library action this programme published from it (any status), or None.
    publication: LibraryAction | None = None
    # The library action a copy came from is no longer published there.
    source_gone: bool = False


def staff_rows(actions: list[ProgrammeAction]) -> list[StaffRow]:
    """Each action with the library's view of it, in one query for all of them: which copies
    have a newer version to pull, whether a copy's source is gone, and how this programme's
    publications stand (published, hidden by the operators, withdrawn)."""
    uuids = {a.library_uuid for a in actions if a.library_uuid} | {
        a.published_uuid for a in actions if a.published_uuid
    }
    library = {row.uuid: row for row in _library_rows(uuids)}
    rows = []
    for action in actions:
        row = StaffRow(action)
        if action.library_uuid:
            source = library.get(action.library_uuid)
            if source is None or source.status != ModerationStatus.PUBLISHED:
                row.source_gone = True
            elif source.version > (action.library_version or 0):
                row.update_version = source.version
        if action.published_uuid:
            row.publication = library.get(action.published_uuid)
        rows.append(row)
    return rows


def _library_rows(uuids: set[uuid_module.UUID]) -> list[LibraryAction]:
    if not uuids:
        return []
    return list(
        LibraryAction.objects.filter(uuid__in=uuids).only(
            "uuid", "version", "status", "moderation_reason", "contributor_id", "copies"
        )
    )


def staff_actions_overview() -> tuple[list[StaffRow], list[StaffRow]]:
    """Active and archived actions with their library flags (two lists, one query each)."""
    rows = staff_rows(_sorted(list(actions_for_staff())))
    return [r for r in rows if r.action.active], [r for r in rows if not r.action.active]


def staff_row(action: ProgrammeAction) -> StaffRow:
    return staff_rows([action])[0]


# --- The shared library, as a programme sees it --------------------------------------------


@dataclass
class LibraryFilters:
    query: str = ""
    theme: str = ""
    sector: str = ""
    size: str = ""
    cost: str = ""


def library_actions(filters: LibraryFilters) -> QuerySet[LibraryAction]:
    return library_actions_published(
        query=filters.query,
        theme=filters.theme,
        sector=filters.sector,
        size=filters.size,
        cost=filters.cost,
    )


@dataclass
class LibraryEntry:
    action: LibraryAction
    title: str
    description: str
    language: str
    # This programme's copy, or the action of this programme it was published from.
    copy: ProgrammeAction | None = None
    own: ProgrammeAction | None = None
    sectors: list[str] = field(default_factory=list)
    sizes: list[str] = field(default_factory=list)


def library_entries(actions: list[LibraryAction], language: str) -> list[LibraryEntry]:
    """Library actions with their text in ``language`` (falling back as the library does),
    and whether this programme already copied (or published) each, in one query."""
    uuids = [action.uuid for action in actions]
    copies: dict[Any, ProgrammeAction] = {}
    own: dict[Any, ProgrammeAction] = {}
    if uuids:
        for local in ProgrammeAction.objects.filter(
            Q(library_uuid__in=uuids) | Q(published_uuid__in=uuids)
        ):
            if local.library_uuid in uuids:
                copies[local.library_uuid] = local
            if local.published_uuid in uuids:
                own[local.published_uuid] = local
    sectors, sizes = dict(Sector.choices), dict(OrganisationSize.choices)
    entries = []
    for action in actions:
        text = library_action_text(action, language)
        entries.append(
            LibraryEntry(
                action=action,
                title=text["title"],
                description=text["description"],
                language=text["language"],
                copy=copies.get(action.uuid),
                own=own.get(action.uuid),
                sectors=[str(sectors.get(code, code)) for code in action.sectors],
                sizes=[str(sizes.get(code, code)) for code in action.sizes],
            )
        )
    return entries


def library_entry(action: LibraryAction, language: str) -> LibraryEntry:
    return library_entries([action], language)[0]


def copied_uuids() -> set[uuid_module.UUID]:
    return set(
        ProgrammeAction.objects.filter(library_uuid__isnull=False).values_list(
            "library_uuid", flat=True
        )
    )


# --- Copying: texts and what a pulled update changes ---------------------------------------


def copy_texts(library_action: LibraryAction) -> tuple[dict[str, str], dict[str, str]]:
    """The library action's title and description in the languages the programme offers and
    the library has; the programme's primary language always gets a text (the library's
    in that language, else in the library action's own first language)."""
    tenant = current_tenant()
    languages = tenant.languages if tenant else ["en"]
    primary = tenant.primary_language if tenant else "en"
    source_title = library_action.title or {}
    source_description = library_action.description or {}
    title: dict[str, str] = {}
    description: dict[str, str] = {}
    for code in languages:
        if source_title.get(code) and source_description.get(code):
            title[code], description[code] = source_title[code], source_description[code]
    if primary not in title:
        fallback = library_action_text(library_action, primary)
        title[primary] = fallback["title"]
        description[primary] = fallback["description"]
    return title, description


def copy_values(library_action: LibraryAction) -> dict[str, Any]:
    """Every field a copy (or a pulled update) takes from the library action."""
    title, description = copy_texts(library_action)
    values: dict[str, Any] = {"title": title, "description": description}
    for name in SHARED_FIELDS:
        values[name] = getattr(library_action, name)
    values["sectors"] = [code for code in values["sectors"] if code in Sector.values]
    values["sizes"] = [code for code in values["sizes"] if code in OrganisationSize.values]
    if values["theme"] not in Theme.values:
        values["theme"] = Theme.MANAGEMENT
    return values


@dataclass
class Change:
    label: str
    before: str
    after: str


def _shown(name: str, value: Any) -> str:
    """A field's value as the confirmation page shows it."""
    choices = {
        "theme": dict(Theme.choices),
        "effect_level": dict(EffectLevel.choices),
        "cost_level": dict(CostLevel.choices),
        "sectors": dict(Sector.choices),
        "sizes": dict(OrganisationSize.choices),
    }
    if value in (None, "", []):
        return "—"
    if name in ("sectors", "sizes"):
        return ", ".join(str(choices[name].get(code, code)) for code in value)
    if name in choices:
        return str(choices[name].get(value, value))
    if isinstance(value, Decimal):
        return format_number(value)
    return str(value)


def pull_update_changes(action: ProgrammeAction, library_action: LibraryAction) -> list[Change]:
    """What pulling the library's current version would change in the local copy, field by
    field (texts per language of the programme)."""
    new = copy_values(library_action)
    tenant = current_tenant()
    languages = tenant.languages if tenant else ["en"]
    changes: list[Change] = []
    for name, label in (("title", _("Title")), ("description", _("Description"))):
        before, after = getattr(action, name) or {}, new[name]
        for code in languages:
            if before.get(code, "") != after.get(code, ""):
                changes.append(
                    Change(
                        f"{label} ({language_name(code)})",
                        before.get(code, "") or "—",
                        after.get(code, "") or "—",
                    )
                )
    for name in SHARED_FIELDS:
        before, after = getattr(action, name), new[name]
        if name in ("sectors", "sizes"):
            same = sorted(before or []) == sorted(after or [])
        else:
            same = (before or None) == (after or None)
        if not same:
            label = str(ProgrammeAction._meta.get_field(name).verbose_name)
            changes.append(
                Change(label[:1].upper() + label[1:], _shown(name, before), _shown(name, after))
            )
    return changes


def library_source(action: ProgrammeAction) -> LibraryAction | None:
    """The library action a copy came from, published or not (None when it is gone)."""
    if not action.library_uuid:
        return None
    return LibraryAction.objects.filter(uuid=action.library_uuid).first()
