"""The one rule for logging READS of a client's record, applied to every page and API route.

A staff member's successful ``GET`` of a route whose URL names a client's record (``client_id``,
``session_id``, ``attack_id``, …, see :data:`CLIENT_RECORD_PARAMS`) is one ``view`` entry: a
PDF answer is a ``print``, a CSV or other download an ``export``. The rule lives in
:class:`AuditReadsMiddleware`, so a route added later is covered without anyone remembering to
log it; ``tests/audit/test_reads.py`` fails when a new URL parameter is in neither list below.
A view that writes its own entry through ``audit_record(request=...)`` is not logged twice.

Not logged: a client reading their own diary (it is theirs), lists without a client in the URL
(the client list, the follow-up list), refused requests (403/404), and anonymous callers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.http import HttpRequest, HttpResponse

from headwise.audit.models import AuditAction

#: URL parameter → (model, the lookup from that model to its client's UUID).
CLIENT_RECORD_PARAMS: dict[str, tuple[str, str]] = {
    "client_id": ("clients.Client", "uuid"),
    "session_id": ("care.SessionRecord", "client__uuid"),
    "plan_id": ("care.TreatmentPlan", "client__uuid"),
    "phase_id": ("care.PlanPhase", "plan__client__uuid"),
    "appointment_id": ("care.Appointment", "client__uuid"),
    "follow_up_id": ("care.FollowUp", "session__client__uuid"),
    "screening_id": ("clients.SafetyScreening", "client__uuid"),
    "consent_id": ("clients.Consent", "client__uuid"),
    "attack_id": ("diary.Attack", "client__uuid"),
    "aura_id": ("diary.AuraSymptom", "attack__client__uuid"),
    "intake_id": ("diary.MedicationIntake", "client__uuid"),
    "checkin_id": ("diary.DailyCheckIn", "client__uuid"),
    "booking_request_id": ("public.BookingRequest", "client__uuid"),
    "waitlist_entry_id": ("care.WaitlistEntry", "client__uuid"),
    "exposure_id": ("diary.TriggerExposure", "client__uuid"),
    "questionnaire_id": ("outcomes.QuestionnaireResponse", "client__uuid"),
    "questionnaire_request_id": ("outcomes.QuestionnaireRequest", "client__uuid"),
}
#: The most specific record wins when a URL names several (a plan of a client: the plan).
_ORDER = [p for p in CLIENT_RECORD_PARAMS if p != "client_id"] + ["client_id"]

#: URL parameters that name no client's record (practice set-up, the caller's own things, days).
OTHER_PARAMS = frozenset(
    {
        "location_id",
        "room_id",
        "practitioner_id",
        "membership_id",
        "consent_text_id",
        "technique_id",
        "token_id",
        "token",
        "instrument",
        "history_id",
        "date",
        "day",
        # scheduling set-up, the public page's address, a calendar feed, a password reset link
        "service_id",
        "working_hours_id",
        "exception_id",
        "closure_id",
        "feed_id",
        "practice_slug",
        "location_slug",
        "uidb64",
        "month",
        "year",
    }
)

_AUDITED = "_headwise_audited"


def mark_audited(request: HttpRequest) -> None:
    """Called by audit_record: this request has its entry, the middleware adds none."""
    setattr(request, _AUDITED, True)


def action_for(response: HttpResponse) -> str:
    kind = response.get("Content-Type", "").split(";")[0].strip().lower()
    if kind == "application/pdf":
        return AuditAction.PRINT
    if kind in ("text/csv", "application/zip", "application/fhir+json") or response.has_header(
        "Content-Disposition"
    ):
        return AuditAction.EXPORT
    return AuditAction.VIEW


def record_read(request: HttpRequest, response: HttpResponse) -> None:
    """Log the read ``request`` made, by the rule above (nothing when it is not one)."""
    from headwise.audit.services import audit_record

    if request.method != "GET" or response.status_code != 200 or getattr(request, _AUDITED, False):
        return
    membership = getattr(request, "membership", None)
    match = getattr(request, "resolver_match", None)
    if membership is None or match is None:
        return
    kwargs: dict[str, Any] = match.kwargs
    param = next((p for p in _ORDER if p in kwargs), None)
    if param is None:
        return
    label, to_client = CLIENT_RECORD_PARAMS[param]
    value = str(kwargs[param])
    model = apps.get_model(label)
    if param == "client_id":
        client_uuid: Any = value
    else:
        client_uuid = (
            model._default_manager.filter(practice=membership.practice_id, uuid=value)
            .values_list(to_client, flat=True)
            .first()
        )
    audit_record(
        action=action_for(response),
        request=request,
        object_ref=(model._meta.label_lower, value),
        client=client_uuid,
        detail={"route": match.view_name or match.url_name or ""},
    )


class AuditReadsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        record_read(request, response)
        return response
