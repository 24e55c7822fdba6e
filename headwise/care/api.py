"""Treatment plans, appointments, session records and follow-ups over the JSON API."""

# No ``from __future__ import annotations`` in this module: django-ninja's ``@paginate`` (``paged``)
# evaluates a view's annotations in its own module, where string annotations fail
# (vitalik/django-ninja#1424).

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from headwise.accounts.access import readable_sessions, require_session_notes
from headwise.care import selectors, services
from headwise.care.models import (
    Addendum,
    Appointment,
    FollowUp,
    PlanPhase,
    SessionRecord,
    Technique,
    TreatmentPlan,
)
from headwise.care.schemas import (
    AddendumIn,
    AddendumOut,
    AppointmentFilter,
    AppointmentIn,
    AppointmentOut,
    AppointmentPatch,
    FollowUpAnswerIn,
    FollowUpFilter,
    FollowUpOut,
    FollowUpPatch,
    MyFollowUpOut,
    PhaseIn,
    PhaseOut,
    PhasePatch,
    PlanIn,
    PlanOut,
    PlanPatch,
    SessionHappenedOut,
    SessionIn,
    SessionOut,
    SessionPatch,
    TechniqueIn,
    TechniqueOut,
    TechniquePatch,
)
from headwise.common.api_access import (
    changes,
    client_for,
    clinical_client_for,
    clinical_reader_for,
    clinician_or_403,
    get_clinical,
    get_clinical_or_own,
    get_visible,
    membership_of,
    own_client_of,
    paged,
    responses,
    staff_or_404,
    user_of,
    visible,
    writable_by_client,
)

router = Router(tags=["care"])

_PLANS = TreatmentPlan.objects.select_related("client", "practitioner").prefetch_related("phases__plan")
_PHASES = PlanPhase.objects.select_related("plan")
_APPOINTMENTS = Appointment.objects.select_related(
    "client", "practitioner", "location", "room", "phase", "service"
)
_SESSIONS = SessionRecord.objects.select_related(
    "client", "practitioner", "appointment", "follow_up", "location", "room"
).prefetch_related("addenda__author")
_FOLLOW_UPS = FollowUp.objects.select_related("session__client")


# --- plans and phases ---------------------------------------------------------------------


@router.get(
    "/clients/{client_id}/plans", response=responses(list[PlanOut]), summary="A client's treatment plans"
)
def plans_list(request: HttpRequest, client_id: uuid.UUID) -> list[TreatmentPlan]:
    return list(selectors.plans_of_client(client=clinical_reader_for(request, client_id)))


@router.post("/clients/{client_id}/plans", response=responses(PlanOut, 201), summary="Start a treatment plan")
def plan_create(request: HttpRequest, client_id: uuid.UUID, payload: PlanIn) -> Status[TreatmentPlan]:
    client = clinical_client_for(request, client_id)
    return Status(201, services.plan_create(client=client, by=user_of(request), **payload.dict()))


@router.get("/plans/{plan_id}", response=responses(PlanOut), summary="One treatment plan with its phases")
def plan_read(request: HttpRequest, plan_id: uuid.UUID) -> TreatmentPlan:
    return get_clinical_or_own(request, _PLANS, plan_id)


@router.patch("/plans/{plan_id}", response=responses(PlanOut), summary="Change a treatment plan")
def plan_update(request: HttpRequest, plan_id: uuid.UUID, payload: PlanPatch) -> TreatmentPlan:
    plan = get_clinical_or_own(request, _PLANS, plan_id)
    writable_by_client(request)
    fields = changes(payload, nullable=("ended_on", "practitioner_id"))
    services.plan_update(plan=plan, by=user_of(request), **fields)
    return get_clinical(request, _PLANS, plan_id)


@router.post("/plans/{plan_id}/phases", response=responses(PhaseOut, 201), summary="Add a phase to a plan")
def phase_add(request: HttpRequest, plan_id: uuid.UUID, payload: PhaseIn) -> Status[PlanPhase]:
    plan = get_clinical_or_own(request, _PLANS, plan_id)
    writable_by_client(request)
    return Status(201, services.phase_add(plan=plan, **payload.dict()))


