"""The tenant (a practice), its locations and rooms, its staff and their roles."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from headwise.accounts.models import validate_time_zone
from headwise.common.history import record_history
from headwise.common.limits import SHORT
from headwise.common.models import PracticeScoped, Public, uuid_unique_per_practice


class Practice(Public):
    #: The practice is the tenant itself (not practice-scoped): its uuid stays unique on its own.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Amsterdam", validators=[validate_time_zone]
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    red_flag_onset_age = models.PositiveSmallIntegerField(
        _("red flag: new headache after age"),
        default=50,
        help_text=_("SNOOP4 uses 50, SNNOOP10's journal version 65 (CLINICAL.md §3)."),
    )
    rescreen_after_months = models.PositiveSmallIntegerField(
        _("screen again after a gap of (months)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("A client back after this long without a session or screen is screened again."),
    )
    # ics: appointment reminders (headwise.care.reminders)
    appointment_reminders = models.BooleanField(_("e-mail a reminder before each appointment"), default=True)
    appointment_reminder_hours = models.PositiveSmallIntegerField(
        _("send the reminder this many hours before"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
    )
    require_two_factor = models.BooleanField(
        _("require two-step sign-in for all staff"),
        default=False,
        help_text=_("Staff without an authenticator app are sent to set one up before anything else."),
    )
    # privacy (docs/privacy.md)
    notes_private_to_author = models.BooleanField(
        _("session notes only for their author and the owners"),
        default=False,
        help_text=_(
            "When on, a practitioner reads and edits only the session records of sessions they gave; "
            "owners read all. Other staff still see that a session happened."
        ),
    )
    retention_years = models.PositiveSmallIntegerField(
        _("keep records for (years after the last contact)"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(115)],
        help_text=_(
            "The Dutch WGBO (Civil Code art. 7:454 par. 3) asks for 20 years from when a record was made; "
            "Headwise counts from the client's last record, which is never shorter."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # public: the public page's address and the online booking of existing clients.
    slug = models.SlugField(
        _("web address name"),
        max_length=60,
        blank=True,
        help_text=_("The practice's part of its public pages' address: /p/<this>/<location>/."),
    )
    online_booking = models.BooleanField(
        _("clients book online"),
        default=False,
        help_text=_("Signed-in clients book, move or cancel their own next session."),
    )
    booking_notice_hours = models.PositiveSmallIntegerField(
        _("book at least (hours ahead)"), default=24, validators=[MaxValueValidator(24 * 60)]
    )
    cancel_notice_hours = models.PositiveSmallIntegerField(
        _("move or cancel at least (hours ahead)"), default=24, validators=[MaxValueValidator(24 * 60)]
    )

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["slug"], condition=~models.Q(slug=""), name="practice_slug_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.slug:
            self.slug = unique_slug(self.name, Practice.objects.exclude(pk=self.pk), "practice")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


def unique_slug(name: str, taken: models.QuerySet[Any], fallback: str) -> str:
    """``name`` as a slug, with -2, -3, … until no row of ``taken`` has it."""
    base = slugify(name)[:50] or fallback
    slug, n = base, 1
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class Location(PracticeScoped, Public):
    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("state or region"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="NL", help_text=_("ISO code"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Amsterdam", validators=[validate_time_zone]
    )
    is_active = models.BooleanField(_("active"), default=True)
    slug = models.SlugField(
        _("web address name"),
        max_length=60,
        blank=True,
        help_text=_("The location's part of its public page's address; made from the name if empty."),
    )

    history = record_history()

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            uuid_unique_per_practice(),
            models.UniqueConstraint(fields=["practice", "name"], name="location_name_unique"),
            models.UniqueConstraint(
                fields=["practice", "slug"], condition=~models.Q(slug=""), name="location_slug_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.slug:
            others = Location.objects.filter(practice_id=self.practice_id).exclude(pk=self.pk)
            self.slug = unique_slug(self.name, others, "location")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Room(PracticeScoped, Public):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    history = record_history()

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            uuid_unique_per_practice(),
            models.UniqueConstraint(fields=["location", "name"], name="room_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.location.name} · {self.name}"


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    PRACTITIONER = "practitioner", _("Practitioner")
    FRONT_DESK = "front_desk", _("Front desk")


class Membership(PracticeScoped, Public):
    """A staff member's place in a practice. One practice per login."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = record_history()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints: ClassVar = [uuid_unique_per_practice()]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER

    @property
    def sees_clinical_records(self) -> bool:
        """Front desk books and greets; clinical notes and diaries are for clinicians."""
        return self.role in (Role.OWNER, Role.PRACTITIONER)


class Profession(models.TextChoices):
    MASSAGE = "massage_therapist", _("Massage therapist")
    OSTEOPATH = "osteopath", _("Osteopath")
    CHIROPRACTOR = "chiropractor", _("Chiropractor")
    PHYSIOTHERAPIST = "physiotherapist", _("Physiotherapist")
    OCCUPATIONAL = "occupational_therapist", _("Occupational therapist")
    OTHER = "other", _("Other")


class CstStyle(models.TextChoices):
    BIOMECHANICAL = "biomechanical", _("Biomechanical")
    BIODYNAMIC = "biodynamic", _("Biodynamic")
    INTEGRATED = "integrated", _("Integrated (both)")


class AppointmentKind(models.TextChoices):
    """What an appointment is for (re-exported by :mod:`headwise.care.models`, where it began);
    each :class:`Service` maps to one of these."""

    INTAKE = "intake", _("Intake and first session")
    SESSION = "session", _("CST session")
    REVIEW = "review", _("Review of progress")


