"""What a client records: attacks, aura, acute medication, daily check-ins, trigger exposures.

The fields are those ``headwise.clinical`` needs for ICHD-3 classification and the IHS
endpoints (docs/clinical-definitions.md). A feature left unanswered is stored as NULL (unknown), never as
"no". Instants are stored in UTC; the client's zone gives the diary day.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from headwise import clinical
from headwise.clinical.medicines import substance_for_name
from headwise.common.history import record_history
from headwise.common.models import Audited, PracticeScoped, Public, bounded_text, uuid_unique_per_practice

INTENSITY = [MinValueValidator(0), MaxValueValidator(10)]


class Side(models.TextChoices):
    UNILATERAL = "unilateral", _("One side")
    BILATERAL = "bilateral", _("Both sides")


class Quality(models.TextChoices):
    PULSATING = "pulsating", _("Pulsating, throbbing")
    PRESSING = "pressing", _("Pressing, tightening")
    OTHER = "other", _("Other")


class Disability(models.TextChoices):
    NONE = "none", _("Carried on as usual")
    HALF = "half", _("Half as productive or less")
    MISSED = "missed", _("Missed work, school or family time")


class WarningSign(models.TextChoices):
    """Premonitory symptoms (ICHD-3 1.1 comments) the client may notice before an attack."""

    YAWNING = "yawning", _("Yawning")
    NECK_STIFFNESS = "neck_stiffness", _("Stiff neck")
    LIGHT_SENSITIVITY = "light_sensitivity", _("Sensitive to light")
    FATIGUE = "fatigue", _("Tiredness")
    MOOD_CHANGE = "mood_change", _("Mood change")
    FOOD_CRAVING = "food_craving", _("Food cravings")
    CONCENTRATION = "concentration", _("Hard to concentrate")
    FREQUENT_URINATION = "frequent_urination", _("Frequent urination")
    OTHER = "other", _("Other")


class Trigger(models.TextChoices):
    """Triggers a client can note, as the daily check-in asks them."""

    SLEEP = "sleep", _("Poor or irregular sleep")
    HORMONES = "hormones", _("Hormonal change, menstruation")
    NECK_TENSION = "neck_tension", _("Neck or shoulder tension")
    JAW_TENSION = "jaw_tension", _("Jaw tension")
    STRESS = "stress", _("Stress")
    LIGHT = "light", _("Bright or flickering light")
    FOOD = "food", _("Food")
    HISTAMINE = "histamine", _("Histamine-rich food or drink")
    ALCOHOL = "alcohol", _("Alcohol")
    CAFFEINE = "caffeine", _("Caffeine, or missing it")
    SKIPPED_MEAL = "skipped_meal", _("Skipped meal")
    DEHYDRATION = "dehydration", _("Too little to drink")
    SCREEN = "screen", _("Long screen time")
    WEATHER = "weather", _("Weather change")
    OTHER = "other", _("Other")


#: Fields a client may set on an attack (the rest are bookkeeping).
ATTACK_FIELDS = (
    "started_at",
    "ended_at",
    "time_zone",
    "peak_intensity",
    "side",
    "quality",
    "aggravated_by_activity",
    "nausea",
    "vomiting",
    "photophobia",
    "phonophobia",
    "ended_by_sleep",
    "had_aura",
    "warning_signs",
    "warning_lead_minutes",
    "disability",
    "suspected_triggers",
    "notes",
)
#: What an undo restores: the client's fields and whether the attack was deleted.
RESTORED_FIELDS = (*ATTACK_FIELDS, "deleted_at")


class PublicHistory(models.Model):
    """A random id for a history row, for URLs (undo one change)."""

    history_uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class Attack(PracticeScoped, Public, Audited):
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="attacks")
    request_id = models.UUIDField(
        _("submission id"),
        null=True,
        blank=True,
        help_text=_("Sent by the form or app; a second submission with the same id is the same attack."),
    )
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone where it was recorded"),
        max_length=64,
        help_text=_("For travel: the zone the client was in; the diary day uses the client's zone."),
    )
    peak_intensity = models.PositiveSmallIntegerField(
        _("worst pain (0–10)"), null=True, blank=True, validators=INTENSITY
    )
    side = models.CharField(_("side"), max_length=12, choices=Side.choices, blank=True)
    quality = models.CharField(_("quality"), max_length=12, choices=Quality.choices, blank=True)
    aggravated_by_activity = models.BooleanField(
        _("worse with routine activity, or made me avoid it"), null=True, blank=True
    )
    nausea = models.BooleanField(_("nausea"), null=True, blank=True)
    vomiting = models.BooleanField(_("vomiting"), null=True, blank=True)
    photophobia = models.BooleanField(_("sensitive to light"), null=True, blank=True)
    phonophobia = models.BooleanField(_("sensitive to sound"), null=True, blank=True)
    ended_by_sleep = models.BooleanField(_("ended by sleep"), null=True, blank=True)
    had_aura = models.BooleanField(
        _("aura before or during it"),
        null=True,
        blank=True,
        help_text=_("Unanswered is unknown; the symptoms themselves are recorded one by one."),
    )
    warning_signs = models.JSONField(_("early warning signs"), default=list, blank=True)
    warning_lead_minutes = models.PositiveIntegerField(
        _("warning noticed how long before (minutes)"), null=True, blank=True
    )
    disability = models.CharField(_("what it cost"), max_length=10, choices=Disability.choices, blank=True)
    suspected_triggers = models.JSONField(_("suspected triggers"), default=list, blank=True)
    notes = bounded_text(_("notes"), blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    # History rows are addressed in URLs (undo), so each also gets a random id like every record;
    # the sequential history_id stays for ordering and never leaves the server.
    history = record_history(bases=[PublicHistory])

    class Meta:
        verbose_name = _("attack")
        verbose_name_plural = _("attacks")
        ordering: ClassVar = ["-started_at"]
        constraints: ClassVar = [
            uuid_unique_per_practice(),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gt=F("started_at")),
                name="attack_ends_after_start",
            ),
            models.UniqueConstraint(fields=["practice", "client", "request_id"], name="attack_request_once"),
        ]
        indexes: ClassVar = [
            # A client's attacks by time, the primary key breaking ties: the month and history
            # read a range of it, the list of attacks its pages (keyset, newest first).
            models.Index(fields=["client", "started_at", "id"], name="attack_client_list_idx"),
        ]

    def __str__(self) -> str:
        return f"attack {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class AuraType(models.TextChoices):
    VISUAL = "visual", _("Visual")
    SENSORY = "sensory", _("Sensory (pins and needles, numbness)")
    SPEECH = "speech", _("Speech or language")
    MOTOR = "motor", _("Weakness")
    BRAINSTEM = "brainstem", _("Brainstem (vertigo, double vision, slurred speech)")
    RETINAL = "retinal", _("One eye only")


class AuraSymptom(PracticeScoped, Public):
    attack = models.ForeignKey(Attack, on_delete=models.CASCADE, related_name="aura_symptoms")
    type = models.CharField(_("type"), max_length=10, choices=AuraType.choices)
    started_at = models.DateTimeField(_("began at"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("lasted (minutes)"), null=True, blank=True)
    spread_gradually = models.BooleanField(
        _("spread gradually over 5 minutes or more"), null=True, blank=True
    )
    unilateral = models.BooleanField(_("on one side"), null=True, blank=True)
    positive = models.BooleanField(_("positive (flickering lights, pins and needles)"), null=True, blank=True)

    history = record_history()

    class Meta:
        verbose_name = _("aura symptom")
        verbose_name_plural = _("aura symptoms")
        ordering: ClassVar = ["started_at"]
        constraints: ClassVar = [uuid_unique_per_practice()]


class DrugClass(models.TextChoices):
    """Acute-medication classes as ICHD-3 8.2 counts them."""

    TRIPTAN = "triptan", _("Triptan")
    ERGOT = "ergot", _("Ergotamine")
    GEPANT = "gepant", _("Gepant")
    DITAN = "ditan", _("Ditan")
    OPIOID = "opioid", _("Opioid")
    SIMPLE_ANALGESIC = "simple_analgesic", _("Paracetamol, NSAID or aspirin")
    COMBINATION = "combination_analgesic", _("Combination painkiller (e.g. with caffeine)")
    ANTIEMETIC = "antiemetic", _("Anti-sickness")
    OTHER = "other", _("Other")


class Substance(models.TextChoices):
    """Which non-opioid analgesic: the values of ``headwise.clinical.Substance`` (ICHD-3 8.2.3.1-3)."""

    PARACETAMOL = clinical.Substance.PARACETAMOL.value, _("Paracetamol (acetaminophen)")
    NSAID = clinical.Substance.NSAID.value, _("An NSAID, such as ibuprofen, naproxen or diclofenac")
    ACETYLSALICYLIC_ACID = clinical.Substance.ACETYLSALICYLIC_ACID.value, _("Aspirin (acetylsalicylic acid)")


#: The rule for ``MedicationIntake.substance``: said only of a simple analgesic (blank = not said,
#: or not known). The database holds it as a constraint; ``MedicationIntake.clean`` says the same
#: in Python to name the field (tests/diary/test_substance.py holds the two equal).
SUBSTANCE_ONLY_FOR_SIMPLE_ANALGESIC = Q(substance="") | Q(drug_class=DrugClass.SIMPLE_ANALGESIC)


class PainScale(models.TextChoices):
    """The IHS 4-point scale (IHS acute-trial guideline, Cephalalgia 2019;39:687)."""

    NONE = "none", _("No pain")
    MILD = "mild", _("Mild")
    MODERATE = "moderate", _("Moderate")
    SEVERE = "severe", _("Severe")


class MedicationIntake(PracticeScoped, Public, Audited):
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="medication_intakes")
    attack = models.ForeignKey(
        Attack, on_delete=models.SET_NULL, null=True, blank=True, related_name="medication_intakes"
    )
    request_id = models.UUIDField(null=True, blank=True)
    taken_at = models.DateTimeField(_("taken at"))
    name = models.CharField(_("medicine"), max_length=120)
    drug_class = models.CharField(_("kind"), max_length=24, choices=DrugClass.choices)
    substance = models.CharField(
        _("which painkiller"),
        max_length=24,
        choices=Substance.choices,
        blank=True,
        help_text=_("Only for paracetamol, an NSAID or aspirin; empty when not known."),
    )
    dose = models.CharField(_("dose"), max_length=60, blank=True)
    pain_before = models.CharField(_("pain when taken"), max_length=10, choices=PainScale.choices, blank=True)
    pain_at_2h = models.CharField(
        _("pain 2 hours later"), max_length=10, choices=PainScale.choices, blank=True
    )
    deleted_at = models.DateTimeField(null=True, blank=True)

    history = record_history()

    class Meta:
        verbose_name = _("medication intake")
        verbose_name_plural = _("medication intakes")
        ordering: ClassVar = ["-taken_at"]
        constraints: ClassVar = [
            uuid_unique_per_practice(),
            models.UniqueConstraint(fields=["practice", "client", "request_id"], name="intake_request_once"),
            models.CheckConstraint(
                condition=SUBSTANCE_ONLY_FOR_SIMPLE_ANALGESIC, name="intake_substance_only_simple_analgesic"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["client", "taken_at"], name="intake_client_idx")]

    def clean(self) -> None:
        """A substance is said only of a simple analgesic (``SUBSTANCE_ONLY_FOR_SIMPLE_ANALGESIC``)."""
        super().clean()
        if not self.substance:
            return
        if self.drug_class != DrugClass.SIMPLE_ANALGESIC:
            message = _("Say which painkiller only when the kind is “Paracetamol, NSAID or aspirin”.")
            raise ValidationError({"substance": message}, code="substance_only_simple_analgesic")
        named = substance_for_name(self.name or "")
        if named is not None and named.value != self.substance:
            contradicted = _("“%(name)s” is not that: choose “%(substance)s”, or “Don't know”.") % {
                "name": self.name.strip(),
                "substance": Substance(named.value).label,
            }
            raise ValidationError({"substance": contradicted}, code="substance_not_the_named_one")


class Hydration(models.TextChoices):
    LOW = "low", _("Too little")
    OK = "ok", _("About right")
    GOOD = "good", _("Plenty")


#: What a client answers in a daily check-in (the rest are bookkeeping).
CHECKIN_FIELDS = (
    "had_headache",
    "stress",
    "sleep_hours",
    "sleep_quality",
    "neck_tension",
    "jaw_tension",
    "menstruating",
    "caffeine_drinks",
    "alcohol_units",
    "skipped_meals",
    "hydration",
    "screen_hours",
    "notes",
    "warning_signs",
)


class DailyCheckIn(PracticeScoped, Public, Audited):
    """One row per diary day the client answered. A day without a row is missing."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="checkins")
    date = models.DateField(_("day"))
    had_headache = models.BooleanField(_("headache today"))
    stress = models.PositiveSmallIntegerField(_("stress (0–10)"), null=True, blank=True, validators=INTENSITY)
    sleep_hours = models.DecimalField(
        _("hours slept"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(24)],
    )
    sleep_quality = models.PositiveSmallIntegerField(
        _("sleep quality (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    neck_tension = models.PositiveSmallIntegerField(
        _("neck and shoulder tension (0–10)"), null=True, blank=True, validators=INTENSITY
    )
    jaw_tension = models.PositiveSmallIntegerField(
        _("jaw tension (0–10)"), null=True, blank=True, validators=INTENSITY
    )
    menstruating = models.BooleanField(_("menstruating"), null=True, blank=True)
    caffeine_drinks = models.PositiveSmallIntegerField(_("caffeinated drinks"), null=True, blank=True)
    alcohol_units = models.DecimalField(
        _("alcohol (units)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    skipped_meals = models.BooleanField(_("skipped a meal"), null=True, blank=True)
    hydration = models.CharField(_("drank"), max_length=6, choices=Hydration.choices, blank=True)
    screen_hours = models.DecimalField(
        _("screen time (hours)"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(24)],
    )
    notes = bounded_text(_("notes"), blank=True)
    #: Early warning signs noticed this day without (or before) an attack; read by the plan's
    #: maintenance rule (headwise.clinical.cadence).
    warning_signs = models.JSONField(_("early warning signs"), default=list, blank=True)

    history = record_history()

    class Meta:
        verbose_name = _("daily check-in")
        verbose_name_plural = _("daily check-ins")
        ordering: ClassVar = ["-date"]
        constraints: ClassVar = [
            uuid_unique_per_practice(),
            models.UniqueConstraint(fields=["practice", "client", "date"], name="checkin_one_per_day"),
        ]


class TriggerExposure(PracticeScoped, Public, Audited):
    """An exposure the client noted, dated, whether or not an attack followed."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="trigger_exposures")
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices)
    occurred_at = models.DateTimeField(_("when"))
    attack = models.ForeignKey(
        Attack,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trigger_exposures",
        help_text=_("Set when the client suspects this exposure set off that attack."),
    )
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    #: Sent by the app: a retried request with the same id is the same exposure.
    request_id = models.UUIDField(_("submission id"), null=True, blank=True)

    history = record_history()

    class Meta:
        verbose_name = _("trigger exposure")
        verbose_name_plural = _("trigger exposures")
        ordering: ClassVar = ["-occurred_at"]
        constraints: ClassVar = [
            uuid_unique_per_practice(),
            models.UniqueConstraint(
                fields=["practice", "client", "request_id"], name="exposure_request_once"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["client", "occurred_at"], name="exposure_client_idx")]


class ReminderKind(models.TextChoices):
    EVENING = "evening", _("No entry today")
    OPEN_ATTACK = "open_attack", _("An attack is still open")


class ReminderSent(PracticeScoped):
    """A reminder e-mailed to a client for one diary day. The constraint keeps it to once a day.
    It carries the client's practice, like every other practice table (sharding by practice)."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="reminders_sent")
    date = models.DateField(_("diary day"))
    kind = models.CharField(_("kind"), max_length=12, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["practice", "client", "date", "kind"], name="reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder {self.date}"