@router.patch("/phases/{phase_id}", response=responses(PhaseOut), summary="Change a phase")
def phase_update(request: HttpRequest, phase_id: uuid.UUID, payload: PhasePatch) -> PlanPhase:
    phase = get_clinical(request, _PHASES, phase_id)
    fields = changes(payload, nullable=("ends_on", "interval_days_min", "interval_days_max"))
    return services.phase_update(phase=phase, **fields)


# --- appointments -------------------------------------------------------------------------


@router.get(
    "/appointments", response=responses(list[AppointmentOut]), summary="The schedule, or my appointments"
)
@paged
def appointments_list(request: HttpRequest, filters: Query[AppointmentFilter]) -> QuerySet[Appointment]:
    membership, own = membership_of(request), own_client_of(request)
    zone = membership.practice.time_zone if membership else own.time_zone if own else "UTC"
    found = selectors.appointments_list(
        appointments=visible(request, Appointment.objects.all()),
        day=filters.date,
        time_zone=zone,
        practitioner_id=filters.practitioner,
        location_id=filters.location,
        client_id=filters.client,
    )
    return found


@router.post("/appointments", response=responses(AppointmentOut, 201), summary="Book an appointment")
def appointment_book(request: HttpRequest, payload: AppointmentIn) -> Status[Appointment]:
    writable_by_client(request)
    practice = staff_or_404(request).practice
    appointment = services.appointment_book(practice=practice, by=user_of(request), **payload.dict())
    return Status(201, appointment)


@router.get("/appointments/{appointment_id}", response=responses(AppointmentOut), summary="One appointment")
def appointment_read(request: HttpRequest, appointment_id: uuid.UUID) -> Appointment:
    return get_visible(request, _APPOINTMENTS, appointment_id)


@router.patch(
    "/appointments/{appointment_id}",
    response=responses(AppointmentOut),
    summary="Reschedule, cancel, or mark attended / no-show",
)
def appointment_update(
    request: HttpRequest, appointment_id: uuid.UUID, payload: AppointmentPatch
) -> Appointment:
    appointment = get_visible(request, _APPOINTMENTS, appointment_id)
    writable_by_client(request)
    fields = changes(payload, nullable=("room_id",))
    return services.appointment_update(appointment=appointment, by=user_of(request), **fields)


# --- session records and follow-ups -------------------------------------------------------


@router.get(
    "/clients/{client_id}/sessions",
    response=responses(list[SessionOut]),
    summary="A client's session records",
)
@paged
def sessions_list(request: HttpRequest, client_id: uuid.UUID) -> QuerySet[SessionRecord]:
    return readable_sessions(
        request, selectors.sessions_of_client(client=clinical_client_for(request, client_id))
    )


@router.post(
    "/clients/{client_id}/sessions",
    response=responses(SessionOut, 201),
    summary="Record a session (also schedules its 24-hour follow-up)",
)
def session_create(request: HttpRequest, client_id: uuid.UUID, payload: SessionIn) -> Status[SessionRecord]:
    client = clinical_client_for(request, client_id)
    record = services.session_record_create(client=client, by=user_of(request), **payload.dict())
    return Status(201, get_clinical(request, _SESSIONS, record.uuid))


@router.get("/sessions/{session_id}", response=responses(SessionOut), summary="One session record")
def session_read(request: HttpRequest, session_id: uuid.UUID) -> SessionRecord:
    return _session(request, session_id)


def _session(request: HttpRequest, session_id: uuid.UUID) -> SessionRecord:
    """A session record of the caller's practice (404), for a clinician (403) who may read its
    notes (403 when the practice keeps notes to their author)."""
    record = get_clinical(request, _SESSIONS, session_id)
    require_session_notes(request, record)
    return record


