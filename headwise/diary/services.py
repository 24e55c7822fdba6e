"""Every write to a client's diary, with every rule, shared by the pages and the API.

Each service validates first and writes only when everything holds (inside one transaction),
so bad input changes nothing. Errors are Django ``ValidationError`` keyed by field name.
Edits are kept by django-simple-history; ``attack_undo`` restores an earlier version as a new
change.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Field, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from headwise.accounts.models import User
from headwise.audit.signals import record_created
from headwise.clients.models import Client
from headwise.clients.services import require_processing
from headwise.clinical.medicines import substance_for_name
from headwise.common import dates
from headwise.common.services import apply_changes, create_once, refuse_unknown
from headwise.diary.history import UNDO_REASON_PREFIX, ensure_baseline, secure_baseline
from headwise.diary.localtime import client_today, zone_of
from headwise.diary.models import (
    ATTACK_FIELDS,
    CHECKIN_FIELDS,
    RESTORED_FIELDS,
    Attack,
    AuraSymptom,
    DailyCheckIn,
    DrugClass,
    MedicationIntake,
    Trigger,
    TriggerExposure,
    WarningSign,
)

FUTURE_TOLERANCE = dates.FUTURE_TOLERANCE

AURA_FIELDS = ("type", "started_at", "duration_minutes", "spread_gradually", "unilateral", "positive")
INTAKE_FIELDS = (
    "taken_at",
    "name",
    "drug_class",
    "substance",
    "dose",
    "pain_before",
    "pain_at_2h",
    "attack",
)


_unknown_fields = refuse_unknown


def _not_future(errors: dict[str, list[str]], field: str, value: dt.datetime | None, client: Client) -> None:
    """The one rule of :mod:`headwise.common.dates` for a diary time: not ahead, not before birth."""
    problem = dates.diary_time_problem(value, now=timezone.now(), born=client.date_of_birth)
    if problem is not None:
        errors.setdefault(field, []).append(problem)


def _choices_list(errors: dict[str, list[str]], field: str, values: Any, allowed: Iterable[str]) -> None:
    ok = set(allowed)
    if not isinstance(values, list) or any(not isinstance(v, str) or v not in ok for v in values):
        errors.setdefault(field, []).append(_("Choose from the listed options."))


def _lock_client(client: Client) -> None:
    """Serialise diary writes of one client, so two saves cannot both pass the overlap check.

    On PostgreSQL the client's row is locked. SQLite has no row locks; there every write
    transaction begins IMMEDIATE (settings), which already holds the database's write lock.
    """
    if connection.vendor != "sqlite":
        # In SQL: the ORM's SELECT of every column costs more than the lock; nothing is read.
        table, pk = (
            connection.ops.quote_name(Client._meta.db_table),
            connection.ops.quote_name(Client._meta.pk.column),
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {table} WHERE {pk} = %s FOR NO KEY UPDATE", [client.pk])  # noqa: S608


def _overlap_q(attack: Attack) -> Q:
    """Non-deleted attacks of the same client whose time overlaps this one's.

    An attack still going (no end) lasts until now.
    """
    return (
        Q(deleted_at__isnull=True, started_at__lt=_end_for_overlap(attack))
        & (Q(ended_at__gt=attack.started_at) | Q(ended_at__isnull=True))
        & ~Q(pk=attack.pk)
    )


def _end_for_overlap(attack: Attack) -> dt.datetime:
    """The attack's end, or for one still going, now (at least a second after it began)."""
    return attack.ended_at or max(timezone.now(), attack.started_at + dt.timedelta(seconds=1))


def attack_overlaps(attack: Attack) -> Attack | None:
    """Another non-deleted attack of the same client whose time overlaps this one."""
    return (
        Attack.objects.filter(_overlap_q(attack), client_id=attack.client_id).order_by("started_at").first()
    )


def _overlap_error(attack: Attack, other_started_at: dt.datetime) -> ValidationError:
    zone = zone_of(attack.client.time_zone)
    began = timezone.localtime(other_started_at, zone).strftime("%Y-%m-%d %H:%M")
    field = "ended_at" if other_started_at > attack.started_at else "started_at"
    return ValidationError(
        {
            field: _("This overlaps your attack that began %(began)s. Change the times, or edit that one.")
            % {"began": began}
        },
        code="overlap",
    )


