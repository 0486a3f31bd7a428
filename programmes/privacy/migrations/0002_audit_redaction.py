"""Erasure must also remove a person's address and names from what the audit trail recorded
about them (``data``, ``reason``), not only who acted. The core trigger (core 0004) allows
only pseudonymisation of actor, address and browser; this widens it, in tenant schemas only
(privacy is a tenant app), by one narrowly-scoped exception:

- an UPDATE that changes nothing but ``data`` and ``reason``, in a transaction that ran
  ``SET LOCAL klimapartner.audit_redact = 'on'`` (programmes.privacy.audit.audit_redact).

Who, what, when, target and outcome can still never change, and nothing can be deleted.
Reverting restores core 0004's function."""

import importlib

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND coalesce(current_setting('klimapartner.audit_pseudonymise', true), '') = 'on'
       AND (to_jsonb(NEW) - ARRAY['actor_id', 'actor_label', 'ip', 'user_agent'])
           = (to_jsonb(OLD) - ARRAY['actor_id', 'actor_label', 'ip', 'user_agent'])
    THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE'
       AND coalesce(current_setting('klimapartner.audit_redact', true), '') = 'on'
       AND (to_jsonb(NEW) - ARRAY['data', 'reason'])
           = (to_jsonb(OLD) - ARRAY['data', 'reason'])
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""

CORE = importlib.import_module("programmes.core.migrations.0004_audit_append_only")


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("core", "0004_audit_append_only"),
    ]

    operations = [migrations.RunSQL(CREATE, CORE.CREATE)]
