"""Changes to partners: applying, and the steps of the journey that carry more than a stage."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.core.audit import audit_record
from programmes.core.i18n import current_tenant
from programmes.core.tasks import enqueue_after_commit
from programmes.partners.business_ids import business_id_clean
from programmes.partners.journey import partner_transition
from programmes.partners.models import (
    AssessmentAnswer,
    CommitmentDocument,
    EndReason,
    Membership,
    OrganisationKind,
    Partner,
    PartnerContact,
    Sector,
    Stage,
    StageChange,
)
from programmes.people.models import Role, User


@dataclass(frozen=True)
class Application:
    name: str
    business_id: str
    kind: str
    sector: str
    contact_name: str
    email: str
    password: str
    language: str
    employees: int | None = None
    inhabitants: int | None = None
    street: str = ""
    postcode: str = ""
    city: str = ""
    phone: str = ""


def partner_apply(*, application: Application) -> tuple[Partner, User]:
    """A new organisation applies: its record, its first contact and the applicant's account
    (partner admin). Staff are told by e-mail; the application waits in their review list.
    A second application with the same business id is refused."""
    tenant = current_tenant()
    errors: dict[str, list[str]] = {}
    try:
        business_id = business_id_clean(application.business_id, tenant.country)
    except ValidationError as error:
        errors["business_id"] = error.messages
    else:
        if Partner.objects.filter(business_id=business_id).exists():
            errors["business_id"] = [
                _("An organisation with this business id has already applied or is a partner.")
            ]
    email = application.email.strip().lower()
    if User.objects.filter(email=email).exists():
        errors["email"] = [_("Someone with this e-mail address already has an account.")]
    if application.kind not in OrganisationKind.values:
        errors["kind"] = [_("Choose a kind of organisation.")]
    if application.sector not in Sector.values:
        errors["sector"] = [_("Choose a sector.")]
    if application.language not in tenant.languages:
        errors["language"] = [_("Choose one of the programme's languages.")]
    if not application.name.strip():
        errors["name"] = [_("Give the organisation's name.")]
    candidate = User(email=email, full_name=application.contact_name)
    try:
        validate_password(application.password, user=candidate)
    except ValidationError as error:
        errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)
    from programmes.partners.tasks import notify_staff_of_application

    with transaction.atomic():
        user = User.objects.create_user(
            email,
            application.password,
            full_name=application.contact_name.strip(),
            role=Role.PARTNER_ADMIN,
            language=application.language,
        )
        EmailAddress.objects.create(user=user, email=email, verified=False, primary=True)
        partner = Partner.objects.create(
            name=application.name.strip(),
            business_id=business_id,
            kind=application.kind,
            sector=application.sector,
            employees=application.employees,
            inhabitants=application.inhabitants,
            street=application.street.strip(),
            postcode=application.postcode.strip(),
            city=application.city.strip(),
            language=application.language,
            stage=Stage.APPLIED,
            stage_changed_at=timezone.now(),
        )
        PartnerContact.objects.create(
            partner=partner, name=user.full_name, email=email, phone=application.phone.strip()
        )
        Membership.objects.create(partner=partner, email=email, user=user)
        StageChange.objects.create(
            partner=partner, to_stage=Stage.APPLIED, actor=user, actor_label=email
        )
        audit_record(
            actor=user,
            action="partner.applied",
            target=partner,
            data={"name": partner.name, "business_id": business_id},
        )
        enqueue_after_commit(notify_staff_of_application, partner.pk)
    return partner, user


def partner_terminate(*, actor: Any, partner: Partner, end_reason: str, reason: str) -> Partner:
    """The municipality ends a partnership; the partner's contacts are told why."""
    if end_reason not in EndReason.values or end_reason == EndReason.LEFT:
        raise ValidationError({"end_reason": [_("Choose why the partnership ends.")]})
    from programmes.partners.tasks import notify_partner_of_ending

    with transaction.atomic():
        partner = partner_transition(
            actor=actor,
            partner=partner,
            action="terminate",
            reason=reason,
            end_reason=end_reason,
        )
        enqueue_after_commit(notify_partner_of_ending, partner.pk)
    return partner


