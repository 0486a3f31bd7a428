"""Changing a programme's climate actions, and its side of the shared library: copying an
action in (with provenance), pulling a newer version of a copy, publishing an action out
(and updating that publication), withdrawing it.

Every service is keyword-only, is for the programme's staff (municipal admins and staff;
``actor`` None is the system: demo data, commands), validates everything before it writes
(a refused call changes nothing), runs in one transaction and is audited in the tenant's
trail. The library's own services (``tenants.library.services``) write the library row and
audit it too.

Rules (README.md):
- A library action is copied into a programme once: copying it again is refused with a clear
  error naming the existing copy (``code="already_copied"``). Pages and the API show the copy
  instead of offering the copy again. An action this programme published is not copied back.
- A copy is edited locally like any action; its provenance stays. Pulling the library's
  newer version overwrites the local texts and fields (after the staff saw what changes).
- Copies are not published again (they are in the library already); an action published
  from this programme is updated in place (the library's version goes up), or published anew
  once it was withdrawn.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.actions import selectors
from programmes.actions.models import ProgrammeAction
from programmes.core.audit import audit_record
from programmes.core.i18n import current_tenant, language_name, translated
from tenants.library import services as library_services
from tenants.library.models import LibraryAction, ModerationStatus
from tenants.library.selectors import library_action_by_uuid, library_action_of_contributor

# The library's limits, so what a programme writes can always be published.
TITLE_MAX = library_services.TITLE_MAX
DESCRIPTION_MAX = library_services.DESCRIPTION_MAX
SOURCES_MAX = library_services.SOURCES_MAX
EFFECT_MAX = library_services.EFFECT_MAX

# What staff write (forms, API); provenance and the active flag are set by services.
EDITABLE_FIELDS = ("title", "description", *selectors.SHARED_FIELDS)


def _require_staff(actor: Any) -> None:
    if actor is not None and not selectors.is_staff(actor):
        raise PermissionDenied


def _now() -> dt.datetime:
    return timezone.now()


def _snapshot(action: ProgrammeAction) -> dict[str, Any]:
    """The editable fields as JSON for the audit trail."""
    data: dict[str, Any] = {}
    for name in EDITABLE_FIELDS:
        value = getattr(action, name)
        data[name] = str(value) if isinstance(value, Decimal) else value
    return data


def _texts(value: Any, name: str, limit: int, errors: dict[str, list[str]]) -> dict[str, str]:
    """A {language: text} mapping in the programme's languages, stripped, empty ones out."""
    tenant = current_tenant()
    languages = tenant.languages if tenant else ["en"]
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(code, str) and isinstance(text, str) for code, text in value.items()
    ):
        errors[name] = [
            _("Give the text as a mapping from language code (da, sv, fi, nb, en) to text.")
        ]
        return {}
    unknown = [code for code, text in value.items() if code not in languages and text.strip()]
    if unknown:
        errors[name] = [
            _("Write the text in the programme's languages only: %(languages)s.")
            % {"languages": ", ".join(language_name(code) for code in languages)}
        ]
        return {}
    cleaned = {code: text.strip() for code, text in value.items() if text.strip()}
    if any(len(text) > limit for text in cleaned.values()):
        errors[name] = [_("Keep it to %(count)s characters.") % {"count": limit}]
    return cleaned


def _validated(action: ProgrammeAction, data: dict[str, Any]) -> ProgrammeAction:
    """``action`` with ``data`` applied and checked, or a ValidationError with every problem
    by field; nothing is saved."""
    errors: dict[str, list[str]] = {}
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        errors["__all__"] = [
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        ]
    for name, value in data.items():
        if name in EDITABLE_FIELDS:
            setattr(action, name, value)
    action.title = _texts(action.title, "title", TITLE_MAX, errors)
    action.description = _texts(action.description, "description", DESCRIPTION_MAX, errors)
    action.sources = (action.sources or "").strip()
    if len(action.sources) > SOURCES_MAX:
        errors["sources"] = [_("Keep it to %(count)s characters.") % {"count": SOURCES_MAX}]
    for name in ("sectors", "sizes"):
        value = getattr(action, name) or []
        if isinstance(value, str) or not all(isinstance(item, str) for item in value):
            errors[name] = [_("Choose from the list.")]
        else:
            setattr(action, name, list(dict.fromkeys(value)))
    action.effect_level = action.effect_level or ""
    effect = action.effect_tonnes_per_year
    if effect is not None and (
        not isinstance(effect, Decimal | int) or effect < 0 or effect > EFFECT_MAX
    ):
        errors["effect_tonnes_per_year"] = [
            _("Give the effect as a positive number of tonnes a year.")
        ]
    if effect is None and not action.effect_level:
        errors["effect_tonnes_per_year"] = [
            _("Give the expected effect in tonnes CO2e a year, or choose its level.")
        ]
    try:
        action.full_clean(exclude=[name for name in errors if name != "__all__"])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return action


