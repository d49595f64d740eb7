"""The search documents' plan column loses its index of its own: the (plan, lang) index serves
every lookup by plan. With both, PostgreSQL chose the plan's index for a search and read the
plan's documents in all four languages to keep one in four (counting a common word's hits at 100
plans x 10 rounds, bench/scale.py's search: 8.2 ms; through (plan, lang): 2.0 ms).

Only the index is dropped, by name, on either database: an AlterField would make SQLite copy the
table into a new one, and dropping the old table drops the triggers that keep the FTS5 index in
step (migration 0002)."""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "portal_searchdocument_plan_id_3eaeafa8"


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0006_amendments_lineage"),
        ("portal", "0004_search_scoped_words"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="searchdocument",
                    name="plan",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="plans.plan",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    f'CREATE INDEX "{INDEX}" ON "portal_searchdocument" ("plan_id")',
                ),
            ],
        ),
    ]
