"""The outcome pages in Chromium: axe in both themes, the client's page at 390 and 1280 px, the
practitioner's view, and the report's first PDF page rendered with pdftoppm, for a person to look at.

Screenshots go to artifacts/screenshots/ (outcomes-*.png, report-page-1.png).
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

import pytest

from tests.browser.conftest import SCREENSHOTS, sign_in
from tests.browser.test_accessibility import THEMES, assert_clean, axe_violations
from tests.browser.test_accessibility import themed as themed  # the fixture, shared
from tests.conftest import PracticeWorld
from tests.factories import PASSWORD
from tests.outcomes.diary import build_year


def _theme(page: Any) -> str:
    return "dark" if page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") else "light"


def _shoot(page: Any, url: str, name: str, found: dict[str, Any]) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    page.wait_for_load_state("load")
    found[name] = axe_violations(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{name}: {width} px wide"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("themed", THEMES, indirect=True)
@pytest.mark.django_db(transaction=True)
def test_the_clients_outcomes_page_passes_axe_and_reads_on_a_phone(
    themed: Any, live_server: Any, world: PracticeWorld
) -> None:
    theme = _theme(themed)
    world.client_user.theme = theme
    world.client_user.save(update_fields=["theme"])
    build_year(world.client, world.records["practitioner"])
    sign_in(themed, live_server, world.client_user.email, PASSWORD)
    themed.wait_for_url(f"{live_server.url}/me/")
    themed.get_by_role("link", name="How am I doing?").click()
    themed.wait_for_url(f"{live_server.url}/me/outcomes/")
    found: dict[str, Any] = {}
    _shoot(themed, f"{live_server.url}/me/outcomes/", f"outcomes-client-{theme}-390", found)
    plot = themed.locator("figure.outcome-plot img")
    assert "migraine days" in (plot.get_attribute("alt") or "")
    assert plot.bounding_box()["width"] <= 390
    themed.set_viewport_size({"width": 1280, "height": 900})
    _shoot(themed, f"{live_server.url}/me/outcomes/", f"outcomes-client-{theme}-1280", found)
    _shoot(themed, f"{live_server.url}/me/report/", f"outcomes-report-html-{theme}-1280", found)
    assert_clean(found)


@pytest.mark.parametrize("themed", THEMES, indirect=True)
@pytest.mark.django_db(transaction=True)
def test_the_practitioners_view_passes_axe(themed: Any, live_server: Any, world: PracticeWorld) -> None:
    theme = _theme(themed)
    world.practitioner_user.theme = theme
    world.practitioner_user.save(update_fields=["theme"])
    build_year(world.client, world.records["practitioner"])
    sign_in(themed, live_server, world.practitioner_user.email, PASSWORD)
    themed.wait_for_url(f"{live_server.url}/staff/")
    found: dict[str, Any] = {}
    _shoot(
        themed,
        f"{live_server.url}/clients/{world.client.uuid}/outcomes/",
        f"outcomes-staff-{theme}-390",
        found,
    )
    themed.set_viewport_size({"width": 1280, "height": 900})
    _shoot(
        themed,
        f"{live_server.url}/clients/{world.client.uuid}/outcomes/",
        f"outcomes-staff-{theme}-1280",
        found,
    )
    assert_clean(found)


@pytest.mark.django_db(transaction=True)
def test_the_reports_first_page_is_rendered_for_a_person_to_look_at(
    page: Any, live_server: Any, world: PracticeWorld, tmp_path: Any
) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: run `make pdftoppm` (Debian's poppler-utils)")
    build_year(world.client, world.records["practitioner"])
    sign_in(page, live_server, world.client_user.email, PASSWORD)
    page.wait_for_url(f"{live_server.url}/me/")
    response = page.request.get(f"{live_server.url}/me/report.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.body())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(  # noqa: S603 - a fixed command on a file this test wrote
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "2", str(pdf), str(SCREENSHOTS / "report-page")],  # noqa: S607
        check=True,
    )
    assert (SCREENSHOTS / "report-page-1.png").exists()
    assert (SCREENSHOTS / "report-page-2.png").exists()
