"""Client records, consent and the safety screen."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from headwise.accounts.models import validate_time_zone
from headwise.common import dates
from headwise.common.history import record_history
from headwise.common.limits import LONG
from headwise.common.models import Audited, PracticeScoped, Public, bounded_text, uuid_unique_per_practice


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    INTERSEX = "intersex", _("Intersex")
    NOT_STATED = "not_stated", _("Prefer not to say")


class ClientStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ARCHIVED = "archived", _("Archived")
    #: Asked for an appointment on the public page; not yet a client of the practice's care
    #: (listed apart, never as active; staff make the record active).
    PROSPECTIVE = "prospective", _("Prospective")


#: The migraine history and clinical notes of a client record: only those whose membership
#: ``sees_clinical_records`` read or change them (front desk sees contact details only).
CLINICAL_FIELDS = (
    "migraine_diagnosed",
    "diagnosis_text",
    "age_at_onset",
    "has_aura_history",
    "headache_days_per_month_reported",
    "preventive_medication",
    "acute_medication",
    "known_triggers",
    "recent_head_injury_on",
    "sensitivities",
    "physician_name",
    "physician_contact",
    "notes",
)


class Client(PracticeScoped, Public, Audited):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="client",
        help_text=_("The client's own login, if they keep their diary in Headwise."),
    )
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # Empty only for a prospective client (a booking request from the public page asks none).
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=12, choices=Sex.choices, default=Sex.NOT_STATED)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Amsterdam",
        validators=[validate_time_zone],
        help_text=_("A diary day is a calendar day in this zone."),
    )
    assigned_practitioner = models.ForeignKey(
        "practice.Practitioner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clients",
        verbose_name=_("practitioner"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ClientStatus.choices, default=ClientStatus.ACTIVE
    )
    # Migraine history, as told at intake.
    migraine_diagnosed = models.BooleanField(_("migraine diagnosed by a physician"), null=True, blank=True)
    diagnosis_text = models.CharField(_("diagnosis as given"), max_length=200, blank=True)
    age_at_onset = models.PositiveSmallIntegerField(_("age when headaches began"), null=True, blank=True)
    has_aura_history = models.BooleanField(_("has had aura"), null=True, blank=True)
    headache_days_per_month_reported = models.PositiveSmallIntegerField(
        _("headache days per month (as reported)"), null=True, blank=True
    )
    preventive_medication = bounded_text(_("preventive medication"), blank=True)
    acute_medication = bounded_text(_("usual acute medication"), blank=True)
    known_triggers = models.JSONField(_("known triggers"), default=list, blank=True)
    recent_head_injury_on = models.DateField(_("most recent head injury"), null=True, blank=True)
    sensitivities = bounded_text(
        _("sensitivities and preferences"),
        blank=True,
        help_text=_("Touch, light, sound, positioning: what to adapt for this person."),
    )
    physician_name = models.CharField(_("physician"), max_length=200, blank=True)
    physician_contact = models.CharField(_("physician contact"), max_length=200, blank=True)
    notes = bounded_text(_("notes"), blank=True)
    reminder_time = models.TimeField(_("diary reminder at"), null=True, blank=True, default=dt.time(20, 30))
    reminders_enabled = models.BooleanField(_("send diary reminders"), default=True)

    history = record_history()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering: ClassVar = ["family_name", "given_name"]
        indexes: ClassVar = [
            models.Index(fields=["practice", "family_name"], name="client_name_idx"),
            # The client list: one practice, one status, in name order (clients_search), read
            # from the index a page at a time instead of sorting every client of the practice.
            models.Index(
                fields=["practice", "status", "family_name", "given_name", "id"], name="client_list_idx"
            ),
            # Search on PostgreSQL: trigram GIN indexes, migration clients 00xx_client_search_trgm.
        ]
        constraints: ClassVar = [uuid_unique_per_practice()]

    @staticmethod
    def name_of(given_name: str, family_name: str) -> str:
        """A client's name as every page shows it (also for rows read without the model)."""
        return f"{given_name} {family_name}"

    def __str__(self) -> str:
        return self.name_of(self.given_name, self.family_name)

    @property
    def full_name(self) -> str:
        return str(self)

    def clean(self) -> None:
        """The dates of :mod:`headwise.common.dates`, for the pages and the API alike."""
        today = timezone.localdate()
        errors: dict[str, str] = {}
        if self.date_of_birth is None:
            if self.status != ClientStatus.PROSPECTIVE:
                errors["date_of_birth"] = str(_("A client record needs the date of birth."))
        elif born := dates.birth_date_problem(self.date_of_birth, today=today):
            errors["date_of_birth"] = born
        injury = self.recent_head_injury_on
        if injury is not None and injury > today:
            errors["recent_head_injury_on"] = str(_("A head injury cannot be dated in the future."))
        elif dates.calendar_problem(injury):
            errors["recent_head_injury_on"] = dates.calendar_problem(injury) or ""
        if errors:
            raise ValidationError(errors)

    def age_on(self, day: dt.date) -> int | None:
        born = self.date_of_birth
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class ConsentKind(models.TextChoices):
    TREATMENT = "treatment", _("Treatment with craniosacral therapy")
    DATA = "data", _("Keeping and processing health data")
    PHYSICIAN_REPORT = "physician_report", _("Sharing reports with my physician")
    RESEARCH = "research", _("Anonymous use for service evaluation")


