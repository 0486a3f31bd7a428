"""Changes to the programme configuration. Every function validates the whole change, runs in
one transaction and leaves an audit record; a refused change raises ValidationError (a
message per field) and writes nothing."""

import datetime as dt
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.configuration.models import (
    AwardCategory,
    FeeBand,
    FeeKind,
    FeeSchedule,
    PrivacyStatement,
    Programme,
    ScoringCriterion,
    SigningRound,
)
from programmes.core.audit import audit_record
from programmes.core.uploads import check_image, check_pdf, safe_name


def _changes(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of an instance, JSON-ready, for the audit record."""
    data = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(value, dt.date | dt.datetime):
            value = value.isoformat()
        elif value is not None and not isinstance(value, str | int | float | bool | dict | list):
            value = str(value)
        data[field.attname] = value
    return data


def configuration_save(
    *, actor: Any, instance: models.Model, m2m: dict[str, Iterable[Any]] | None = None
) -> models.Model:
    """Create or update one configuration row (contacts, tiers, schemes, rules, obligations,
    wheel activities) after full validation."""
    created = instance.pk is None
    instance.full_clean()
    with transaction.atomic():
        instance.save()
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
        audit_record(
            actor=actor,
            action=f"{instance._meta.model_name}.{'created' if created else 'updated'}",
            target=instance,
            data=_changes(instance),
        )
    return instance


def configuration_delete(*, actor: Any, instance: models.Model, reason: str = "") -> None:
    with transaction.atomic():
        data = _changes(instance)
        audit_record(
            actor=actor,
            action=f"{instance._meta.model_name}.deleted",
            target=instance,
            data=data,
            reason=reason,
        )
        try:
            instance.delete()
        except models.ProtectedError:
            raise ValidationError(
                _("This is still in use and cannot be deleted."), code="protected"
            ) from None


def programme_update(*, actor: Any, programme: Programme) -> Programme:
    return configuration_save(actor=actor, instance=programme)  # type: ignore[return-value]


# --- Fees ---------------------------------------------------------------------------------


def _validate_bands(bands: Sequence[FeeBand]) -> None:
    """Bands must start at 0, follow each other without gap or overlap, and only the last
    may be open-ended, so every size has exactly one fee."""
    errors: list[str] = []
    ordered = sorted(bands, key=lambda band: band.min_size)
    if not ordered:
        raise ValidationError({"bands": [_("Give at least one fee band.")]})
    if ordered[0].min_size != 0:
        errors.append(_("The first band must start at 0."))
    for previous, band in pairwise(ordered):
        if previous.max_size is None:
            errors.append(
                _("The band from %(start)s has no upper limit, but another band follows it.")
                % {"start": previous.min_size}
            )
        elif band.min_size <= previous.max_size:
            errors.append(
                _("The bands %(first)s and %(second)s overlap.")
                % {"first": str(previous), "second": str(band)}
            )
        elif band.min_size != previous.max_size + 1:
            errors.append(
                _("Sizes %(start)s to %(end)s are in no band.")
                % {"start": previous.max_size + 1, "end": band.min_size - 1}
            )
    if ordered[-1].max_size is not None:
        errors.append(_("The last band must have no upper limit, so every size has a fee."))
    if errors:
        raise ValidationError({"bands": errors})


def fee_schedule_save(
    *, actor: Any, schedule: FeeSchedule, bands: Sequence[dict[str, Any]] = ()
) -> FeeSchedule:
    """Save a schedule with its bands (replacing the old bands). Bands are required for a
    banded schedule and ignored otherwise."""
    created = schedule.pk is None
    errors: dict[str, list[str]] = {}
    try:
        schedule.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    band_objects = []
    if schedule.kind == FeeKind.BANDED:
        for number, data in enumerate(bands, start=1):
            band = FeeBand(
                min_size=data.get("min_size"),
                max_size=data.get("max_size"),
                amount=data.get("amount"),
            )
            try:
                band.full_clean(exclude=["schedule"])
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    errors.setdefault("bands", []).extend(
                        _("Band %(number)s, %(field)s: %(message)s")
                        % {"number": number, "field": field, "message": message}
                        for message in messages
                    )
            band_objects.append(band)
        if "bands" not in errors:
            try:
                _validate_bands(band_objects)
            except ValidationError as error:
                errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        schedule.save()
        schedule.bands.all().delete()
        for band in band_objects:
            band.schedule = schedule
        FeeBand.objects.bulk_create(band_objects)
        audit_record(
            actor=actor,
            action=f"feeschedule.{'created' if created else 'updated'}",
            target=schedule,
            data={
                **_changes(schedule),
                "bands": [[b.min_size, b.max_size, str(b.amount)] for b in band_objects],
            },
        )
    return schedule


# --- Signing rounds and awards --------------------------------------------------------------


def signing_round_save(*, actor: Any, signing_round: SigningRound) -> SigningRound:
    """A round must lie in the future when it is created or moved."""
    moved = signing_round.pk is None or (
        SigningRound.objects.filter(pk=signing_round.pk)
        .exclude(starts_at=signing_round.starts_at)
        .exists()
    )
    if moved and signing_round.starts_at and signing_round.starts_at <= timezone.now():
        raise ValidationError({"starts_at": [_("A signing round cannot be in the past.")]})
    return configuration_save(actor=actor, instance=signing_round)  # type: ignore[return-value]


def award_category_save(
    *,
    actor: Any,
    category: AwardCategory,
    criteria: Sequence[dict[str, Any]],
    jurors: Iterable[Any] = (),
) -> AwardCategory:
    """Save a category with its scoring criteria (replacing the old ones)."""
    errors: dict[str, list[str]] = {}
    try:
        category.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    criterion_objects = []
    for number, data in enumerate(criteria, start=1):
        criterion = ScoringCriterion(name=data.get("name") or {}, weight=data.get("weight"))
        try:
            criterion.full_clean(exclude=["category"])
        except ValidationError as error:
            errors.setdefault("criteria", []).extend(
                _("Criterion %(number)s: %(message)s") % {"number": number, "message": message}
                for message in error.messages
            )
        criterion_objects.append(criterion)
    if not criterion_objects:
        errors.setdefault("criteria", []).append(_("Give at least one scoring criterion."))
    if errors:
        raise ValidationError(errors)
    created = category.pk is None
    with transaction.atomic():
        category.save()
        category.criteria.all().delete()
        for criterion in criterion_objects:
            criterion.category = category
        ScoringCriterion.objects.bulk_create(criterion_objects)
        category.jurors.set(jurors)
        audit_record(
            actor=actor,
            action=f"awardcategory.{'created' if created else 'updated'}",
            target=category,
            data={
                **_changes(category),
                "criteria": [[c.name, c.weight] for c in criterion_objects],
            },
        )
    return category


# --- Privacy statement ----------------------------------------------------------------------


def privacy_statement_draft(*, actor: Any, text: dict[str, str]) -> PrivacyStatement:
    """Start a new version (published versions never change)."""
    with transaction.atomic():
        latest = PrivacyStatement.objects.select_for_update().aggregate(Max("version"))
        statement = PrivacyStatement(version=(latest["version__max"] or 0) + 1, text=text)
        statement.full_clean()
        statement.save()
        audit_record(actor=actor, action="privacystatement.drafted", target=statement)
    return statement


def privacy_statement_update(
    *, actor: Any, statement: PrivacyStatement, text: dict[str, str]
) -> PrivacyStatement:
    if statement.published_at is not None:
        raise ValidationError(
            _("A published version cannot be changed; start a new version instead."),
            code="published",
        )
    statement.text = text
    return configuration_save(actor=actor, instance=statement)  # type: ignore[return-value]


def privacy_statement_publish(*, actor: Any, statement: PrivacyStatement) -> PrivacyStatement:
    """Put a draft in force; from now on partners accept this version."""
    with transaction.atomic():
        statement = PrivacyStatement.objects.select_for_update().get(pk=statement.pk)
        if statement.published_at is not None:
            raise ValidationError(_("This version is already published."), code="published")
        statement.full_clean()
        statement.published_at = timezone.now()
        statement.save(update_fields=["published_at"])
        audit_record(
            actor=actor,
            action="privacystatement.published",
            target=statement,
            data={"version": statement.version},
        )
    return statement


# --- Symbol and guidelines -----------------------------------------------------------------


def programme_files_upload(*, actor: Any, symbol: Any = None, guidelines: Any = None) -> Programme:
    """Store a new partner symbol (PNG or SVG) and/or graphic guidelines (PDF), each checked
    by content; a refused file stores nothing."""
    errors: dict[str, list[str]] = {}
    checked = {}
    for field, upload, check in (
        ("symbol", symbol, check_image),
        ("guidelines", guidelines, check_pdf),
    ):
        if upload is None:
            continue
        try:
            checked[field] = check(upload)
        except ValidationError as error:
            errors[field] = error.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get()
        for field, file in checked.items():
            stored = getattr(programme, field)
            old_name = stored.name
            stored.save(safe_name(field, file), ContentFile(file.content), save=False)
            if old_name:
                transaction.on_commit(
                    lambda name=old_name, storage=stored.storage: storage.delete(name)
                )
        programme.save(update_fields=[*checked, "updated_at"])
        audit_record(
            actor=actor,
            action="programme.files_uploaded",
            target=programme,
            data={field: getattr(programme, field).name for field in checked},
        )
    return programme
