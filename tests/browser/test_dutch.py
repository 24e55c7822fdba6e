"""A Dutch client's screens on a 390-px phone: Dutch text, nothing wider than the screen."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from headwise.diary.models import Attack, DailyCheckIn
from tests import factories as f
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PracticeWorld
from tests.factories import PASSWORD

# Wider than the viewport means a word or button pushes the page sideways on a phone.
OVERFLOW = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .map(e => e.tagName + ': ' + (e.innerText || '').slice(0, 40))"""


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate(OVERFLOW) == []


def _past_days(world: PracticeWorld) -> None:
    """A few answered days and one earlier attack, so the month view has something to show."""
    today = f.local_today(world.client.time_zone)  # the client's day, not the server's (UTC)
    taken = set(DailyCheckIn.objects.filter(client=world.client).values_list("date", flat=True))
    for back in range(1, 10):
        if today - dt.timedelta(days=back) in taken:
            continue
        f.DailyCheckInFactory(
            client=world.client,
            practice=world.practice,
            date=today - dt.timedelta(days=back),
            had_headache=back in (2, 6),
        )
    start = f.local_at(world.client.time_zone, days=-2, hour=9)  # 09:00-18:00, within one day
    f.AttackFactory(
        client=world.client,
        practice=world.practice,
        started_at=start,
        ended_at=start + dt.timedelta(hours=9),
        peak_intensity=8,
        side="unilateral",
        quality="pulsating",
        nausea=True,
        aggravated_by_activity=True,
    )


@pytest.mark.django_db(transaction=True)
def test_it_shows_a_dutch_client_the_diary_in_dutch(
    page: Any, live_server: Any, world: PracticeWorld
) -> None:
    world.client_user.language = "nl"
    world.client_user.save(update_fields=["language"])
    Attack.objects.filter(client=world.client).delete()
    _past_days(world)

    sign_in(page, live_server, world.client_user.email, PASSWORD)
    page.wait_for_url(f"{live_server.url}/me/")
    main = page.locator("main").inner_text()
    assert "Je afgelopen 28 dagen" in main and "Your last 28 days" not in main
    _fits(page)
    screenshot(page, "diary-home-nl")

    page.get_by_role("button", name="Nu een aanval").click()
    page.wait_for_url("**/intensity/")
    assert "Hoe erg is het? Eén tik slaat het op." in page.locator("main").inner_text()
    _fits(page)
    screenshot(page, "diary-attack-mode-nl")

    page.get_by_role("button", name="7", exact=True).click()
    page.wait_for_url("**/intensity/?saved=1")
    attack = Attack.objects.get(client=world.client, ended_at=None)
    assert attack.peak_intensity == 7
    _fits(page)
    screenshot(page, "diary-attack-saved-nl")

    for path, name, words in (
        (f"/diary/attacks/{attack.uuid}/", "diary-attack-detail-nl", "Waar zat de pijn?"),
        ("/diary/checkin/", "diary-checkin-nl", "Vandaag hoofdpijn gehad?"),
        ("/diary/backfill/", "diary-backfill-nl", "De afgelopen 14 dagen"),
        ("/diary/month/", "diary-month-nl", "Deze maand in het kort"),
    ):
        page.goto(f"{live_server.url}{path}")
        assert words in page.locator("main").inner_text(), path
        _fits(page)
        screenshot(page, name)