class ConsentText(PracticeScoped, Public):
    """A published, immutable version of a consent text. Changes make a new version.

    Versions are numbered per kind and language: the Dutch and the English wording of a
    consent are separate texts, and a consent records the exact one the client read.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=ConsentKind.choices)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = bounded_text(_("text"), max_length=LONG)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        constraints: ClassVar = [
            uuid_unique_per_practice(),
            models.UniqueConstraint(
                fields=["practice", "kind", "language", "version"], name="consent_text_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version} ({self.language})"


class Consent(PracticeScoped, Public):
    """A client's answer to one version of a consent text: who recorded it, and when."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consents")
    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="consents")
    granted = models.BooleanField(_("granted"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    typed_name = models.CharField(
        _("name typed to accept"),
        max_length=200,
        blank=True,
        help_text=_("The full name the client typed to accept the text."),
    )
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("witnessed by"),
        help_text=_("The staff member at the desk; empty when the client accepted online themself."),
    )

    history = record_history()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering: ClassVar = ["-recorded_at"]
        constraints: ClassVar = [uuid_unique_per_practice()]


class ScreeningOutcome(models.TextChoices):
    CLEARED = "cleared", _("Cleared")
    CAUTION = "caution", _("Caution: practitioner must acknowledge")
    REFER = "refer", _("Refer: no CST until a clinician clears it")


class SafetyScreening(PracticeScoped, Public, Audited):
    """Answers to the CST contraindication and headache red-flag questions, and the outcome.

    ``answers`` maps a rule id of ``headwise.clinical`` (or a practice's own ``practice.…``
    rule) to "yes", "no" or "unknown"; the outcome and reasons are computed by the pure core
    and stored with the rules' version. A reason is stored as data, never as words:
    ``{"rule_id", "answer", "effect", "params"}`` (``params``: the facts its wording needs,
    e.g. a head injury's date and the days left); the words are chosen in the reader's
    language when shown (``headwise.clients.texts``). Rows written before this shape also
    carry an English ``text``, which is ignored.
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="screenings")
    screened_at = models.DateTimeField(_("screened at"))
    answers = models.JSONField(_("answers"), default=dict)
    outcome = models.CharField(_("outcome"), max_length=10, choices=ScreeningOutcome.choices)
    reasons = models.JSONField(
        _("reasons"),
        default=list,
        blank=True,
        help_text=_("Rule ids, answers, effects and parameters; the words are chosen when shown."),
    )
    rules_version = models.CharField(max_length=40, blank=True)
    disabled_rules = models.JSONField(_("rules switched off"), default=list, blank=True)
    intake_hash = models.CharField(_("intake fingerprint screened"), max_length=64, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("caution acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    clinician_clearance = bounded_text(
        _("notes on the clearance"),
        blank=True,
        help_text=_("Anything else the clearance says (conditions, adaptations)."),
    )
    clearance_clinician = models.CharField(
        _("cleared by (clinician)"),
        max_length=200,
        blank=True,
        help_text=_("The physician or specialist who assessed the client, e.g. GP Dr. A. de Vries."),
    )
    clearance_on = models.DateField(_("date of the clearance"), null=True, blank=True)
    clearance_document = models.CharField(
        _("document"),
        max_length=200,
        blank=True,
        help_text=_("What the clearance is written in, e.g. GP letter of 3 May, reference 123."),
    )
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("clearance recorded by"),
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    notes = bounded_text(_("notes"), blank=True)

    history = record_history()

    class Meta:
        verbose_name = _("safety screening")
        verbose_name_plural = _("safety screenings")
        ordering: ClassVar = ["-screened_at"]
        get_latest_by = "screened_at"
        constraints: ClassVar = [uuid_unique_per_practice()]

    def __str__(self) -> str:
        return f"{self.client} · {self.get_outcome_display()}"


class ScreeningAcknowledgement(PracticeScoped, Public):
    """A practitioner has read one named risk of a *caution* screen and will adapt the care."""

    screening = models.ForeignKey(SafetyScreening, on_delete=models.CASCADE, related_name="acknowledgements")
    rule_id = models.CharField(_("rule"), max_length=80)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"))

    class Meta:
        verbose_name = _("acknowledged risk")
        verbose_name_plural = _("acknowledged risks")
        ordering: ClassVar = ["acknowledged_at", "pk"]
        constraints: ClassVar = [
            uuid_unique_per_practice(),
            models.UniqueConstraint(fields=["screening", "rule_id"], name="screening_ack_once"),
        ]


class RuleEffect(models.TextChoices):
    REFER = "refer", _("Refer to a physician")
    DEFER = "defer", _("Defer CST until a clinician clears it")
    CAUTION = "caution", _("Caution: the practitioner acknowledges it")


class PracticeSafetyRule(PracticeScoped, Public):
    """A practice's own screening question (id ``practice.…``), added beside the built-in ones."""

    rule_id = models.CharField(_("rule id"), max_length=80)
    question = models.CharField(_("question"), max_length=300)
    effect = models.CharField(_("what a yes does"), max_length=10, choices=RuleEffect.choices)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("practice safety rule")
        verbose_name_plural = _("practice safety rules")
        ordering: ClassVar = ["rule_id"]
        constraints: ClassVar = [
            uuid_unique_per_practice(),
            models.UniqueConstraint(fields=["practice", "rule_id"], name="practice_rule_id_unique"),
        ]

    def __str__(self) -> str:
        return self.rule_id


class DisabledSafetyRule(PracticeScoped):
    """A built-in rule the practice switched off (reported as disabled in every result)."""

    rule_id = models.CharField(_("rule id"), max_length=80)

    class Meta:
        verbose_name = _("switched-off safety rule")
        verbose_name_plural = _("switched-off safety rules")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["practice", "rule_id"], name="disabled_rule_unique")
        ]