def _validate_attack(attack: Attack, *, check_overlap: bool = True) -> None:
    errors: dict[str, list[str]] = {}
    zone_of(attack.time_zone)
    if attack.started_at is None:
        # Every attack has a start: an edit that clears it is refused with the field named.
        raise ValidationError({"started_at": [_("When did the attack start? This is required.")]})
    _not_future(errors, "started_at", attack.started_at, attack.client)
    _not_future(errors, "ended_at", attack.ended_at, attack.client)
    if attack.ended_at is not None and attack.ended_at <= attack.started_at:
        errors.setdefault("ended_at", []).append(_("An attack ends after it starts."))
    _choices_list(errors, "warning_signs", attack.warning_signs, WarningSign.values)
    _choices_list(errors, "suspected_triggers", attack.suspected_triggers, Trigger.values)
    if errors:
        raise ValidationError(errors)
    # uuid is fresh and request_id is checked under the lock (and by the unique constraint),
    # so full_clean need not ask the database about either.
    attack.full_clean(
        exclude=["practice", "client", "created_by", "updated_by", "uuid", "request_id"],
        validate_constraints=False,
    )
    if check_overlap and attack.deleted_at is None and (other := attack_overlaps(attack)) is not None:
        raise _overlap_error(attack, other.started_at)


def _save_attack(attack: Attack, by: User | None, reason: str | None = None) -> Attack:
    attack.updated_by = by
    attack._history_user = by  # type: ignore[attr-defined]
    if reason:
        attack._change_reason = reason  # type: ignore[attr-defined]
    attack.save()
    return attack


def attack_start(
    *,
    client: Client,
    by: User | None,
    started_at: dt.datetime | None = None,
    request_id: uuid.UUID | None = None,
    **fields: Any,
) -> tuple[Attack, bool]:
    """Record an attack (started now unless told). Returns ``(attack, created)``.

    A second submission with the same ``request_id`` returns the first attack unchanged.
    """
    _unknown_fields(fields, ATTACK_FIELDS)
    require_processing(client)
    try:
        with transaction.atomic():
            _lock_client(client)
            attack = Attack(
                practice_id=client.practice_id,
                client=client,
                request_id=request_id,
                started_at=started_at or timezone.now().replace(microsecond=0),
                time_zone=fields.pop("time_zone", None) or client.time_zone,
                created_by=by,
                **fields,
            )
            _validate_attack(attack, check_overlap=False)
            rows = _twin_or_overlapping(attack)
            if twin := next((pk for pk, is_twin in rows if is_twin), None):
                return Attack.objects.get(pk=twin), False
            if rows:
                raise _overlap_error(attack, Attack.objects.only("started_at").get(pk=rows[0][0]).started_at)
            # The attack row is the recorded version until its first change (diary.history).
            attack.skip_history_when_saving = True  # type: ignore[attr-defined]
            _save_attack(attack, by)
            # No history row, so no history hook: the trail's "create" entry is written here.
            record_created(attack, by)
            return attack, True
    except IntegrityError:
        # A concurrent twin with the same request_id won the race: it is the same attack.
        if request_id is not None and (found := _by_request(client, request_id)) is not None:
            return found, False
        raise


_TWIN_COLUMNS = ("id", "client", "request_id", "deleted_at", "started_at", "ended_at")


