"""Where personal data lives: one entry for EVERY model of the project (tests/privacy/
test_registry.py fails on a model without one, naming it).

An entry is either ``Personal`` — how a person's rows are found (``by_user``: a foreign key
or path equal to the person's account; ``by_email``: a field equal to their address, case
ignored; ``mentioning``: a text field containing their address), which fields the export
shows, which file fields it links, and what erasure does for each way of finding a row — or
``Excluded`` with the reason the model holds no one's personal data (or must never be
exported).

Erasure decisions (``Personal.erase``, keyed by the match field):

- ``DELETE``: the rows go (and their files, once committed).
- a dict of field → value: the rows stay for the programme's records and those fields are
  overwritten (``PSEUDONYM`` is the erasure's label, ``erased-person-…``; ``None`` empties a
  link). E.g. an invoice keeps buyer, amounts and dates (bookkeeping law) but loses the
  person's e-mail address and reference.
- ``REDACT``: the person's address and names are replaced by the pseudonym inside the text
  (sent-mail keys stay unique, so a retried task still sends nothing twice).
- ``PSEUDONYMISE``: the audit trail (programmes.privacy.audit), never deleted.
- ``KEEP``: the organisation's record, not the person's (shown in their export only).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.apps import apps
from django.db import models


class Rule(StrEnum):
    DELETE = "delete"
    KEEP = "keep"
    REDACT = "redact"
    PSEUDONYMISE = "pseudonymise"


DELETE, KEEP, REDACT, PSEUDONYMISE = Rule.DELETE, Rule.KEEP, Rule.REDACT, Rule.PSEUDONYMISE
PSEUDONYM = object()  # replaced by the erasure's label

Erase = Rule | Mapping[str, Any]


@dataclass(frozen=True)
class Personal:
    export: tuple[str, ...]
    erase: Mapping[str, Erase]
    why: str
    by_user: tuple[str, ...] = ()
    by_email: tuple[str, ...] = ()
    mentioning: tuple[str, ...] = ()
    # File field → URL name (taking the row's pk, or nothing when ``file_url_takes_pk`` is
    # False) where the person may download it; None: ask the municipality.
    files: Mapping[str, str | None] = field(default_factory=dict)
    file_url_takes_pk: bool = True

    @property
    def match_fields(self) -> tuple[str, ...]:
        return self.by_user + self.by_email + self.mentioning


@dataclass(frozen=True)
class Excluded:
    reason: str


NO_PERSONAL_DATA = "no personal data"
ORGANISATION = "the organisation's data, not a person's (kept with the partner)"
CONFIGURATION = "programme configuration written by staff: no personal data"


def _anonymous_link(link: str, **more: Any) -> dict[str, Any]:
    return {link: None, **more}


REGISTRY: dict[str, Personal | Excluded] = {
    # --- Platform (public schema) -------------------------------------------------------
    "tenants.tenant": Personal(
        export=("name", "reply_to"),
        by_email=("reply_to",),
        erase={"reply_to": {"reply_to": ""}},
        why="a municipality, not a person; its reply-to address may be a person's",
    ),
    "tenants.domain": Excluded(NO_PERSONAL_DATA),
    "tenants.onboarding": Personal(
        export=("tenant__name", "requested_at", "step"),
        by_user=("requested_by",),
        by_email=("admin_email",),
        # The record of the municipality's onboarding stays; who asked and for whom go.
        erase={"requested_by": {"requested_by": None}, "admin_email": {"admin_email": ""}},
        why="an operator's request for a new municipality and its first admin's address "
        "(kept until the invitation is made)",
    ),
    "tenants.schemablueprint": Excluded(
        "the structure of an empty tenant schema: no one's personal data"
    ),
    "tenants.tenantdeletion": Personal(
        export=("slug", "name", "deleted_at"),
        by_email=("deleted_by",),
        erase={"deleted_by": {"deleted_by": PSEUDONYM}},
        why="the record of an offboarded municipality names the operator who deleted it",
    ),
    "reporting.tenantrollup": Excluded(
        "figures counted over a municipality's programme: no one's personal data"
    ),
    "library.libraryaction": Excluded(
        "shared climate actions; the contributor is a municipality, not a person"
    ),
    "support.supportgrant": Personal(
        export=(
            "tenant__name",
            "reason",
            "created_at",
            "expires_at",
            "entered_at",
            "ended_at",
            "ended_by",
            "end_reason",
        ),
        by_user=("operator",),
        # The grant stays (the municipality's record of who came in); the name goes.
        erase={"operator": {"operator_label": PSEUDONYM}},
        why="an operator's time-limited support access to a municipality: when and why",
    ),
    # --- Django and third-party ----------------------------------------------------------
    "contenttypes.contenttype": Excluded(NO_PERSONAL_DATA),
    "auth.permission": Excluded(NO_PERSONAL_DATA),
    "auth.group": Excluded(NO_PERSONAL_DATA),
    "sessions.session": Excluded(
        "secrets: session keys are never exported; erasure deletes the person's sessions "
        "(found by decoding them, services.person_erase)"
    ),
    "authtoken.token": Personal(
        export=("created",),
        by_user=("user",),
        erase={"user": DELETE},
        why="the key is a secret: the export only says that a token exists and since when",
    ),
    "authtoken.tokenproxy": Excluded("a proxy of authtoken.Token (admin only)"),
    "account.emailaddress": Personal(
        export=("email", "verified", "primary"),
        by_user=("user",),
        by_email=("email",),
        erase={"user": DELETE, "email": DELETE},
        why="the person's sign-in addresses",
    ),
    "account.emailconfirmation": Excluded(
        "secrets: confirmation keys; deleted with the e-mail address (cascade)"
    ),
    "mfa.authenticator": Personal(
        export=("type", "created_at", "last_used_at"),
        by_user=("user",),
        erase={"user": DELETE},
        why="the secrets (TOTP seed, recovery codes, keys) in `data` are never exported",
    ),
    "usersessions.usersession": Personal(
        export=("created_at", "last_seen_at", "ip", "user_agent"),
        by_user=("user",),
        erase={"user": DELETE},
        why="where and when the person is signed in; the session key is never exported",
    ),
    "socialaccount.socialapp": Excluded(
        "secrets: the identity provider's client credentials; no personal data"
    ),
    "socialaccount.socialaccount": Personal(
        export=("provider", "uid", "last_login", "date_joined"),
        by_user=("user",),
        erase={"user": DELETE},
        why="the link to the identity provider; `extra_data` may hold the provider's "
        "tokens and is not exported",
    ),
    "socialaccount.socialtoken": Excluded(
        "secrets: the provider's tokens; deleted with the social account (cascade)"
    ),
    # --- Core --------------------------------------------------------------------------
    "core.auditevent": Personal(
        export=(
            "created_at",
            "action",
            "target_type",
            "target_id",
            "outcome",
            "ip",
            "user_agent",
        ),
        by_user=("actor",),
        by_email=("actor_label",),
        erase={"actor": PSEUDONYMISE, "actor_label": PSEUDONYMISE},
        why="the trail is append-only: entries are pseudonymised (who, address, browser, and "
        "the person's address and names in data and reason), never deleted",
    ),
    "core.sentmail": Personal(
        export=("key", "sent_at"),
        mentioning=("key",),
        erase={"key": REDACT},
        why="keys name the recipient; redacted, not deleted, so a retry still sends nothing",
    ),
    # --- People --------------------------------------------------------------------------
    "people.user": Personal(
        export=("email", "full_name", "role", "language", "is_active", "date_joined", "last_login"),
        by_user=("id",),
        erase={"id": DELETE},
        why="the account (never the password hash); deleted last",
    ),
    "people.invitation": Personal(
        export=("email", "role", "created_at", "expires_at", "sent_at", "accepted_at"),
        by_user=("user", "invited_by"),
        by_email=("email",),
        erase={"user": DELETE, "email": DELETE, "invited_by": _anonymous_link("invited_by")},
        why="invitations to the person go; those they sent to others lose their sender",
    ),
    # --- Configuration -------------------------------------------------------------------
    "configuration.programme": Excluded(CONFIGURATION),
    "configuration.contactperson": Personal(
        export=("name", "title", "email", "phone"),
        by_email=("email",),
        erase={"email": DELETE},
        why="a published contact of the programme",
    ),
    "configuration.feeschedule": Excluded(CONFIGURATION),
    "configuration.feeband": Excluded(CONFIGURATION),
    "configuration.tier": Excluded(CONFIGURATION),
    "configuration.certificationscheme": Excluded(CONFIGURATION),
    "configuration.certificationrule": Excluded(CONFIGURATION),
    "configuration.obligation": Excluded(CONFIGURATION),
    "configuration.signinground": Excluded(
        "the signatory is an office-holder named in published commitments, not linked to an "
        "account or address"
    ),
    "configuration.awardcategory": Excluded(CONFIGURATION),
    "configuration.scoringcriterion": Excluded(CONFIGURATION),
    "configuration.wheelactivity": Excluded(CONFIGURATION),
    "configuration.privacystatement": Excluded(CONFIGURATION),
    "configuration.assessmentquestion": Excluded(CONFIGURATION),
    # --- Partners ------------------------------------------------------------------------
    "partners.partner": Personal(
        export=(
            "name",
            "business_id",
            "stage",
            "joined_on",
            "ended_at",
            "privacy_statement__version",
            "privacy_statement__published_at",
            "logo",
        ),
        by_user=("memberships__user",),
        by_email=("contacts__email",),
        erase={"memberships__user": KEEP, "contacts__email": KEEP},
        files={"logo": "partner-logo"},
        why="the organisation the person belongs to, with the privacy statement version it "
        "accepted at signing; the organisation's record is kept",
    ),
    "partners.partnercontact": Personal(
        export=("partner_id", "partner__name", "name", "email", "phone", "role"),
        by_email=("email",),
        erase={"email": DELETE},
        why="a contact person of a partner",
    ),
    "partners.membership": Personal(
        export=("partner_id", "partner__name", "email"),
        by_user=("user",),
        by_email=("email",),
        erase={"user": DELETE, "email": DELETE},
        why="which partner the person belongs to",
    ),
    "partners.stagechange": Personal(
        export=("partner_id", "from_stage", "to_stage", "created_at"),
        by_user=("actor",),
        by_email=("actor_label",),
        erase={
            "actor": _anonymous_link("actor", actor_label=PSEUDONYM),
            "actor_label": {"actor_label": PSEUDONYM},
        },
        why="the partner's timeline stays; who moved it is pseudonymised",
    ),
    "partners.assessmentanswer": Excluded(ORGANISATION),
    "partners.goal": Excluded(ORGANISATION),
    "partners.commitmentdocument": Personal(
        export=("partner_id", "language", "privacy_statement__version", "created_at", "file"),
        by_user=("partner__memberships__user",),
        erase={"partner__memberships__user": KEEP},
        files={"file": "my-commitment"},
        file_url_takes_pk=False,
        why="the signed commitment of the person's organisation (names the programme's "
        "contact, not the partner's people): kept",
    ),
    "partners.goalcomment": Personal(
        export=("goal_id", "text", "created_at"),
        by_user=("author",),
        erase={"author": _anonymous_link("author")},
        why="the discussion of the partner's goal stays; the comment loses its author",
    ),
    # --- Follow-up, climate, certificates -------------------------------------------------
    "followups.followup": Personal(
        export=("partner_id", "year", "status", "submitted_at"),
        by_user=("submitted_by",),
        erase={"submitted_by": _anonymous_link("submitted_by")},
        why="the partner's report stays; who submitted it goes",
    ),
    "followups.goalprogress": Excluded(ORGANISATION),
    "climate.climateaccount": Personal(
        export=("partner_id", "year", "created_at"),
        by_user=("reported_by",),
        erase={"reported_by": _anonymous_link("reported_by")},
        why="the partner's emissions stay; who reported them goes",
    ),
    "climate.scope3emission": Excluded(ORGANISATION),
    "climate.activitydata": Excluded(ORGANISATION),
    "certificates.certificate": Personal(
        export=("partner_id", "scheme__name", "number", "issued_on", "expires_on", "document"),
        by_user=("partner__memberships__user",),
        erase={"partner__memberships__user": KEEP},
        files={"document": "certificate-document"},
        why="the certifications of the person's organisation: kept",
    ),
    # --- Invoicing -----------------------------------------------------------------------
    "invoicing.invoicingsettings": Personal(
        export=("seller_name", "contact_name", "contact_email", "contact_phone"),
        by_email=("contact_email",),
        erase={"contact_email": {"contact_name": "", "contact_email": "", "contact_phone": ""}},
        why="the municipality's invoicing contact, printed on invoices",
    ),
    "invoicing.billingdetails": Personal(
        export=("partner_id", "reference", "email"),
        by_email=("email",),
        erase={"email": {"email": "", "reference": ""}},
        why="the partner's billing details stay; the person's address and reference go",
    ),
    "invoicing.numberseries": Excluded(CONFIGURATION),
    "invoicing.invoicerun": Personal(
        export=("year", "issue_date", "created_at"),
        by_user=("started_by",),
        by_email=("started_by_label",),
        erase={
            "started_by": _anonymous_link("started_by", started_by_label=PSEUDONYM),
            "started_by_label": {"started_by_label": PSEUDONYM},
        },
        why="bookkeeping records stay; who started the run is pseudonymised",
    ),
    "invoicing.invoice": Personal(
        export=(
            "document_number",
            "kind",
            "issue_date",
            "buyer_name",
            "buyer_reference",
            "buyer_email",
        ),
        by_email=("buyer_email", "created_by_label"),
        erase={
            "buyer_email": {"buyer_email": "", "buyer_reference": ""},
            "created_by_label": {"created_by_label": PSEUDONYM},
        },
        why="bookkeeping law keeps invoices (buyer organisation, amounts, dates) for years; "
        "the person's delivery address and reference are not part of that record",
    ),
    "invoicing.invoiceline": Excluded("lines of an invoice: fees, no personal data"),
    "invoicing.payment": Personal(
        export=("invoice_id", "paid_on", "created_at"),
        by_email=("recorded_by_label",),
        erase={"recorded_by_label": {"recorded_by_label": PSEUDONYM}},
        why="bookkeeping records stay; who recorded the payment is pseudonymised",
    ),
    "invoicing.otherincome": Excluded("bookkeeping entries of the municipality: no person"),
    # --- Network life --------------------------------------------------------------------
    "events.event": Excluded(CONFIGURATION),
    "events.registration": Personal(
        export=(
            "event_id",
            "event__title",
            "event__starts_at",
            "partner_id",
            "name",
            "email",
            "status",
            "attended",
            "created_at",
            "cancelled_at",
        ),
        by_user=("user",),
        by_email=("email",),
        erase={
            "user": _anonymous_link("user", name="", email=""),
            "email": _anonymous_link("user", name="", email=""),
        },
        why="attendance numbers stay for the programme's statistics; who it was goes",
    ),
    "events.calendartoken": Personal(
        export=("created_at",),
        by_user=("user",),
        erase={"user": DELETE},
        why="the calendar feed's secret is never exported",
    ),
    "matchmaking.tag": Excluded(CONFIGURATION),
    "matchmaking.profile": Excluded(ORGANISATION),
    "matchmaking.session": Excluded(CONFIGURATION),
    "matchmaking.meeting": Excluded(ORGANISATION),
    "awards.awardround": Excluded(CONFIGURATION),
    "awards.roundcriterion": Excluded(CONFIGURATION),
    "awards.nomination": Personal(
        export=(
            "round_id",
            "nominee_id",
            "nominee_name",
            "justification",
            "nominator_kind",
            "nominator_name",
            "nominator_email",
            "created_at",
        ),
        by_user=("nominated_by",),
        by_email=("nominator_email",),
        erase={
            "nominated_by": _anonymous_link("nominated_by", nominator_name="", nominator_email=""),
            "nominator_email": _anonymous_link(
                "nominated_by", nominator_name="", nominator_email=""
            ),
        },
        why="the nomination stays in the round's record; who nominated goes",
    ),
    "awards.score": Personal(
        export=("nomination_id", "criterion_id", "value", "updated_at"),
        by_user=("juror",),
        erase={"juror": _anonymous_link("juror")},
        why="the jury's scores stay; the juror goes",
    ),
    "awards.jurorsubmission": Personal(
        export=("round_id", "submitted_at"),
        by_user=("juror",),
        erase={"juror": _anonymous_link("juror")},
        why="the round's record stays; the juror goes",
    ),
    "communication.announcement": Personal(
        export=("title", "status", "created_at", "sent_at"),
        by_user=("created_by",),
        erase={"created_by": _anonymous_link("created_by")},
        why="announcements are the programme's; their writer goes",
    ),
    "communication.inboxitem": Excluded(ORGANISATION),
    "communication.notificationpreference": Personal(
        export=("email", "categories_off", "newsletters_off", "updated_at"),
        by_user=("user",),
        by_email=("email",),
        erase={"user": DELETE, "email": DELETE},
        why="what the person does not want to receive",
    ),
    "actions.programmeaction": Excluded(CONFIGURATION),
    "symbols.symbolverification": Excluded(ORGANISATION),
    "widget.widgetsettings": Excluded(CONFIGURATION),
    "privacy.retentionpolicy": Excluded(CONFIGURATION),
}


def entry_for(model: type[models.Model]) -> Personal | Excluded | None:
    return REGISTRY.get(model._meta.label_lower)


def personal_models() -> list[tuple[type[models.Model], Personal]]:
    """Every installed model with personal data, in the registry's order."""
    found = []
    for label, entry in REGISTRY.items():
        if isinstance(entry, Personal):
            try:
                found.append((apps.get_model(label), entry))
            except LookupError:  # an app that is not installed here
                continue
    return found
