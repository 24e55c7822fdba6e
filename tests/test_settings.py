"""Production configuration is safe, and bad configuration fails loudly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_headwise(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HEADWISE_", "DJANGO_", "DEBUG", "SECRET_KEY"))
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "headwise.cli", *args],
        env={**clean, **env, "HEADWISE_VAR_DIR": str(ROOT / "var" / "test-settings")},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_it_passes_the_deployment_check_with_production_settings() -> None:
    result = run_headwise(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="k" * 20 + "-production-secret-with-enough-entropy-1234567890",
        ALLOWED_HOSTS="headwise.example.org",
        HEADWISE_HTTPS="1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_without_a_secret_key() -> None:
    result = run_headwise("check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_names_a_malformed_boolean() -> None:
    result = run_headwise("check", HEADWISE_DEMO="perhaps")
    assert result.returncode != 0
    assert "HEADWISE_DEMO must be a boolean" in result.stderr


def test_it_selects_postgresql_from_database_url() -> None:
    result = run_headwise(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",
        HEADWISE_DEMO="1",
        DATABASE_URL="postgres://u@127.0.0.1:5432/x",
    )
    assert result.stdout.strip().splitlines()[-1] == "django.db.backends.postgresql", result.stderr


@pytest.mark.django_db
def test_it_ends_sessions_after_a_working_day(as_practitioner) -> None:
    as_practitioner.get("/staff/")
    assert as_practitioner.session.get_expiry_age() == 8 * 60 * 60
    assert as_practitioner.session.get_expire_at_browser_close()


def test_it_reads_secrets_from_files_and_stays_deploy_clean(tmp_path: Path) -> None:
    key = tmp_path / "secret_key"
    key.write_text("f" * 20 + "-a-production-secret-read-from-a-file-0987654321\n", encoding="utf-8")
    result = run_headwise(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY_FILE=str(key),
        ALLOWED_HOSTS="headwise.example.org",
        HEADWISE_HTTPS="1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_names_an_unreadable_secret_file(tmp_path: Path) -> None:
    result = run_headwise("check", SECRET_KEY_FILE=str(tmp_path / "absent"))
    assert result.returncode != 0
    assert "SECRET_KEY_FILE" in result.stderr
