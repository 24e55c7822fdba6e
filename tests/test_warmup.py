"""The server's warm-up (gunicorn's ``post_worker_init``) compiles what the first requests need."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from django.urls import get_resolver

from headwise.common.warmup import warm_up


@pytest.mark.django_db
def test_the_warm_up_compiles_every_template_and_logs_what_it_did(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="headwise.common.warmup"):
        warm_up()
    messages = [r.getMessage() for r in caplog.records if r.name == "headwise.common.warmup"]
    assert len(messages) == 1 and messages[0].startswith("warm-up: "), messages
    # Every page and e-mail template of the project, counted here independently.
    root = Path(__file__).resolve().parents[1] / "headwise"
    files = [p for p in root.glob("*/templates/**/*") if p.is_file() and p.suffix in {".html", ".txt"}]
    assert int(messages[0].split()[1]) == len(files) > 100
    # The reverse look-up is built for each language.
    for language in ("en", "nl"):
        assert language in get_resolver()._reverse_dict


def test_a_failing_warm_up_is_logged_and_does_not_raise(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import headwise.common.warmup as warmup

    def broken() -> int:
        raise RuntimeError("no templates today")

    monkeypatch.setattr(warmup, "_templates", broken)
    with caplog.at_level(logging.ERROR, logger="headwise.common.warmup"):
        warm_up()
    assert any("warm-up failed" in r.getMessage() for r in caplog.records)