def _twin_or_overlapping(attack: Attack) -> list[tuple[int, bool]]:
    """``(pk, is_twin)`` of the client's attacks that overlap a new ``attack`` or share its
    ``request_id`` (a resubmitted form), earliest first. One query.

    The same conditions as :func:`_overlap_q` (tests hold the two equal on both databases),
    written in SQL because this is the one-tap save: building the query through the ORM took
    longer than the database took to answer it. Only column names come from the model; every
    value is a parameter, adapted as the ORM adapts it.
    """
    ops, meta = connection.ops, Attack._meta
    fields = (cast("Field[Any, Any]", meta.get_field(name)) for name in _TWIN_COLUMNS)
    col = {field.name: ops.quote_name(field.column) for field in fields}
    request_id = meta.get_field("request_id").get_db_prep_value(attack.request_id, connection)
    sql = (
        f"SELECT {col['id']}, CASE WHEN {col['request_id']} = %s THEN 1 ELSE 0 END "  # noqa: S608 - names from the model; values are parameters
        f"FROM {ops.quote_name(meta.db_table)} WHERE {col['client']} = %s AND ("
        f"({col['deleted_at']} IS NULL AND {col['started_at']} < %s"
        f" AND ({col['ended_at']} > %s OR {col['ended_at']} IS NULL))"
        f" OR {col['request_id']} = %s) ORDER BY {col['started_at']}"
    )
    params = [
        request_id,
        attack.client_id,
        ops.adapt_datetimefield_value(_end_for_overlap(attack)),
        ops.adapt_datetimefield_value(attack.started_at),
        request_id,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(pk, bool(is_twin)) for pk, is_twin in cursor.fetchall()]


def _by_request(client: Client, request_id: uuid.UUID) -> Attack | None:
    return Attack.objects.filter(client=client, request_id=request_id).first()


@transaction.atomic
def attack_update(*, attack: Attack, by: User | None, **changes: Any) -> Attack:
    """Change an attack's fields; the earlier version stays in its history.

    Values equal to the stored ones change nothing: a form saved as it was writes no version.
    """
    _unknown_fields(changes, ATTACK_FIELDS)
    require_processing(attack.client)
    _lock_client(attack.client)
    fresh = Attack.objects.select_related("client").get(pk=attack.pk)
    changed = {name: value for name, value in changes.items() if getattr(fresh, name) != value}
    if not changed:
        return fresh
    secure_baseline(fresh)  # as stored, before the change; rolled back with it if refused
    apply_changes(fresh, changed, allowed=ATTACK_FIELDS)
    _validate_attack(fresh)
    return _save_attack(fresh, by)


@transaction.atomic
def attack_delete(*, attack: Attack, by: User | None) -> Attack:
    """Soft delete: the attack leaves the diary and can be restored."""
    fresh = Attack.objects.select_for_update(no_key=True).get(pk=attack.pk)
    if fresh.deleted_at is None:
        fresh.deleted_at = timezone.now()
        _save_attack(fresh, by, reason="deleted")
    return fresh


@transaction.atomic
def attack_restore(*, attack: Attack, by: User | None) -> Attack:
    """Undo a soft delete, unless the attack would now overlap another one."""
    require_processing(attack.client)
    _lock_client(attack.client)
    fresh = Attack.objects.select_related("client").get(pk=attack.pk)
    if fresh.deleted_at is not None:
        fresh.deleted_at = None
        _validate_attack(fresh)
        _save_attack(fresh, by, reason="restored")
    return fresh


@transaction.atomic
def attack_undo(*, attack: Attack, history_id: uuid.UUID, by: User | None) -> Attack:
    """Restore the version before one change; the undo is itself a new change in the history."""
    require_processing(attack.client)
    _lock_client(attack.client)
    ensure_baseline(attack.pk)
    records = list(attack.history.order_by("history_id"))
    index = next((i for i, h in enumerate(records) if h.history_uuid == history_id), None)
    if index is None:
        raise ValidationError({"history_id": _("This change does not belong to this attack.")})
    fresh = Attack.objects.select_related("client").get(pk=attack.pk)
    if index == 0:
        # Undoing the creation removes the attack (softly: it can be restored).
        fresh.deleted_at = fresh.deleted_at or timezone.now()
    else:
        before, change = records[index - 1], records[index]
        for name in RESTORED_FIELDS:
            if getattr(change, name) != getattr(before, name):
                setattr(fresh, name, getattr(before, name))
    _validate_attack(fresh)
    return _save_attack(fresh, by, reason=f"{UNDO_REASON_PREFIX}{history_id}")


def _owned_attack(client: Client, attack: Attack | None, field: str = "attack") -> None:
    if attack is not None and attack.client_id != client.pk:
        raise ValidationError({field: _("Choose one of your own attacks.")})


