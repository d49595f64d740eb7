"""The search documents' contribution index holds only the documents of contributions.

The plan's own texts (most documents) have no contribution. SQLite's statistics (core/planner.py)
tell the rows an index holds per value on average, not that one value, NULL, holds most of them:
given them, SQLite read a search's documents of the plan (`contribution_id IS NULL OR
contribution_id IN (...)`) through the contribution index, NULLs of every plan included (a common
word at 100 plans: 3 -> 13 ms), rather than through (plan, lang). Without NULLs the index cannot
serve `IS NULL`; it still serves what it is for, a contribution's documents.

The old index is dropped by name, as in migration 0005 (an AlterField would make SQLite copy the
table and lose the FTS5 triggers).
"""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "portal_searchdocument_contribution_id_42316fd2"


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0005_search_document_plan_index_in_plan_lang"),
        ("reporting", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="searchdocument",
                    name="contribution",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="reporting.contribution",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    f'CREATE INDEX "{INDEX}" ON "portal_searchdocument" ("contribution_id")',
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(
                fields=["contribution"],
                condition=models.Q(contribution__isnull=False),
                name="search_document_contribution",
            ),
        ),
    ]
