"""The events' index on (action, id) in place of the one on the action alone.

The new index answers everything the old one did (its first column is the action) and also an
action's newest event in one probe. The old index is dropped by name, as portal migrations 0005
and 0006 drop theirs, rather than by altering the field, which SQLite would do by copying the
whole table of events. PostgreSQL had a second one for LIKE patterns, which nothing uses.
"""

from django.db import migrations, models

INDEX = "audit_auditevent_action_2131bb77"


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
            database_operations=[
                migrations.RunSQL(
                    [f'DROP INDEX IF EXISTS "{INDEX}_like"', f'DROP INDEX IF EXISTS "{INDEX}"'],
                    f'CREATE INDEX "{INDEX}" ON "audit_auditevent" ("action")',
                ),
            ],
        ),
    ]
