"""A client's export: everything as one ZIP, fresh sign-in, audited, sessions by the notes rule."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from headwise import clinical
from headwise.audit.models import AuditEntry
from headwise.care.models import SessionRecord
from headwise.practice.models import Practice
from tests import factories as f
from tests.conftest import PracticeWorld, login

FILES = {
    "diary.json",
    "report.pdf",
    "client.csv",
    "consents.csv",
    "intakes.csv",
    "safety-screens.csv",
    "plans.csv",
    "plan-phases.csv",
    "appointments.csv",
    "sessions.csv",
    "session-addenda.csv",
    "follow-ups.csv",
    "attacks.csv",
    "aura-symptoms.csv",
    "medication.csv",
    "check-ins.csv",
    "trigger-exposures.csv",
    "questionnaires.csv",
    "README.txt",
}


def _rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))


def test_a_client_downloads_everything_held_about_them(world: PracticeWorld) -> None:
    world.client.phone = "+31 6 1234 5678"
    world.client.family_name = "=HYPERLINK(1)"
    world.client.save(update_fields=["phone", "family_name"])
    http = login(world.client_user)
    response = http.get("/me/privacy/export.zip")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert set(archive.namelist()) == FILES
    diary = clinical.parse_diary(json.loads(archive.read("diary.json")))
    assert {a.id for a in diary.attacks} == {str(world.records["attack"].uuid)}
    assert archive.read("report.pdf").startswith(b"%PDF")
    client_row = _rows(archive, "client.csv")[0]
    assert client_row["given_name"] == world.client.given_name
    # A telephone number stays exact; a cell that could act as a formula is made text.
    assert client_row["phone"] == "+31 6 1234 5678"
    assert client_row["family_name"] == "'=HYPERLINK(1)"
    assert [r["uuid"] for r in _rows(archive, "sessions.csv")] == [str(world.records["session"].uuid)]
    assert [r["uuid"] for r in _rows(archive, "trigger-exposures.csv")] == [
        str(world.records["exposure"].uuid)
    ]
    # Nothing of the other client of the practice.
    text = b"".join(archive.read(n) for n in archive.namelist() if n.endswith((".csv", ".json"))).decode()
    assert world.other_client.given_name not in text
    assert str(world.records["other_attack"].uuid) not in text
    entry = AuditEntry.objects.filter(action="export").get()
    assert entry.client == world.client.uuid and entry.actor_id == world.client_user.pk


def test_the_export_needs_a_fresh_sign_in(world: PracticeWorld, clock: Any) -> None:
    import datetime as dt

    http = login(world.client_user)
    clock.shift(dt.timedelta(hours=1))
    response = http.get("/me/privacy/export.zip")
    assert response.status_code == 302
    assert "/reauth" in response["Location"]
    assert not AuditEntry.objects.filter(action="export").exists()


def test_the_practice_exports_for_the_client_but_the_front_desk_does_not(world: PracticeWorld) -> None:
    url = f"/clients/{world.client.uuid}/privacy/export.zip"
    assert login(world.front_desk).get(url).status_code == 403
    response = login(world.practitioner_user).get(url)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert len(_rows(archive, "sessions.csv")) == 1
    assert AuditEntry.objects.filter(action="export", actor=world.practitioner_user.pk).count() == 1


def test_the_export_follows_the_session_notes_rule(world: PracticeWorld) -> None:
    other = f.PractitionerFactory(
        membership__practice=world.practice, membership__user__email="x@alpha.example"
    )
    theirs = f.SessionRecordFactory(
        client=world.client,
        practice=world.practice,
        practitioner=other,
        started_at=f.local_at(world.client.time_zone, days=-2, hour=11),
    )
    Practice.objects.filter(pk=world.practice.pk).update(notes_private_to_author=True)
    url = f"/clients/{world.client.uuid}/privacy/export.zip"
    for user, expected in ((world.practitioner_user, 1), (world.owner, 2)):
        archive = zipfile.ZipFile(io.BytesIO(login(user).get(url).content))
        listed = {r["uuid"] for r in _rows(archive, "sessions.csv")}
        assert len(listed) == expected
        assert (str(theirs.uuid) in listed) is (expected == 2)
    assert SessionRecord.objects.filter(client=world.client).count() == 2


def test_a_client_who_withdrew_consent_still_exports_and_asks_for_erasure(world: PracticeWorld) -> None:
    from headwise.clients.models import Consent
    from headwise.clients.selectors import may_process
    from headwise.privacy.models import ErasureRequest

    http = login(world.client_user)
    http.post("/intake/consent/", {"agree_data": "on", "typed_name": "AlphaClient Own"})
    consent = Consent.objects.get(client=world.client, text__kind="data")
    http.post(f"/settings/consents/{consent.uuid}/withdraw/")
    assert not may_process(client=world.client)
    assert http.get("/me/privacy/export.zip").status_code == 200
    assert http.post("/me/privacy/erasure/", {"ask": "erasure"}).status_code == 302
    assert ErasureRequest.objects.filter(client=world.client).exists()