def _validate_aura(aura: AuraSymptom) -> None:
    errors: dict[str, list[str]] = {}
    _not_future(errors, "started_at", aura.started_at, aura.attack.client)
    if aura.duration_minutes is not None and aura.duration_minutes > 72 * 60:
        errors["duration_minutes"] = [_("An aura symptom lasts at most 72 hours (4320 minutes).")]
    if errors:
        raise ValidationError(errors)
    aura.full_clean(exclude=["practice", "attack"])


@transaction.atomic
def aura_add(*, attack: Attack, by: User | None, **fields: Any) -> AuraSymptom:
    _unknown_fields(fields, AURA_FIELDS)
    require_processing(attack.client)
    aura = AuraSymptom(practice_id=attack.practice_id, attack=attack, **fields)
    _validate_aura(aura)
    aura._history_user = by  # type: ignore[attr-defined]
    aura.save()
    return aura


@transaction.atomic
def aura_update(*, aura: AuraSymptom, by: User | None, **changes: Any) -> AuraSymptom:
    _unknown_fields(changes, AURA_FIELDS)
    require_processing(aura.attack.client)
    fresh = AuraSymptom.objects.get(pk=aura.pk)
    apply_changes(fresh, changes, allowed=AURA_FIELDS)
    _validate_aura(fresh)
    fresh._history_user = by  # type: ignore[attr-defined]
    fresh.save()
    return fresh


@transaction.atomic
def aura_delete(*, aura: AuraSymptom, by: User | None) -> None:
    aura._history_user = by  # type: ignore[attr-defined]
    aura.delete()


def _name_gives_substance(intake: MedicationIntake) -> None:
    """A simple analgesic with a common single-substance name, substance not said: the name says it."""
    if intake.drug_class == DrugClass.SIMPLE_ANALGESIC and not intake.substance:
        known = substance_for_name(intake.name or "")
        if known is not None:
            intake.substance = known.value


#: The pain "2 hours later" (IHS guidelines for acute treatment trials: pain at 2 h) can be
#: told only once 2 hours have passed since the dose.
PAIN_AT_2H_AFTER = dt.timedelta(hours=2)


def _validate_intake(intake: MedicationIntake) -> None:
    errors: dict[str, list[str]] = {}
    _not_future(errors, "taken_at", intake.taken_at, intake.client)
    if intake.pain_at_2h and intake.taken_at is not None:
        due = intake.taken_at + PAIN_AT_2H_AFTER
        if due > timezone.now() + FUTURE_TOLERANCE:
            zone = intake.attack.time_zone if intake.attack is not None else intake.client.time_zone
            local = due.astimezone(zone_of(zone))
            errors.setdefault("pain_at_2h", []).append(
                _("Answer this 2 hours after taking it, from %(due)s; leave it empty until then.")
                % {"due": date_format(local, "j M, H:i")}
            )
    if errors:
        raise ValidationError(errors)
    intake.full_clean(exclude=["practice", "client", "created_by", "updated_by"], validate_constraints=False)


def intake_record(
    *, client: Client, by: User | None, request_id: uuid.UUID | None = None, **fields: Any
) -> tuple[MedicationIntake, bool]:
    """Record acute medication taken; a repeated ``request_id`` returns the first record."""
    _unknown_fields(fields, INTAKE_FIELDS)
    require_processing(client)
    _owned_attack(client, fields.get("attack"))

    def create() -> MedicationIntake:
        intake = MedicationIntake(
            practice_id=client.practice_id, client=client, request_id=request_id, created_by=by, **fields
        )
        _name_gives_substance(intake)
        _validate_intake(intake)
        intake.updated_by = by
        intake._history_user = by  # type: ignore[attr-defined]
        intake.save()
        return intake

    return create_once(MedicationIntake.objects.filter(client=client), request_id, create)


@transaction.atomic
def intake_update(*, intake: MedicationIntake, by: User | None, **changes: Any) -> MedicationIntake:
    _unknown_fields(changes, INTAKE_FIELDS)
    require_processing(intake.client)
    _owned_attack(intake.client, changes.get("attack"))
    fresh = MedicationIntake.objects.get(pk=intake.pk)
    apply_changes(fresh, changes, by=by, allowed=INTAKE_FIELDS)
    _name_gives_substance(fresh)
    _validate_intake(fresh)
    fresh._history_user = by  # type: ignore[attr-defined]
    fresh.save()
    return fresh


