"""Client search on PostgreSQL: pg_trgm and one trigram GIN index per searched column.

``clients_search`` filters each word with ``icontains`` on the given name, family name and
e-mail, which PostgreSQL runs as ``UPPER(col::text) LIKE UPPER('%word%')``. A B-tree cannot
serve a pattern with a leading ``%``; a trigram GIN index on the same expression can (for words
of three letters or more). SQLite has neither: there the migration does nothing and the same
query scans the practice's clients, with the same answer.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

COLUMNS = ("given_name", "family_name", "email")


def _index(column: str) -> str:
    return f"client_{column}_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{_index(column)}" ON "clients_client" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{_index(column)}"')


class Migration(migrations.Migration):
    dependencies = [("clients", "0005_list_indexes")]

    operations = [
        # CreateExtension does nothing on databases other than PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(create, drop, elidable=False),
    ]
