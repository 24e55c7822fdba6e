"""On PostgreSQL, the database itself refuses a double booking.

The booking service checks the practitioner's and the room's time under a row lock; these two
exclusion constraints make the same rule hold for every other way a row can be written (admin,
bulk loads, a future code path). A cancelled appointment frees its time. Ranges are half-open
(``[)``), so one appointment may start when the previous one ends. ``btree_gist`` lets a GiST
index compare the ids with ``=``; it ships with PostgreSQL and is a trusted extension (13+).

SQLite has no exclusion constraints: there the lock and the service's check are the guard.
"""

from django.db import migrations

PRACTITIONER_FREE = "appointment_practitioner_free"
ROOM_FREE = "appointment_room_free"


def _statements(table: str) -> list[str]:
    during = "tstzrange(starts_at, ends_at, '[)') WITH &&"
    return [
        "CREATE EXTENSION IF NOT EXISTS btree_gist",
        f'ALTER TABLE "{table}" ADD CONSTRAINT {PRACTITIONER_FREE} EXCLUDE USING gist '
        f"(practitioner_id WITH =, {during}) WHERE (status <> 'cancelled')",
        f'ALTER TABLE "{table}" ADD CONSTRAINT {ROOM_FREE} EXCLUDE USING gist '
        f"(room_id WITH =, {during}) WHERE (status <> 'cancelled' AND room_id IS NOT NULL)",
    ]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in _statements(apps.get_model("care", "Appointment")._meta.db_table):
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("care", "Appointment")._meta.db_table
    for name in (ROOM_FREE, PRACTITIONER_FREE):
        schema_editor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS {name}')


class Migration(migrations.Migration):
    dependencies = [("care", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
