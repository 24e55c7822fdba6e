"""The walking skeleton's pages: who sees what, and bad input that changes nothing."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client as HttpClient
from django.utils import timezone

from headwise.accounts.models import User
from headwise.clients.models import CLINICAL_FIELDS, Client
from headwise.practice.models import Location, Membership, Role
from tests import factories as f
from tests.conftest import PracticeWorld, login
from tests.factories import PASSWORD, AppointmentFactory, ClientFactory

NEW_YEAR = dt.date(2027, 1, 1)
DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)

pytestmark = pytest.mark.django_db


def test_it_sends_visitors_to_sign_in() -> None:
    response = HttpClient().get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_sends_each_user_home(as_practitioner: HttpClient, as_client: HttpClient) -> None:
    assert as_practitioner.get("/")["Location"] == "/staff/"
    assert as_client.get("/")["Location"] == "/me/"


def test_it_lists_todays_appointments_on_the_staff_home(
    as_front_desk: HttpClient, world: PracticeWorld
) -> None:
    appointment = world.records["appointment"]
    response = as_front_desk.get("/staff/")
    assert response.status_code == 200
    assert f"{appointment.client}" in response.text
    # and the practice's clients, to search or to page through
    assert f"{world.other_client.family_name}, {world.other_client.given_name}" in response.text
    assert 'id="client-results"' in response.text


def test_it_lists_the_staff_members_today_when_utc_is_still_yesterday(
    world: PracticeWorld, clock: time_machine.Coordinates
) -> None:
    """At 00:30 on 1 January in Amsterdam it is 23:30 on 31 December in UTC, the server's zone:
    the staff home shows 1 January's appointments, not those of the day before."""
    zone = ZoneInfo(world.front_desk.time_zone)
    clock.move_to(dt.datetime(2027, 1, 1, 0, 30, tzinfo=zone))
    at = {day: dt.datetime.combine(day, dt.time(9), tzinfo=zone) for day in (NEW_YEAR, NEW_YEAR - DAY)}
    booked = {
        day: AppointmentFactory(
            client=world.other_client, practice=world.practice, starts_at=start, ends_at=start + HOUR
        )
        for day, start in at.items()
    }
    response = login(world.front_desk).get("/staff/")  # a fresh session at this date
    assert response.status_code == 200 and response.context["today"] == NEW_YEAR
    shown = list(response.context["appointments"])
    assert booked[NEW_YEAR] in shown and booked[NEW_YEAR - DAY] not in shown


