"""On PostgreSQL, a child's episodes can never overlap, even if a client bypasses the actions.

Episodes are half-open periods [DECOM, DEC): one may end on the day the next begins. An open
episode (no DEC) runs to infinity. SQLite has no exclusion constraints; there the check in
``divert.care.actions`` is the guard (and is tested on both databases).
"""

from django.db import migrations

UP = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist;",
    "ALTER TABLE care_episode ADD CONSTRAINT care_episode_no_overlap "
    "EXCLUDE USING gist (child_id WITH =, daterange(decom, dec, '[)') WITH &&);",
]
DOWN = ["ALTER TABLE care_episode DROP CONSTRAINT IF EXISTS care_episode_no_overlap;"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("care", "0002_initial")]

    operations = [migrations.RunPython(_run(UP), _run(DOWN))]
