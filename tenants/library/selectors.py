"""Reading the shared action library.

Every tenant browses the published actions (the library's table is in the public schema,
which is on every tenant's search path); hidden and withdrawn ones are seen only by the
operators (moderation) and by their contributor (``library_actions_contributed_by``).
"""

import uuid as uuid_module
from typing import Any

from django.db.models import Count, Q, QuerySet

from programmes.core.i18n import LANGUAGE_CODES
from programmes.core.models import AuditEvent
from tenants.library.models import LibraryAction, ModerationStatus

QUERY_MAX = 200


def _search(rows: QuerySet[LibraryAction], query: str, *, more: tuple[str, ...] = ()) -> Any:
    """Rows whose title or description, in any language, contains every word of ``query``
    (case-insensitive); ``more`` adds plain text fields to search."""
    for word in (query or "").strip()[:QUERY_MAX].split():
        match = Q()
        for field in ("title", "description"):
            for code in LANGUAGE_CODES:
                match |= Q(**{f"{field}__{code}__icontains": word})
        for field in more:
            match |= Q(**{f"{field}__icontains": word})
        rows = rows.filter(match)
    return rows


def _filter(
    rows: QuerySet[LibraryAction],
    *,
    theme: str = "",
    sector: str = "",
    size: str = "",
    cost: str = "",
    language: str = "",
) -> QuerySet[LibraryAction]:
    """Filters; an action without sectors (or sizes) suits every sector (size)."""
    if theme:
        rows = rows.filter(theme=theme)
    if sector:
        rows = rows.filter(Q(sectors__contains=[sector]) | Q(sectors=[]))
    if size:
        rows = rows.filter(Q(sizes__contains=[size]) | Q(sizes=[]))
    if cost:
        rows = rows.filter(cost_level=cost)
    if language:
        rows = rows.filter(languages__contains=[language])
    return rows


def library_actions_published(
    *,
    query: str = "",
    theme: str = "",
    sector: str = "",
    size: str = "",
    cost: str = "",
    language: str = "",
) -> QuerySet[LibraryAction]:
    """The published actions matching the search and filters, newest change first."""
    rows = LibraryAction.objects.filter(status=ModerationStatus.PUBLISHED)
    rows = _filter(rows, theme=theme, sector=sector, size=size, cost=cost, language=language)
    return _search(rows, query)


def _as_uuid(value: Any) -> uuid_module.UUID | None:
    if isinstance(value, uuid_module.UUID):
        return value
    try:
        return uuid_module.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def library_action_by_uuid(uuid: Any) -> LibraryAction | None:
    """A published action, or None (missing, hidden, withdrawn or not a uuid at all)."""
    key = _as_uuid(uuid)
    if key is None:
        return None
    return LibraryAction.objects.filter(uuid=key, status=ModerationStatus.PUBLISHED).first()


def library_action_any_by_uuid(uuid: Any) -> LibraryAction | None:
    """An action whatever its status (operators; a programme checking its copy's source)."""
    key = _as_uuid(uuid)
    if key is None:
        return None
    return LibraryAction.objects.filter(uuid=key).first()


def library_actions_contributed_by(*, tenant: Any) -> QuerySet[LibraryAction]:
    """Every action ``tenant`` contributed, whatever its status (its staff see why one was
    hidden)."""
    return LibraryAction.objects.filter(contributor_id=getattr(tenant, "pk", None))


def library_action_of_contributor(*, tenant: Any, uuid: Any) -> LibraryAction | None:
    """One of ``tenant``'s own actions whatever its status; None when missing or another's
    (the same answer for both)."""
    key = _as_uuid(uuid)
    if key is None:
        return None
    return library_actions_contributed_by(tenant=tenant).filter(uuid=key).first()


def library_action_text(action: LibraryAction, language: str) -> dict[str, str]:
    """The title and description in ``language``, else in the action's first language, else
    in any language it has; both from the same language."""
    title = action.title or {}
    description = action.description or {}
    for code in (language, *(action.languages or []), *title, *description):
        if code and (title.get(code) or description.get(code)):
            return {
                "title": title.get(code, "") or next((t for t in title.values() if t), ""),
                "description": description.get(code, "")
                or next((t for t in description.values() if t), ""),
                "language": code,
            }
    return {"title": "", "description": "", "language": ""}


def library_actions_for_moderation(
    status: str = "",
    *,
    query: str = "",
    theme: str = "",
    sector: str = "",
    size: str = "",
    cost: str = "",
    language: str = "",
) -> QuerySet[LibraryAction]:
    """Every action for the operators, optionally of one status, matching ``query`` (also
    in the contributor's name and the sources) and the filters."""
    rows = LibraryAction.objects.all()
    if status:
        rows = rows.filter(status=status)
    rows = _filter(rows, theme=theme, sector=sector, size=size, cost=cost, language=language)
    return _search(rows, query, more=("contributor_name", "sources"))


def library_action_counts() -> dict[str, int]:
    """How many actions have each status (every status present, 0 when none), and ``all``."""
    counts = dict.fromkeys(ModerationStatus.values, 0)
    for row in LibraryAction.objects.values("status").annotate(n=Count("id")).order_by():
        counts[row["status"]] = row["n"]
    counts["all"] = sum(counts.values())
    return counts


def library_moderation_history(action: LibraryAction) -> QuerySet[AuditEvent]:
    """The operators' decisions on ``action``, newest first (read on the public schema: a
    contributor's own changes are in its tenant's trail)."""
    return AuditEvent.objects.filter(
        target_type=LibraryAction._meta.label_lower, target_id=str(action.pk)
    ).only("created_at", "actor_label", "action", "reason")
