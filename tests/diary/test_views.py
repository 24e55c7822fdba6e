"""The client's diary pages: two taps to an attack, forms that name the field, constant queries."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from headwise.diary import services
from headwise.diary.models import Attack, DailyCheckIn
from tests import factories as f
from tests.conftest import PracticeWorld, login
from tests.forms import resubmit

NOW = dt.datetime(2026, 5, 10, 12, tzinfo=dt.UTC)


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


pytestmark = pytest.mark.usefixtures("frozen")


def test_it_saves_an_attack_in_two_taps(world: PracticeWorld, as_client: HttpClient) -> None:
    home = as_client.get("/me/")
    assert "Attack now" in home.content.decode()
    rid = str(uuid.uuid4())
    tap1 = as_client.post("/diary/attack/", {"request_id": rid})
    attack = Attack.objects.get(client=world.client, request_id=rid)
    assert tap1.status_code == 302 and tap1["Location"] == f"/diary/attacks/{attack.uuid}/intensity/"
    assert attack.started_at == NOW and attack.ended_at is None
    again = as_client.post("/diary/attack/", {"request_id": rid})
    assert again["Location"] == tap1["Location"]
    assert Attack.objects.filter(client=world.client, request_id=rid).count() == 1
    tap2 = as_client.post(f"/diary/attacks/{attack.uuid}/intensity/", {"peak_intensity": "7"})
    assert tap2.status_code == 302
    attack.refresh_from_db()
    assert attack.peak_intensity == 7


def test_it_asks_which_time_in_the_autumn_overlap_and_refuses_the_spring_gap(
    world: PracticeWorld, as_client: HttpClient
) -> None:
    with time_machine.travel(dt.datetime(2026, 10, 26, 12, tzinfo=dt.UTC), tick=False):
        as_client = login(world.client_user)  # a fresh session at this date
        body = {"request_id": str(uuid.uuid4()), "started_at_local": "2026-10-25T02:30", "time_zone": ""}
        asked = as_client.post("/diary/attack/", body)
        assert asked.status_code == 422 and "happened twice" in asked.content.decode()
        assert 'name="started_at_fold"' in asked.content.decode()
        assert not Attack.objects.filter(request_id=body["request_id"]).exists()
        answered = as_client.post("/diary/attack/", {**body, "started_at_fold": "1", "still_going": "on"})
        assert answered.status_code == 302
        assert Attack.objects.get(request_id=body["request_id"]).started_at == dt.datetime(
            2026, 10, 25, 1, 30, tzinfo=dt.UTC
        )
        gap = as_client.post(
            "/diary/attack/", {"request_id": str(uuid.uuid4()), "started_at_local": "2026-03-29T02:30"}
        )
        assert gap.status_code == 422 and "did not exist" in gap.content.decode()


def test_it_adds_a_finished_past_attack_before_a_later_one(
    world: PracticeWorld, as_client: HttpClient
) -> None:
    """An earlier attack with its end is saved as over; without an end the form asks (no guess)."""
    services.attack_start(client=world.client, by=None, started_at=NOW - dt.timedelta(hours=3))
    body = {"request_id": str(uuid.uuid4()), "started_at_local": "2026-05-05T09:00", "time_zone": ""}
    asked = as_client.post("/diary/attack/", body)
    assert asked.status_code == 422 and "It is still going" in asked.content.decode()
    assert not Attack.objects.filter(request_id=body["request_id"]).exists()
    both = as_client.post(
        "/diary/attack/", {**body, "ended_at_local": "2026-05-05T11:00", "still_going": "on"}
    )
    assert both.status_code == 422
    saved = as_client.post("/diary/attack/", {**body, "ended_at_local": "2026-05-05T11:00"})
    assert saved.status_code == 302, re.findall(
        r'<ul class="errorlist".*?</ul>', saved.content.decode(), re.S
    )
    attack = Attack.objects.get(request_id=body["request_id"])
    assert (attack.started_at, attack.ended_at) == (
        dt.datetime(2026, 5, 5, 7, tzinfo=dt.UTC),
        dt.datetime(2026, 5, 5, 9, tzinfo=dt.UTC),
    )
    backwards = {"request_id": str(uuid.uuid4()), "started_at_local": "2026-05-04T09:00"}
    refused = as_client.post("/diary/attack/", {**backwards, "ended_at_local": "2026-05-04T08:00"})
    assert refused.status_code == 422 and "ends after it starts" in refused.content.decode()


def test_it_completes_an_attack_and_keeps_unanswered_as_unknown(
    world: PracticeWorld, as_client: HttpClient
) -> None:
    attack, _ = services.attack_start(client=world.client, by=None, started_at=NOW - dt.timedelta(hours=5))
    url = f"/diary/attacks/{attack.uuid}/"
    page = as_client.get(url)
    assert page.status_code == 200
    response = as_client.post(
        url,
        {
            "started_at_local": "2026-05-10T09:00",
            "ended_at_local": "2026-05-10T13:30",
            "time_zone": "Europe/Amsterdam",
            "peak_intensity": "8",
            "side": "unilateral",
            "nausea": "true",
            "photophobia": "unknown",
            "suspected_triggers": ["sleep", "stress"],
        },
    )
    assert response.status_code == 302
    attack.refresh_from_db()
    assert attack.ended_at == dt.datetime(2026, 5, 10, 11, 30, tzinfo=dt.UTC)
    assert attack.nausea is True and attack.photophobia is None and attack.vomiting is None
    assert attack.suspected_triggers == ["sleep", "stress"]
    bad = as_client.post(
        url,
        {
            "started_at_local": "2026-05-10T09:00",
            "ended_at_local": "2026-05-10T08:00",
            "time_zone": "Europe/Amsterdam",
        },
    )
    assert bad.status_code == 422 and "It ended at: An attack ends after it starts." in bad.content.decode()
    attack.refresh_from_db()
    assert attack.ended_at == dt.datetime(2026, 5, 10, 11, 30, tzinfo=dt.UTC)
    history = as_client.get(f"{url}history/")
    assert history.status_code == 200 and "Undo this change" in history.content.decode()


def test_it_backfills_missing_days_from_one_page(world: PracticeWorld, as_client: HttpClient) -> None:
    page = as_client.get("/diary/backfill/")
    assert page.status_code == 200
    response = as_client.post(
        "/diary/backfill/", {"day-2026-05-05": "no", "day-2026-05-04": "yes", "day-2026-06-01": "no"}
    )
    assert response.status_code == 302
    saved = dict(
        DailyCheckIn.objects.filter(client=world.client, date__gte="2026-05-04").values_list(
            "date", "had_headache"
        )
    )
    assert saved[dt.date(2026, 5, 5)] is False and saved[dt.date(2026, 5, 4)] is True
    assert dt.date(2026, 6, 1) not in saved


def test_it_saves_a_checkin_and_names_a_bad_field(world: PracticeWorld, as_client: HttpClient) -> None:
    bad = as_client.post("/diary/checkin/2026-05-10/", {"had_headache": "false", "sleep_quality": "9"})
    assert bad.status_code == 422 and "Sleep quality" in bad.content.decode()
    assert not DailyCheckIn.objects.filter(client=world.client, date=dt.date(2026, 5, 10)).exists()
    ok = as_client.post("/diary/checkin/2026-05-10/", {"had_headache": "false", "sleep_hours": "7.5"})
    assert ok.status_code == 302
    assert DailyCheckIn.objects.get(client=world.client, date=dt.date(2026, 5, 10)).sleep_hours == 7.5
    assert as_client.get("/diary/checkin/2026-13-40/").status_code == 404


def test_it_hides_other_clients_attacks(
    world: PracticeWorld, outsider: PracticeWorld, as_client: HttpClient
) -> None:
    theirs = world.records["other_attack"]
    assert as_client.get(f"/diary/attacks/{theirs.uuid}/").status_code == 404
    assert as_client.post(f"/diary/attacks/{theirs.uuid}/delete/").status_code == 404
    assert (
        login(outsider.client_user).get(f"/diary/attacks/{world.records['attack'].uuid}/history/").status_code
        == 404
    )
    assert login(world.owner).get("/diary/month/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.deleted_at is None


def test_it_shows_the_month_with_the_chart(world: PracticeWorld, as_client: HttpClient) -> None:
    page = as_client.get("/diary/month/2026-05/")
    assert page.status_code == 200 and "This month in short" in page.content.decode()
    chart = as_client.get("/diary/month/2026-05/chart.svg")
    assert chart.status_code == 200 and chart["Content-Type"] == "image/svg+xml" and b"<svg" in chart.content
    assert as_client.get("/diary/month/2027-01/").status_code == 404


def _diary(client: Any, days: int) -> None:
    for i in range(days):
        day = dt.date(2026, 5, 9) - dt.timedelta(days=i)
        f.DailyCheckInFactory(client=client, practice=client.practice, date=day, had_headache=i % 4 == 0)
        if i % 4 == 0:
            start = dt.datetime.combine(day, dt.time(8), tzinfo=dt.UTC)
            attack = f.AttackFactory(
                client=client,
                practice=client.practice,
                started_at=start,
                ended_at=start + dt.timedelta(hours=6),
            )
            f.MedicationIntakeFactory(
                client=client, practice=client.practice, attack=attack, taken_at=start + dt.timedelta(hours=1)
            )


@pytest.mark.parametrize(
    "url",
    [
        "/me/",
        "/diary/month/2026-05/",
        "/diary/month/2026-04/chart.svg",
        "/diary/attacks/",
        "/diary/backfill/",
        "/diary/checkin/2026-05-09/",
    ],
)
def test_it_runs_a_constant_number_of_queries_whatever_the_diary_length(url: str, db: Any) -> None:
    counts = []
    for days in (30, 730):
        client = f.ClientFactory(user=f.UserFactory())
        _diary(client, days)
        http = login(client.user)
        http.get(url)  # warm caches (session, content types)
        with CaptureQueriesContext(connection) as queries:
            assert http.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_it_keeps_every_answer_when_an_attack_is_saved_unchanged(
    world: PracticeWorld, as_client: HttpClient
) -> None:
    attack, _ = services.attack_start(
        client=world.client,
        by=world.client_user,
        started_at=NOW - dt.timedelta(hours=8),
        ended_at=NOW - dt.timedelta(hours=2),
        peak_intensity=7,
        side="unilateral",
        quality="pulsating",
        aggravated_by_activity=True,
        nausea=True,
        vomiting=False,
        photophobia=None,
        phonophobia=True,
        had_aura=False,
        warning_signs=["yawning"],
        disability="half",
    )
    url = f"/diary/attacks/{attack.uuid}/"
    before = Attack.objects.values().get(pk=attack.pk)
    response = resubmit(as_client, url)
    assert response.status_code == 302, response.content.decode()[:500]
    after = Attack.objects.values().get(pk=attack.pk)
    fields = (
        *("peak_intensity", "side", "quality", "aggravated_by_activity", "nausea", "vomiting"),
        *("photophobia", "phonophobia", "had_aura", "warning_signs", "disability", "started_at", "ended_at"),
    )
    assert {k: after[k] for k in fields} == {k: before[k] for k in fields}


def test_it_shows_the_days_answers_again_on_its_check_in(world: PracticeWorld, as_client: HttpClient) -> None:
    day = NOW.date()
    services.checkin_save(
        client=world.client, by=world.client_user, date=day, had_headache=False, menstruating=True,
        skipped_meals=False, stress=4,
    )  # fmt: skip
    before = DailyCheckIn.objects.values().get(client=world.client, date=day)
    response = resubmit(as_client, f"/diary/checkin/{day.isoformat()}/")
    assert response.status_code == 302, response.content.decode()[:500]
    after = DailyCheckIn.objects.values().get(client=world.client, date=day)
    assert (after["had_headache"], after["menstruating"], after["skipped_meals"], after["stress"]) == (
        False, True, False, 4,
    )  # fmt: skip
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }


def test_saving_details_never_moves_an_attack_stored_to_the_second(
    world: PracticeWorld, as_client: HttpClient
) -> None:
    """ "Attack now" stores seconds; the form shows minutes. Saving other answers keeps the
    stored start and end, and the history records only what was changed."""
    start = NOW - dt.timedelta(hours=3, seconds=37)
    attack, _ = services.attack_start(
        client=world.client, by=world.client_user, started_at=start, ended_at=NOW - dt.timedelta(seconds=11)
    )
    url = f"/diary/attacks/{attack.uuid}/"
    response = resubmit(as_client, url, side="unilateral")
    assert response.status_code == 302, response.content.decode()[:500]
    attack.refresh_from_db()
    assert attack.side == "unilateral"
    assert attack.started_at == start and attack.ended_at == NOW - dt.timedelta(seconds=11)
    latest = attack.history.order_by("-history_id").first()
    previous = attack.history.order_by("-history_id")[1]
    assert (latest.started_at, latest.ended_at) == (previous.started_at, previous.ended_at)
    # Saving it again as it is writes no version at all.
    versions = attack.history.count()
    assert resubmit(as_client, url).status_code == 302
    assert attack.history.count() == versions
    # On the history page the recorded version's button says what undoing it does.
    page = as_client.get(f"{url}history/").content.decode()
    assert page.count("Undo this change") == 1 and page.count("Delete this attack") == 1
    # An undo says, in words, which change it undid (no ids on the page).
    undo_url = re.search(r'action="([^"]+/undo/)"', page)
    assert undo_url is not None
    as_client.post(undo_url.group(1))
    page = as_client.get(f"{url}history/").content.decode()
    assert "(undoes the change of " in page and "undo of change" not in page
    # Typing a new time does change it (to the minute typed).
    response = resubmit(as_client, url, started_at_local="2026-05-10T10:00")
    assert response.status_code == 302
    attack.refresh_from_db()
    assert attack.started_at == dt.datetime(2026, 5, 10, 8, 0, tzinfo=dt.UTC)  # Amsterdam summer time


def test_an_undo_says_what_it_did(world: PracticeWorld, as_client: HttpClient) -> None:
    """Undoing a change says so; undoing the recording says the attack is deleted; undoing
    that deletion says the attack is restored."""
    attack, _ = services.attack_start(client=world.client, by=world.client_user, started_at=NOW)
    services.attack_update(attack=attack, by=world.client_user, peak_intensity=6)
    url = f"/diary/attacks/{attack.uuid}/history/"

    def undo(entry: int) -> str:
        history_id = list(attack.history.order_by("history_id"))[entry].history_uuid
        response = as_client.post(f"/diary/attacks/{attack.uuid}/history/{history_id}/undo/", follow=True)
        assert response.redirect_chain[-1][0] == url
        return " ".join(m.message for m in response.context["messages"])

    assert undo(1) == "Change undone. The undo is in the history too."
    attack.refresh_from_db()
    assert attack.peak_intensity is None and attack.deleted_at is None
    assert undo(0) == "Attack deleted. You can restore it from its page."
    attack.refresh_from_db()
    assert attack.deleted_at is not None
    assert undo(-1) == "Attack restored."
    attack.refresh_from_db()
    assert attack.deleted_at is None


def test_the_list_of_attacks_reaches_every_attack(world: PracticeWorld, as_client: HttpClient) -> None:
    """50 a page, newest first, "Next" until the last; it used to stop at 200 without a word."""
    mine = [
        f.AttackFactory(client=world.client, started_at=NOW - dt.timedelta(days=k + 1), ended_at=None)
        for k in range(60)
    ]
    f.AttackFactory(client=world.other_client, started_at=NOW - dt.timedelta(days=3), ended_at=None)
    total = Attack.objects.filter(client=world.client, deleted_at=None).count()
    pages = [as_client.get("/diary/attacks/").content.decode()]
    assert 'rel="prev"' not in pages[0]
    while found := re.search(r'<a href="(/diary/attacks/\?cursor=[^"]+)" rel="next"', pages[-1]):
        pages.append(as_client.get(found.group(1)).content.decode())
        assert 'rel="prev"' in pages[-1] and len(pages) < 10
    assert len(pages) == (total + 49) // 50
    shown = [u for page in pages for u in re.findall(r'href="/diary/attacks/([0-9a-f-]{36})/"', page)]
    assert {str(a.uuid) for a in mine} <= set(shown)
    assert len(shown) == len(set(shown)) == total  # every attack once, none of another client's


def test_the_attack_page_gives_every_field_its_own_id(world: PracticeWorld, as_client: HttpClient) -> None:
    """The attack form and the aura form both ask when something began; each label must point
    at its own field (a tap on a label focuses the field it names)."""
    attack, _ = services.attack_start(client=world.client, by=world.client_user, started_at=NOW)
    page = as_client.get(f"/diary/attacks/{attack.uuid}/").content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert ids and len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for target in re.findall(r'<label[^>]*\sfor="([^"]+)"', page):
        assert target in ids, target


def test_the_backfill_says_one_day_in_the_singular(world: PracticeWorld, as_client: HttpClient) -> None:
    from headwise.diary import selectors

    first, second, third = [d.date for d in selectors.missing_days(client=world.client)][:3]
    one = as_client.post("/diary/backfill/", {f"day-{first.isoformat()}": "no"}, follow=True)
    assert "1 day saved." in one.content.decode()
    two = as_client.post(
        "/diary/backfill/",
        {f"day-{second.isoformat()}": "no", f"day-{third.isoformat()}": "yes"},
        follow=True,
    )
    assert "2 days saved." in two.content.decode()


def test_the_attack_page_refuses_a_2_hour_answer_given_with_the_dose(
    world: PracticeWorld, as_client: HttpClient
) -> None:
    from headwise.diary.models import MedicationIntake

    attack, _ = services.attack_start(client=world.client, by=None, started_at=NOW - dt.timedelta(minutes=30))
    body = {
        "request_id": str(uuid.uuid4()),
        "name": "sumatriptan",
        "drug_class": "triptan",
        "taken_at_local": "2026-05-10T13:55",  # 11:55 UTC, five minutes ago
        "pain_before": "severe",
        "pain_at_2h": "none",
    }
    refused = as_client.post(f"/diary/attacks/{attack.uuid}/medication/", body)
    assert refused.status_code == 422
    assert 'id="id_pain_at_2h_errors"' in refused.content.decode()
    assert "2 hours after taking it" in refused.content.decode()
    assert not MedicationIntake.objects.filter(request_id=body["request_id"]).exists()
    saved = as_client.post(f"/diary/attacks/{attack.uuid}/medication/", {**body, "pain_at_2h": ""})
    assert saved.status_code == 302
