"""Changing the shared action library.

Contributors (a tenant's staff, from their tenant's host) publish, update and withdraw their
tenant's actions; operators (on the platform host) hide and restore actions that break the
rules. Every service is keyword-only, validates everything before it writes (a refused call
changes nothing), runs in one transaction and is audited with ``audit_record``.

Where the audit goes: ``audit_record`` writes to the current schema. A contributor's service
runs in the tenant's request (search path ``<tenant>, public``): the library row is written
to the public table, the audit event to the tenant's own trail. Moderation runs on the
platform host (public schema) and is audited in the operators' trail.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from programmes.core.audit import audit_record
from programmes.core.i18n import LANGUAGE_CODES
from programmes.partners.models import Sector
from programmes.people.models import STAFF_ROLES
from tenants.library.models import LibraryAction, ModerationStatus, OrganisationSize
from tenants.models import Tenant

TITLE_MAX = 200
DESCRIPTION_MAX = 10_000
SOURCES_MAX = 5_000
REASON_MAX = 2_000
CONTRIBUTOR_NAME_MAX = 200
EFFECT_MAX = Decimal("9999999999.99")

# The fields a contributor gives (``data`` of publish and update).
DATA_FIELDS = (
    "title",
    "description",
    "theme",
    "effect_tonnes_per_year",
    "effect_level",
    "cost_level",
    "sectors",
    "sizes",
    "sources",
    "languages",
)


def _require_contributor_staff(actor: Any) -> None:
    """A tenant's staff publish and change their tenant's actions (None: the system)."""
    if actor is None:
        return
    if not getattr(actor, "is_authenticated", False) or actor.role not in STAFF_ROLES:
        raise PermissionDenied(_("Only the programme's staff may change its library actions."))


def _require_operator(actor: Any) -> None:
    if actor is None:
        return
    if not getattr(actor, "is_authenticated", False) or not actor.is_operator:
        raise PermissionDenied(_("Only the platform's operators moderate the library."))


def _require_contributor(action: LibraryAction, tenant: Tenant) -> None:
    if tenant is None or action.contributor_id != tenant.pk:
        raise PermissionDenied(_("Only the municipality that contributed an action may change it."))


def _require_public_schema() -> None:
    # Moderation is audited in the operators' trail: it must not run inside a tenant.
    if connection.schema_name != "public":
        raise RuntimeError("library moderation runs on the public schema only")


def _clean_texts(value: Any) -> dict[str, str] | None:
    """A {language: text} mapping with known languages, stripped, empty ones left out;
    None when the value is not such a mapping."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        return None
    cleaned: dict[str, str] = {}
    for code, text in value.items():
        if code not in LANGUAGE_CODES or not isinstance(text, str):
            return None
        if text.strip():
            cleaned[code] = text.strip()
    return cleaned


def _clean_choices(
    value: Any, allowed: list[str], field: str, message: str, errors: dict[str, list[str]]
) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) or not all(isinstance(item, str) for item in value):
        errors[field] = [message]
        return []
    items = list(dict.fromkeys(value))
    if any(item not in allowed for item in items):
        errors[field] = [message]
    return items


