"""The audit trail is append-only in the database: a trigger refuses UPDATE, DELETE and
TRUNCATE of core_auditevent. The one UPDATE allowed is pseudonymisation: only actor_id,
actor_label, ip and user_agent change, in a transaction that ran
``SET LOCAL klimapartner.audit_pseudonymise = 'on'`` (see programmes.core.audit).

The core app is in SHARED_APPS and TENANT_APPS, so this runs in the public schema and in
every tenant schema; the function is created in the schema being migrated (first on the
search path), so each schema carries its own and a dropped schema takes it along."""

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
    RAISE EXCEPTION 'the audit trail is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
DROP TRIGGER IF EXISTS core_auditevent_append_only_rows ON core_auditevent;
CREATE TRIGGER core_auditevent_append_only_rows
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
DROP TRIGGER IF EXISTS core_auditevent_append_only_truncate ON core_auditevent;
CREATE TRIGGER core_auditevent_append_only_truncate
    BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only();
"""

DROP = r"""
DROP TRIGGER IF EXISTS core_auditevent_append_only_rows ON core_auditevent;
DROP TRIGGER IF EXISTS core_auditevent_append_only_truncate ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_outcome_ip")]

    operations = [migrations.RunSQL(CREATE, DROP)]
