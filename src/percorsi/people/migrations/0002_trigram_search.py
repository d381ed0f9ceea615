"""On PostgreSQL, a trigram index on the folded names: the search for part of a name uses it."""

from django.db import migrations

from percorsi.core.migration_sql import postgresql_only

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS people_person_search_trgm ON people_person USING gin (search_text gin_trgm_ops);
"""
DROP = """
DROP INDEX IF EXISTS people_person_search_trgm;
"""



class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [postgresql_only(CREATE, DROP)]