def _clean(data: dict[str, Any], *, tenant: Tenant | None) -> dict[str, Any]:
    """The contributor's ``data`` checked and normalised, or a ValidationError with every
    problem by field."""
    errors: dict[str, list[str]] = {}
    unknown = set(data) - set(DATA_FIELDS)
    if unknown:
        errors["__all__"] = [
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        ]

    title = _clean_texts(data.get("title"))
    description = _clean_texts(data.get("description"))
    texts_message = _("Give the text as a mapping from language code (da, sv, fi, nb, en) to text.")
    if title is None:
        errors["title"] = [texts_message]
        title = {}
    if description is None:
        errors["description"] = [texts_message]
        description = {}
    if any(len(text) > TITLE_MAX for text in title.values()):
        errors.setdefault("title", []).append(
            _("Keep the title to %(count)d characters.") % {"count": TITLE_MAX}
        )
    if any(len(text) > DESCRIPTION_MAX for text in description.values()):
        errors.setdefault("description", []).append(
            _("Keep the description to %(count)d characters.") % {"count": DESCRIPTION_MAX}
        )

    # The languages it is written in: the given order, else the tenant's, then the rest.
    given_languages = data.get("languages") or []
    if isinstance(given_languages, str) or not all(
        isinstance(code, str) for code in given_languages
    ):
        errors["languages"] = [_("Give the languages as a list of language codes.")]
        given_languages = []
    preferred = [
        *given_languages,
        *(tenant.languages if tenant is not None else []),
        *LANGUAGE_CODES,
    ]
    unknown_languages = [code for code in given_languages if code not in LANGUAGE_CODES]
    if unknown_languages:
        errors["languages"] = [
            _("Unknown language: %(codes)s.") % {"codes": ", ".join(unknown_languages)}
        ]
    incomplete = [
        code
        for code in given_languages
        if code in LANGUAGE_CODES and not (title.get(code) and description.get(code))
    ]
    if incomplete:
        errors.setdefault("languages", []).append(
            _("Give both a title and a description in every language you choose.")
        )
    languages = [
        code
        for code in dict.fromkeys(preferred)
        if code in LANGUAGE_CODES and title.get(code) and description.get(code)
    ]
    if given_languages and not incomplete:
        languages = [code for code in dict.fromkeys(given_languages) if code in LANGUAGE_CODES]
    if not languages and "title" not in errors and "description" not in errors:
        errors["__all__"] = [
            *errors.get("__all__", []),
            _("Give a title and a description in at least one language."),
        ]
    # Texts in a language without its other half are kept only for the chosen languages.
    title = {code: title[code] for code in languages if code in title}
    description = {code: description[code] for code in languages if code in description}

    effect: Decimal | None = None
    raw_effect = data.get("effect_tonnes_per_year")
    if raw_effect not in (None, ""):
        try:
            effect = Decimal(str(raw_effect))
        except InvalidOperation:
            errors["effect_tonnes_per_year"] = [_("Give the effect as a number of tonnes.")]
        else:
            if not effect.is_finite() or effect < 0 or effect > EFFECT_MAX:
                errors["effect_tonnes_per_year"] = [
                    _("Give the effect as a positive number of tonnes a year.")
                ]
                effect = None
            else:
                effect = effect.quantize(Decimal("0.01"))
    effect_level = data.get("effect_level") or ""
    if effect is None and not effect_level and "effect_tonnes_per_year" not in errors:
        errors["effect_tonnes_per_year"] = [
            _("Give the expected effect in tonnes CO2e a year, or choose its level.")
        ]

    sectors = _clean_choices(
        data.get("sectors"),
        list(Sector.values),
        "sectors",
        _("Choose the sectors from the list."),
        errors,
    )
    sizes = _clean_choices(
        data.get("sizes"),
        list(OrganisationSize.values),
        "sizes",
        _("Choose the sizes from the list."),
        errors,
    )
    sources = data.get("sources") or ""
    if not isinstance(sources, str):
        errors["sources"] = [_("Give the sources as text.")]
        sources = ""
    elif len(sources.strip()) > SOURCES_MAX:
        errors["sources"] = [
            _("Keep the sources to %(count)d characters.") % {"count": SOURCES_MAX}
        ]

    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "description": description,
        "theme": data.get("theme") or "",
        "effect_tonnes_per_year": effect,
        "effect_level": effect_level,
        "cost_level": data.get("cost_level") or "",
        "sectors": sectors,
        "sizes": sizes,
        "sources": sources.strip(),
        "languages": languages,
    }


def _full_clean(action: LibraryAction) -> None:
    # The texts are checked above: the library's rule (one complete language) is not a
    # tenant's (its primary language), which TranslatedField would apply in a tenant request.
    action.full_clean(exclude=["title", "description", "contributor", "uuid"])


def _snapshot(action: LibraryAction) -> dict[str, Any]:
    return {
        "uuid": str(action.uuid),
        "version": action.version,
        "title": action.title,
        "theme": action.theme,
        "languages": action.languages,
    }


def library_action_publish(
    *, actor: Any, tenant: Tenant, contributor_name: str, data: dict[str, Any]
) -> LibraryAction:
    """Publish a new action from ``tenant``'s programme to the library (published at once;
    the operators moderate afterwards). ``contributor_name`` is shown as its source."""
    _require_contributor_staff(actor)
    if tenant is None or tenant.schema_name == "public":
        raise PermissionDenied(_("Only a municipality's programme contributes actions."))
    contributor_name = (contributor_name or "").strip()
    errors: dict[str, list[str]] = {}
    if not contributor_name:
        errors["contributor_name"] = [_("Say who contributes the action.")]
    elif len(contributor_name) > CONTRIBUTOR_NAME_MAX:
        errors["contributor_name"] = [
            _("Keep the name to %(count)d characters.") % {"count": CONTRIBUTOR_NAME_MAX}
        ]
    try:
        fields = _clean(data, tenant=tenant)
    except ValidationError as error:
        raise ValidationError({**errors, **error.message_dict}) from None
    if errors:
        raise ValidationError(errors)
    action = LibraryAction(contributor=tenant, contributor_name=contributor_name, **fields)
    _full_clean(action)
    with transaction.atomic():
        action.save()
        audit_record(
            actor=actor,
            action="libraryaction.published",
            target=action,
            data={**_snapshot(action), "contributor": tenant.schema_name},
        )
    return action


