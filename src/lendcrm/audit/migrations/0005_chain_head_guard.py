"""On PostgreSQL the chain head may only move forward by one, onto the record just appended.

Rewinding the head would hide records removed from the end of the log; the trigger makes the
database refuse it, as 0003 refuses changing or deleting audit events.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_chain_head_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit_auditchainhead cannot be deleted'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.id <> OLD.id OR NEW.sequence <> OLD.sequence + 1 OR NOT EXISTS (
        SELECT 1 FROM audit_auditevent e
        WHERE e.sequence = NEW.sequence
          AND e.entry_hash = NEW.last_hash
          AND e.prev_hash = OLD.last_hash
    ) THEN
        RAISE EXCEPTION 'audit chain head may only advance to the record just appended'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_chain_head_forward_only ON audit_auditchainhead;
CREATE TRIGGER audit_chain_head_forward_only BEFORE UPDATE OR DELETE ON audit_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION audit_chain_head_guard();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_chain_head_forward_only ON audit_auditchainhead;
DROP FUNCTION IF EXISTS audit_chain_head_guard();
"""


def _run(sql: str):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_append_only_indexes")]
    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