@transaction.atomic
def intake_delete(*, intake: MedicationIntake, by: User | None) -> MedicationIntake:
    fresh = MedicationIntake.objects.get(pk=intake.pk)
    fresh.deleted_at = fresh.deleted_at or timezone.now()
    fresh.updated_by = by
    fresh._history_user = by  # type: ignore[attr-defined]
    fresh.save()
    return fresh


@transaction.atomic
def checkin_save(*, client: Client, by: User | None, date: dt.date, **fields: Any) -> DailyCheckIn:
    """Save the check-in of one diary day (create or replace the day's answers)."""
    _unknown_fields(fields, CHECKIN_FIELDS)
    require_processing(client)
    if date > client_today(client):
        raise ValidationError({"date": _("This day has not come yet.")})
    if fields.get("had_headache") is None:
        raise ValidationError({"had_headache": _("Say whether you had a headache this day.")})
    checkin = DailyCheckIn.objects.select_for_update(no_key=True).filter(client=client, date=date).first()
    if checkin is None:
        checkin = DailyCheckIn(practice_id=client.practice_id, client=client, date=date, created_by=by)
    if fields.get("warning_signs") is None:
        fields["warning_signs"] = []
    errors: dict[str, list[str]] = {}
    _choices_list(errors, "warning_signs", fields["warning_signs"], WarningSign.values)
    if errors:
        raise ValidationError(errors)
    apply_changes(checkin, fields, by=by)
    checkin.full_clean(exclude=["practice", "client", "created_by", "updated_by"], validate_constraints=False)
    checkin._history_user = by  # type: ignore[attr-defined]
    checkin.save()
    return checkin


@transaction.atomic
def checkins_backfill(
    *, client: Client, by: User | None, answers: Mapping[dt.date, bool]
) -> list[DailyCheckIn]:
    """Answer "headache?" for several missing days at once; days already answered keep theirs."""
    require_processing(client)
    taken = set(
        DailyCheckIn.objects.filter(client=client, date__in=list(answers)).values_list("date", flat=True)
    )
    saved = []
    for day, had_headache in sorted(answers.items()):
        if day not in taken:
            saved.append(checkin_save(client=client, by=by, date=day, had_headache=had_headache))
    return saved


@transaction.atomic
def exposure_record(
    *,
    client: Client,
    by: User | None,
    trigger: str,
    occurred_at: dt.datetime,
    attack: Attack | None = None,
    detail: str = "",
    request_id: uuid.UUID | None = None,
) -> tuple[TriggerExposure, bool]:
    """Note an exposure; a repeated ``request_id`` returns the first one, ``created`` False."""
    require_processing(client)
    _owned_attack(client, attack)
    errors: dict[str, list[str]] = {}
    _not_future(errors, "occurred_at", occurred_at, client)
    if errors:
        raise ValidationError(errors)

    def create() -> TriggerExposure:
        exposure = TriggerExposure(
            practice_id=client.practice_id,
            client=client,
            trigger=trigger,
            occurred_at=occurred_at,
            attack=attack,
            detail=detail,
            request_id=request_id,
            created_by=by,
            updated_by=by,
        )
        exposure.full_clean(
            exclude=["practice", "client", "created_by", "updated_by", "request_id"],
            validate_constraints=False,
        )
        exposure.save()
        return exposure

    return create_once(TriggerExposure.objects.filter(client=client), request_id, create)


@transaction.atomic
def reminders_set(*, client: Client, by: User | None, enabled: bool, at: dt.time | None) -> Client:
    """Switch the diary reminders on or off and set their local time."""
    if enabled and at is None:
        raise ValidationError({"reminder_time": _("Choose a time for the reminder, or switch it off.")})
    client.reminders_enabled = enabled
    if at is not None:
        client.reminder_time = at
    client.updated_by = by
    client._history_user = by  # type: ignore[attr-defined]
    client.save(update_fields=["reminders_enabled", "reminder_time", "updated_by", "updated_at"])
    return client
