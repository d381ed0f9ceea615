"""The audit chain's head exists from the start; on PostgreSQL it can only move forward.

A missing head with entries in the log is reported by `percorsi audit verify` as tampering; on
PostgreSQL a trigger refuses to delete the head or to move it back (which would hide removed
entries at the end of the log)."""

from django.db import migrations

from percorsi.core.migration_sql import postgresql_only

CREATE = """
CREATE OR REPLACE FUNCTION percorsi_audit_head_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.last_id < OLD.last_id THEN
        RAISE EXCEPTION 'core_auditchainhead only moves forward: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditchainhead_forward_only
    BEFORE UPDATE OR DELETE ON core_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION percorsi_audit_head_forward_only();
"""

DROP = """
DROP TRIGGER IF EXISTS core_auditchainhead_forward_only ON core_auditchainhead;
DROP FUNCTION IF EXISTS percorsi_audit_head_forward_only();
"""



def create_head(apps, schema_editor):
    head = apps.get_model("core", "AuditChainHead")
    head.objects.using(schema_editor.connection.alias).get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop, elidable=False),
        postgresql_only(CREATE, DROP),
    ]
