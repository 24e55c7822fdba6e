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


class DiaryDayState(PracticeScoped):
    """One client's classified diary days, kept for the practice cohort (docs/cohort.md).

    Derived data, never entered: for each local day from ``first_day`` (a day number, days since
    1970-01-01 in the client's zone) for ``n_days`` days, one bit for "recorded" and one for
    "migraine day", as :func:`headwise.clinical.cohort_day_rows` classifies them (``np.packbits``
    order). ``engine`` names the clinical engine that classified them
    (:data:`headwise.outcomes.daystate.ENGINE`); a state of another engine is not used. A state
    is current only while no :class:`DiaryChange` of its client is waiting.
    """

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    engine = models.CharField(max_length=32)
    first_day = models.IntegerField(null=True)
    last_day = models.IntegerField(null=True)
    recorded = models.BinaryField()
    migraine = models.BinaryField()
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("classified diary days")
        verbose_name_plural = _("classified diary days")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["practice", "client"], name="daystate_one_per_client")
        ]

    def __str__(self) -> str:
        return f"classified diary days {self.pk}"


class DiaryChange(models.Model):
    """A note that a client's diary changed since their :class:`DiaryDayState` was computed.

    Written by database triggers (migration ``0007_diary_day_state``) in the same transaction as
    every insert, update or delete of a check-in, attack, aura symptom or medication intake, and
    every change of a client's time zone, date of birth or diagnosis: whatever writes them (a
    page, the API, an import, a bulk load, SQL). Holds ids only. Plain integers, not foreign
    keys: a trigger fires while a client's rows are being deleted, before the client's own row
    goes; :func:`headwise.outcomes.daystate.refresh_day_states` removes the notes it has
    applied, and those of clients that no longer exist.
    """

    id = models.BigAutoField(primary_key=True)
    practice_id = models.BigIntegerField()
    client_id = models.BigIntegerField()

    class Meta:
        verbose_name = _("diary change")
        verbose_name_plural = _("diary changes")
        indexes: ClassVar = [
            models.Index(fields=["practice_id", "client_id"], name="diarychange_practice_client")
        ]

    def __str__(self) -> str:
        return f"diary change {self.id}"
