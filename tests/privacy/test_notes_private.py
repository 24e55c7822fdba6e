"""The practice setting that keeps session notes to their author (and the owners)."""

from __future__ import annotations

import pytest

from headwise.care.models import SessionRecord
from headwise.practice.models import Practice
from tests import factories as f
from tests.conftest import PracticeWorld, login


@pytest.fixture
def second(world: PracticeWorld) -> tuple[object, SessionRecord]:
    """Another practitioner of the practice, and a session they gave."""
    other = f.PractitionerFactory(
        membership__practice=world.practice, membership__user__email="second@alpha.example"
    )
    record = f.SessionRecordFactory(
        client=world.client,
        practice=world.practice,
        practitioner=other,
        started_at=f.local_at(world.client.time_zone, days=-2, hour=11),
    )
    return other, record


def _private(world: PracticeWorld, on: bool) -> None:
    Practice.objects.filter(pk=world.practice.pk).update(notes_private_to_author=on)


@pytest.mark.parametrize("on", [False, True])
def test_a_practitioner_reads_another_practitioners_notes_only_when_the_setting_is_off(
    world: PracticeWorld, second: tuple[object, SessionRecord], on: bool
) -> None:
    _private(world, on)
    _other, theirs = second
    mine = world.records["session"]
    http = login(world.practitioner_user)
    expected = 403 if on else 200
    assert http.get(f"/sessions/{theirs.uuid}/").status_code == expected
    assert http.get(f"/sessions/{theirs.uuid}/edit/").status_code == expected
    assert http.get(f"/api/sessions/{theirs.uuid}").status_code == expected
    # Their own stay open either way.
    assert http.get(f"/sessions/{mine.uuid}/").status_code == 200
    assert http.get(f"/api/sessions/{mine.uuid}").status_code == 200
    listed = {row["id"] for row in http.get(f"/api/clients/{world.client.uuid}/sessions").json()["items"]}
    assert (str(theirs.uuid) in listed) is not on
    assert str(mine.uuid) in listed
    page = http.get(f"/clients/{world.client.uuid}/sessions/").content.decode()
    assert (f"/sessions/{theirs.uuid}/" in page) is not on
    assert ("Private to its practitioner" in page) is on
    client_page = http.get(f"/clients/{world.client.uuid}/").content.decode()
    assert (f"/sessions/{theirs.uuid}/" in client_page) is not on
    assert f"/sessions/{mine.uuid}/" in client_page


def test_with_the_setting_on_a_practitioner_cannot_change_or_add_to_anothers_record(
    world: PracticeWorld, second: tuple[object, SessionRecord]
) -> None:
    _private(world, True)
    _other, theirs = second
    http = login(world.practitioner_user)
    before = theirs.notes
    patched = http.patch(
        f"/api/sessions/{theirs.uuid}", data={"notes": "changed"}, content_type="application/json"
    )
    assert patched.status_code == 403
    added = http.post(
        f"/api/sessions/{theirs.uuid}/addenda", data={"text": "x"}, content_type="application/json"
    )
    assert added.status_code == 403
    page = http.post(f"/sessions/{theirs.uuid}/addenda/", {"text": "x"})
    assert page.status_code == 403
    theirs.refresh_from_db()
    assert theirs.notes == before
    assert not theirs.addenda.exists()


def test_with_the_setting_on_the_owner_still_reads_every_record(
    world: PracticeWorld, second: tuple[object, SessionRecord]
) -> None:
    _private(world, True)
    _other, theirs = second
    http = login(world.owner)
    assert http.get(f"/sessions/{theirs.uuid}/").status_code == 200
    assert http.get(f"/api/sessions/{theirs.uuid}").status_code == 200
    assert http.get(f"/sessions/{world.records['session'].uuid}/").status_code == 200


def test_the_front_desk_never_reads_notes_and_still_sees_that_sessions_happened(
    world: PracticeWorld, second: tuple[object, SessionRecord]
) -> None:
    _private(world, True)
    _other, theirs = second
    http = login(world.front_desk)
    assert http.get(f"/api/sessions/{theirs.uuid}").status_code == 403
    happened = http.get(f"/api/clients/{world.client.uuid}/sessions/happened").json()["items"]
    assert str(theirs.uuid) in {row["id"] for row in happened}
