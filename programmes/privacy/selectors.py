"""Reading a person's data through the registry, and the retention policy.

The export's structure (``personal_data``; documented in README.md and by the API schema):
``format``, ``exported_at``, ``person``, ``privacy_statement`` (the version the person's
partner accepted at signing, and the one in force), and ``data``: one key per model with
personal data (``app.model``), each a list of rows (ISO dates, files as
``{"name", "download"}``). Every model of the registry is there, empty or not."""

import datetime as dt
import decimal
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from programmes.configuration.selectors import privacy_statement_in_force
from programmes.privacy.models import DEFAULT_MONTHS, RetentionPolicy
from programmes.privacy.registry import Personal, personal_models

FORMAT = "klimapartner-personal-data/1"


@dataclass(frozen=True)
class Person:
    """Someone in the current schema: an account, an address, or both."""

    email: str
    user: Any = None


def installed_here(model: type[models.Model]) -> bool:
    """Whether ``model``'s table exists in the current schema (public: SHARED_APPS)."""
    public = connection.schema_name == get_public_schema_name()
    return model._meta.app_config.name in (settings.SHARED_APPS if public else settings.TENANT_APPS)


def models_here() -> list[tuple[type[models.Model], Personal]]:
    return [(model, entry) for model, entry in personal_models() if installed_here(model)]


def match(entry: Personal, field: str, person: Person) -> Q | None:
    """The rows of ``entry``'s model found through ``field``; None when that way cannot
    find anything for ``person`` (no account, no address)."""
    if field in entry.by_user:
        return Q(**{field: person.user.pk}) if person.user is not None else None
    if not person.email:
        return None
    if field in entry.by_email:
        return Q(**{f"{field}__iexact": person.email})
    if field in entry.mentioning:
        return Q(**{f"{field}__icontains": person.email})
    raise ValueError(f"{field} is not a way to find rows of this entry")


def rows_of(model: type[models.Model], query: Q) -> QuerySet:
    # Through the primary key: a join (memberships__user) never repeats a row.
    return model._default_manager.filter(pk__in=model._default_manager.filter(query).values("pk"))


def person_rows(model: type[models.Model], entry: Personal, person: Person) -> QuerySet | None:
    query = Q()
    found = False
    for field in entry.match_fields:
        part = match(entry, field, person)
        if part is not None:
            query |= part
            found = True
    return rows_of(model, query) if found else None


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _file(name: str, url_name: str | None, pk: Any, takes_pk: bool) -> dict[str, Any] | None:
    if not name:
        return None
    download = None
    if url_name:
        try:
            download = reverse(url_name, args=[pk] if takes_pk else [])
        except NoReverseMatch:
            download = None
    return {"name": PurePosixPath(name).name, "download": download}


def _export_rows(model: type[models.Model], entry: Personal, person: Person) -> list[dict]:
    rows = person_rows(model, entry, person)
    if rows is None:
        return []
    exported = []
    for row in rows.order_by("pk").values("pk", *entry.export):
        pk = row.pop("pk")
        for name, url_name in entry.files.items():
            row[name] = _file(row.get(name) or "", url_name, pk, entry.file_url_takes_pk)
        exported.append({key: _plain(value) for key, value in row.items()})
    return exported


def personal_data(*, user: Any) -> dict[str, Any]:
    """Everything the current schema holds of ``user`` (one query per model with personal
    data, plus two), never a secret (registry: password hash, tokens, MFA secrets and
    session keys are not among the exported fields)."""
    person = Person(email=user.email, user=user)
    data = {
        model._meta.label_lower: _export_rows(model, entry, person)
        for model, entry in models_here()
    }
    partners = data.get("partners.partner", [])
    accepted = next(
        (partner for partner in partners if partner.get("privacy_statement__version")), None
    )
    in_force = privacy_statement_in_force() if "partners.partner" in data else None
    return {
        "format": FORMAT,
        "exported_at": timezone.now().isoformat(),
        "person": {"email": user.email, "full_name": user.full_name},
        "privacy_statement": {
            "accepted_version": accepted["privacy_statement__version"] if accepted else None,
            "accepted_by_partner": accepted["name"] if accepted else None,
            "accepted_on": accepted["joined_on"] if accepted else None,
            "version_in_force": in_force.version if in_force else None,
        },
        "data": data,
    }


def retention_policy() -> RetentionPolicy:
    """The tenant's policy; the defaults (unsaved) until an admin saves it."""
    return RetentionPolicy.objects.first() or RetentionPolicy(**DEFAULT_MONTHS)
