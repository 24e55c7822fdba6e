"""Everything Headwise holds about one client, as one ZIP file (docs/privacy.md).

* ``diary.json``: the diary in the ``headwise-diary/1`` interchange format (docs/diary-format.md);
* ``report.pdf``: the outcome report, as the client's physician would receive it;
* ``*.csv``: the records, one file per kind, every field, in UTF-8 with a header row. Session
  records (clinical notes) are left out when the caller may not read them (the front desk never
  exports; a practitioner under ``notes_private_to_author`` gets only their own sessions).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterable
from typing import Any

from django.db import models

from headwise import clinical
from headwise.common.spreadsheet import spreadsheet_safe

#: The records, file by file: (file name, model label, path from a row to its client).
RECORDS: tuple[tuple[str, str, str], ...] = (
    ("consents.csv", "clients.Consent", "client"),
    ("intakes.csv", "clients.Intake", "client"),
    ("safety-screens.csv", "clients.SafetyScreening", "client"),
    ("plans.csv", "care.TreatmentPlan", "client"),
    ("plan-phases.csv", "care.PlanPhase", "plan__client"),
    ("appointments.csv", "care.Appointment", "client"),
    ("sessions.csv", "care.SessionRecord", "client"),
    ("session-addenda.csv", "care.Addendum", "session__client"),
    ("follow-ups.csv", "care.FollowUp", "session__client"),
    ("attacks.csv", "diary.Attack", "client"),
    ("aura-symptoms.csv", "diary.AuraSymptom", "attack__client"),
    ("medication.csv", "diary.MedicationIntake", "client"),
    ("check-ins.csv", "diary.DailyCheckIn", "client"),
    ("trigger-exposures.csv", "diary.TriggerExposure", "client"),
    ("questionnaires.csv", "outcomes.QuestionnaireResponse", "client"),
)
#: Session-bound files, subject to the session-notes rule.
SESSION_FILES = {"sessions.csv", "session-addenda.csv", "follow-ups.csv"}
SKIPPED_COLUMNS = {"id", "practice"}


def _cell(row: models.Model, field: models.Field[Any, Any]) -> str:
    if field.is_relation:
        target = getattr(row, field.name, None)
        if target is None:
            return ""
        return str(getattr(target, "uuid", None) or target)
    value = getattr(row, field.attname)
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str):
        return spreadsheet_safe(value)  # typed text: never a formula in a spreadsheet
    return str(value)


def rows_to_csv(model: type[models.Model], rows: Iterable[models.Model]) -> bytes:
    fields = [f for f in model._meta.concrete_fields if f.name not in SKIPPED_COLUMNS]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f.name for f in fields])
    for row in rows:
        writer.writerow([_cell(row, f) for f in fields])
    return out.getvalue().encode("utf-8")


def diary_document(client: Any) -> dict[str, Any]:
    from headwise.diary.localtime import client_today
    from headwise.diary.models import Attack, DailyCheckIn
    from headwise.diary.selectors import diary_window

    end = client_today(client)
    first = [
        d
        for d in (
            DailyCheckIn.objects.filter(client=client)
            .order_by("date")
            .values_list("date", flat=True)
            .first(),
            Attack.objects.filter(client=client)
            .order_by("started_at")
            .values_list("started_at", flat=True)
            .first(),
        )
        if d is not None
    ]
    start = min((d.date() if isinstance(d, dt.datetime) else d) for d in first) if first else end
    diary, _attacks = diary_window(client=client, start=min(start, end), end=end)
    return clinical.diary_to_dict(diary)


def export_zip(client: Any, *, session_filter: Any) -> tuple[bytes, dict[str, int]]:
    """The ZIP and how many records each file holds.

    ``session_filter`` narrows the session records to those the caller may read
    (:func:`headwise.accounts.access.readable_sessions`, bound to the request).
    """
    from django.apps import apps

    from headwise.care.models import SessionRecord
    from headwise.outcomes.report import report_pdf

    counts: dict[str, int] = {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("diary.json", json.dumps(diary_document(client), ensure_ascii=False, indent=1))
        archive.writestr("report.pdf", report_pdf(client))
        archive.writestr("client.csv", rows_to_csv(type(client), [client]))
        counts["client.csv"] = 1
        readable = set(
            session_filter(SessionRecord.objects.filter(client=client)).values_list("pk", flat=True)
        )
        for name, label, path in RECORDS:
            model = apps.get_model(label)
            rows = model._default_manager.filter(**{path: client}).order_by("pk")
            if name in SESSION_FILES:
                key = "pk" if name == "sessions.csv" else "session_id"
                rows = rows.filter(**{f"{key}__in": readable})
            listed = list(rows)
            archive.writestr(name, rows_to_csv(model, listed))
            counts[name] = len(listed)
        archive.writestr(
            "README.txt",
            "Everything Headwise holds about you: diary.json (format headwise-diary/1), report.pdf "
            "(the outcome report) and one CSV file per kind of record.\n"
            "Alles wat Headwise over u bewaart: diary.json (formaat headwise-diary/1), report.pdf "
            "(het uitkomstenrapport) en per soort gegevens een CSV-bestand.\n",
        )
    return buffer.getvalue(), counts
