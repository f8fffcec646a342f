"""On PostgreSQL the database itself refuses to change a frozen strategy version's document.

A version is frozen once submitted: its definition and content hash may no longer change,
and only drafts may be deleted. Status and sign-off columns still move through the services.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION decisions_version_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'strategy version % is %: only drafts can be deleted', OLD.id, OLD.status
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status <> 'draft' AND (NEW.definition::text IS DISTINCT FROM OLD.definition::text
            OR NEW.content_hash IS DISTINCT FROM OLD.content_hash) THEN
        RAISE EXCEPTION 'strategy version % is %: its definition cannot change', OLD.id, OLD.status
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS decisions_version_no_change ON decisions_strategyversion;
CREATE TRIGGER decisions_version_no_change BEFORE UPDATE OR DELETE ON decisions_strategyversion
    FOR EACH ROW EXECUTE FUNCTION decisions_version_frozen();
"""

DROP = """
DROP TRIGGER IF EXISTS decisions_version_no_change ON decisions_strategyversion;
DROP FUNCTION IF EXISTS decisions_version_frozen();
"""


def _run(sql: str):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [("decisions", "0001_initial")]
    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
