"""The calendar pages: the week and the day, booking from a free slot, the losing request of a
double booking, moving and closing, the weekly series, the waiting list; a constant number of
queries for the week whatever it holds; bad input refused naming the field, nothing saved."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from headwise.care.models import Appointment, AppointmentStatus, SessionRecord, WaitlistEntry, WaitlistStatus
from headwise.practice.models import Location, Practitioner, Room, Service, WorkingHours
from tests import factories as f
from tests.conftest import PracticeWorld, login


@dataclass
class Cal:
    world: PracticeWorld
    location: Location
    room: Room
    practitioner: Practitioner
    service: Service
    zone: ZoneInfo
    day: dt.date  # two days ahead, local: every hour of it is in the future

    def at(self, hour: int, minute: int = 0, *, days: int = 0) -> dt.datetime:
        return dt.datetime.combine(
            self.day + dt.timedelta(days=days), dt.time(hour, minute), tzinfo=self.zone
        )

    def local(self, hour: int, minute: int = 0, *, days: int = 0) -> str:
        return self.at(hour, minute, days=days).strftime("%Y-%m-%dT%H:%M")

    def week_url(self, day: dt.date | None = None) -> str:
        return f"/calendar/locations/{self.location.uuid}/week/{(day or self.day).isoformat()}/"

    def book_body(self, hour: int = 10, **changes: Any) -> dict[str, Any]:
        body = {
            "client_id": str(self.world.client.uuid),
            "service_id": str(self.service.uuid),
            "practitioner_id": str(self.practitioner.uuid),
            "location_id": str(self.location.uuid),
            "room_id": str(self.room.uuid),
            "starts_at_local": self.local(hour),
            "count": "1",
            "notes": "",
        }
        body.update(changes)
        return body


@pytest.fixture
def cal(world: PracticeWorld) -> Cal:
    """The world's practitioner works at its location every day 09:00-17:00 and offers a CST
    session of 60 minutes with 15 minutes after it."""
    location, practitioner = world.records["location"], world.records["practitioner"]
    practitioner.locations.add(location)
    service = Service.objects.for_practice(world.practice).get(name="CST session")
    for weekday in range(7):
        f.WorkingHoursFactory(practitioner=practitioner, location=location, weekday=weekday)
    zone = ZoneInfo(location.time_zone)
    return Cal(
        world=world,
        location=location,
        room=world.records["room"],
        practitioner=practitioner,
        service=service,
        zone=zone,
        day=f.local_today(location.time_zone) + dt.timedelta(days=2),
    )


def book(
    cal: Cal, hour: int, *, client: Any = None, room: Room | None = None, minutes: int = 60
) -> Appointment:
    starts = cal.at(hour)
    return f.AppointmentFactory(
        practice=cal.world.practice,
        client=client or cal.world.client,
        practitioner=cal.practitioner,
        location=cal.location,
        room=room or cal.room,
        service=cal.service,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=minutes),
    )


def text(response: Any) -> str:
    return response.content.decode()


# --- the week and the day ----------------------------------------------------------------------


def test_it_shows_the_week_with_client_service_status_and_free_slots(
    as_front_desk: HttpClient, cal: Cal
) -> None:
    booked = book(cal, 11)
    response = as_front_desk.get(cal.week_url())
    assert response.status_code == 200
    page = text(response)
    assert str(cal.world.client) in page and "CST session" in page and "Booked" in page
    assert cal.practitioner.display_name in page
    assert f"/calendar/appointments/{booked.uuid}/" in page
    # 09:00 is free; 10:00 is not (11:00 is booked and 10:00-11:00 leaves no 15-minute buffer)
    starts_9 = cal.at(9).astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    starts_10 = cal.at(10).astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    assert f"starts={starts_9.replace(':', '%3A')}" in page
    assert f"starts={starts_10.replace(':', '%3A')}" not in page
    assert "Times in " + cal.location.time_zone in page


def test_the_front_desk_never_sees_clinical_notes_in_the_calendar(
    as_front_desk: HttpClient, cal: Cal
) -> None:
    session = cal.world.records["session"]
    # past its 24-hour lock at some of the test instants: written in the table directly
    SessionRecord.objects.filter(pk=session.pk).update(notes="CLINICAL-NOTE-XYZ")
    appointment = cal.world.records["appointment"]
    day = appointment.starts_at.astimezone(cal.zone).date()
    for url in (cal.week_url(day), f"/calendar/appointments/{appointment.uuid}/"):
        response = as_front_desk.get(url)
        assert response.status_code == 200
        assert "CLINICAL-NOTE-XYZ" not in text(response)


def test_the_day_view_has_the_rooms_as_columns(as_owner: HttpClient, cal: Cal) -> None:
    second = f.RoomFactory(location=cal.location, practice=cal.world.practice, name="Garden room")
    book(cal, 13, room=second)
    response = as_owner.get(f"/calendar/locations/{cal.location.uuid}/day/{cal.day.isoformat()}/")
    assert response.status_code == 200
    heads = re.findall(r'<th scope="col"[^>]*>([^<]+)', text(response))
    assert [h.strip() for h in heads] == sorted([cal.room.name, "Garden room"])


def test_htmx_gets_only_the_grid_and_the_links_push_the_url(as_owner: HttpClient, cal: Cal) -> None:
    response = as_owner.get(cal.week_url(), HTTP_HX_REQUEST="true")
    page = text(response)
    assert response.status_code == 200 and page.lstrip().startswith('<section id="calendar"')
    assert "<html" not in page and 'hx-push-url="true"' in page
    next_week = cal.day - dt.timedelta(days=cal.day.weekday()) + dt.timedelta(days=7)
    assert f'href="/calendar/locations/{cal.location.uuid}/week/{next_week.isoformat()}/' in page


def test_the_practitioner_s_week_lists_their_locations(as_practitioner: HttpClient, cal: Cal) -> None:
    book(cal, 12)
    url = f"/calendar/practitioners/{cal.practitioner.uuid}/week/{cal.day.isoformat()}/"
    response = as_practitioner.get(url)
    assert response.status_code == 200
    assert cal.location.name in text(response) and str(cal.world.client) in text(response)


def test_the_calendar_home_opens_the_week_of_the_client_s_next_session(
    as_owner: HttpClient, cal: Cal
) -> None:
    response = as_owner.get(f"/calendar/?client={cal.world.client.uuid}")
    assert response.status_code == 302
    assert f"/calendar/locations/{cal.location.uuid}/week/" in response["Location"]
    assert f"client={cal.world.client.uuid}" in response["Location"]
    page = text(as_owner.get(response["Location"]))
    assert "Booking for" in page and f"client={cal.world.client.uuid}" in page


@pytest.mark.parametrize("day", ["2026-13-01", "tomorrow", "0001-01-01"])
def test_a_day_that_is_not_a_date_finds_no_page(as_owner: HttpClient, cal: Cal, day: str) -> None:
    assert as_owner.get(f"/calendar/locations/{cal.location.uuid}/week/{day}/").status_code == 404


def test_another_practice_s_client_or_service_in_the_query_finds_no_page(
    as_owner: HttpClient, cal: Cal, outsider: PracticeWorld
) -> None:
    assert as_owner.get(cal.week_url() + f"?client={outsider.client.uuid}").status_code == 404
    other_service = Service.objects.for_practice(outsider.practice).first()
    assert as_owner.get(cal.week_url() + f"?service={other_service.uuid}").status_code == 404
    assert as_owner.get(f"/calendar/book/?client={outsider.client.uuid}").status_code == 404


def test_the_week_view_reads_a_constant_number_of_queries(as_front_desk: HttpClient, cal: Cal) -> None:
    """10 or 200 appointments in the week: the same queries (no query per booking)."""
    monday = cal.day - dt.timedelta(days=cal.day.weekday())
    start = dt.datetime.combine(monday, dt.time.min, tzinfo=cal.zone)
    clients = [f.ClientFactory(practice=cal.world.practice) for _ in range(5)]
    # The world's own bookings of this practitioner would overlap the filled week (PostgreSQL's
    # exclusion constraint refuses a double booking): they are cancelled first.
    Appointment.objects.filter(practitioner=cal.practitioner).update(status=AppointmentStatus.CANCELLED)

    def fill(first: int, last: int) -> None:
        # 20 minutes every 30, from Monday 00:00: 200 fit in 100 hours of the week
        Appointment.objects.bulk_create(
            Appointment(
                practice=cal.world.practice,
                client=clients[i % 5],
                practitioner=cal.practitioner,
                location=cal.location,
                service=cal.service,
                starts_at=start + dt.timedelta(minutes=30 * i),
                ends_at=start + dt.timedelta(minutes=30 * i + 20),
                status=AppointmentStatus.CANCELLED if i % 7 == 0 else AppointmentStatus.BOOKED,
            )
            for i in range(first, last)
        )

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = as_front_desk.get(cal.week_url())
        assert response.status_code == 200
        return len(captured)

    fill(0, 10)
    few = count()
    fill(10, 200)
    many = count()
    assert Appointment.objects.filter(location=cal.location, starts_at__gte=start).count() >= 200
    assert few == many, f"{few} queries with 10 appointments, {many} with 200"


# --- booking -----------------------------------------------------------------------------------


def test_the_booking_form_shows_the_client_s_screen_and_next_interval_beside_the_slot(
    as_front_desk: HttpClient, cal: Cal
) -> None:
    starts = cal.at(10).astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    url = (
        f"/calendar/book/?location={cal.location.uuid}&practitioner={cal.practitioner.uuid}"
        f"&service={cal.service.uuid}&room={cal.room.uuid}&starts={starts}&client={cal.world.client.uuid}"
    )
    response = as_front_desk.get(url)
    page = text(response)
    assert response.status_code == 200
    assert f'value="{cal.local(10)}"' in page
    assert "Safety screen" in page and "Next session due" in page
    assert "Choose the client" not in page  # the panel is the chosen client's


def test_the_panel_says_when_the_screen_blocks_booking(as_front_desk: HttpClient, cal: Cal) -> None:
    new = f.ClientFactory(practice=cal.world.practice)
    response = as_front_desk.get(f"/calendar/book/client/?client_id={new.uuid}&service_id={cal.service.uuid}")
    assert response.status_code == 200
    assert "No safety screening on record" in text(response)


def test_it_books_a_free_slot(as_front_desk: HttpClient, cal: Cal) -> None:
    response = as_front_desk.post("/calendar/book/", cal.book_body(10))
    assert response.status_code == 302
    made = Appointment.objects.get(client=cal.world.client, starts_at=cal.at(10))
    assert response["Location"] == f"/calendar/appointments/{made.uuid}/"
    assert (made.service, made.room, made.created_by) == (cal.service, cal.room, cal.world.front_desk)
    assert made.ends_at == cal.at(11)


def test_a_new_york_location_s_form_time_is_new_york_time(as_front_desk: HttpClient, cal: Cal) -> None:
    """The signed-in user is in Amsterdam; 09:00 typed for a New York location is 09:00 there."""
    westport = f.LocationFactory(practice=cal.world.practice, name="Westport", time_zone="America/New_York")
    cal.practitioner.locations.add(westport)
    day = f.local_today(westport.time_zone) + dt.timedelta(days=3)
    f.WorkingHoursFactory(practitioner=cal.practitioner, location=westport, weekday=day.weekday())
    body = cal.book_body(
        location_id=str(westport.uuid), room_id="", starts_at_local=f"{day.isoformat()}T09:00"
    )
    # that day the practitioner works in New York only
    WorkingHours.objects.filter(
        practitioner=cal.practitioner, location=cal.location, weekday=day.weekday()
    ).delete()
    response = as_front_desk.post("/calendar/book/", body)
    assert response.status_code == 302, text(response)[-3000:]
    made = Appointment.objects.get(location=westport)
    assert made.starts_at == dt.datetime.combine(day, dt.time(9), tzinfo=ZoneInfo("America/New_York"))


def test_the_loser_of_a_double_booking_gets_the_field_named_and_nearby_slots(
    as_front_desk: HttpClient, as_owner: HttpClient, cal: Cal
) -> None:
    assert as_owner.post("/calendar/book/", cal.book_body(10)).status_code == 302
    before = Appointment.objects.count()
    response = as_front_desk.post("/calendar/book/", cal.book_body(10))
    assert response.status_code == 409
    page = text(response)
    assert "Free nearby" in page
    assert re.search(r'id_starts_at_local_errors.*?errorlist"><li>Starts at', page, re.S)
    assert page.count('name="starts_at_local" value="') >= 2  # the form's own and a nearby slot's
    assert Appointment.objects.count() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"client_id": ""}, "client_id"),
        ({"client_id": "not-a-uuid"}, "client_id"),
        ({"starts_at_local": "tomorrow at ten"}, "starts_at_local"),
        ({"starts_at_local": "9999-12-31T23:30"}, "starts_at_local"),
        ({"count": "50"}, "count"),
        ({"service_id": "00000000-0000-0000-0000-000000000000"}, "service_id"),
        ({"notes": "x" * 100_000}, "notes"),
    ],
)
def test_bad_booking_input_is_refused_naming_the_field(
    as_front_desk: HttpClient, cal: Cal, changes: dict[str, str], field: str
) -> None:
    before = Appointment.objects.count()
    response = as_front_desk.post("/calendar/book/", cal.book_body(10, **changes))
    assert response.status_code == 422
    assert f'id="id_{field}_errors"' in text(response)
    assert Appointment.objects.count() == before


def test_another_practice_s_ids_in_the_booking_are_refused(
    as_front_desk: HttpClient, cal: Cal, outsider: PracticeWorld
) -> None:
    before = Appointment.objects.count()
    body = cal.book_body(10, client_id=str(outsider.client.uuid))
    response = as_front_desk.post("/calendar/book/", body)
    assert response.status_code == 422 and 'id="id_client_id_errors"' in text(response)
    assert Appointment.objects.count() == before


def test_a_weekly_series_books_what_is_free_and_names_the_dates_it_could_not(
    as_front_desk: HttpClient, cal: Cal
) -> None:
    other = f.ClientFactory(practice=cal.world.practice)
    taken = f.AppointmentFactory(
        practice=cal.world.practice,
        client=other,
        practitioner=cal.practitioner,
        location=cal.location,
        room=cal.room,
        starts_at=cal.at(10, days=7),
        ends_at=cal.at(11, days=7),
    )
    response = as_front_desk.post("/calendar/book/", cal.book_body(10, count="3"))
    assert response.status_code == 200
    page = text(response)
    booked = Appointment.objects.filter(client=cal.world.client, service=cal.service).order_by("starts_at")
    assert [a.starts_at for a in booked] == [cal.at(10), cal.at(10, days=14)]
    assert "2 booked" in page and "1 date could not be booked" in page
    assert taken.starts_at.astimezone(cal.zone).strftime("%-d %b %Y") in page


# --- one appointment ---------------------------------------------------------------------------


def test_it_moves_an_appointment(as_front_desk: HttpClient, cal: Cal) -> None:
    appointment = book(cal, 10)
    response = as_front_desk.post(
        f"/calendar/appointments/{appointment.uuid}/move/",
        {"starts_at_local": cal.local(14), "room_id": str(cal.room.uuid)},
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.ends_at) == (cal.at(14), cal.at(15))
    assert appointment.updated_by == cal.world.front_desk


def test_a_move_onto_a_taken_time_is_refused_with_nearby_slots(as_front_desk: HttpClient, cal: Cal) -> None:
    appointment = book(cal, 10)
    book(cal, 14, client=f.ClientFactory(practice=cal.world.practice))
    response = as_front_desk.post(
        f"/calendar/appointments/{appointment.uuid}/move/",
        {"starts_at_local": cal.local(14), "room_id": str(cal.room.uuid)},
    )
    assert response.status_code == 409
    assert "Free nearby" in text(response)
    appointment.refresh_from_db()
    assert appointment.starts_at == cal.at(10)


def test_it_cancels_with_a_reason_and_records_who(as_front_desk: HttpClient, cal: Cal) -> None:
    appointment = book(cal, 10)
    response = as_front_desk.post(
        f"/calendar/appointments/{appointment.uuid}/status/",
        {"status": "cancelled", "cancellation_reason": "Migraine attack"},
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.status, appointment.cancellation_reason) == ("cancelled", "Migraine attack")
    assert appointment.updated_by == cal.world.front_desk
    page = text(as_front_desk.get(f"/calendar/appointments/{appointment.uuid}/"))
    assert "Migraine attack" in page and f"by {cal.world.front_desk}" in page


def test_no_show_before_the_start_is_refused_naming_the_status(as_front_desk: HttpClient, cal: Cal) -> None:
    appointment = book(cal, 10)
    response = as_front_desk.post(f"/calendar/appointments/{appointment.uuid}/status/", {"status": "no_show"})
    assert response.status_code == 422
    assert "cannot be marked so yet" in text(response)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_a_status_that_is_not_offered_is_refused(as_front_desk: HttpClient, cal: Cal) -> None:
    appointment = book(cal, 10)
    response = as_front_desk.post(f"/calendar/appointments/{appointment.uuid}/status/", {"status": "deleted"})
    assert response.status_code == 422
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


# --- the waiting list --------------------------------------------------------------------------


def test_it_adds_a_client_to_the_waiting_list(as_front_desk: HttpClient, cal: Cal) -> None:
    other = cal.world.other_client
    response = as_front_desk.post(
        "/calendar/waitlist/",
        {
            "client_id": str(other.uuid),
            "service_id": str(cal.service.uuid),
            "location_id": str(cal.location.uuid),
            "earliest": cal.day.isoformat(),
            "weekdays": [str(cal.day.weekday())],
            "time_from": "09:00",
            "notes": "Mornings only",
        },
    )
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get(client=other)
    assert (entry.weekdays, entry.time_from, entry.status) == ([cal.day.weekday()], dt.time(9), "waiting")
    assert other.family_name in text(as_front_desk.get("/calendar/waitlist/"))


def test_a_waiting_list_entry_ending_before_it_starts_is_refused(as_front_desk: HttpClient, cal: Cal) -> None:
    before = WaitlistEntry.objects.count()
    response = as_front_desk.post(
        "/calendar/waitlist/",
        {
            "client_id": str(cal.world.other_client.uuid),
            "earliest": cal.day.isoformat(),
            "latest": (cal.day - dt.timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 422 and 'id="id_latest_errors"' in text(response)
    assert WaitlistEntry.objects.count() == before


def test_a_cancellation_shows_who_on_the_waiting_list_fits_and_an_offer_books_nothing(
    as_front_desk: HttpClient, cal: Cal
) -> None:
    appointment = book(cal, 10)
    other = cal.world.other_client
    WaitlistEntry.objects.filter(practice=cal.world.practice).delete()
    first = f.WaitlistEntryFactory(client=other, service=cal.service, earliest=cal.day)
    f.WaitlistEntryFactory(client=other, service=cal.service, earliest=cal.day + dt.timedelta(days=5))
    as_front_desk.post(
        f"/calendar/appointments/{appointment.uuid}/status/",
        {"status": "cancelled", "cancellation_reason": "Ill"},
    )
    week = text(as_front_desk.get(cal.week_url()))
    assert "1 on the waiting list fits" in week
    page = text(as_front_desk.get(f"/calendar/appointments/{appointment.uuid}/"))
    fit_url = re.search(r'href="(/calendar/waitlist/fit/\?[^"]+)"', page).group(1).replace("&amp;", "&")
    fit = as_front_desk.get(fit_url)
    assert fit.status_code == 200 and other.given_name in text(fit)
    before = Appointment.objects.count()
    slot = dict(part.split("=", 1) for part in fit_url.split("?", 1)[1].split("&"))
    from urllib.parse import unquote

    body = {k: unquote(v) for k, v in slot.items()}
    response = as_front_desk.post(f"/calendar/waitlist/{first.uuid}/offer/", body)
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.status, first.offered_by) == (WaitlistStatus.OFFERED, cal.world.front_desk)
    assert Appointment.objects.count() == before


def test_it_takes_a_client_off_the_waiting_list(as_front_desk: HttpClient, cal: Cal) -> None:
    entry = f.WaitlistEntryFactory(client=cal.world.other_client)
    response = as_front_desk.post(f"/calendar/waitlist/{entry.uuid}/withdraw/")
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WITHDRAWN


def test_the_client_page_links_to_the_calendar_for_the_client(as_front_desk: HttpClient, cal: Cal) -> None:
    page = text(as_front_desk.get(f"/clients/{cal.world.client.uuid}/"))
    assert f"/calendar/?client={cal.world.client.uuid}" in page


def test_a_client_login_finds_no_calendar(cal: Cal) -> None:
    http = login(cal.world.client_user)
    assert http.get(cal.week_url()).status_code == 404
    assert http.get("/calendar/waitlist/").status_code == 404
