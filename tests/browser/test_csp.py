"""The Content-Security-Policy holds in a real browser: the main pages raise no violation.

Chromium reports each refused inline script, inline style, ``style=`` attribute or foreign
source as a ``securitypolicyviolation`` event (and a console error). An init script, which
Playwright runs outside the page's policy, collects the events on every page from its start.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import _diary
from tests.conftest import PracticeWorld
from tests.factories import PASSWORD

_COLLECT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(
  `${e.violatedDirective} ${e.blockedURI || "inline"} ` +
  `at ${e.sourceFile || location.pathname}:${e.lineNumber}`));
"""


def _visit(page: Any, url: str, problems: list[str]) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 400, f"{url}: {response and response.status}"
    page.wait_for_load_state("load")
    header = response.headers.get("content-security-policy", "")
    if "script-src 'self'" not in header:
        problems.append(f"{url}: no policy header ({header!r})")
    # htmx runs its set-up on DOMContentLoaded; give a violation a moment to be reported.
    page.wait_for_timeout(150)
    problems += [f"{url}: {v}" for v in page.evaluate("window.__csp")]


def _browse(browser: Any, live_server: Any, email: str, landing: str, paths: list[str]) -> list[str]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(_COLLECT)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(30_000)
    console: list[str] = []
    page.on(
        "console",
        lambda m: console.append(m.text) if "Content Security Policy" in m.text else None,
    )
    problems: list[str] = []
    try:
        sign_in(page, live_server, email, PASSWORD)
        page.wait_for_url(f"{live_server.url}{landing}")
        for path in paths:
            _visit(page, live_server.url + path, problems)
    finally:
        context.close()
    return problems + console


@pytest.mark.django_db(transaction=True)
def test_the_clients_pages_raise_no_policy_violation(
    browser: Any, live_server: Any, world: PracticeWorld
) -> None:
    _diary(world)
    attack = world.records["attack"]
    paths = [
        "/me/",
        "/diary/attack/",
        f"/diary/attacks/{attack.uuid}/",
        "/diary/attacks/",
        "/diary/checkin/",
        "/diary/month/",
        "/diary/reminders/",
        "/settings/",
        "/me/privacy/",
    ]
    problems = _browse(browser, live_server, world.client_user.email, "/me/", paths)
    assert not problems, "\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_the_staff_pages_raise_no_policy_violation(
    browser: Any, live_server: Any, world: PracticeWorld
) -> None:
    _diary(world)
    c = world.client.uuid
    screening = world.records["screening"].uuid
    paths = [
        "/staff/",
        "/clients/",
        f"/clients/{c}/",
        f"/clients/{c}/diary/",
        f"/clients/{c}/report/",
        f"/screenings/{screening}/letter/",
        f"/clients/{c}/sessions/new/",
        "/practice/",
        "/practice/cohort/",
        "/practice/privacy/",
        f"/clients/{c}/privacy/",
        "/api/docs",
    ]
    problems = _browse(browser, live_server, world.owner.email, "/staff/", paths)
    assert not problems, "\n".join(problems)
