"""The tenant (a practice), its locations and rooms, its staff and their roles."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from headwise.accounts.models import validate_time_zone
from headwise.common.history import record_history
from headwise.common.models import PracticeScoped, Public


class Practice(Public):
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

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("practices")

    def __str__(self) -> str:
        return self.name


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

    history = record_history()

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["practice", "name"], name="location_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


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
            models.UniqueConstraint(fields=["location", "name"], name="room_name_unique")
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


class Practitioner(PracticeScoped, Public):
    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="practitioner")
    display_name = models.CharField(_("name shown to clients"), max_length=200)
    profession = models.CharField(_("profession"), max_length=30, choices=Profession.choices)
    cst_style = models.CharField(
        _("CST style"), max_length=20, choices=CstStyle.choices, default=CstStyle.INTEGRATED
    )
    credentials = models.CharField(_("training and registration"), max_length=300, blank=True)
    locations = models.ManyToManyField(Location, related_name="practitioners", blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = record_history()

    class Meta:
        verbose_name = _("practitioner")
        verbose_name_plural = _("practitioners")
        ordering: ClassVar = ["display_name"]

    def __str__(self) -> str:
        return self.display_name
