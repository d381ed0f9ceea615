"""On PostgreSQL, the audit table refuses UPDATE and DELETE: the log is append-only."""

from django.db import migrations

from percorsi.core.migration_sql import postgresql_only

CREATE = """
CREATE OR REPLACE FUNCTION percorsi_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_auditentry is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION percorsi_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS percorsi_audit_append_only();
"""



class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [postgresql_only(CREATE, DROP)]
