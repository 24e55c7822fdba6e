"""``headwise demo-data``: writes every kind of record into the demo practice only."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from headwise.accounts.models import User
from headwise.care.models import Appointment, FollowUp, PlanPhase, SessionRecord, TreatmentPlan
from headwise.clients.models import Client, Consent, ConsentText, SafetyScreening
from headwise.demo import loader
from headwise.diary.models import Attack, AuraSymptom, DailyCheckIn, MedicationIntake, TriggerExposure
from headwise.outcomes.models import QuestionnaireResponse
from headwise.practice.models import Location, Membership, Practice, Practitioner, Room

EVERY_KIND = (
    Location, Room, Membership, Practitioner, ConsentText, Client, Consent, SafetyScreening, TreatmentPlan,
    PlanPhase, Appointment, SessionRecord, FollowUp, Attack, AuraSymptom, MedicationIntake, DailyCheckIn,
    TriggerExposure, QuestionnaireResponse,
)  # fmt: skip

pytestmark = pytest.mark.django_db


def run(tmp_path: Path, *flags: str, **options: Any) -> str:
    out = StringIO()
    options = {"clients": 5, "days": 60, "seed": 1, "truth_out": tmp_path / "truth.json", **options}
    call_command("demo-data", *flags, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def counts(practice: Practice) -> dict[str, int]:
    return {m.__name__: m.objects.filter(practice=practice).count() for m in EVERY_KIND}


def test_it_writes_every_kind_of_record_into_the_demo_practice(tmp_path: Path, world: Any) -> None:
    before = counts(world.practice)
    out = run(tmp_path)
    practice = loader.demo_practice()
    assert practice is not None
    for model in EVERY_KIND:
        assert model.objects.filter(practice=practice).exists(), model.__name__
    assert counts(world.practice) == before  # another practice is untouched
    for email in ("owner@demo.headwise.test", "frontdesk@demo.headwise.test", "client1@demo.headwise.test"):
        assert email in out
        assert User.objects.get(email=email).check_password(loader.PASSWORD)
    assert Client.objects.filter(practice=practice, user__isnull=False).count() == 3
    truth = json.loads((tmp_path / "truth.json").read_text())
    assert truth["seed"] == 1 and len(truth["clients_truth"]) == 5 and truth["true_effect"] == 1.0


def test_it_never_records_a_missing_day_as_headache_free(tmp_path: Path) -> None:
    run(tmp_path, clients=3, days=90)
    truth = json.loads((tmp_path / "truth.json").read_text())
    practice = loader.demo_practice()
    for entry, client in zip(
        truth["clients_truth"], Client.objects.filter(practice=practice).order_by("email"), strict=True
    ):
        kept = DailyCheckIn.objects.filter(client=client).count()
        assert kept < 90  # missing days have no check-in at all...
        assert kept == pytest.approx(entry["completeness_observed"] * 90, abs=1)
        attack_days = {a.started_at.astimezone(loader.zoneinfo.ZoneInfo(loader.TIME_ZONE)).date() for a in
                       Attack.objects.filter(client=client)}  # fmt: skip
        said_none = set(
            DailyCheckIn.objects.filter(client=client, had_headache=False).values_list("date", flat=True)
        )
        assert not attack_days & said_none  # ...and a day with an attack never says "no headache"


def test_it_refuses_when_the_demo_practice_exists(tmp_path: Path) -> None:
    run(tmp_path)
    before = counts(loader.demo_practice())  # type: ignore[arg-type]
    with pytest.raises(CommandError, match="already exists.*--replace"):
        run(tmp_path)
    assert counts(loader.demo_practice()) == before  # type: ignore[arg-type]


def test_it_does_nothing_if_absent_is_asked_and_it_exists(tmp_path: Path) -> None:
    run(tmp_path)
    practice = loader.demo_practice()
    out = run(tmp_path, "--if-absent", clients=7)
    assert "nothing done" in out
    assert "owner@demo.headwise.test" in out and "client1@demo.headwise.test" in out
    assert loader.demo_practice() == practice
    assert Client.objects.filter(practice=practice).count() == 5


def test_it_replaces_only_the_demo_practice(tmp_path: Path, world: Any) -> None:
    run(tmp_path)
    old = loader.demo_practice()
    before = counts(world.practice)
    run(tmp_path, "--replace", clients=4, seed=2)
    new = loader.demo_practice()
    assert new is not None and old is not None and new.pk != old.pk
    assert not Practice.objects.filter(pk=old.pk).exists()
    assert Client.objects.filter(practice=new).count() == 4
    assert Practice.objects.filter(email=loader.PRACTICE_EMAIL).count() == 1
    assert counts(world.practice) == before
    assert Attack.history.filter(practice_id=old.pk).count() == 0
    assert User.objects.filter(email__endswith="@demo.headwise.test").count() == 4 + 3


def test_it_names_the_bad_option(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--days: must be from 42"):
        run(tmp_path, days=10)
    with pytest.raises(CommandError, match="--true-effect"):
        run(tmp_path, true_effect=-1.0)
    assert loader.demo_practice() is None


def test_it_stores_which_simple_analgesic_was_taken(tmp_path: Path) -> None:
    run(tmp_path, clients=12, days=60)
    truth = json.loads((tmp_path / "truth.json").read_text())
    practice = loader.demo_practice()
    clients = {c.email.split("@")[0]: c for c in Client.objects.filter(practice=practice)}
    for entry in truth["clients_truth"]:
        client = clients[f"client{entry['index'] + 1}"]
        stored = set(MedicationIntake.objects.filter(client=client).values_list("drug_class", "substance"))
        usual = entry["acute_medication"]
        assert stored <= {(usual["class"], usual["substance"] or "")}
    said = MedicationIntake.objects.filter(practice=practice).exclude(substance="")
    assert said.exists() and not said.exclude(drug_class="simple_analgesic").exists()


def test_it_prints_the_sign_in_address_where_the_demo_serves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.delenv("HOST", raising=False)
    assert "Sign in at http://127.0.0.1:8123/login/" in run(tmp_path, clients=2, days=42)
    told = run(tmp_path, "--if-absent", clients=2, days=42, base_url="http://demo.example:9000")
    assert "Sign in at http://demo.example:9000/login/" in told
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    assert "--base-url http://$(HOST):$(PORT)" in makefile


def test_an_attack_across_the_night_the_clocks_go_forward_ends_before_the_next_begins() -> None:
    """The generator spaces one client's attacks in wall-clock minutes (the next begins at least
    15 minutes after one ends); the loader must end an attack at that wall-clock time, or one
    that runs through 8 March 2026 (New York: 02:00 becomes 03:00) overlaps the next by 45
    minutes (seen in a 1,000-client load run's check)."""
    import datetime as dt

    from headwise.demo import generator as g

    zone = loader.zoneinfo.ZoneInfo(loader.TIME_ZONE)
    config = loader.demo_config(
        clients=2, days=200, seed=3, true_effect=1.0, now=dt.datetime(2026, 6, 1, 16, tzinfo=dt.UTC)
    )
    data = g.generate(config)
    at = data.attacks
    k = int(np.flatnonzero(at.client == at.client[0])[0])
    day = (dt.date(2026, 3, 7) - config.first_day).days
    at.day[k], at.start_minute[k] = day, 22 * 60 + 39
    at.day[k + 1], at.start_minute[k + 1] = day + 2, 8 * 60
    # What the generator's spacing gives: 15 minutes before the next start, in wall-clock minutes.
    at.duration_minutes[k] = (2 * 1440 + 8 * 60) - (22 * 60 + 39) - 15
    at.is_open[k] = at.is_open[k + 1] = False
    practice = loader.load(data).practice
    first, second = (
        Attack.objects.get(practice=practice, started_at=dt.datetime(2026, 3, d, h, m, tzinfo=zone))
        for d, h, m in ((7, 22, 39), (9, 8, 0))
    )
    assert first.ended_at is not None
    assert first.ended_at.astimezone(zone) == dt.datetime(2026, 3, 9, 7, 45, tzinfo=zone)
    assert first.ended_at < second.started_at
