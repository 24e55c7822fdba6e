"""The .ics files and the feed imported into a real calendar client: Debian's ``khal``.

khal (https://lostpackets.de/khal/) keeps each event in a vdir file named by its UID, so importing
the same UID again replaces the event: the test sees the move and the cancellation the way a
phone's calendar would. Each run has its own HOME and configuration. ``make calendar-client``
installs khal (``make unit`` depends on it); without the binary these tests are skipped, saying so.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.test import Client as HttpClient

from headwise.care import calendars, services
from headwise.care.models import AppointmentStatus, CalendarFeed
from tests.conftest import PracticeWorld, login
from tests.web.calendar_world import book_at, location_in, next_dst_change

KHAL = shutil.which("khal")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.calendarclient,
    pytest.mark.skipif(KHAL is None, reason="khal is not installed: run `make calendar-client`"),
]

FORMAT = "{uid}|{start-date}|{start-time}|{end-time}|{cancelled}|{title}"


class Khal:
    """khal in its own HOME, showing times on the clock of ``zone``."""

    def __init__(self, root: Path, zone: str) -> None:
        self.home = root / zone.replace("/", "_")
        (self.home / "cal").mkdir(parents=True)
        self.config = self.home / "khal.conf"
        self.config.write_text(
            "[calendars]\n[[headwise]]\n"
            f"path = {self.home / 'cal'}\ntype = calendar\n"
            "[locale]\n"
            "timeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
            "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
            f"local_timezone = {zone}\ndefault_timezone = {zone}\n"
        )

    def run(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603 - a fixed binary and arguments built here
            [KHAL or "khal", "-c", str(self.config), *args],
            capture_output=True,
            text=True,
            timeout=60,
            env={"HOME": str(self.home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def import_ics(self, body: bytes, name: str) -> None:
        path = self.home / name
        path.write_bytes(body)
        self.run("import", "--batch", "-a", "headwise", str(path))

    def events(self, start: dt.date, days: int) -> dict[str, tuple[str, str, str, bool, str]]:
        out = self.run("list", "--format", FORMAT, "--day-format", "", start.isoformat(), f"{days}d")
        found = {}
        for line in filter(None, out.splitlines()):
            uid, day, starts, ends, cancelled, title = line.split("|", 5)
            found[uid] = (day, starts, ends, bool(cancelled.strip()), title)
        return found


@pytest.mark.parametrize("zone", ["Europe/Amsterdam", "America/New_York"])
def test_khal_shows_the_ics_and_the_feed_at_local_time_across_dst_and_follows_changes(
    world: PracticeWorld, tmp_path: Path, zone: str
) -> None:
    location = location_in(world, zone)
    change = next_dst_change(zone)
    before = book_at(world, location, change - dt.timedelta(days=1))
    after = book_at(world, location, change + dt.timedelta(days=1))
    start = change - dt.timedelta(days=3)
    uid = {a.pk: f"{a.uuid}@headwise" for a in (before, after)}

    # 1. the client's own .ics, one by one, into a calendar on the location's clock
    client_http = login(world.client_user)
    phone = Khal(tmp_path / "client", zone)
    for appointment in (before, after):
        response = client_http.get(f"/me/appointments/{appointment.uuid}.ics")
        phone.import_ics(response.content, f"{appointment.uuid}.ics")
    seen = phone.events(start, 7)
    for appointment in (before, after):
        day, starts, ends, cancelled, _title = seen[uid[appointment.pk]]
        assert (day, starts, ends, cancelled) == (
            appointment.starts_at.astimezone(ZoneInfo(zone)).date().isoformat(),
            "10:00",
            "11:00",
            False,
        )

    # the same events on a UTC clock: one hour apart in UTC, as the offsets differ across the change
    utc = Khal(tmp_path / "utc", "UTC")
    for appointment in (before, after):
        utc.import_ics(client_http.get(f"/me/appointments/{appointment.uuid}.ics").content, "a.ics")
    in_utc = utc.events(start, 7)
    for appointment in (before, after):
        assert in_utc[uid[appointment.pk]][1] == appointment.starts_at.astimezone(dt.UTC).strftime("%H:%M")
    assert in_utc[uid[before.pk]][1] != in_utc[uid[after.pk]][1]

    # 2. the practitioner's feed
    feed, token = calendars.feed_create(
        membership=world.records["practitioner"].membership, by=world.practitioner_user
    )
    assert CalendarFeed.objects.filter(pk=feed.pk).exists()
    anonymous = HttpClient()
    desk = Khal(tmp_path / "practitioner", zone)
    desk.import_ics(anonymous.get(f"/calendar/feed/{token}.ics").content, "feed.ics")
    listed = desk.events(start, 7)
    assert listed[uid[before.pk]][1:4] == ("10:00", "11:00", False)
    assert listed[uid[after.pk]][1:4] == ("10:00", "11:00", False)
    assert listed[uid[after.pk]][4].startswith(world.client.given_name)

    # 3. a move and a cancellation, fetched again: the same UIDs, replaced, not doubled
    services.appointment_update(
        appointment=after,
        by=world.front_desk,
        starts_at=after.starts_at + dt.timedelta(hours=2),
        ends_at=after.ends_at + dt.timedelta(hours=2),
    )
    services.appointment_update(appointment=before, by=world.front_desk, status=AppointmentStatus.CANCELLED)
    desk.import_ics(anonymous.get(f"/calendar/feed/{token}.ics").content, "feed.ics")
    listed = desk.events(start, 7)
    assert listed[uid[after.pk]][1:4] == ("12:00", "13:00", False)
    assert listed[uid[before.pk]][3] is True  # CANCELLED
    assert len([u for u in listed if u in uid.values()]) == 2
    phone.import_ics(client_http.get(f"/me/appointments/{before.uuid}.ics").content, "cancelled.ics")
    phone.import_ics(client_http.get(f"/me/appointments/{after.uuid}.ics").content, "moved.ics")
    seen = phone.events(start, 7)
    assert seen[uid[before.pk]][3] is True
    assert seen[uid[after.pk]][1:3] == ("12:00", "13:00")
