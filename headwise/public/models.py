"""The practice's public page per location, and the booking requests people send from it."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from headwise.common.limits import SHORT
from headwise.common.models import PracticeScoped, Public, bounded_text, uuid_unique_per_practice

#: The longest text a visitor may send in one field of the booking request (characters).
MESSAGE_MAX = 1000
PAGE_TEXT_MAX = 3000


class PublicPage(PracticeScoped, Public):
    """What a location's public page says in the practice's own words, in English and Dutch.

    The fixed parts (what a session is like, who should not have CST, the evidence) are
    Headwise's and are always shown; these texts come before and after them.
    """

    location = models.OneToOneField(
        "practice.Location", on_delete=models.CASCADE, related_name="public_page", verbose_name=_("location")
    )
    intro_en = bounded_text(_("introduction (English)"), max_length=PAGE_TEXT_MAX, blank=True)
    intro_nl = bounded_text(_("introduction (Dutch)"), max_length=PAGE_TEXT_MAX, blank=True)
    expect_en = bounded_text(_("what to expect (English)"), max_length=PAGE_TEXT_MAX, blank=True)
    expect_nl = bounded_text(_("what to expect (Dutch)"), max_length=PAGE_TEXT_MAX, blank=True)
    notes_en = bounded_text(_("further notes (English)"), max_length=PAGE_TEXT_MAX, blank=True)
    notes_nl = bounded_text(_("further notes (Dutch)"), max_length=PAGE_TEXT_MAX, blank=True)
    accepts_requests = models.BooleanField(_("take booking requests on this page"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("public page")
        verbose_name_plural = _("public pages")
        constraints: ClassVar = [uuid_unique_per_practice()]

    def __str__(self) -> str:
        return f"{self.location}"

    def text(self, part: str, language: str) -> str:
        """The part (``intro``, ``expect``, ``notes``) in ``language``, else in English."""
        own: str = getattr(self, f"{part}_{'nl' if language == 'nl' else 'en'}")
        return own or str(getattr(self, f"{part}_en"))


class RequestStatus(models.TextChoices):
    NEW = "new", _("New")
    HANDLED = "handled", _("Handled")


class BookingRequest(PracticeScoped, Public):
    """A visitor's request for an appointment: a task for the front desk.

    ``client`` is the prospective client it created, or the practice's existing client with
    the same e-mail address (the visitor is never told which).
    """

    location = models.ForeignKey(
        "practice.Location", on_delete=models.PROTECT, related_name="+", verbose_name=_("location")
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="booking_requests", verbose_name=_("client")
    )
    name = models.CharField(_("name"), max_length=SHORT)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    service_name = models.CharField(_("service"), max_length=SHORT, blank=True)
    preferred_times = models.CharField(_("preferred times"), max_length=SHORT, blank=True)
    message = bounded_text(_("message"), max_length=MESSAGE_MAX, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    consent_to_contact = models.BooleanField(_("agreed to be contacted"))
    existing_client = models.BooleanField(
        _("e-mail of an existing client"), default=False, help_text=_("Never shown to the visitor.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.NEW
    )
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("booking request")
        verbose_name_plural = _("booking requests")
        ordering: ClassVar = ["-created_at", "-pk"]
        indexes: ClassVar = [
            models.Index(fields=["practice", "status", "created_at"], name="bookingrequest_open_idx")
        ]
        constraints: ClassVar = [uuid_unique_per_practice()]

    def __str__(self) -> str:
        return f"{self.name} · {self.created_at:%Y-%m-%d}"
