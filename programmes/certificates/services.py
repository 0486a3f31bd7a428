"""Adding, editing and deleting a partner's certificates (its admin, or staff)."""

import datetime as dt
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.certificates.models import Certificate
from programmes.certificates.selectors import can_manage_certificates
from programmes.configuration.models import CertificationScheme
from programmes.core.audit import audit_record
from programmes.core.uploads import CheckedFile, check_document, safe_name

# What a held certificate has and a planned one does not have yet.
HELD_FIELDS = ("number", "issued_on", "expires_on")


def certificate_save(
    *,
    actor: Any,
    certificate: Certificate,
    document: IO[bytes] | None = None,
    remove_document: bool = False,
    today: dt.date | None = None,
) -> Certificate:
    """Add or edit a certificate. The scheme must be one the programme's catalogue has in use
    (a certificate may keep a scheme retired since it was added); a held certificate has a
    number, an issue date and a later expiry date, a planned one the date it is expected
    by. ``document`` (PDF, PNG or JPEG, at most 10 MB, checked by content) replaces the
    stored one, which is deleted once the change is committed. All or nothing, audited."""
    if actor is not None and not can_manage_certificates(actor, certificate.partner):
        raise PermissionDenied
    today = today or timezone.localdate()
    previous = (
        Certificate.objects.filter(pk=certificate.pk).values("scheme_id", "document").first()
        if certificate.pk
        else None
    )
    errors = _field_errors(certificate, previous, today)
    checked: CheckedFile | None = None
    if document is not None:
        try:
            checked = check_document(document)
        except ValidationError as error:
            errors.setdefault("document", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)

    old_name = previous["document"] if previous else ""
    with transaction.atomic():
        if checked is not None:
            certificate.document.save(
                safe_name("certificate", checked), ContentFile(checked.content), save=False
            )
        elif remove_document:
            certificate.document = ""
        else:
            certificate.document.name = old_name  # only this service sets the file
        certificate.save()
        if old_name and old_name != certificate.document.name:
            storage = certificate.document.storage
            transaction.on_commit(lambda: storage.delete(old_name))
        audit_record(
            actor=actor,
            action="certificate.updated" if previous else "certificate.created",
            target=certificate,
            data={
                "partner": certificate.partner_id,
                "scheme": certificate.scheme_id,
                "planned": certificate.planned,
                "number": certificate.number,
                "expires_on": _iso(certificate.expires_on),
                "planned_by": _iso(certificate.planned_by),
                "document": _document_change(old_name, certificate.document.name),
            },
        )
    return certificate


def certificate_delete(*, actor: Any, certificate: Certificate) -> None:
    """Delete a certificate; its document goes once the deletion is committed."""
    if actor is not None and not can_manage_certificates(actor, certificate.partner):
        raise PermissionDenied
    with transaction.atomic():
        document = certificate.document.name
        storage = certificate.document.storage
        audit_record(
            actor=actor,
            action="certificate.deleted",
            target=certificate,
            data={
                "partner": certificate.partner_id,
                "scheme": certificate.scheme_id,
                "planned": certificate.planned,
                "number": certificate.number,
                "expires_on": _iso(certificate.expires_on),
            },
        )
        certificate.delete()
        if document:
            transaction.on_commit(lambda: storage.delete(document))


def _field_errors(
    certificate: Certificate, previous: dict[str, Any] | None, today: dt.date
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    certificate.number = certificate.number.strip()
    certificate.issuing_body = certificate.issuing_body.strip()
    scheme_changed = previous is None or previous["scheme_id"] != certificate.scheme_id
    if certificate.scheme_id is None:
        errors["scheme"] = [_("Choose a scheme from the programme's catalogue.")]
    elif (
        scheme_changed
        and not CertificationScheme.objects.filter(
            pk=certificate.scheme_id, is_active=True
        ).exists()
    ):
        errors["scheme"] = [_("This scheme is not in the programme's catalogue.")]
    if certificate.planned:
        if certificate.planned_by is None:
            errors["planned_by"] = [_("Give the date you expect to be certified by.")]
        for name in HELD_FIELDS:
            if getattr(certificate, name):
                errors[name] = [
                    _("A planned certificate has no number or dates yet: leave this empty.")
                ]
    else:
        certificate.planned_by = None
        if not certificate.number:
            errors["number"] = [_("Give the certificate number.")]
        if certificate.issued_on is None:
            errors["issued_on"] = [_("Give the date the certificate was issued.")]
        elif certificate.issued_on > today:
            errors["issued_on"] = [_("The issue date cannot lie in the future.")]
        if certificate.expires_on is None:
            errors["expires_on"] = [_("Give the date the certificate expires.")]
        elif certificate.issued_on and certificate.expires_on <= certificate.issued_on:
            errors["expires_on"] = [_("The certificate must expire after it was issued.")]
    try:
        # Lengths and types; the scheme and partner are checked above and by the caller.
        certificate.full_clean(exclude=["partner", "scheme", "document"], validate_unique=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    return errors


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _document_change(old_name: str, new_name: str) -> str:
    if old_name == new_name:
        return "kept" if new_name else "none"
    return "replaced" if old_name and new_name else ("added" if new_name else "removed")
