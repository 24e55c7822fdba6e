"""The double-booking exclusion constraints lead with ``practice_id`` (ready for sharding).

A distributed PostgreSQL (Citus) enforces an exclusion constraint on a table distributed by
``practice_id`` only if the constraint includes ``practice_id WITH =``. The rule is unchanged:
a practitioner and a room belong to one practice, so two appointments of one practitioner (or
room) are always of the same practice. Same names as migration 0002, so the booking service's
reading of a refusal (``PRACTITIONER_FREE``, ``ROOM_FREE``) still holds. Backwards restores
0002's constraints. SQLite has no exclusion constraints: nothing to do there.
"""

from django.db import migrations

PRACTITIONER_FREE = "appointment_practitioner_free"
ROOM_FREE = "appointment_room_free"
DURING = "tstzrange(starts_at, ends_at, '[)') WITH &&"


def _create(table: str, *, by_practice: bool) -> list[str]:
    first = "practice_id WITH =, " if by_practice else ""
    return [
        f'ALTER TABLE "{table}" ADD CONSTRAINT {PRACTITIONER_FREE} EXCLUDE USING gist '
        f"({first}practitioner_id WITH =, {DURING}) WHERE (status <> 'cancelled')",
        f'ALTER TABLE "{table}" ADD CONSTRAINT {ROOM_FREE} EXCLUDE USING gist '
        f"({first}room_id WITH =, {DURING}) WHERE (status <> 'cancelled' AND room_id IS NOT NULL)",
    ]


def _replace(apps, schema_editor, *, by_practice: bool) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("care", "Appointment")._meta.db_table
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for name in (ROOM_FREE, PRACTITIONER_FREE):
        schema_editor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS {name}')
    for sql in _create(table, by_practice=by_practice):
        schema_editor.execute(sql)


def forwards(apps, schema_editor):
    _replace(apps, schema_editor, by_practice=True)


def backwards(apps, schema_editor):
    _replace(apps, schema_editor, by_practice=False)


class Migration(migrations.Migration):
    dependencies = [("care", "0010_uuid_unique_per_practice")]

    operations = [migrations.RunPython(forwards, backwards)]