def partner_leave(*, actor: Any, partner: Partner, reason: str = "") -> Partner:
    return partner_transition(
        actor=actor, partner=partner, action="leave", reason=reason, end_reason=EndReason.LEFT
    )


def partner_sign(*, actor: Any, partner: Partner, signed_on: Any = None) -> Partner:
    """Staff record the signing: the partner becomes active, with the date and the privacy
    statement version in force, which it accepted by signing. The commitment PDF as it
    stands then is stored with it, in the same transaction."""
    from programmes.configuration.selectors import privacy_statement_in_force
    from programmes.partners.commitment import commitment_store  # loads WeasyPrint

    with transaction.atomic():
        partner = partner_transition(
            actor=actor,
            partner=partner,
            action="sign",
            joined_on=signed_on or timezone.localdate(),
            privacy_statement=privacy_statement_in_force(),
            unresponsive=False,
        )
        commitment_store(actor=actor, partner=partner)
    return partner


def partner_create_at_stage(
    *,
    actor: Any,
    name: str,
    business_id: str,
    kind: str,
    sector: str,
    language: str,
    stage: str,
    reason: str,
    contacts: Sequence[dict[str, str]] = (),
    **fields: Any,
) -> Partner:
    """Bring an existing partner over at the stage it has reached (imports, demo data): one
    timeline entry from nothing to ``stage``, with the reason it was brought over, and its
    ``contacts`` (name, email, phone, role)."""
    tenant = current_tenant()
    partner = Partner(
        name=name,
        business_id=business_clean_or_raise(business_id, tenant.country),
        kind=kind,
        sector=sector,
        language=language,
        stage=stage,
        stage_changed_at=timezone.now(),
        **fields,
    )
    partner.full_clean()
    people = [PartnerContact(**contact) for contact in contacts]
    for person in people:
        person.full_clean(exclude=["partner"])
    with transaction.atomic():
        partner.save()
        for person in people:
            person.partner = partner
        PartnerContact.objects.bulk_create(people)
        StageChange.objects.create(
            partner=partner,
            to_stage=stage,
            actor=actor,
            actor_label=actor.email if actor else "system",
            reason=reason,
        )
        audit_record(
            actor=actor,
            action="partner.created",
            target=partner,
            reason=reason,
            data={"stage": stage},
        )
    return partner


def business_clean_or_raise(value: str, country: str) -> str:
    try:
        return business_id_clean(value, country)
    except ValidationError as error:
        raise ValidationError({"business_id": error.messages}) from None


def partner_book(*, actor: Any, partner: Partner, signing_round: Any) -> Partner:
    """Book the partner on a signing round. Places are counted under a lock on the round, so
    two partners booking the last place at once cannot both get it."""
    from programmes.configuration.models import SigningRound

    with transaction.atomic():
        signing_round = SigningRound.objects.select_for_update().get(pk=signing_round.pk)
        if not signing_round.booking_open or signing_round.starts_at <= timezone.now():
            raise ValidationError({"signing_round": [_("This signing round is not open.")]})
        taken = Partner.objects.filter(signing_round=signing_round, stage=Stage.BOOKED).count()
        if taken >= signing_round.capacity:
            raise ValidationError({"signing_round": [_("This signing round is full.")]})
        return partner_transition(
            actor=actor, partner=partner, action="book", signing_round=signing_round
        )


def partner_cancel_booking(*, actor: Any, partner: Partner) -> Partner:
    return partner_transition(
        actor=actor, partner=partner, action="cancel_booking", signing_round=None
    )


