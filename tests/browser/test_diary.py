"""A client records an attack from the home screen in two taps, completes it later, sees the month."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from headwise.diary.models import Attack
from tests import factories as f
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PracticeWorld
from tests.factories import PASSWORD


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.django_db(transaction=True)
def test_it_records_an_attack_in_two_taps_and_completes_it_later(
    page: Any, live_server: Any, world: PracticeWorld, theme: str, clock: time_machine.Coordinates
) -> None:
    world.client_user.theme = theme
    world.client_user.save(update_fields=["theme"])
    Attack.objects.filter(client=world.client).delete()
    sign_in(page, live_server, world.client_user.email, PASSWORD)
    page.wait_for_url(f"{live_server.url}/me/")
    screenshot(page, f"diary-home-{theme}")
    page.get_by_role("button", name="Attack now").click()  # tap 1: saved
    page.wait_for_url("**/intensity/")
    attack = Attack.objects.get(client=world.client)
    assert attack.ended_at is None and attack.peak_intensity is None
    screenshot(page, f"diary-attack-mode-{theme}")
    page.get_by_role("button", name="7", exact=True).click()  # tap 2: intensity
    page.wait_for_url("**/intensity/?saved=1")
    attack.refresh_from_db()
    assert attack.peak_intensity == 7
    screenshot(page, f"diary-attack-saved-{theme}")
    # Later: complete it from the attack page (the clock stands still in tests: move it on).
    clock.shift(dt.timedelta(hours=2))
    page.goto(f"{live_server.url}/diary/attacks/{attack.uuid}/")
    page.locator("#id_nausea input[value='true']").check()
    page.get_by_label("Where was the pain?").select_option("unilateral")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"**/diary/attacks/{attack.uuid}/")
    attack.refresh_from_db()
    assert attack.nausea is True and attack.side == "unilateral" and attack.vomiting is None
    page.get_by_role("button", name="It is over now").click()
    page.get_by_text("Noted: the attack is over.").wait_for()
    attack.refresh_from_db()
    assert attack.ended_at == attack.started_at + dt.timedelta(hours=2)
    # Every version is there, the recorded one (written before the first change) included.
    page.goto(f"{live_server.url}/diary/attacks/{attack.uuid}/history/")
    history = page.locator("main").inner_text()
    assert history.count("Changed") == 3 and "Recorded" in history
    assert [h.history_type for h in attack.history.order_by("history_id")] == ["+", "~", "~", "~"]
    screenshot(page, f"diary-history-{theme}")
    _some_past_days(world)
    page.goto(f"{live_server.url}/diary/month/")
    assert "This month in short" in page.locator("main").inner_text()
    screenshot(page, f"diary-month-{theme}")


def _some_past_days(world: PracticeWorld) -> None:
    """A few answered days and two earlier attacks, so the month view has something to show."""
    today = f.local_today(world.client.time_zone)  # the client's day, not the server's (UTC)
    for back in range(1, 12):
        day = today - dt.timedelta(days=back)
        if day.month == today.month and back not in (1, 4, 5):
            f.DailyCheckInFactory(
                client=world.client, practice=world.practice, date=day, had_headache=back in (2, 7)
            )
    for back, peak, hours in ((2, 8, 9), (7, 4, 3)):
        start = f.local_at(world.client.time_zone, days=-back, hour=9)  # ends the same day
        if start.month == today.month:
            f.AttackFactory(
                client=world.client,
                practice=world.practice,
                started_at=start,
                ended_at=start + dt.timedelta(hours=hours),
                peak_intensity=peak,
                side="unilateral" if peak > 5 else "bilateral",
                quality="pulsating" if peak > 5 else "pressing",
                nausea=peak > 5,
                aggravated_by_activity=peak > 5,
            )
