"""The events' index on (action, id) in place of the one on the action alone.

The new index answers everything the old one did (its first column is the action) and also an
action's newest event in one probe. The old index is dropped by name rather than by altering the
field, which SQLite would do by copying the whole table of events.
"""

from django.db import migrations, models

TABLE = "audit_auditevent"


def _action_indexes(schema_editor) -> list[str]:
    """The indexes on the action column alone (PostgreSQL made two: one for LIKE patterns)."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    return sorted(
        name
        for name, c in constraints.items()
        if c["index"] and c["columns"] == ["action"] and not c["unique"] and not c["primary_key"]
    )


def drop_action_index(apps, schema_editor) -> None:
    quote = schema_editor.quote_name
    for name in _action_indexes(schema_editor):
        schema_editor.execute(f"DROP INDEX {quote(name)}")


def create_action_index(apps, schema_editor) -> None:
    model = apps.get_model("audit", "AuditEvent")
    schema_editor.add_index(model, models.Index(fields=["action"], name="audit_auditevent_action"))


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["action", "id"], name="audit_action_newest"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="action",
                    field=models.CharField(max_length=100, verbose_name="action"),
                ),
            ],
            database_operations=[migrations.RunPython(drop_action_index, create_action_index)],
        ),
    ]