def _changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [name for name in EDITABLE_FIELDS if before.get(name) != after.get(name)]


# --- The programme's own actions -----------------------------------------------------------


def action_create(*, actor: Any, data: dict[str, Any]) -> ProgrammeAction:
    """A new action written by the programme's staff, offered to partners at once."""
    _require_staff(actor)
    action = _validated(ProgrammeAction(), data)
    with transaction.atomic():
        action.save()
        audit_record(actor=actor, action="action.created", target=action, data=_snapshot(action))
    return action


def action_update(*, actor: Any, action: ProgrammeAction, data: dict[str, Any]) -> ProgrammeAction:
    """Change an action (a copy too: its provenance stays, and a newer library version can
    still be pulled over the local changes)."""
    _require_staff(actor)
    current = ProgrammeAction.objects.get(pk=action.pk)
    before = _snapshot(current)
    updated = _validated(current, data)
    with transaction.atomic():
        updated.save(update_fields=[*EDITABLE_FIELDS, "updated_at"])
        after = _snapshot(updated)
        audit_record(
            actor=actor,
            action="action.updated",
            target=updated,
            data={"changed": _changed(before, after), "before": before, "after": after},
        )
    return updated


def _set_active(actor: Any, action: ProgrammeAction, active: bool) -> ProgrammeAction:
    _require_staff(actor)
    with transaction.atomic():
        current = ProgrammeAction.objects.select_for_update().get(pk=action.pk)
        if current.active == active:
            raise ValidationError(
                _("This action is already offered to partners.")
                if active
                else _("This action is already archived.")
            )
        current.active = active
        current.save(update_fields=["active", "updated_at"])
        audit_record(
            actor=actor,
            action="action.restored" if active else "action.archived",
            target=current,
            data={"title": translated(current.title)},
        )
    return current


def action_archive(*, actor: Any, action: ProgrammeAction) -> ProgrammeAction:
    """Stop offering an action to partners; goals based on it keep it."""
    return _set_active(actor, action, False)


def action_restore(*, actor: Any, action: ProgrammeAction) -> ProgrammeAction:
    """Offer an archived action again."""
    return _set_active(actor, action, True)


# --- Copying from the shared library -------------------------------------------------------


def action_copy_from_library(*, actor: Any, library_action: LibraryAction) -> ProgrammeAction:
    """Copy a published library action into the programme: its texts in the programme's
    languages (the primary language always gets one, falling back to the library action's
    own language), its fields, and its provenance (uuid, version, contributor, when). The
    library counts the copy. A library action is copied once (see the module's rules)."""
    _require_staff(actor)
    current = library_action_by_uuid(library_action.uuid)
    if current is None:
        raise ValidationError(_("This action is no longer in the shared library."))
    existing = ProgrammeAction.objects.filter(library_uuid=current.uuid).first()
    if existing is not None:
        raise ValidationError(
            _("Your programme already has this action: “%(title)s”.")
            % {"title": translated(existing.title)},
            code="already_copied",
        )
    if ProgrammeAction.objects.filter(published_uuid=current.uuid).exists():
        raise ValidationError(
            _("This action was published from your programme; it is already yours."),
            code="own_action",
        )
    action = ProgrammeAction(
        **selectors.copy_values(current),
        library_uuid=current.uuid,
        library_version=current.version,
        copied_from=current.contributor_name,
        copied_at=_now(),
    )
    try:
        with transaction.atomic():
            action.save()
            library_services.library_action_copied(action=current)
            audit_record(
                actor=actor,
                action="action.copied",
                target=action,
                data={
                    "library_uuid": str(current.uuid),
                    "library_version": current.version,
                    "contributor": current.contributor_name,
                    **_snapshot(action),
                },
            )
    except IntegrityError:
        # Another request copied it in the meantime (one copy per library action).
        raise ValidationError(
            _("Your programme already has this action."), code="already_copied"
        ) from None
    return action