class RuleChange(models.TextChoices):
    DISABLED = "disabled", _("switched off")
    ENABLED = "enabled", _("switched on again")
    ADDED = "added", _("added")
    RETIRED = "retired", _("taken out of use")
    SETTING = "setting", _("setting changed")


class SafetyRuleLogEntry(PracticeScoped, Public):
    """Who changed the practice's safety rules, what and when: the visible log."""

    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(_("change"), max_length=10, choices=RuleChange.choices)
    rule_id = models.CharField(_("rule id"), max_length=80)
    question = models.CharField(_("question"), max_length=300, blank=True)
    effect = models.CharField(_("effect"), max_length=10, choices=RuleEffect.choices, blank=True)

    class Meta:
        verbose_name = _("safety rule change")
        verbose_name_plural = _("safety rule changes")
        ordering: ClassVar = ["-at", "-pk"]
        constraints: ClassVar = [uuid_unique_per_practice()]


# --- the intake the client fills in (at home, or at the desk) ------------------------------


class DiagnosedBy(models.TextChoices):
    GP = "gp", _("My GP (family doctor)")
    NEUROLOGIST = "neurologist", _("A neurologist")
    OTHER = "other", _("Another doctor or clinic")
    NOT_DIAGNOSED = "not_diagnosed", _("Not diagnosed by a doctor")