def _locked(action: LibraryAction) -> LibraryAction:
    return LibraryAction.objects.select_for_update().get(pk=action.pk)


def library_action_update(
    *, actor: Any, action: LibraryAction, tenant: Tenant, data: dict[str, Any]
) -> LibraryAction:
    """Change an action of the contributing tenant; its version goes up by one so programmes
    that copied it see there is an update to pull. Hidden or withdrawn actions are refused."""
    _require_contributor_staff(actor)
    _require_contributor(action, tenant)
    fields = _clean(data, tenant=tenant)
    with transaction.atomic():
        current = _locked(action)
        _require_contributor(current, tenant)
        if current.status == ModerationStatus.HIDDEN:
            raise ValidationError(
                _(
                    "The operators have hidden this action, so it cannot be changed. "
                    "Their reason: %(reason)s"
                )
                % {"reason": current.moderation_reason}
            )
        if current.status == ModerationStatus.WITHDRAWN:
            raise ValidationError(
                _("This action was withdrawn from the library; publish it again instead.")
            )
        before = _snapshot(current)
        for name, value in fields.items():
            setattr(current, name, value)
        _full_clean(current)
        current.version = F("version") + 1
        current.save(update_fields=[*fields, "version", "updated_at"])
        current.refresh_from_db()
        audit_record(
            actor=actor,
            action="libraryaction.updated",
            target=current,
            data={"before": before, "after": _snapshot(current)},
        )
    return current


def library_action_withdraw(
    *, actor: Any, action: LibraryAction, tenant: Tenant, reason: str = ""
) -> LibraryAction:
    """The contributing tenant takes its action out of the library. Programmes that copied
    it keep their copies."""
    _require_contributor_staff(actor)
    _require_contributor(action, tenant)
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": [_("Keep the reason to %(count)d characters.") % {"count": REASON_MAX}]}
        )
    with transaction.atomic():
        current = _locked(action)
        _require_contributor(current, tenant)
        if current.status == ModerationStatus.WITHDRAWN:
            raise ValidationError(_("This action is already withdrawn."))
        before = current.status
        current.status = ModerationStatus.WITHDRAWN
        current.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="libraryaction.withdrawn",
            target=current,
            data={**_snapshot(current), "status_before": before},
            reason=reason,
        )
    action.status = current.status
    return current


def library_action_copied(*, action: LibraryAction) -> None:
    """Count one more copy into a programme (the copy itself is audited by the tenant)."""
    LibraryAction.objects.filter(pk=action.pk).update(copies=F("copies") + 1)


def _moderation_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for this decision.")]})
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": [_("Keep the reason to %(count)d characters.") % {"count": REASON_MAX}]}
        )
    return reason


def library_action_hide(*, actor: Any, action: LibraryAction, reason: str) -> LibraryAction:
    """Operators hide a published action that breaks the rules (its contributor sees the
    reason and can no longer change it)."""
    return _moderate(
        actor=actor,
        action=action,
        reason=reason,
        moving=(ModerationStatus.PUBLISHED, ModerationStatus.HIDDEN),
        refusal=_("Only a published action can be hidden."),
        audit_action="libraryaction.hidden",
    )


def library_action_restore(*, actor: Any, action: LibraryAction, reason: str) -> LibraryAction:
    """Operators publish a hidden action again."""
    return _moderate(
        actor=actor,
        action=action,
        reason=reason,
        moving=(ModerationStatus.HIDDEN, ModerationStatus.PUBLISHED),
        refusal=_("Only a hidden action can be restored."),
        audit_action="libraryaction.restored",
    )


def _moderate(
    *,
    actor: Any,
    action: LibraryAction,
    reason: str,
    moving: tuple[str, str],
    refusal: str,
    audit_action: str,
) -> LibraryAction:
    """An operator's decision: the action moves from one status to the other, with the
    reason kept on it and in the public schema's audit trail."""
    _require_operator(actor)
    _require_public_schema()
    reason = _moderation_reason(reason)
    from_status, to_status = moving
    with transaction.atomic():
        current = _locked(action)
        if current.status != from_status:
            raise ValidationError(refusal)
        current.status = to_status
        current.moderation_reason = reason
        current.save(update_fields=["status", "moderation_reason"])
        audit_record(
            actor=actor,
            action=audit_action,
            target=current,
            data={**_snapshot(current), "contributor": current.contributor_name},
            reason=reason,
        )
    return current
