"""The chain head may advance over a batch of records appended together (record_events).

It still only moves forward, and only onto records that exist without a gap, whose first
record continues from the old head and whose last is the new head: rewinding, skipping or
pointing at a record that is not there stays refused. The hash of each link in between is
checked by `lendcrm audit verify`, as before.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_chain_head_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit_auditchainhead cannot be deleted'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.id <> OLD.id
       OR NEW.sequence <= OLD.sequence
       OR NOT EXISTS (
           SELECT 1 FROM audit_auditevent e
           WHERE e.sequence = OLD.sequence + 1 AND e.prev_hash = OLD.last_hash)
       OR NOT EXISTS (
           SELECT 1 FROM audit_auditevent e
           WHERE e.sequence = NEW.sequence AND e.entry_hash = NEW.last_hash)
       OR (SELECT count(*) FROM audit_auditevent e
           WHERE e.sequence > OLD.sequence AND e.sequence <= NEW.sequence)
          <> NEW.sequence - OLD.sequence
    THEN
        RAISE EXCEPTION 'audit chain head may only advance to the records just appended'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

ONE_AT_A_TIME = """
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
"""


def _run(sql: str):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_checkpoints")]
    operations = [migrations.RunPython(_run(CREATE), _run(ONE_AT_A_TIME))]