@router.patch(
    "/sessions/{session_id}",
    response=responses(SessionOut),
    summary="Change a session record (until it locks, 24 h after the session ended)",
)
def session_update(request: HttpRequest, session_id: uuid.UUID, payload: SessionPatch) -> SessionRecord:
    record = _session(request, session_id)
    fields = changes(payload, nullable=("headache_at_start", "headache_at_end"))
    services.session_record_update(record=record, by=user_of(request), **fields)
    return get_clinical(request, _SESSIONS, session_id)


@router.post(
    "/sessions/{session_id}/addenda",
    response=responses(AddendumOut, 201),
    summary="Add an addendum to a session record (also after it locked)",
)
def addendum_add(request: HttpRequest, session_id: uuid.UUID, payload: AddendumIn) -> Status[Addendum]:
    record = _session(request, session_id)
    return Status(201, services.addendum_add(session=record, by=user_of(request), text=payload.text))


@router.get(
    "/clients/{client_id}/sessions/happened",
    response=responses(list[SessionHappenedOut]),
    summary="That sessions happened: date, practitioner and length (for the front desk too)",
)
@paged
def sessions_happened(request: HttpRequest, client_id: uuid.UUID) -> QuerySet[SessionRecord]:
    staff_or_404(request)
    return selectors.sessions_happened(client=client_for(request, client_id))


# --- the practice's techniques ------------------------------------------------------------


@router.get("/techniques", response=responses(list[TechniqueOut]), summary="The practice's techniques")
def techniques_list(request: HttpRequest) -> list[Technique]:
    practice = clinician_or_403(request).practice
    return list(services.techniques_of(practice=practice))


@router.post("/techniques", response=responses(TechniqueOut, 201), summary="Add a technique to the list")
def technique_add(request: HttpRequest, payload: TechniqueIn) -> Status[Technique]:
    practice = clinician_or_403(request).practice
    return Status(201, services.technique_add(practice=practice, name=payload.name))


@router.patch(
    "/techniques/{technique_id}", response=responses(TechniqueOut), summary="Rename, retire or restore"
)
def technique_update(request: HttpRequest, technique_id: uuid.UUID, payload: TechniquePatch) -> Technique:
    technique = get_clinical(request, Technique.objects.all(), technique_id)
    return services.technique_update(technique=technique, **changes(payload))


@router.get(
    "/follow-ups", response=responses(list[FollowUpOut]), summary="24-hour follow-ups, open by default"
)
@paged
def follow_ups_list(request: HttpRequest, filters: Query[FollowUpFilter]) -> QuerySet[FollowUp]:
    practice = clinician_or_403(request).practice
    return selectors.follow_ups_list(practice=practice, only_open=filters.due == "open")


@router.patch("/follow-ups/{follow_up_id}", response=responses(FollowUpOut), summary="Record a follow-up")
def follow_up_update(request: HttpRequest, follow_up_id: uuid.UUID, payload: FollowUpPatch) -> FollowUp:
    follow_up = get_clinical(request, _FOLLOW_UPS, follow_up_id)
    fields = changes(payload, nullable=("completed_at", "faded_within_24h", "headache_since"))
    return services.follow_up_update(follow_up=follow_up, by=user_of(request), **fields)


@router.get(
    "/me/follow-ups",
    response=responses(list[MyFollowUpOut]),
    summary="My follow-ups to answer now (a client's own)",
)
def my_follow_ups(request: HttpRequest) -> list[FollowUp]:
    client = own_client_of(request)
    if client is None:
        raise Http404
    return selectors.follow_ups_for_client(client=client)


@router.post(
    "/follow-ups/{follow_up_id}/answer",
    response=responses(MyFollowUpOut),
    summary="The client answers their follow-up: how they feel, whether it has passed",
)
def follow_up_answer(request: HttpRequest, follow_up_id: uuid.UUID, payload: FollowUpAnswerIn) -> FollowUp:
    follow_up = get_visible(request, _FOLLOW_UPS, follow_up_id, client_path="session__client")
    if own_client_of(request) is None:
        raise PermissionDenied
    return services.follow_up_answer(
        follow_up=follow_up, by=user_of(request), feeling=payload.feeling, passed=payload.passed
    )
