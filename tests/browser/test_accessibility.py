"""axe-core on every main page, light and dark: no serious or critical violation.

axe-core comes from npm (package.json pins it; `make axe` runs `npm ci`). It is injected into
each page after it has loaded and run there, as a person's browser would show the page. Each
page is also photographed at 390 px (a phone) and 1280 px for a person to look at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from headwise.diary.models import DailyCheckIn
from headwise.practice.models import Practice
from tests import factories as f
from tests.browser.conftest import SCREENSHOTS, sign_in
from tests.conftest import PracticeWorld
from tests.factories import PASSWORD

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
#: What the tests refuse; "moderate" and "minor" are reported by axe but not failed here.
REFUSED = ("serious", "critical")
THEMES = ("light", "dark")

_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + " (" + (n.any[0] || {}).message + ")"),
  }));
}"""


#: Radios, boxes and the month arrows narrower or lower than 24 CSS px.
_SMALL_TARGETS = """() => [...document.querySelectorAll(
  'input[type=radio], input[type=checkbox], .monthnav a')]
  .map(e => [e.outerHTML.slice(0, 60), e.getBoundingClientRect()])
  .filter(([, r]) => r.width > 0 && (r.width < 24 || r.height < 24))
  .map(([html, r]) => `${html} ${Math.round(r.width)}x${Math.round(r.height)}`)"""


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """The serious and critical violations axe finds on the page as it is now."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make axe` (npm ci)")
    # Evaluated through the DevTools protocol, not added as a <script>: the Content-Security-Policy
    # refuses inline scripts, and a page under test must not be loosened for its checker.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    return [v for v in page.evaluate(_RUN) if v["impact"] in REFUSED]


@pytest.fixture
def themed(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A phone-sized page whose device prefers the theme under test."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=1, color_scheme=request.param
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(30_000)  # the live server's first answer is slow
    yield page
    context.close()


def check(page: Any, url: str, name: str, theme: str, found: dict[str, Any], status: int = 200) -> None:
    response = page.goto(url)
    assert response is not None and response.status == status, f"{url}: {response and response.status}"
    page.wait_for_load_state("load")
    found[name] = axe_violations(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"a11y-{name}-{theme}-390.png"), full_page=True)
    small = page.evaluate(_SMALL_TARGETS)
    assert not small, f"{name}: targets under 24 px (WCAG 2.5.8): {small}"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name}: the page is {width} px wide on a 390 px phone"
    if theme == "light":
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"a11y-{name}-{theme}-1280.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})


def assert_clean(found: dict[str, Any]) -> None:
    bad = {name: v for name, v in found.items() if v}
    assert not bad, "\n".join(
        f"{name}: {v['impact']} {v['id']} ({v['help']}) at {v['nodes']}"
        for name, vs in bad.items()
        for v in vs
    )


def _last_month(world: PracticeWorld) -> dt.date:
    return f.local_today(world.client.time_zone).replace(day=1) - dt.timedelta(days=1)


def _diary(world: PracticeWorld) -> None:
    """A month with every kind of day: migraine, headache, free, missing, a session, medication."""
    zone = world.client.time_zone
    today = f.local_today(zone)
    for back in range(1, 20):
        day = today - dt.timedelta(days=back)
        if back % 5 and not DailyCheckIn.objects.filter(client=world.client, date=day).exists():
            f.DailyCheckInFactory(
                client=world.client, practice=world.practice, date=day, had_headache=back % 3 == 0
            )
    for back, peak in ((3, 8), (6, 4), (9, 9)):
        start = f.local_at(zone, days=-back, hour=9)
        f.AttackFactory(
            client=world.client,
            practice=world.practice,
            started_at=start,
            ended_at=start + dt.timedelta(hours=5),
            peak_intensity=peak,
            side="unilateral",
            quality="pulsating",
            nausea=peak > 5,
            aggravated_by_activity=True,
            warning_signs=["neck_stiffness"],
            suspected_triggers=["sleep"],
        )
    f.SessionRecordFactory(
        client=world.client,
        practice=world.practice,
        practitioner=world.records["practitioner"],
        started_at=f.local_at(zone, days=-3, hour=16),
    )


@pytest.mark.parametrize("themed", THEMES, indirect=True)
@pytest.mark.django_db(transaction=True)
def test_the_sign_in_page_passes_axe(themed: Any, live_server: Any, world: PracticeWorld) -> None:
    found: dict[str, Any] = {}
    theme = themed.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") and "dark" or "light"
    check(themed, f"{live_server.url}/login/", "sign-in", theme, found)
    assert_clean(found)


@pytest.mark.parametrize("themed", THEMES, indirect=True)
@pytest.mark.django_db(transaction=True)
def test_the_clients_pages_pass_axe(themed: Any, live_server: Any, world: PracticeWorld) -> None:
    theme = themed.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") and "dark" or "light"
    world.client_user.theme = theme
    world.client_user.save(update_fields=["theme"])
    _diary(world)
    attack = world.records["attack"]
    attack.warning_signs = ["neck_stiffness"]
    attack.save()
    sign_in(themed, live_server, world.client_user.email, PASSWORD)
    themed.wait_for_url(f"{live_server.url}/me/")
    base, found = live_server.url, {}
    pages = {
        "me": "/me/",
        "attack-start": "/diary/attack/",
        "attack-mode": f"/diary/attacks/{attack.uuid}/intensity/",
        "attack-detail": f"/diary/attacks/{attack.uuid}/",
        "attack-list": "/diary/attacks/",
        "attack-history": f"/diary/attacks/{attack.uuid}/history/",
        "checkin": "/diary/checkin/",
        "backfill": "/diary/backfill/",
        "month": "/diary/month/",
        "month-before": f"/diary/month/{_last_month(world):%Y-%m}/",
        "reminders": "/diary/reminders/",
        "settings": "/settings/",
    }
    for name, path in pages.items():
        check(themed, base + path, name, theme, found)
    check(themed, f"{base}/no-such-page/", "404", theme, found, status=404)
    assert_clean(found)


@pytest.mark.parametrize("themed", THEMES, indirect=True)
@pytest.mark.django_db(transaction=True)
def test_the_staff_pages_pass_axe(themed: Any, live_server: Any, world: PracticeWorld) -> None:
    theme = themed.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") and "dark" or "light"
    world.practitioner_user.theme = theme
    world.practitioner_user.save(update_fields=["theme"])
    Practice.objects.filter(pk=world.practice.pk).update(name="Praktijk Hoofdzaak")
    _diary(world)
    sign_in(themed, live_server, world.practitioner_user.email, PASSWORD)
    themed.wait_for_url(f"{live_server.url}/staff/")
    base, found, c = live_server.url, {}, world.client.uuid
    pages = {
        "staff-home": "/staff/",
        "client-list": "/clients/",
        "client-page": f"/clients/{c}/",
        "client-edit": f"/clients/{c}/edit/",
        "client-new": "/clients/new/",
        "staff-month": f"/clients/{c}/diary/",
        "staff-month-before": f"/clients/{c}/diary/{_last_month(world):%Y-%m}/",
    }
    for name, path in pages.items():
        check(themed, base + path, name, theme, found)
    check(themed, f"{base}/practice/", "403", theme, found, status=403)  # owners only
    assert_clean(found)