#: Bounds of a service's length and of the free time after it (minutes); the slot engine reads
#: appointments up to MAX_BUFFER_MINUTES before a range, so a longer buffer would be missed.
MIN_DURATION_MINUTES = 5
MAX_DURATION_MINUTES = 8 * 60
MAX_BUFFER_MINUTES = 120


class Service(PracticeScoped, Public):
    """Something a practice offers, with its length and the free time the practitioner needs
    after it (notes, airing the room): a CST session, an intake, a review, lymphatic drainage..."""

    name = models.CharField(_("name"), max_length=SHORT)
    appointment_kind = models.CharField(
        _("kind of appointment"),
        max_length=10,
        choices=AppointmentKind.choices,
        default=AppointmentKind.SESSION,
        help_text=_("An intake may be booked before the safety screen; a session may not."),
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"),
        default=60,
        validators=[MinValueValidator(MIN_DURATION_MINUTES), MaxValueValidator(MAX_DURATION_MINUTES)],
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        _("free time after (minutes)"),
        default=0,
        validators=[MaxValueValidator(MAX_BUFFER_MINUTES)],
    )
    is_active = models.BooleanField(_("offered"), default=True)
    position = models.PositiveSmallIntegerField(_("position in lists"), default=0)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering: ClassVar = ["position", "name"]
        constraints: ClassVar = [
            uuid_unique_per_practice(),
            models.UniqueConstraint(fields=["practice", "name"], name="service_name_unique"),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=MIN_DURATION_MINUTES)
                & models.Q(duration_minutes__lte=MAX_DURATION_MINUTES),
                name="service_duration_bounded",
            ),
            models.CheckConstraint(
                condition=models.Q(buffer_minutes__lte=MAX_BUFFER_MINUTES), name="service_buffer_bounded"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Practitioner(PracticeScoped, Public):
    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="practitioner")
    display_name = models.CharField(_("name shown to clients"), max_length=200)
    profession = models.CharField(_("profession"), max_length=30, choices=Profession.choices)
    cst_style = models.CharField(
        _("CST style"), max_length=20, choices=CstStyle.choices, default=CstStyle.INTEGRATED
    )
    credentials = models.CharField(_("training and registration"), max_length=300, blank=True)
    locations = models.ManyToManyField(Location, related_name="practitioners", blank=True)
    services = models.ManyToManyField(
        Service, blank=True, related_name="practitioners", verbose_name=_("services offered")
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = record_history()

    class Meta:
        verbose_name = _("practitioner")
        verbose_name_plural = _("practitioners")
        ordering: ClassVar = ["display_name"]
        constraints: ClassVar = [uuid_unique_per_practice()]

    def __str__(self) -> str:
        return self.display_name


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WorkingHours(PracticeScoped, Public):
    """One stretch of a practitioner's weekly pattern at a location: every ``weekday`` from
    ``starts`` to ``ends``, wall-clock times in the LOCATION's time zone, between ``valid_from``
    and ``valid_until`` (inclusive; empty = open-ended). Two stretches on one day (a lunch
    break) are two rows. Hours do not run past midnight."""

    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="working_hours")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering: ClassVar = ["weekday", "starts"]
        constraints: ClassVar = [
            uuid_unique_per_practice(),
            models.CheckConstraint(
                condition=models.Q(ends__gt=models.F("starts")), name="hours_end_after_start"
            ),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="hours_weekday_in_week"),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="hours_valid_ordered",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["practitioner", "weekday"], name="hours_prac_idx")]

    def __str__(self) -> str:
        return f"{self.practitioner} · {self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"


class AvailabilityException(PracticeScoped, Public):
    """A day that differs from the weekly pattern: with neither ``starts`` nor ``ends`` the
    practitioner is away that day (at ``location``, or everywhere when it is empty); with both,
    the practitioner works only these hours that day at ``location`` (which is then required)."""

    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="exceptions")
    location = models.ForeignKey(
        Location,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("location"),
    )
    date = models.DateField(_("date"))
    starts = models.TimeField(_("from"), null=True, blank=True)
    ends = models.TimeField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=SHORT, blank=True)

    class Meta:
        verbose_name = _("availability exception")
        verbose_name_plural = _("availability exceptions")
        ordering: ClassVar = ["date", "starts"]
        constraints: ClassVar = [
            uuid_unique_per_practice(),
            models.CheckConstraint(
                condition=(models.Q(starts__isnull=True) & models.Q(ends__isnull=True))
                | (
                    models.Q(starts__isnull=False)
                    & models.Q(ends__isnull=False)
                    & models.Q(ends__gt=models.F("starts"))
                    & models.Q(location__isnull=False)
                ),
                name="exception_hours_whole",
            ),
        ]

    @property
    def is_away(self) -> bool:
        return self.starts is None

    def __str__(self) -> str:
        return f"{self.practitioner} · {self.date}"


class Closure(PracticeScoped, Public):
    """Days a location (or, with no location, the whole practice) is closed: holidays."""

    location = models.ForeignKey(
        Location,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
        verbose_name=_("location"),
    )
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=SHORT, blank=True)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering: ClassVar = ["first_day"]
        constraints: ClassVar = [
            uuid_unique_per_practice(),
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")), name="closure_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason or self._meta.verbose_name}: {self.first_day}-{self.last_day}"
