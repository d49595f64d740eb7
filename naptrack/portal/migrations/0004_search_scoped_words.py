"""SQLite's FTS5 table indexes each document's words prefixed with its plan and language
(portal.search_engines.scoped), held in two new columns of the documents, instead of the plain
title and body. bm25 counts the documents that hold each word across the whole table: a hundred
plans in four languages in a large installation, one plan in one language once the words are
scoped. The words found are marked by portal.search_engines, not by FTS5. On PostgreSQL, whose
stored vectors are per document, the columns stay empty and nothing else changes."""

import importlib
import re
import unicodedata

from django.db import migrations, models

_FTS = importlib.import_module("naptrack.portal.migrations.0002_search_fts")
SQLiteOnly = _FTS.SQLiteOnly

# Frozen here as portal.search_engines.scoped wrote the words when this migration was made.
WORD = re.compile(r"[^\W_]+")


def scoped(text, plan_id, lang):
    key = "s{}{}x".format(plan_id, "".join(ch for ch in lang.lower() if ch.isalnum()))
    return " ".join(key + w for w in WORD.findall(unicodedata.normalize("NFC", text or "")))


def fill(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    SearchDocument = apps.get_model("portal", "SearchDocument")
    documents = SearchDocument.objects.order_by("pk").values_list("pk", "plan_id", "lang", "title", "body")
    update = "UPDATE portal_searchdocument SET scoped_title = %s, scoped_body = %s WHERE id = %s"
    # A batch read, then written, at a time: no read left open on the table being written, and
    # a large installation's documents never all in memory at once.
    last = 0
    with schema_editor.connection.cursor() as cursor:
        while batch := list(documents.filter(pk__gt=last)[:2000]):
            cursor.executemany(update, [(scoped(t, p, lang), scoped(b, p, lang), pk) for pk, p, lang, t, b in batch])
            last = batch[-1][0]


# The table and triggers of migration 0002, which this one replaces (and gives back going backwards).
OLD_TABLE, DROP = _FTS.FORWARDS, _FTS.BACKWARDS
_ALL = "scoped_title, scoped_body"
_NEW = "new.scoped_title, new.scoped_body"
_OLD = "old.scoped_title, old.scoped_body"
NEW_TABLE = [
    f"CREATE VIRTUAL TABLE portal_search_fts USING fts5({_ALL}, content='portal_searchdocument', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER portal_search_ai AFTER INSERT ON portal_searchdocument BEGIN "
    f"INSERT INTO portal_search_fts(rowid, {_ALL}) VALUES (new.id, {_NEW}); END",
    "CREATE TRIGGER portal_search_ad AFTER DELETE ON portal_searchdocument BEGIN "
    f"INSERT INTO portal_search_fts(portal_search_fts, rowid, {_ALL}) VALUES ('delete', old.id, {_OLD}); END",
    "CREATE TRIGGER portal_search_au AFTER UPDATE ON portal_searchdocument BEGIN "
    f"INSERT INTO portal_search_fts(portal_search_fts, rowid, {_ALL}) VALUES ('delete', old.id, {_OLD}); "
    f"INSERT INTO portal_search_fts(rowid, {_ALL}) VALUES (new.id, {_NEW}); END",
    "INSERT INTO portal_search_fts(portal_search_fts) VALUES ('rebuild')",
]


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_search_vectors")]

    operations = [
        migrations.AddField(
            model_name="searchdocument", name="scoped_title", field=models.TextField(blank=True, default="")
        ),
        migrations.AddField(
            model_name="searchdocument", name="scoped_body", field=models.TextField(blank=True, default="")
        ),
        # The old table and its triggers go first, so that filling the columns does not rewrite it.
        SQLiteOnly(DROP, OLD_TABLE),
        migrations.RunPython(fill, migrations.RunPython.noop),
        SQLiteOnly(NEW_TABLE, DROP),
    ]