def test_it_searches_clients_with_htmx(as_practitioner: HttpClient, world: PracticeWorld) -> None:
    response = as_practitioner.get("/clients/", {"q": world.other_client.given_name}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert world.other_client.given_name in response.text
    assert world.client.given_name not in response.text
    assert "<html" not in response.text


def test_it_pages_the_client_list_and_keeps_the_search(
    as_practitioner: HttpClient, world: PracticeWorld, outsider: PracticeWorld
) -> None:
    """Every client can be reached: 50 a page, "Next" and "Previous" links that keep the search
    (the list used to stop at 200, without a word). Another practice's clients never show.
    The pages are keyset pages (tests/test_keyset_paging.py): no count, a cursor per link."""
    for k in range(60):
        ClientFactory(practice=world.practice, given_name="Pagetest", family_name=f"Zz{k:03d}")
    ClientFactory(practice=outsider.practice, given_name="Pagetest", family_name="Zz999")
    first = as_practitioner.get("/clients/", {"q": "pagetest"})
    assert first.status_code == 200
    assert 'rel="next"' in first.text and 'rel="prev"' not in first.text
    assert "Zz000" in first.text and "Zz049" in first.text and "Zz050" not in first.text
    following = re.search(r'<a href="([^"]*)" rel="next"', first.text)
    assert following is not None and following.group(1).startswith("/clients/?q=pagetest&amp;cursor=")
    second = as_practitioner.get(following.group(1).replace("&amp;", "&"))
    assert "Zz050" in second.text and "Zz059" in second.text and "Zz049" not in second.text
    assert "Zz999" not in first.text + second.text
    assert 'rel="prev"' in second.text and 'rel="next"' not in second.text
    # The old page numbers are ignored: the first page.
    assert "Zz000" in as_practitioner.get("/clients/", {"q": "pagetest", "page": "9"}).text


def test_it_lists_archived_clients_only_when_asked(as_practitioner: HttpClient, world: PracticeWorld) -> None:
    ClientFactory(practice=world.practice, given_name="Gone", family_name="Archivedperson", status="archived")
    assert "Archivedperson" not in as_practitioner.get("/clients/").text
    shown = as_practitioner.get("/clients/", {"archived": "1"}, HTTP_HX_REQUEST="true")
    assert "Archivedperson" in shown.text and "(Archived)" in shown.text


def test_it_hides_clinical_records_from_the_front_desk(
    as_front_desk: HttpClient, world: PracticeWorld
) -> None:
    response = as_front_desk.get(f"/clients/{world.client.uuid}/")
    assert response.status_code == 200
    assert "Diary, last 28 days" not in response.text
    assert "Migraine diagnosed" not in response.text


def test_it_neither_shows_nor_accepts_clinical_fields_on_the_front_desk_edit_page(
    as_front_desk: HttpClient, world: PracticeWorld
) -> None:
    client = world.client
    Client.objects.filter(pk=client.pk).update(
        diagnosis_text="Migraine without aura", acute_medication="sumatriptan", notes="private"
    )
    page = as_front_desk.get(f"/clients/{client.uuid}/edit/")
    assert page.status_code == 200
    for name in CLINICAL_FIELDS:
        assert f'name="{name}"' not in page.text
    assert "sumatriptan" not in page.text and "private" not in page.text
    data = {
        "given_name": client.given_name,
        "family_name": "Renamed",
        "date_of_birth": "1988-05-17",
        "sex": client.sex,
        "time_zone": client.time_zone,
        "diagnosis_text": "changed",
        "acute_medication": "",
        "recent_head_injury_on": "2026-01-02",
        "notes": "",
    }
    response = as_front_desk.post(f"/clients/{client.uuid}/edit/", data)
    assert response.status_code == 302
    client.refresh_from_db()
    assert client.family_name == "Renamed"  # the contact details still change
    assert (client.diagnosis_text, client.acute_medication, client.notes, client.recent_head_injury_on) == (
        "Migraine without aura",
        "sumatriptan",
        "private",
        None,
    )


def test_it_shows_clinical_fields_on_the_edit_page_to_practitioners(
    as_practitioner: HttpClient, world: PracticeWorld
) -> None:
    page = as_practitioner.get(f"/clients/{world.client.uuid}/edit/")
    assert all(f'name="{name}"' in page.text for name in CLINICAL_FIELDS if name != "known_triggers")


def test_it_gives_a_new_client_the_practice_zone(as_practitioner: HttpClient, world: PracticeWorld) -> None:
    world.practice.time_zone = "America/New_York"
    world.practice.save(update_fields=["time_zone"])
    page = as_practitioner.get("/clients/new/")
    assert re.search(r'<input[^>]*name="time_zone"[^>]*value="America/New_York"', page.text)
    data = {"given_name": "Nia", "family_name": "Brooks", "date_of_birth": "1990-02-01", "sex": "female"}
    assert as_practitioner.post("/clients/new/", {**data, "time_zone": "America/New_York"}).status_code == 302
    assert Client.objects.get(given_name="Nia").time_zone == "America/New_York"


def test_it_shows_the_diary_strip_to_practitioners(as_practitioner: HttpClient, world: PracticeWorld) -> None:
    response = as_practitioner.get(f"/clients/{world.client.uuid}/")
    assert "Diary, last 28 days" in response.text
    assert "no entry (not counted as headache-free)" in response.text
    # Dates read as everywhere else on the pages ("17 May 1988", not "May 17, 1988").
    born = world.client.date_of_birth
    assert f"<dd>{born.day} {born:%b %Y}</dd>" in response.text


def test_it_creates_a_client(as_practitioner: HttpClient, world: PracticeWorld) -> None:
    response = as_practitioner.post(
        "/clients/new/",
        {
            "given_name": "Mara",
            "family_name": "Visser",
            "date_of_birth": "1990-02-01",
            "sex": "female",
            "time_zone": "Europe/Amsterdam",
        },
    )
    client = Client.objects.get(given_name="Mara")
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{client.uuid}/"
    assert client.practice == world.practice
    assert client.created_by == world.practitioner_user


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_of_birth", "2999-01-01", "Date of birth: The date of birth cannot be in the future."),
        ("date_of_birth", "yesterday", "Date of birth: Enter a valid date."),
        ("time_zone", "Mars/Olympus", "Time zone: Mars/Olympus is not a known time zone."),
        ("given_name", "", "Given name: This field is required."),
    ],
)
def test_it_names_the_field_of_bad_client_input_and_saves_nothing(
    as_practitioner: HttpClient, world: PracticeWorld, field: str, value: str, message: str
) -> None:
    data = {
        "given_name": "Mara",
        "family_name": "Visser",
        "date_of_birth": "1990-02-01",
        "sex": "female",
        "time_zone": "Europe/Amsterdam",
    }
    data[field] = value
    before = Client.objects.count()
    response = as_practitioner.post("/clients/new/", data)
    assert response.status_code == 422
    assert message in response.text
    assert Client.objects.count() == before


