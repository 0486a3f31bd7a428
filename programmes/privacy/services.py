"""Privacy: a person's export, erasure by staff, and the retention policy and its runner.

Every model's rule is in registry.py; this module only applies them."""

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import FileField
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.core.audit import audit_record
from programmes.core.models import SentMail
from programmes.events.models import Registration
from programmes.partners.models import Partner, PartnerContact, Stage
from programmes.partners.services import partners_delete_for_good
from programmes.people.models import STAFF_ROLES, Invitation, Role, User
from programmes.privacy import selectors
from programmes.privacy.audit import audit_erase, audit_forget_clients, redact
from programmes.privacy.models import MONTHS_MAX, MONTHS_MIN, PERIOD_FIELDS, RetentionPolicy
from programmes.privacy.registry import DELETE, KEEP, PSEUDONYM, PSEUDONYMISE, REDACT
from programmes.widget.selectors import forget_cached as forget_widget_cache

REASON_MAX = 1000
NAME_MIN = 3  # shorter "names" would redact unrelated text


def may_manage_privacy(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role == Role.MUNICIPAL_ADMIN)


# --- Export -------------------------------------------------------------------------------


def personal_data_export(*, actor: Any) -> dict[str, Any]:
    """``actor``'s data in the current schema (selectors.personal_data), audited."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    export = selectors.personal_data(user=actor)
    audit_record(
        actor=actor,
        action="personal_data.exported",
        target=actor,
        data={"rows": sum(len(rows) for rows in export["data"].values())},
    )
    return export


# --- Erasure ------------------------------------------------------------------------------


@dataclass
class ErasurePlan:
    """Who would be erased and how many rows of each model would go or change."""

    email: str
    user: User | None
    names: list[str]
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _clean_erasure_input(email: str, reason: str) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    email = (email or "").strip().lower()
    reason = (reason or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid e-mail address.")]
    if not reason:
        errors["reason"] = [_("Say why this person's data is erased (e.g. their request).")]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [_("Keep the reason under %(max)s characters.") % {"max": REASON_MAX}]
    if errors:
        raise ValidationError(errors)
    return email, reason


def _names(email: str, user: User | None) -> list[str]:
    """The names this schema knows the person by (account, contact rows, registrations)."""
    names = {user.full_name} if user is not None else set()
    names.update(PartnerContact.objects.filter(email__iexact=email).values_list("name", flat=True))
    names.update(Registration.objects.filter(email__iexact=email).values_list("name", flat=True))
    return sorted(name.strip() for name in names if len(name.strip()) >= NAME_MIN)


def person_erasure_plan(*, actor: Any, email: str, reason: str) -> ErasurePlan:
    """What ``person_erase`` would do, for the confirmation step. Refuses (ValidationError)
    a bad address or reason, an address nobody here has, and municipal staff (their
    accounts are removed by an administrator, their work stays theirs)."""
    if not may_manage_privacy(actor):
        raise PermissionDenied
    email, reason = _clean_erasure_input(email, reason)
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and (user.role in STAFF_ROLES or user.role == Role.OPERATOR):
        raise ValidationError(
            {
                "email": [
                    _("This is a municipal staff account: only partners' people are erased here.")
                ]
            }
        )
    person = selectors.Person(email=email, user=user)
    plan = ErasurePlan(email=email, user=user, names=_names(email, user))
    for model, entry in selectors.models_here():
        rows = selectors.person_rows(model, entry, person)
        if rows is None:
            continue
        if all(rule == KEEP for rule in entry.erase.values()):
            continue
        count = rows.count()
        if count:
            plan.rows[model._meta.label_lower] = count
    if not plan.total:
        raise ValidationError(
            {"email": [_("No data of anyone with this e-mail address is held here.")]}
        )
    return plan


def _files_of(rows: Any) -> list[Any]:
    fields = [f.name for f in rows.model._meta.concrete_fields if isinstance(f, FileField)]
    if not fields:
        return []
    return [
        getattr(row, name)
        for row in rows.only("pk", *fields)
        for name in fields
        if getattr(row, name)
    ]


def _sessions_delete(user: User) -> int:
    """The person's sessions: the table only holds them encoded, so each live one is read."""
    mine = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now())
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    return Session.objects.filter(pk__in=mine).delete()[0]