class Pregnancy(models.TextChoices):
    NO = "no", _("No")
    YES = "yes", _("Yes")
    UNSURE = "unsure", _("Not sure")


class TouchSensitivity(models.TextChoices):
    NONE = "none", _("Not particularly sensitive")
    SOME = "some", _("Somewhat sensitive")
    VERY = "very", _("Very sensitive")


class Intake(PracticeScoped, Public, Audited):
    """What the client told the practice before the first session (one per client; history kept).

    ``preventive_medication`` and ``acute_medication`` are lists of rows
    ``{"name", "substance", "dose"}`` (``substance`` from ``headwise.clinical.substance_for_name``
    where the name resolves, else null); ``head_injuries`` is a list of rows
    ``{"what", "date", "doctor_seen"}`` (date ISO, doctor_seen "yes"/"no"/"unknown");
    ``screening_answers`` maps a rule id of ``headwise.clinical.SAFETY_RULES`` to "yes", "no"
    or "unknown". The rules for all of them are :mod:`headwise.clients.intake`, run by ``clean``.
    """

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="intake")
    migraine_since_year = models.PositiveSmallIntegerField(_("migraines since (year)"), null=True, blank=True)
    migraine_since_month = models.PositiveSmallIntegerField(
        _("migraines since (month)"), null=True, blank=True
    )
    migraine_days_per_month = models.PositiveSmallIntegerField(
        _("migraine days in a usual month"), null=True, blank=True
    )
    diagnosed_by = models.CharField(_("diagnosed by"), max_length=20, choices=DiagnosedBy.choices, blank=True)
    diagnosed_by_other = models.CharField(_("diagnosed by (other)"), max_length=200, blank=True)
    preventive_medication = models.JSONField(_("preventive medication"), default=list, blank=True)
    acute_medication = models.JSONField(_("acute medication"), default=list, blank=True)
    other_conditions = bounded_text(_("other conditions"), blank=True)
    head_injuries = models.JSONField(_("head or neck injuries"), default=list, blank=True)
    pregnancy = models.CharField(
        _("pregnant"), max_length=10, choices=Pregnancy.choices, default=Pregnancy.NO
    )
    pregnancy_weeks = models.PositiveSmallIntegerField(_("weeks pregnant"), null=True, blank=True)
    touch_sensitivity = models.CharField(
        _("sensitivity to touch"), max_length=10, choices=TouchSensitivity.choices, blank=True
    )
    touch_notes = bounded_text(_("what helps with touch"), blank=True)
    hopes = bounded_text(_("what the client hopes for"), blank=True)
    screening_answers = models.JSONField(_("safety questions"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    entered_at_desk = models.BooleanField(_("entered at the desk"), default=False)

    history = record_history()

    class Meta:
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")
        constraints: ClassVar = [uuid_unique_per_practice()]

    def __str__(self) -> str:
        return f"intake {self.client_id}"

    def clean(self) -> None:
        from headwise.clients.intake import intake_problems
        from headwise.diary.localtime import client_today

        problems = intake_problems(self, today=client_today(self.client))
        if problems:
            raise ValidationError(problems)


class IntakeLink(PracticeScoped, Public):
    """A single-use, expiring link that opens a client's intake form. Only the token's hash is kept."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="intake_links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("replaced at"), null=True, blank=True)

    class Meta:
        verbose_name = _("intake link")
        verbose_name_plural = _("intake links")
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [uuid_unique_per_practice()]