def action_pull_update(
    *, actor: Any, action: ProgrammeAction, version: int | None = None
) -> ProgrammeAction:
    """Take the library's newer version of a copy: its texts and fields overwrite the local
    ones. ``version`` is the version the staff reviewed; when the library has moved on since,
    the pull is refused so they review the changes again. Audited with both versions and the
    values before and after."""
    _require_staff(actor)
    if not action.library_uuid:
        raise ValidationError(_("This action was not copied from the shared library."))
    source = library_action_by_uuid(action.library_uuid)
    if source is None:
        raise ValidationError(_("The shared library no longer offers this action."))
    if version is not None and version != source.version:
        raise ValidationError(
            _("The action changed in the library again; review the changes once more."),
            code="version_changed",
        )
    with transaction.atomic():
        current = ProgrammeAction.objects.select_for_update().get(pk=action.pk)
        if source.version <= (current.library_version or 0):
            raise ValidationError(_("Your copy is already up to date with the library."))
        before, from_version = _snapshot(current), current.library_version
        for name, value in selectors.copy_values(source).items():
            setattr(current, name, value)
        current.library_version = source.version
        current.copied_from = source.contributor_name
        current.save(
            update_fields=[*EDITABLE_FIELDS, "library_version", "copied_from", "updated_at"]
        )
        after = _snapshot(current)
        audit_record(
            actor=actor,
            action="action.update_pulled",
            target=current,
            data={
                "library_uuid": str(source.uuid),
                "from_version": from_version,
                "to_version": source.version,
                "changed": _changed(before, after),
                "before": before,
                "after": after,
            },
        )
    return current


# --- Publishing to the shared library ------------------------------------------------------


def library_data(action: ProgrammeAction) -> dict[str, Any]:
    """What the library is given of an action: the texts in every language that has both a
    title and a description (the primary language first), and the shared fields."""
    tenant = current_tenant()
    order = tenant.languages if tenant else ["en"]
    languages = [code for code in order if action.title.get(code) and action.description.get(code)]
    return {
        "title": {code: action.title[code] for code in languages},
        "description": {code: action.description[code] for code in languages},
        "languages": languages,
        **{name: getattr(action, name) for name in selectors.SHARED_FIELDS},
    }


def action_publish_to_library(
    *, actor: Any, action: ProgrammeAction, contributor_name: str = ""
) -> LibraryAction:
    """Publish an action to the shared library under ``contributor_name`` (the programme's
    tenant name by default), or, for an action already published from here, update that
    library action (its version goes up, so programmes that copied it can pull it). An action
    withdrawn from the library is published anew. Copies are not published again."""
    _require_staff(actor)
    tenant = current_tenant()
    if tenant is None:
        raise PermissionDenied
    action = ProgrammeAction.objects.get(pk=action.pk)
    if action.library_uuid:
        raise ValidationError(
            _(
                "This action was copied from the shared library (contributed by %(name)s); "
                "it is there already."
            )
            % {"name": action.copied_from}
        )
    if not action.active:
        raise ValidationError(_("Restore the action before you publish it."))
    data = library_data(action)
    published = (
        library_action_of_contributor(tenant=tenant, uuid=action.published_uuid)
        if action.published_uuid
        else None
    )
    with transaction.atomic():
        if published is not None and published.status != ModerationStatus.WITHDRAWN:
            library_action = library_services.library_action_update(
                actor=actor, action=published, tenant=tenant, data=data
            )
            event = "action.republished"
        else:
            library_action = library_services.library_action_publish(
                actor=actor,
                tenant=tenant,
                contributor_name=(contributor_name or "").strip() or tenant.name,
                data=data,
            )
            event = "action.published"
        ProgrammeAction.objects.filter(pk=action.pk).update(
            published_uuid=library_action.uuid, published_at=_now()
        )
        audit_record(
            actor=actor,
            action=event,
            target=action,
            data={
                "library_uuid": str(library_action.uuid),
                "version": library_action.version,
                "contributor": library_action.contributor_name,
            },
        )
    action.refresh_from_db()
    return library_action


def action_withdraw_from_library(
    *, actor: Any, action: ProgrammeAction, reason: str = ""
) -> LibraryAction:
    """Take this programme's publication of an action out of the library. Programmes that
    copied it keep their copies; the local action stays."""
    _require_staff(actor)
    tenant = current_tenant()
    published = (
        library_action_of_contributor(tenant=tenant, uuid=action.published_uuid)
        if action.published_uuid and tenant is not None
        else None
    )
    if published is None:
        raise ValidationError(_("This action is not published in the shared library."))
    with transaction.atomic():
        library_action = library_services.library_action_withdraw(
            actor=actor, action=published, tenant=tenant, reason=reason
        )
        audit_record(
            actor=actor,
            action="action.withdrawn",
            target=action,
            data={"library_uuid": str(library_action.uuid), "version": library_action.version},
            reason=reason,
        )
    return library_action
