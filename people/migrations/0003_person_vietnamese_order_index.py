"""An index matching the people list's ORDER BY on PostgreSQL.

Lists sort by ``sort_name COLLATE "vi-x-icu", birth_date, id`` (hocvuso.db.ViCollate).
With this index PostgreSQL reads the first page of a province-wide list in
order instead of sorting every row. SQLite gets none: its collation is
registered per connection by the application, and an index that depends on
it would make the file unreadable to other SQLite tools.
"""

from django.db import migrations

INDEX = "people_person_vi_order"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {INDEX} ON people_person (sort_name COLLATE "vi-x-icu", birth_date, id)'
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_default_person_groups"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