def person_erase(*, actor: Any, email: str, reason: str) -> dict[str, int]:
    """Erase a partner's contact person in this tenant, found by e-mail address: their rows
    go, or stay without them where the programme's records need the row (registry.py);
    their sessions go, their audit entries are pseudonymised, the widget's cache is dropped
    and their files are deleted once committed. The erasure is audited with ids, counts
    and the reason (the person's address and names redacted from it). Returns the counts."""
    plan = person_erasure_plan(actor=actor, email=email, reason=reason)
    _email, reason = _clean_erasure_input(email, reason)
    label = f"erased-person-{secrets.token_hex(4)}"
    needles = [plan.email, *plan.names]
    person = selectors.Person(email=plan.email, user=plan.user)
    changed: dict[str, int] = {}
    files: list[Any] = []
    with transaction.atomic():
        for model, entry in selectors.models_here():
            name = model._meta.label_lower
            if model is User:
                continue  # last: other rows are found through it
            for match_field, rule in entry.erase.items():
                query = selectors.match(entry, match_field, person)
                if query is None or rule in (KEEP, PSEUDONYMISE):
                    continue
                rows = selectors.rows_of(model, query)
                if rule == DELETE:
                    files += _files_of(rows)
                    count = rows.delete()[1].get(model._meta.label, 0)
                elif rule == REDACT:
                    found = list(rows.only("pk", match_field))
                    for row in found:
                        value = redact(getattr(row, match_field), needles, label)
                        model._default_manager.filter(pk=row.pk).update(**{match_field: value})
                    count = len(found)
                else:
                    count = rows.update(
                        **{
                            key: label if value is PSEUDONYM else value
                            for key, value in rule.items()
                        }
                    )
                if count:
                    changed[name] = changed.get(name, 0) + count
        changed["core.auditevent"] = audit_erase(
            user_id=plan.user.pk if plan.user else None,
            email=plan.email,
            needles=needles,
            label=label,
        )
        user_id = None
        if plan.user is not None:
            user_id = plan.user.pk
            changed["sessions.session"] = _sessions_delete(plan.user)
            plan.user.delete()
            changed["people.user"] = 1
        changed = {key: value for key, value in changed.items() if value}
        audit_record(
            actor=actor,
            action="personal_data.erased",
            data={"user_id": user_id, "pseudonym": label, "changed": changed, "files": len(files)},
            reason=redact(reason, needles, label),
        )
        transaction.on_commit(forget_widget_cache)
        for stored in files:
            transaction.on_commit(lambda stored=stored: stored.storage.delete(stored.name))
    return changed


# --- Retention ----------------------------------------------------------------------------


def retention_policy_save(*, actor: Any, **months: Any) -> RetentionPolicy:
    """Save the tenant's retention periods (whole months, MONTHS_MIN to MONTHS_MAX each);
    every period must be given. Refused with every problem named; audited with the changes."""
    if actor is not None and not may_manage_privacy(actor):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    for name in PERIOD_FIELDS:
        value = months.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            errors[name] = [_("Enter a whole number of months.")]
        elif not MONTHS_MIN <= value <= MONTHS_MAX:
            errors[name] = [
                _("Enter between %(min)s and %(max)s months.")
                % {"min": MONTHS_MIN, "max": MONTHS_MAX}
            ]
    unknown = set(months) - set(PERIOD_FIELDS)
    if unknown:
        errors["__all__"] = [
            _("Unknown periods: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        policy = RetentionPolicy.objects.select_for_update().first() or selectors.retention_policy()
        before = {name: getattr(policy, name) for name in PERIOD_FIELDS}
        for name in PERIOD_FIELDS:
            setattr(policy, name, months[name])
        policy.save()
        audit_record(
            actor=actor,
            action="privacy.retention_saved",
            target=policy,
            data={
                "changed": {
                    name: {"from": before[name], "to": months[name]}
                    for name in PERIOD_FIELDS
                    if before[name] != months[name]
                }
            },
        )
    return policy


def months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def retention_apply(*, today: dt.date | None = None) -> dict[str, int]:
    """Apply the tenant's retention policy as of ``today``. Idempotent: a second run finds
    nothing left to do and records nothing. Ended partners that had signed are purged by
    ``followups.services.partners_purge_expired`` (Programme.retention_years)."""
    today = today or timezone.localdate()
    policy = selectors.retention_policy()

    def cutoff(months: int) -> dt.datetime:
        return _start_of(months_before(today, months))

    done: dict[str, int] = {}
    with transaction.atomic():
        # Applications that ended before signing: the partner, its people and its files.
        ended = list(
            Partner.objects.filter(
                stage=Stage.ENDED,
                joined_on__isnull=True,
                ended_at__lt=cutoff(policy.applications_months),
            ).values_list("pk", flat=True)
        )
        if ended:
            partners_delete_for_good(partner_ids=ended)
            done["applications"] = len(ended)
        invitations_cutoff = cutoff(policy.invitations_months)
        done["invitations"] = (
            Invitation.objects.filter(
                accepted_at__isnull=True, expires_at__lt=invitations_cutoff
            ).delete()[0]
            + Invitation.objects.filter(accepted_at__lt=invitations_cutoff).delete()[0]
        )
        done["registrations"] = (
            Registration.objects.filter(event__ends_at__lt=cutoff(policy.registrations_months))
            .exclude(name="", email="", user__isnull=True)
            .update(name="", email="", user=None)
        )
        done["sent_mail"] = SentMail.objects.filter(
            sent_at__lt=cutoff(policy.sent_mail_months)
        ).delete()[0]
        done["audit_clients"] = audit_forget_clients(before=cutoff(policy.audit_client_months))
        done = {key: value for key, value in done.items() if value}
        if done:
            audit_record(
                actor=None,
                action="privacy.retention_applied",
                data={"done": done, "applications": ended, "today": today.isoformat()},
            )
    return done
