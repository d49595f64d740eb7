"""Stored search vectors on PostgreSQL: a generated column with each document's tsvector in the
text-search configuration of its language (title weighted A, body B), and one partial GIN index
per language, so that a search reads the index instead of computing a vector for every document
of the plan. SQLite keeps its FTS5 table (migration 0002), and this migration does nothing there.

A generated column rather than one that search_reindex fills: PostgreSQL computes it whatever
writes the row (search_reindex, a restored dump) and it cannot fall out of step with the title
and body. The configurations here must stay those of portal.search_engines.CONFIGS: a change there
needs a migration that recreates the column.
"""

from django.db import migrations

CONFIGS = {"en": "english", "fr": "french", "nl": "dutch", "de": "german"}


class PostgreSQLOnly(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


_CONFIG = (
    "CASE lang "
    + " ".join(f"WHEN '{lang}' THEN '{cfg}'::regconfig" for lang, cfg in CONFIGS.items())
    + " ELSE 'simple'::regconfig END"
)
FORWARDS = [
    "ALTER TABLE portal_searchdocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector({_CONFIG}, coalesce(title, '')), 'A') || "
    f"setweight(to_tsvector({_CONFIG}, coalesce(body, '')), 'B')) STORED",
    *(
        f"CREATE INDEX portal_search_vector_{lang} ON portal_searchdocument USING gin (search_vector) "
        f"WHERE lang = '{lang}'"
        for lang in CONFIGS
    ),
]
BACKWARDS = [
    *(f"DROP INDEX IF EXISTS portal_search_vector_{lang}" for lang in CONFIGS),
    "ALTER TABLE portal_searchdocument DROP COLUMN IF EXISTS search_vector",
]


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_search_fts")]

    operations = [PostgreSQLOnly(FORWARDS, BACKWARDS)]
