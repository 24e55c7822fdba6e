"""Questionnaire results (MIDAS, PHQ-4, HIT-6 total) kept beside the diary."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from headwise.common.history import record_history
from headwise.common.models import Audited, PracticeScoped, Public, uuid_unique_per_practice


class Instrument(models.TextChoices):
    MIDAS = "midas", _("MIDAS")
    PHQ4 = "phq4", _("PHQ-4")
    HIT6 = "hit6", _("HIT-6 (total only, licensed practices)")


class QuestionnaireResponse(PracticeScoped, Public, Audited):
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="questionnaires")
    instrument = models.CharField(_("questionnaire"), max_length=8, choices=Instrument.choices)
    answered_on = models.DateField(_("answered on"))
    items = models.JSONField(_("item answers"), default=dict, blank=True)
    total = models.PositiveSmallIntegerField(_("total"))
    band = models.CharField(_("band"), max_length=40, blank=True)
    #: Sent by the app: a retried request with the same id is the same response.
    request_id = models.UUIDField(_("submission id"), null=True, blank=True)

    history = record_history()

    class Meta:
        verbose_name = _("questionnaire response")
        verbose_name_plural = _("questionnaire responses")
        ordering: ClassVar = ["-answered_on"]
        constraints: ClassVar = [
            uuid_unique_per_practice(),
            models.UniqueConstraint(
                fields=["practice", "client", "request_id"], name="questionnaire_request_once"
            ),
        ]


#: What a client can be sent to fill in themself: the PHQ-4, whose wording is public domain. The
#: MIDAS wording is copyrighted and HIT-6 licensed; neither text ships (docs/clinical-definitions.md
#: section 5), so the practice enters those from its own forms.
CLIENT_INSTRUMENTS = (Instrument.PHQ4,)


class QuestionnaireRequest(PracticeScoped, Public, Audited):
    """A questionnaire sent to the client to fill in from their own page; answered by a response."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="questionnaire_requests"
    )
    instrument = models.CharField(_("questionnaire"), max_length=8, choices=Instrument.choices)
    response = models.OneToOneField(
        QuestionnaireResponse, on_delete=models.SET_NULL, null=True, blank=True, related_name="request"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("questionnaire sent to the client")
        verbose_name_plural = _("questionnaires sent to clients")
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [uuid_unique_per_practice()]