def partner_profile_update(
    *, actor: Any, partner: Partner, logo: Any = None, contacts: list[dict[str, Any]] | None = None
) -> Partner:
    """A partner admin keeps the organisation's profile: its data, logo (checked by
    content), what is public, and its contact persons (replaced by ``contacts`` if given)."""
    from django.core.files.base import ContentFile

    from programmes.core.uploads import check_image, safe_name

    errors: dict[str, list[str]] = {}
    checked = None
    if logo is not None:
        try:
            checked = check_image(logo)
        except ValidationError as error:
            errors["logo"] = error.messages
    try:
        partner.full_clean(exclude=["logo"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if contacts is not None and not any(c.get("role") == "main" for c in contacts):
        errors["contacts"] = [_("Give at least one main contact.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if checked is not None:
            old_name = partner.logo.name
            partner.logo.save(safe_name("logo", checked), ContentFile(checked.content), save=False)
            if old_name:
                storage = partner.logo.storage
                transaction.on_commit(lambda: storage.delete(old_name))
        partner.save()
        if contacts is not None:
            partner.contacts.all().delete()
            PartnerContact.objects.bulk_create(
                PartnerContact(partner=partner, **contact) for contact in contacts
            )
        audit_record(
            actor=actor,
            action="partner.profile_updated",
            target=partner,
            data={
                "public_fields": partner.public_fields,
                "contacts": len(contacts) if contacts is not None else None,
            },
        )
    return partner


def partner_invite_colleague(*, actor: Any, partner: Partner, email: str, role: str) -> Any:
    """Invite a colleague to the partner's account; the membership waits for the address."""
    from programmes.people.services import invitation_create

    if role not in {Role.PARTNER_ADMIN, Role.PARTNER_MEMBER}:
        raise ValidationError({"role": [_("This role cannot be given here.")]})
    email = email.strip().lower()
    if Membership.objects.filter(email=email).exists():
        raise ValidationError({"email": [_("This person already belongs to a partner.")]})
    with transaction.atomic():
        invitation = invitation_create(
            actor=actor, email=email, role=role, language=partner.language
        )
        Membership.objects.create(partner=partner, email=email)
    return invitation


def assessment_submit(*, actor: Any, partner: Partner, answers: dict[int, Any]) -> list[Any]:
    """Store the partner's self-assessment (every question answered, each by its type) and,
    when the partner has just applied, take the journey's "assess" step. Returns the
    questions whose answers suggest a goal."""
    from programmes.configuration.models import AnswerType, AssessmentQuestion

    questions = list(AssessmentQuestion.objects.all())
    errors: dict[str, list[str]] = {}
    cleaned: dict[int, Any] = {}
    for question in questions:
        raw = answers.get(question.pk)
        if raw in (None, ""):
            errors[f"question_{question.pk}"] = [_("Answer this question.")]
            continue
        if question.answer_type == AnswerType.YES_NO and raw not in (True, False):
            errors[f"question_{question.pk}"] = [_("Answer yes or no.")]
        elif question.answer_type == AnswerType.SCALE and raw not in range(1, 6):
            errors[f"question_{question.pk}"] = [_("Choose a value from 1 to 5.")]
        elif question.answer_type == AnswerType.NUMBER and (
            not isinstance(raw, int | float) or raw < 0
        ):
            errors[f"question_{question.pk}"] = [_("Give a number of zero or more.")]
        cleaned[question.pk] = raw
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for question in questions:
            AssessmentAnswer.objects.update_or_create(
                partner=partner, question=question, defaults={"value": cleaned[question.pk]}
            )
        audit_record(
            actor=actor,
            action="partner.assessment_submitted",
            target=partner,
            data={"answers": len(questions)},
        )
        if partner.stage == Stage.APPLIED:
            partner_transition(actor=actor, partner=partner, action="assess")
    return [q for q in questions if suggests_goal(q, cleaned[q.pk])]


def suggests_goal(question: Any, value: Any) -> bool:
    from programmes.configuration.models import AnswerType

    if not question.suggestion:
        return False
    if question.answer_type == AnswerType.YES_NO:
        return value is False
    if question.answer_type == AnswerType.SCALE:
        return value <= 2
    return False


def goal_save(*, actor: Any, goal: Any) -> Any:
    """A partner adds or edits a goal while its goals are not yet approved."""
    from programmes.partners.models import GoalStatus

    if goal.partner.stage not in {Stage.APPLIED, Stage.ASSESSED} or goal.status != (
        GoalStatus.DRAFT
    ):
        raise ValidationError(_("Goals can be changed until they are proposed."))
    errors: dict[str, list[str]] = {}
    try:
        goal.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    if goal.baseline_year and goal.target_date and goal.target_date.year < goal.baseline_year:
        errors.setdefault("target_date", []).append(
            _("The target date is before the baseline year.")
        )
    if goal.action_id is not None and goal.action_id != _stored_action_id(goal):
        from programmes.actions.selectors import actions_offered

        # A goal is based on an action the programme offers now; one already based on an
        # action that was archived since keeps it.
        if not actions_offered().filter(pk=goal.action_id).exists():
            errors["action"] = [_("Choose one of the programme's current actions.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        goal.save()
        audit_record(
            actor=actor,
            action="goal.saved",
            target=goal,
            data={
                "partner": goal.partner_id,
                "description": goal.description,
                "action": goal.action_id,
            },
        )
    return goal


def _stored_action_id(goal: Any) -> int | None:
    """The action a saved goal is based on now (None for a new goal)."""
    from programmes.partners.models import Goal

    if goal.pk is None:
        return None
    return Goal.objects.filter(pk=goal.pk).values_list("action_id", flat=True).first()


def goals_propose(*, actor: Any, partner: Partner) -> Partner:
    """The partner puts its goals forward for the municipality's approval."""
    from programmes.partners.models import GoalStatus

    with transaction.atomic():
        if not partner.goals.filter(status=GoalStatus.DRAFT).exists():
            raise ValidationError(_("Add at least one goal first."))
        partner = partner_transition(actor=actor, partner=partner, action="propose_goals")
        partner.goals.filter(status=GoalStatus.DRAFT).update(status=GoalStatus.PROPOSED)
    return partner


def goals_approve(*, actor: Any, partner: Partner) -> Partner:
    from programmes.partners.models import GoalStatus

    with transaction.atomic():
        partner = partner_transition(actor=actor, partner=partner, action="approve")
        partner.goals.filter(status=GoalStatus.PROPOSED).update(status=GoalStatus.APPROVED)
    return partner


def goal_comment(*, actor: Any, goal: Any, text: str) -> Any:
    from programmes.partners.models import GoalComment

    if not text.strip():
        raise ValidationError({"text": [_("Write a comment.")]})
    with transaction.atomic():
        comment = GoalComment.objects.create(goal=goal, author=actor, text=text.strip())
        audit_record(actor=actor, action="goal.commented", target=goal)
    return comment


def journey_step(
    *,
    actor: Any,
    partner: Partner,
    action: str,
    reason: str = "",
    end_reason: str = "",
    signing_round: Any = None,
) -> Partner:
    """Take a step of the journey by name, through the service that carries its effects
    (views and the API both come through here)."""
    if action == "terminate":
        return partner_terminate(
            actor=actor, partner=partner, reason=reason, end_reason=end_reason or EndReason.OTHER
        )
    if action == "leave":
        return partner_leave(actor=actor, partner=partner, reason=reason)
    if action == "sign":
        return partner_sign(actor=actor, partner=partner)
    if action == "book":
        if signing_round is None:
            raise ValidationError({"signing_round": [_("Choose a signing round.")]})
        return partner_book(actor=actor, partner=partner, signing_round=signing_round)
    if action == "cancel_booking":
        return partner_cancel_booking(actor=actor, partner=partner)
    if action == "propose_goals":
        return goals_propose(actor=actor, partner=partner)
    if action == "approve":
        return goals_approve(actor=actor, partner=partner)
    return partner_transition(actor=actor, partner=partner, action=action, reason=reason)


def partners_delete_for_good(*, partner_ids: Sequence[int]) -> None:
    """Delete these partners with everything that hangs off them, the accounts of their
    people and, once the transaction commits, their stored files (logo, commitment PDFs).
    For retention runs, which audit what they deleted themselves; call inside a transaction."""
    files = [
        partner.logo
        for partner in Partner.objects.filter(pk__in=partner_ids).exclude(logo="").only("logo")
    ] + [
        document.file
        for document in CommitmentDocument.objects.filter(partner__in=partner_ids).only("file")
    ]
    User.objects.filter(membership__partner__in=partner_ids).delete()
    Partner.objects.filter(pk__in=partner_ids).delete()
    for stored in files:
        transaction.on_commit(lambda stored=stored: stored.storage.delete(stored.name))