def test_it_keeps_the_history_of_a_client_edit(as_practitioner: HttpClient, world: PracticeWorld) -> None:
    client = world.client
    data = {
        "given_name": client.given_name,
        "family_name": "Renamed",
        "date_of_birth": "1988-05-17",
        "sex": client.sex,
        "time_zone": client.time_zone,
        "email": client.email,
    }
    response = as_practitioner.post(f"/clients/{client.uuid}/edit/", data)
    assert response.status_code == 302
    client.refresh_from_db()
    assert client.family_name == "Renamed"
    assert [h.family_name for h in client.history.order_by("history_date")][-2:] == ["Own", "Renamed"]


def test_it_refuses_a_practitioner_from_another_practice_as_assigned(
    as_practitioner: HttpClient, world: PracticeWorld, outsider: PracticeWorld
) -> None:
    data = {
        "given_name": "Mara",
        "family_name": "Visser",
        "date_of_birth": "1990-02-01",
        "sex": "female",
        "time_zone": "Europe/Amsterdam",
        "assigned_practitioner": outsider.records["practitioner"].pk,
    }
    response = as_practitioner.post("/clients/new/", data)
    assert response.status_code == 422
    assert "Practitioner: Select a valid choice." in response.text
    assert not Client.objects.filter(given_name="Mara").exists()


def test_it_lets_only_owners_manage_the_practice(as_practitioner: HttpClient, as_owner: HttpClient) -> None:
    assert as_practitioner.get("/practice/").status_code == 403
    assert as_owner.get("/practice/").status_code == 200


def test_it_adds_a_location_and_refuses_a_duplicate_name(as_owner: HttpClient, world: PracticeWorld) -> None:
    data = {"name": "Westport", "country": "US", "time_zone": "America/New_York"}
    assert as_owner.post("/practice/locations/new/", data).status_code == 302
    again = as_owner.post("/practice/locations/new/", {**data, "name": "westport"})
    assert again.status_code == 422
    assert "Name: This practice already has a location of that name." in again.text
    assert Location.objects.for_practice(world.practice).filter(name__iexact="westport").count() == 1


