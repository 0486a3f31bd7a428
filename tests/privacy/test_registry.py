"""Every model of the project is in the privacy registry: either how a person's rows are
found, exported and erased, or why it is excluded. A new model without an entry fails here,
named, so personal data cannot be forgotten by the export or the erasure."""

from django.apps import apps
from django.conf import settings
from django.db import models

from programmes.privacy.registry import (
    DELETE,
    KEEP,
    PSEUDONYM,
    PSEUDONYMISE,
    REDACT,
    REGISTRY,
    Excluded,
    Personal,
)

# Field names that are secrets wherever they are, and the secrets named otherwise.
SECRET_NAMES = {"password", "secret", "token", "token_secret", "token_hash", "session_key"}
SECRETS = {
    ("authtoken.token", "key"),
    ("mfa.authenticator", "data"),
    ("socialaccount.socialaccount", "extra_data"),
    ("usersessions.usersession", "data"),
    ("account.emailconfirmation", "key"),
}


def test_every_model_is_either_exported_or_explicitly_excluded() -> None:
    missing = sorted(
        model._meta.label_lower
        for model in apps.get_models()
        if model._meta.label_lower not in REGISTRY
    )
    assert not missing, (
        "These models have no entry in programmes/privacy/registry.py (say how a person's "
        f"rows are found, exported and erased, or why the model is excluded): {missing}"
    )


def test_the_registry_names_only_models_that_exist() -> None:
    existing = {model._meta.label_lower for model in apps.get_models()}
    assert sorted(set(REGISTRY) - existing) == []


def test_every_exclusion_gives_a_reason() -> None:
    for label, entry in REGISTRY.items():
        if isinstance(entry, Excluded):
            assert len(entry.reason) > 10, label


def test_every_personal_entry_resolves_and_decides_each_way_of_finding_rows() -> None:
    for label, entry in REGISTRY.items():
        if not isinstance(entry, Personal):
            continue
        model = apps.get_model(label)
        model._default_manager.none().values(*entry.export, *entry.match_fields)
        assert entry.match_fields, label
        assert set(entry.erase) == set(entry.match_fields), label
        for rule in entry.erase.values():
            if isinstance(rule, dict):
                assert set(rule) <= {f.name for f in model._meta.concrete_fields}, label
                assert all(value in ("", None, PSEUDONYM) for value in rule.values()), label
            else:
                assert rule in (DELETE, KEEP, REDACT, PSEUDONYMISE), label
        assert set(entry.files) <= set(entry.export), label
        assert entry.why, label


def test_no_secret_is_ever_exported() -> None:
    for label, entry in REGISTRY.items():
        if isinstance(entry, Personal):
            exported = {path.split("__")[-1] for path in entry.export}
            assert not exported & SECRET_NAMES, label
            assert not {(label, name) for name in exported} & SECRETS, label


def _links_to_people(model: type[models.Model]) -> list[str]:
    return [
        field.name
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is apps.get_model(settings.AUTH_USER_MODEL)
    ]


def test_every_link_to_an_account_and_every_address_field_is_matched() -> None:
    """A new foreign key to a person or a new e-mail field on a covered model must be
    matched too (or the model excluded with a reason about secrets or proxies)."""
    for model in apps.get_models():
        entry = REGISTRY.get(model._meta.label_lower)
        links = _links_to_people(model)
        addresses = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.EmailField)
        ]
        if isinstance(entry, Excluded):
            assert not addresses, model._meta.label_lower
            if links:
                assert model._meta.proxy or "secret" in entry.reason, model._meta.label_lower
            continue
        if entry is None or model._meta.label_lower == "people.user":
            continue
        assert set(links) <= set(entry.by_user), model._meta.label_lower
        assert set(addresses) <= set(entry.by_email + entry.mentioning), model._meta.label_lower
