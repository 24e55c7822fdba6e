"""An attack's history begins with its first change, and no version is ever lost.

The one-tap save writes the attack only; the first change, by whatever path, first copies
the stored attack into the history as the recorded version (headwise.diary.history).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
import time_machine

from headwise.diary import selectors, services
from headwise.diary.models import Attack
from tests import factories as f

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
NOON = dt.datetime(2026, 5, 10, 12, tzinfo=dt.UTC)
MORNING = dt.datetime(2026, 5, 10, 9, tzinfo=AMS)


@pytest.fixture
def client(db: Any) -> Any:
    return f.ClientFactory(time_zone="Europe/Amsterdam")


def history_rows(attack: Attack) -> list[Any]:
    return list(attack.history.order_by("history_id"))  # type: ignore[attr-defined]


@time_machine.travel(NOON, tick=False)
def test_the_one_tap_save_writes_the_attack_alone_and_shows_it_as_recorded(client: Any) -> None:
    user = f.UserFactory()
    attack, _ = services.attack_start(
        client=client, by=user, started_at=dt.datetime(2026, 5, 10, 9, tzinfo=AMS)
    )
    assert history_rows(attack) == []
    (entry,) = selectors.attack_history(attack=attack)
    assert entry.kind == "Recorded" and entry.history_id == attack.uuid
    assert entry.who == (user.full_name or user.email) and entry.when == attack.created_at
    assert {c.field for c in entry.changes} >= {"started_at", "time_zone"}


@time_machine.travel(NOON, tick=False)
def test_the_first_change_keeps_the_recorded_version_and_undo_restores_it(client: Any) -> None:
    user = f.UserFactory()
    attack, _ = services.attack_start(
        client=client, by=user, started_at=dt.datetime(2026, 5, 10, 9, tzinfo=AMS)
    )
    recorded_at = attack.created_at
    with time_machine.travel(NOON + dt.timedelta(minutes=5), tick=False):
        services.attack_update(attack=attack, by=user, peak_intensity=6)
    rows = history_rows(attack)
    assert [r.history_type for r in rows] == ["+", "~"]
    assert rows[0].peak_intensity is None and rows[0].history_date == recorded_at
    assert rows[0].history_user_id == user.pk and rows[0].history_uuid == attack.uuid
    assert rows[1].peak_intensity == 6
    entries = selectors.attack_history(attack=attack)
    assert [e.kind for e in entries] == ["Changed", "Recorded"]
    services.attack_undo(attack=attack, history_id=entries[0].history_id, by=user)
    attack.refresh_from_db()
    assert attack.peak_intensity is None and attack.deleted_at is None
    # A second change does not copy the recorded version again.
    assert [r.history_type for r in history_rows(attack)] == ["+", "~", "~"]


@time_machine.travel(NOON, tick=False)
def test_undoing_the_recording_of_an_unchanged_attack_deletes_it_softly(client: Any) -> None:
    attack, _ = services.attack_start(
        client=client, by=None, started_at=dt.datetime(2026, 5, 10, 9, tzinfo=AMS)
    )
    services.attack_undo(attack=attack, history_id=attack.uuid, by=None)
    attack.refresh_from_db()
    assert attack.deleted_at is not None
    deleted, recorded = selectors.attack_history(attack=attack)
    assert [deleted.kind, recorded.kind] == ["Deleted", "Recorded"]
    # The deletion names what it undid; the recording cannot be undone again while deleted.
    assert deleted.undoes == recorded.when and not recorded.undoable
    services.attack_restore(attack=attack, by=None)
    attack.refresh_from_db()
    assert attack.deleted_at is None
    assert selectors.attack_history(attack=attack)[-1].undoable


@time_machine.travel(NOON, tick=False)
def test_a_change_by_any_path_keeps_the_version_before_it(client: Any) -> None:
    """Records written without history (the demo's bulk load) and changes that bypass the
    services (the admin saves the model) lose nothing either."""
    [attack] = Attack.objects.bulk_create(
        [
            Attack(
                practice=client.practice,
                client=client,
                started_at=NOON - dt.timedelta(days=1),
                ended_at=NOON - dt.timedelta(hours=20),
                time_zone="Europe/Amsterdam",
                peak_intensity=4,
            )
        ]
    )
    attack = Attack.objects.get(pk=attack.pk)
    attack.peak_intensity = 9
    attack.save()
    rows = history_rows(attack)
    assert [(r.history_type, r.peak_intensity) for r in rows] == [("+", 4), ("~", 9)]
    entries = selectors.attack_history(attack=attack)
    services.attack_undo(attack=attack, history_id=entries[0].history_id, by=None)
    attack.refresh_from_db()
    assert attack.peak_intensity == 4


@time_machine.travel(NOON, tick=False)
def test_an_attack_created_with_history_keeps_its_own_recorded_row(client: Any) -> None:
    attack = f.AttackFactory(client=client, practice=client.practice)
    first = history_rows(attack)
    assert [r.history_type for r in first] == ["+"]
    services.attack_update(attack=attack, by=None, peak_intensity=3)
    assert [r.history_uuid for r in history_rows(attack)][:1] == [first[0].history_uuid]
    assert len(history_rows(attack)) == 2


@time_machine.travel(NOON, tick=False)
def test_the_history_shows_warning_signs_and_triggers_by_their_labels_in_the_users_language(
    client: Any,
) -> None:
    from django.utils import translation

    attack, _ = services.attack_start(client=client, by=None, started_at=MORNING)
    services.attack_update(
        attack=attack, by=None, warning_signs=["neck_stiffness", "yawning"], suspected_triggers=["sleep"]
    )

    def changed_of() -> dict[str, str]:
        newest, _recorded = selectors.attack_history(attack=attack)
        return {c.field: c.new for c in newest.changes}

    changed = changed_of()
    assert changed["warning_signs"] == "Stiff neck, Yawning"
    assert changed["suspected_triggers"] == "Poor or irregular sleep"
    with translation.override("nl"):
        dutch = changed_of()
    assert "neck_stiffness" not in dutch["warning_signs"] and dutch["warning_signs"] != "Stiff neck, Yawning"


@time_machine.travel(NOON, tick=False)
def test_the_first_change_copies_the_row_it_read_and_a_refused_one_leaves_no_copy(client: Any) -> None:
    from django.core.exceptions import ValidationError
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = f.UserFactory()
    attack, _ = services.attack_start(client=client, by=user, started_at=MORNING, peak_intensity=3)
    with pytest.raises(ValidationError):
        services.attack_update(attack=attack, by=user, ended_at=MORNING - dt.timedelta(hours=1))
    assert history_rows(attack) == []  # rolled back with the refused change
    with CaptureQueriesContext(connection) as captured:
        services.attack_update(attack=attack, by=user, peak_intensity=6)
    rows = history_rows(attack)
    assert [r.history_type for r in rows] == ["+", "~"]
    assert [rows[0].peak_intensity, rows[1].peak_intensity] == [3, 6]
    # The attack is read once under the lock (and once more by the overlap check), not again
    # for its recorded copy; the history is asked once whether it holds that copy.
    reads = [q["sql"] for q in captured.captured_queries if q["sql"].startswith('SELECT "diary_attack"')]
    assert len(reads) == 2, reads
    asked = [q["sql"] for q in captured.captured_queries if 'FROM "diary_historicalattack"' in q["sql"]]
    assert len([q for q in asked if q.startswith("SELECT 1")]) == 1, asked