def test_it_adds_a_practitioner_who_can_sign_in(as_owner: HttpClient, world: PracticeWorld) -> None:
    location = world.records["location"]
    response = as_owner.post(
        "/practice/staff/new/",
        {
            "full_name": "Julie Marsh",
            "email": "Julie@Example.org",
            "password": "a-long-unusual-passphrase",
            "role": Role.PRACTITIONER,
            "profession": "massage_therapist",
            "cst_style": "biodynamic",
            "locations": [location.pk],
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="julie@example.org")
    assert membership.practice == world.practice
    assert list(membership.practitioner.locations.all()) == [location]
    fresh = HttpClient()
    credentials = {"username": "julie@example.org", "password": "a-long-unusual-passphrase"}
    signed_in = fresh.post("/login/", credentials)
    assert signed_in.status_code == 302
    assert fresh.get("/staff/").status_code == 200


def test_it_requires_a_profession_for_a_practitioner(as_owner: HttpClient) -> None:
    response = as_owner.post(
        "/practice/staff/new/",
        {
            "full_name": "No Profession",
            "email": "np@example.org",
            "password": "a-long-unusual-passphrase",
            "role": Role.PRACTITIONER,
        },
    )
    assert response.status_code == 422
    assert "Profession (practitioners): A practitioner needs a profession." in response.text
    assert not User.objects.filter(email="np@example.org").exists()


def test_it_saves_theme_language_and_time_zone(world: PracticeWorld) -> None:
    http = login(world.client_user)
    response = http.post(
        "/settings/", {"full_name": "A", "language": "nl", "time_zone": "America/New_York", "theme": "dark"}
    )
    assert response.status_code == 302
    world.client_user.refresh_from_db()
    assert (world.client_user.language, world.client_user.time_zone, world.client_user.theme) == (
        "nl",
        "America/New_York",
        "dark",
    )
    page = http.get("/me/")
    assert 'data-theme="dark"' in page.text
    assert 'lang="nl"' in page.text


def test_it_signs_in_with_email_and_locks_out_after_repeated_failures(world: PracticeWorld) -> None:
    http = HttpClient()
    for _ in range(5):
        failed = http.post("/login/", {"username": world.practitioner_user.email, "password": "wrong"})
        assert failed.status_code in (200, 429)
    locked = http.post("/login/", {"username": world.practitioner_user.email, "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many attempts" in locked.text
    assert "_auth_user_id" not in http.session


def test_it_signs_in_a_practitioner(world: PracticeWorld) -> None:
    http = HttpClient()
    response = http.post("/login/", {"username": world.practitioner_user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert http.get("/staff/").status_code == 200


def test_it_shows_missing_days_as_missing_not_headache_free(
    as_client: HttpClient, world: PracticeWorld
) -> None:
    response = as_client.get("/me/")
    days = response.context["days"]
    assert len(days) == 28
    checkin_day = world.records["checkin"].date
    by_date = {d.date: d for d in days}
    assert by_date[checkin_day].recorded and by_date[checkin_day].had_headache is False
    unrecorded = [d for d in days if d.date not in (checkin_day,) and not d.attack_count]
    assert unrecorded and all(not d.recorded and d.had_headache is None for d in unrecorded)


def test_it_counts_an_attack_over_midnight_on_both_days(as_client: HttpClient, world: PracticeWorld) -> None:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(world.client.time_zone)
    today = timezone.now().astimezone(zone).date()
    start = dt.datetime.combine(today - dt.timedelta(days=5), dt.time(22, 0), tzinfo=zone)
    world.records["attack"].started_at = start
    world.records["attack"].ended_at = start + dt.timedelta(hours=5)
    world.records["attack"].save()
    days = {d.date: d for d in as_client.get("/me/").context["days"]}
    assert days[start.date()].had_headache and days[start.date() + dt.timedelta(days=1)].had_headache


def test_it_does_not_show_a_cancelled_appointment_today(
    as_front_desk: HttpClient, world: PracticeWorld
) -> None:
    cancelled = AppointmentFactory(
        client=world.other_client,
        practice=world.practice,
        practitioner=world.records["practitioner"],
        location=world.records["location"],
        status="cancelled",
    )
    response = as_front_desk.get("/staff/")
    assert cancelled not in list(response.context["appointments"])


def test_it_lets_an_owner_take_away_a_practitioners_access(
    as_owner: HttpClient, world: PracticeWorld
) -> None:
    membership = world.practitioner_user.membership
    response = as_owner.post(f"/practice/staff/{membership.uuid}/edit/", {"role": Role.PRACTITIONER})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.is_active is False
    world.practitioner_user.refresh_from_db()  # deactivation raised the session epoch
    assert login(world.practitioner_user).get("/staff/").status_code == 404


def test_it_keeps_the_last_owner(as_owner: HttpClient, world: PracticeWorld) -> None:
    membership = world.owner.membership
    response = as_owner.post(
        f"/practice/staff/{membership.uuid}/edit/", {"role": Role.PRACTITIONER, "is_active": "on"}
    )
    assert response.status_code == 422
    assert "Role: The practice needs at least one active owner." in response.text
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_it_refuses_staff_changes_from_a_practitioner(
    as_practitioner: HttpClient, world: PracticeWorld
) -> None:
    membership = world.front_desk.membership
    response = as_practitioner.post(
        f"/practice/staff/{membership.uuid}/edit/", {"role": Role.OWNER, "is_active": "on"}
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.FRONT_DESK


def test_it_answers_403_404_and_500_in_the_sites_look(
    as_practitioner: HttpClient, as_client: HttpClient, world: PracticeWorld
) -> None:
    from django.test import RequestFactory
    from django.views.defaults import server_error

    missing = as_client.get("/no-such-page/")
    assert missing.status_code == 404 and "Page not found" in missing.text
    assert "web/headwise.css" in missing.text and "My diary" in missing.text  # the site's menu
    refused = as_practitioner.get("/practice/")  # owners only
    assert refused.status_code == 403 and "Not for your role" in refused.text
    assert "web/headwise.css" in refused.text
    failed = server_error(RequestFactory().get("/"))
    assert failed.status_code == 500 and "Something went wrong" in failed.content.decode()
    world.client_user.language = "nl"
    world.client_user.save(update_fields=["language"])
    dutch = login(world.client_user).get("/no-such-page/")
    assert dutch.status_code == 404 and "Pagina niet gevonden" in dutch.text


def test_it_serves_a_favicon_and_the_api_docs_without_a_cdn(as_practitioner: HttpClient) -> None:
    from django.contrib.staticfiles import finders

    icon = HttpClient().get("/favicon.ico")
    assert icon.status_code == 301 and icon["Location"].endswith("web/favicon.svg")
    assert finders.find("web/favicon.svg")
    assert 'rel="icon"' in HttpClient().get("/login/").text
    docs = as_practitioner.get("/api/docs")
    assert docs.status_code == 200
    assert "ninja/swagger-ui-bundle.js" in docs.text and "cdn" not in docs.text.lower()
    assert finders.find("ninja/swagger-ui-bundle.js") and finders.find("ninja/swagger-ui.css")


def test_the_strip_shows_an_aura_without_headache_as_a_migraine_day(
    as_client: HttpClient, world: PracticeWorld
) -> None:
    # ICHD-3 1.2.1.2: an aura without headache is no headache day, but it is a migraine day.
    zone = world.client.time_zone
    start = f.local_at(zone, days=-5, hour=11)
    aura_only = f.AttackFactory(
        client=world.client,
        started_at=start,
        ended_at=start + dt.timedelta(minutes=40),
        peak_intensity=0,
        had_aura=True,
    )
    f.AuraSymptomFactory(attack=aura_only, type="visual", duration_minutes=20)
    days = {d.date: d for d in as_client.get("/me/").context["days"]}
    day = start.date()
    assert days[day].state == "migraine" and days[day].had_headache is False
    html = as_client.get("/me/").content.decode()
    assert f"{day:%a} {day.day} {day:%b}: migraine day" in html
