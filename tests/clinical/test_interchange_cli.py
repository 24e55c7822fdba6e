"""The headwise-diary/1 format (schema, parser, round trip) and ``headwise analyse``."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from headwise import analyse_cli
from headwise.clinical import AnalysisError, diary_to_dict, parse_diary

ROOT = Path(__file__).resolve().parents[2]
DIARIES = sorted((ROOT / "tests/clinical/diaries").glob("*.json"))
VALID = [p for p in DIARIES if not p.name.startswith("invalid")]
SCHEMA = json.loads((ROOT / "schemas/headwise-diary-1.schema.json").read_text())


def _load(name: str) -> dict[str, Any]:
    return json.loads((ROOT / "tests/clinical/diaries" / name).read_text())


@pytest.mark.parametrize(
    "path", [*VALID, ROOT / "docs/examples/episodic-migraine.json"], ids=lambda p: p.name
)
def test_it_ships_example_diaries_that_match_the_schema(path: Path) -> None:
    data = json.loads(path.read_text())
    jsonschema.validate(data, SCHEMA)
    parse_diary(data)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_it_round_trips_a_diary(path: Path) -> None:
    d = parse_diary(json.loads(path.read_text()))
    again = diary_to_dict(d)
    jsonschema.validate(again, SCHEMA)
    assert parse_diary(again) == d


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d["attacks"][3].update(end="2026-01-31T06:00+01:00"),
            "attacks[3].end: end is before start",
        ),
        (lambda d: d["attacks"][1].update(side="left"), "attacks[1].side: 'left' is not one of"),
        (
            lambda d: d["attacks"][0].update(start="2026-01-07T09:00"),
            "attacks[0].start: '2026-01-07T09:00' has no UTC offset",
        ),
        (lambda d: d["intakes"][0].update(drug_class="aspirin"), "intakes[0].drug_class"),
        (lambda d: d["attacks"][2].update(peak_intensity=11), "attacks[2].peak_intensity"),
        (lambda d: d["attacks"][0]["aura"].append({"type": "smell"}), "attacks[0].aura[0].type"),
        (lambda d: d["client"].update(time_zone="Mars/Olympus"), "client.time_zone"),
        (lambda d: d["attacks"][0].update(colour="red"), "attacks[0].colour: unknown field"),
        (lambda d: d["attacks"].append(dict(d["attacks"][0])), "attacks[7].id: duplicate id"),
        (lambda d: d.update(format="headwise-diary/2"), "format"),
    ],
)
def test_it_names_the_field_and_record_of_bad_input(edit: Any, message: str) -> None:
    data = copy.deepcopy(_load("episodic_migraine.json"))
    edit(data)
    with pytest.raises(AnalysisError) as err:
        parse_diary(data)
    assert str(err.value).startswith(message)


def test_it_prints_attack_types_days_periods_and_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    assert analyse_cli.main([str(ROOT / "tests/clinical/diaries/episodic_migraine.json")]) == 0
    out = capsys.readouterr().out
    for text in (
        "a1: migraine_like",
        "1.1 B",
        "28-day periods",
        "suggestion for a clinician",
        "Medication overuse",
    ):
        assert text in out


def test_it_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(ROOT / "tests/clinical/diaries/chronic_migraine_triptan_overuse.json")
    assert analyse_cli.main([path, "--json", "--migraine-day-definition", "alternative"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["format"] == "headwise-analysis/1"
    assert data["migraine_day_definition"] == "alternative"
    assert set(data) >= {"attacks", "days", "periods", "calendar_months", "suggestions", "medication_overuse"}
    codes = {s["code"]: s["status"] for s in data["suggestions"]}
    assert codes["1.3"] == "suggested"
    assert codes["8.2.2"] == "suggested"


def test_it_exits_2_and_names_the_field_on_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(ROOT / "tests/clinical/diaries/invalid_end_before_start.json")
    assert analyse_cli.main([path]) == 2
    assert "attacks[3].end: end is before start" in capsys.readouterr().err


def test_it_exits_2_on_a_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert analyse_cli.main([str(tmp_path / "nope.json")]) == 2


def test_it_runs_as_a_module_without_django() -> None:
    code = (
        "import sys, runpy; sys.argv=['x', sys.argv[1]]; "
        "import headwise.analyse_cli as m; rc = m.main(sys.argv[1:]); "
        "assert 'django' not in sys.modules, 'django imported'; sys.exit(rc)"
    )
    path = str(ROOT / "tests/clinical/diaries/aura_teenager_dst.json")
    done = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", code, path], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert "aura1: migraine_with_aura" in done.stdout
