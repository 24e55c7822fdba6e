"""Treatment plans in phases, appointments, session records and the 24-hour follow-up."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from headwise.common.history import record_history
from headwise.common.limits import SHORT
from headwise.common.models import Audited, PracticeScoped, Public, bounded_text, uuid_unique_per_practice
from headwise.practice.models import AppointmentKind as AppointmentKind
from headwise.practice.models import CstStyle


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


class TreatmentPlan(PracticeScoped, Public, Audited):
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="plans")
    practitioner = models.ForeignKey("practice.Practitioner", on_delete=models.PROTECT, related_name="plans")
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.ACTIVE
    )
    goals = bounded_text(_("goals in the client's words"), blank=True)
    notes = bounded_text(_("notes"), blank=True)

    history = record_history()

    class Meta:
        verbose_name = _("treatment plan")
        verbose_name_plural = _("treatment plans")
        ordering: ClassVar = ["-started_on"]
        constraints: ClassVar = [
            uuid_unique_per_practice(),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="plan_ends_after_start",
            ),
        ]


class PhaseKind(models.TextChoices):
    """The cadence of a course of craniosacral therapy in phases, as practices plan it."""

    INTENSIVE = "intensive", _("Frequent migraines: weekly")
    STABILISING = "stabilising", _("Stabilising: every 2–3 weeks")
    MAINTENANCE = "maintenance", _("Maintenance: monthly or at an early warning sign")


PHASE_INTERVAL_DAYS = {
    PhaseKind.INTENSIVE: (7, 7),
    PhaseKind.STABILISING: (14, 21),
    PhaseKind.MAINTENANCE: (28, 31),
}


class PlanPhase(PracticeScoped, Public):
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("phase"), max_length=12, choices=PhaseKind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    interval_days_min = models.PositiveSmallIntegerField(_("sessions every (days, from)"))
    interval_days_max = models.PositiveSmallIntegerField(_("sessions every (days, to)"))
    notes = bounded_text(_("notes"), blank=True)

    history = record_history()

    class Meta:
        verbose_name = _("plan phase")
        verbose_name_plural = _("plan phases")
        ordering: ClassVar = ["starts_on"]
        constraints: ClassVar = [
            uuid_unique_per_practice(),
            models.CheckConstraint(
                condition=Q(interval_days_max__gte=F("interval_days_min")),
                name="phase_interval_ordered",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="phase_ends_after_start",
            ),
        ]


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    ATTENDED = "attended", _("Attended")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("Did not attend")


#: PostgreSQL's exclusion constraints against double booking (migrations care 0002, 0011): a
#: practitioner, or a room, has at most one appointment that is not cancelled at any moment.
PRACTITIONER_FREE = "appointment_practitioner_free"
ROOM_FREE = "appointment_room_free"


class Appointment(PracticeScoped, Public, Audited):
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="appointments")
    practitioner = models.ForeignKey(
        "practice.Practitioner", on_delete=models.PROTECT, related_name="appointments"
    )
    location = models.ForeignKey("practice.Location", on_delete=models.PROTECT, related_name="appointments")
    room = models.ForeignKey(
        "practice.Room", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    phase = models.ForeignKey(
        PlanPhase, on_delete=models.SET_NULL, null=True, blank=True, related_name="appointments"
    )
    service = models.ForeignKey(
        "practice.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("service"),
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=AppointmentKind.choices, default=AppointmentKind.SESSION
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(max_length=200, blank=True)
    notes = bounded_text(_("notes for the front desk"), blank=True)
    #: iCalendar's SEQUENCE (RFC 5545 §3.8.7.4): raised on every change of time, place or status,
    #: so a calendar that holds an older copy of the event (same UID) takes the new one.
    ics_sequence = models.PositiveIntegerField(_("calendar revision"), default=0, editable=False)
    #: When the reminder e-mail was queued; cleared when the appointment moves (headwise.care.reminders).
    reminded_at = models.DateTimeField(_("reminder queued at"), null=True, blank=True, editable=False)

    history = record_history()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering: ClassVar = ["starts_at"]
        constraints: ClassVar = [
            uuid_unique_per_practice(),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="appointment_ends_after_start"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["practice", "starts_at"], name="appointment_day_idx"),
            models.Index(fields=["practitioner", "starts_at"], name="appointment_prac_idx"),
            # "Not yet ended" (the schedule from now on): the range ends_at > now of one practice
            # holds only current and future appointments, however long the past grows.
            models.Index(fields=["practice", "ends_at"], name="appointment_open_idx"),
            models.Index(fields=["client", "ends_at"], name="appointment_client_open_idx"),
        ]


class BodyRegion(models.TextChoices):
    """Contact regions a craniosacral therapist records for a session (the body map's regions).

    Codes are stored in records: new ones may be added, none renamed or removed.
    """

    CROWN = "crown", _("Crown of the head")
    FOREHEAD = "forehead", _("Forehead")
    SIDES_OF_HEAD = "sides_of_head", _("Sides of the head")
    SKULL_BASE = "skull_base", _("Base of the skull")
    JAW = "jaw", _("Jaw (TMJ)")
    NECK = "neck", _("Neck")
    SHOULDERS = "shoulders", _("Shoulders")
    UPPER_BACK = "upper_back", _("Upper back")
    SPINE = "spine", _("Along the spine")
    LOWER_BACK = "lower_back", _("Lower back")
    SACRUM = "sacrum", _("Sacrum")
    ABDOMEN = "abdomen", _("Abdomen and diaphragm")
    HIPS = "hips", _("Hips")
    LEGS = "legs", _("Legs")
    FEET = "feet", _("Feet")


class Sensation(models.TextChoices):
    """What clients commonly notice during or after a session (the checklist of the record)."""

    DEEP_CALM = "deep_calm", _("Deep calm")
    SLEEP = "sleep", _("Fell asleep")
    WARMTH = "warmth", _("Warmth")
    FLOATING = "floating", _("Floating")
    MEMORIES = "memories", _("Memories came up")
    BEHIND_EYES = "behind_eyes", _("Release behind the eyes")
    EMOTIONAL_RELEASE = "emotional_release", _("Emotional release")


#: The techniques a practice's list starts with (seeded in code on first use, then the
#: practice's own to rename, retire or add to).
DEFAULT_TECHNIQUES = (
    "CV4 / still point",
    "Frontal lift",
    "Parietal lift",
    "Sphenobasilar",
    "Temporal",
    "V-spread",
    "TMJ release",
    "Diaphragm releases",
    "Dural tube",
)


class Technique(PracticeScoped, Public):
    """One entry of a practice's list of techniques. A retired one is no longer offered; the
    records that name it keep its name (a record stores the names it was written with)."""

    name = models.CharField(_("name"), max_length=SHORT)
    is_active = models.BooleanField(_("offered"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("technique")
        verbose_name_plural = _("techniques")
        ordering: ClassVar = ["position", "name"]
        constraints: ClassVar = [
            uuid_unique_per_practice(),
            models.UniqueConstraint(fields=["practice", "name"], name="technique_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Position(models.TextChoices):
    SUPINE = "supine", _("Face-up")
    SIDE = "side", _("On the side")
    PRONE = "prone", _("Face-down")
    SEATED = "seated", _("Seated")


class SideEffect(models.TextChoices):
    DISCOMFORT = "discomfort", _("Mild discomfort")
    FATIGUE = "fatigue", _("Fatigue")
    DISORIENTATION = "disorientation", _("Feeling disoriented")
    HEADACHE = "headache", _("Headache")
    EMOTIONAL = "emotional", _("Emotional release")
    OTHER = "other", _("Other")


class SessionRecord(PracticeScoped, Public, Audited):
    """What happened in one session: contact, style, pressure, what the client felt."""

    appointment = models.OneToOneField(
        Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="record"
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="sessions")
    practitioner = models.ForeignKey(
        "practice.Practitioner", on_delete=models.PROTECT, related_name="sessions"
    )
    location = models.ForeignKey(
        "practice.Location", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    room = models.ForeignKey(
        "practice.Room", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=60, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    position = models.CharField(
        _("position"), max_length=10, choices=Position.choices, default=Position.SUPINE
    )
    clothed = models.BooleanField(_("client clothed"), default=True)
    style = models.CharField(_("style"), max_length=20, choices=CstStyle.choices)
    regions = models.JSONField(_("contact regions"), default=list, blank=True)
    techniques = models.JSONField(_("techniques"), default=list, blank=True)
    pressure_grams = models.PositiveSmallIntegerField(
        _("contact pressure (g)"), default=5, validators=[MaxValueValidator(100)]
    )
    headache_at_start = models.PositiveSmallIntegerField(
        _("headache at start (0–10)"), null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    headache_at_end = models.PositiveSmallIntegerField(
        _("headache at end (0–10)"), null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    noticed = models.JSONField(_("what the client noticed"), default=list, blank=True)
    sensations = bounded_text(_("sensations the client described"), blank=True)
    emotional_release = models.BooleanField(_("emotional release"), default=False)
    side_effects = models.JSONField(_("side effects during the session"), default=list, blank=True)
    notes = bounded_text(_("practitioner's notes"), blank=True)
    next_time = bounded_text(_("plan for next time"), blank=True)
    soap = models.BooleanField(_("SOAP layout"), default=False)
    subjective = bounded_text(_("subjective"), blank=True)
    objective = bounded_text(_("objective"), blank=True)
    assessment = bounded_text(_("assessment"), blank=True)

    history = record_history()

    class Meta:
        verbose_name = _("session record")
        verbose_name_plural = _("session records")
        ordering: ClassVar = ["-started_at"]
        indexes: ClassVar = [models.Index(fields=["client", "started_at"], name="session_client_idx")]
        constraints: ClassVar = [uuid_unique_per_practice()]

    @property
    def ends_at(self) -> dt.datetime:
        return self.started_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def locks_at(self) -> dt.datetime:
        return locks_at(self.started_at, self.duration_minutes)

    def is_locked(self, now: dt.datetime | None = None) -> bool:
        return is_locked(self.started_at, self.duration_minutes, now)

    def save(self, *args: Any, **kwargs: Any) -> None:
        """The last guard of the lock: a stored record past its lock is never saved again, on
        whatever path (the services refuse first, naming the fields)."""
        if self.pk is not None:
            stored = (
                SessionRecord.objects.filter(pk=self.pk).values_list("started_at", "duration_minutes").first()
            )
            if stored is not None and is_locked(stored[0], stored[1]):
                raise ValidationError(LOCKED_MESSAGE)
        super().save(*args, **kwargs)


#: A session record can be changed until this long after the session ended; later, only
#: addenda are added.
LOCK_AFTER = dt.timedelta(hours=24)
LOCKED_MESSAGE = _("This session record is locked 24 hours after the session; add an addendum instead.")


def locks_at(started_at: dt.datetime, duration_minutes: int) -> dt.datetime:
    """When a session record locks: 24 hours after the session ends (the one rule)."""
    return started_at + dt.timedelta(minutes=duration_minutes) + LOCK_AFTER


def is_locked(started_at: dt.datetime, duration_minutes: int, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) >= locks_at(started_at, duration_minutes)


class Addendum(PracticeScoped, Public):
    """A later note to a session record, never changed: added in order under the record."""

    session = models.ForeignKey(SessionRecord, on_delete=models.CASCADE, related_name="addenda")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    text = bounded_text(_("addendum"))

    class Meta:
        verbose_name = _("addendum")
        verbose_name_plural = _("addenda")
        ordering: ClassVar = ["created_at", "pk"]
        constraints: ClassVar = [uuid_unique_per_practice()]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError(_("An addendum cannot be changed once written."))
        super().save(*args, **kwargs)


class FollowUp(PracticeScoped, Public, Audited):
    """The check 24 hours after a session: side effects, and whether they faded."""

    session = models.OneToOneField(SessionRecord, on_delete=models.CASCADE, related_name="follow_up")
    due_at = models.DateTimeField(_("due at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    side_effects = models.JSONField(_("side effects since the session"), default=list, blank=True)
    faded_within_24h = models.BooleanField(_("faded within 24 h"), null=True, blank=True)
    headache_since = models.BooleanField(_("headache since the session"), null=True, blank=True)
    passed_at = models.DateTimeField(_("side effects passed at"), null=True, blank=True)
    mailed_at = models.DateTimeField(_("e-mailed to the client at"), null=True, blank=True)
    notes = bounded_text(_("notes"), blank=True)

    history = record_history()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering: ClassVar = ["due_at"]
        constraints: ClassVar = [uuid_unique_per_practice()]

    @property
    def flag_at(self) -> dt.datetime:
        return self.due_at + FLAG_AFTER_DUE

    def is_flagged(self, now: dt.datetime | None = None) -> bool:
        """Side effects reported that had not passed 48 hours after the session (the one rule)."""
        now = now or timezone.now()
        if not self.side_effects or now < self.flag_at:
            return False
        return self.passed_at is None or self.passed_at > self.flag_at

    @staticmethod
    def flagged_q(now: dt.datetime) -> Q:
        """``is_flagged`` as a filter, for counting in the database: the same rule, written next
        to it (tests/care/test_follow_up_counts.py checks that the two agree on every case)."""
        return (
            Q(due_at__lte=now - FLAG_AFTER_DUE)
            & ~Q(side_effects=[])
            & (Q(passed_at__isnull=True) | Q(passed_at__gt=F("due_at") + FLAG_AFTER_DUE))
        )


class CadenceRuleSet(PracticeScoped, Public, Audited):
    """A practice's cadence rules (``headwise.clinical.cadence.CadenceRules``), one row per practice.

    Made with the engine's defaults the first time they are read; every change is kept in the
    history with who made it.
    """

    window_days = models.PositiveSmallIntegerField(
        _("period compared (days)"), default=28, validators=[MinValueValidator(7), MaxValueValidator(90)]
    )
    min_recorded_days = models.PositiveSmallIntegerField(
        _("recorded days each period needs"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    move_on = models.BooleanField(_("suggest moving on when migraine days fall"), default=True)
    move_on_percent = models.PositiveSmallIntegerField(
        _("move on at a fall of (percent)"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    relapse = models.BooleanField(_("suggest stepping back on a relapse"), default=True)
    relapse_percent = models.PositiveSmallIntegerField(
        _("relapse at (percent of the baseline)"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
    )
    warning_sign = models.BooleanField(
        _("in maintenance, offer an earlier slot at a warning sign"), default=True
    )
    streak_end = models.BooleanField(
        _("in maintenance, offer an earlier slot when an attack-free streak ends"), default=True
    )
    warning_days = models.PositiveSmallIntegerField(
        _("look back for a warning sign (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    streak_days = models.PositiveSmallIntegerField(
        _("attack-free streak (recorded days)"),
        default=28,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    early_slot_days = models.PositiveSmallIntegerField(
        _("earlier slot within (days)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )

    history = record_history()

    class Meta:
        verbose_name = _("cadence rules")
        verbose_name_plural = _("cadence rules")
        constraints: ClassVar = [
            uuid_unique_per_practice(),
            models.UniqueConstraint(fields=["practice"], name="cadence_rules_one_per_practice"),
        ]


class PhaseDecisionKind(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")


class PhaseDecision(PracticeScoped, Public, Audited):
    """A practitioner's answer to a suggested phase change, with the numbers it rested on."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="decisions")
    from_phase = models.ForeignKey(PlanPhase, on_delete=models.CASCADE, related_name="+")
    to_kind = models.CharField(_("suggested phase"), max_length=12, choices=PhaseKind.choices)
    rule = models.CharField(_("rule"), max_length=20)
    numbers = models.JSONField(_("numbers the rule used"), default=dict, blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=PhaseDecisionKind.choices)
    new_phase = models.ForeignKey(
        PlanPhase, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = bounded_text(_("note"), blank=True)

    class Meta:
        verbose_name = _("phase decision")
        verbose_name_plural = _("phase decisions")
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [uuid_unique_per_practice()]


#: The follow-up is due 24 hours after the session; side effects still there 24 hours later
#: (48 hours after the session) are flagged to the practitioner.
FLAG_AFTER_DUE = dt.timedelta(hours=24)


class CalendarFeed(PracticeScoped, Public):
    """A practitioner's private iCalendar feed: a secret URL a calendar app subscribes to.

    Only the SHA-256 of the secret is kept; the secret is shown once, when the feed is made.
    A revoked feed answers 404, like a secret that never existed (docs/calendars.md).
    """

    practitioner = models.ForeignKey(
        "practice.Practitioner", on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [uuid_unique_per_practice()]

    def __str__(self) -> str:
        return f"{self.practitioner} ({self.created_at:%Y-%m-%d})"


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("Offered a slot")
    BOOKED = "booked", _("Booked")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class WaitlistEntry(PracticeScoped, Public, Audited):
    """A client waiting for an earlier slot, with what fits them. An empty constraint is "any":
    no service, practitioner or location, no dates, no weekdays (a list of 0 = Monday ... 6),
    no times. Dates and times are the slot's, in the slot's location's time zone. Staff offer a
    slot (``offered``); nothing books automatically."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="waitlist_entries")
    service = models.ForeignKey(
        "practice.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
    )
    practitioner = models.ForeignKey(
        "practice.Practitioner",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("practitioner"),
    )
    location = models.ForeignKey(
        "practice.Location",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("location"),
    )
    earliest = models.DateField(_("from date"), null=True, blank=True)
    latest = models.DateField(_("until date"), null=True, blank=True)
    weekdays = models.JSONField(_("weekdays"), default=list, blank=True)
    time_from = models.TimeField(_("not before"), null=True, blank=True)
    time_until = models.TimeField(_("ends by"), null=True, blank=True)
    notes = bounded_text(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("offered by"),
    )
    offered_starts_at = models.DateTimeField(_("offered slot starts at"), null=True, blank=True)
    offered_practitioner = models.ForeignKey(
        "practice.Practitioner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    offered_location = models.ForeignKey(
        "practice.Location",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = record_history()

    class Meta:
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist entries")
        ordering: ClassVar = ["created_at", "id"]
        constraints: ClassVar = [
            uuid_unique_per_practice(),
            models.CheckConstraint(
                condition=Q(latest__isnull=True) | Q(earliest__isnull=True) | Q(latest__gte=F("earliest")),
                name="waitlist_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(time_until__isnull=True)
                | Q(time_from__isnull=True)
                | Q(time_until__gt=F("time_from")),
                name="waitlist_times_ordered",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["practice", "status"], name="waitlist_status_idx")]

    def __str__(self) -> str:
        return f"{self.client} · {self.get_status_display()}"
