"""The full-text index of the search documents on SQLite: an FTS5 table over
portal_searchdocument (external content, kept in step by triggers). On PostgreSQL the search
reads stored vectors instead (migration 0003), and this migration does nothing."""

from django.db import migrations


class SQLiteOnly(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "sqlite":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "sqlite":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


FORWARDS = [
    "CREATE VIRTUAL TABLE portal_search_fts USING fts5("
    "title, body, content='portal_searchdocument', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER portal_search_ai AFTER INSERT ON portal_searchdocument BEGIN "
    "INSERT INTO portal_search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER portal_search_ad AFTER DELETE ON portal_searchdocument BEGIN "
    "INSERT INTO portal_search_fts(portal_search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER portal_search_au AFTER UPDATE ON portal_searchdocument BEGIN "
    "INSERT INTO portal_search_fts(portal_search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO portal_search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    # Documents written before this migration (none in a fresh database).
    "INSERT INTO portal_search_fts(portal_search_fts) VALUES ('rebuild')",
]
BACKWARDS = [
    "DROP TRIGGER IF EXISTS portal_search_au",
    "DROP TRIGGER IF EXISTS portal_search_ad",
    "DROP TRIGGER IF EXISTS portal_search_ai",
    "DROP TABLE IF EXISTS portal_search_fts",
]


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [SQLiteOnly(FORWARDS, BACKWARDS)]
