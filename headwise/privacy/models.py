"""A client's request to be erased and the practice's decision on it (docs/privacy.md).

The request outlives the client's records: after the erasure it keeps only the client's opaque
id (``subject``), who asked and decided, when, and the decision with its legal ground. It holds
no name, no contact details and no health data.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from headwise.common.models import PracticeScoped, Public, uuid_unique_per_practice


class Decision(models.TextChoices):
    ERASE = "erase", _("Erase now")
    ANONYMISE = "anonymise", _("Anonymise now (keep the diary's figures without the person)")
    KEEP = "keep", _("Keep until a date, because of a legal retention duty")


class ErasureRequest(PracticeScoped, Public):
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="erasure_requests",
        verbose_name=_("client"),
    )
    subject = models.UUIDField(_("client's id"), db_index=True, editable=False)
    requested_at = models.DateTimeField(_("asked on"))
    by_client = models.BooleanField(_("asked by the client in Headwise"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    keep_until = models.DateField(_("keep until"), null=True, blank=True)
    reason = models.CharField(_("legal ground"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    done_at = models.DateTimeField(_("carried out on"), null=True, blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering: ClassVar = ["-requested_at"]
        constraints: ClassVar = [uuid_unique_per_practice()]

    def __str__(self) -> str:
        return f"{self.subject} {self.decision or 'open'}"

    @property
    def is_open(self) -> bool:
        return self.done_at is None and self.decision != Decision.KEEP
