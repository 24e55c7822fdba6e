"""A plan's cadence over the JSON API: what the rules suggest and why, and the practitioner's
decision; the same selector and service as the plan page, refusing the same things."""

# No ``from __future__ import annotations``: django-ninja reads the annotations at run time.

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from headwise.care import selectors, services
from headwise.care.models import PhaseDecision, PhaseKind, TreatmentPlan
from headwise.common.api_access import get_clinical, responses, user_of
from headwise.common.limits import NOTES
from headwise.common.schemas import In

router = Router(tags=["care"])

_PLANS = TreatmentPlan.objects.select_related("client", "practitioner", "practice")


class WindowOut(Schema):
    start: dt.date
    end: dt.date
    recorded_days: int = Field(..., description="Days with any diary entry")
    migraine_days: int = Field(..., description="Migraine days by the one day definition")
    rate: float | None = Field(None, description="Migraine days per 28 recorded days")


class CadenceOut(Schema):
    plan_id: uuid.UUID
    phase_id: uuid.UUID | None = Field(None, description="The open phase, if any")
    phase: str | None = Field(None, description="intensive, stabilising or maintenance")
    today: dt.date = Field(..., description="The client's today")
    rule: str | None = Field(
        None, description="move_on, relapse, warning_sign, streak_ended, stay or too_few_days"
    )
    suggested_phase: str | None = None
    changes_phase: bool = False
    change: float | None = Field(None, description="Relative change of the rate against the baseline")
    short: list[str] = Field(default_factory=list, description="Periods with too few recorded days")
    baseline: WindowOut | None = None
    recent: WindowOut | None = None
    earlier_by: dt.date | None = Field(None, description="An earlier slot offered, by this day")
    last_session: dt.date | None = None
    next_session_on: dt.date | None = None


class DecisionIn(In):
    phase_id: uuid.UUID = Field(..., description="The phase the suggestion was made for")
    to_kind: PhaseKind = Field(..., description="The suggested phase")
    confirm: bool = Field(..., description="true confirms the change, false declines it")
    note: str = Field("", max_length=NOTES)


class DecisionOut(Schema):
    id: uuid.UUID = Field(..., alias="uuid")
    decision: str
    rule: str
    to_kind: str
    numbers: dict[str, Any]
    new_phase_id: uuid.UUID | None = None
    created_at: dt.datetime

    @staticmethod
    def resolve_new_phase_id(obj: PhaseDecision) -> uuid.UUID | None:
        return obj.new_phase.uuid if obj.new_phase_id and obj.new_phase else None


def _window(w: Any) -> dict[str, Any]:
    return {
        "start": w.start,
        "end": w.end,
        "recorded_days": w.recorded_days,
        "migraine_days": w.migraine_days,
        "rate": w.rate,
    }


@router.get(
    "/plans/{plan_id}/cadence", response=responses(CadenceOut), summary="What the cadence rules suggest"
)
def plan_cadence(request: HttpRequest, plan_id: uuid.UUID) -> dict[str, Any]:
    plan = get_clinical(request, _PLANS, plan_id)
    state = selectors.plan_cadence(plan=plan, rules=services.cadence_rules_get(practice=plan.practice))
    s = state.suggestion
    out: dict[str, Any] = {
        "plan_id": plan.uuid,
        "phase_id": state.phase.uuid if state.phase else None,
        "phase": state.phase.kind if state.phase else None,
        "today": state.today,
        "last_session": state.last_session,
        "next_session_on": state.next_on,
    }
    if s is not None:
        out |= {
            "rule": s.rule.value,
            "suggested_phase": s.suggested.value,
            "changes_phase": s.changes_phase,
            "change": s.change,
            "short": list(s.short),
            "baseline": _window(s.baseline),
            "recent": _window(s.recent),
            "earlier_by": s.earlier_by,
        }
    return out


@router.post(
    "/plans/{plan_id}/decisions",
    response=responses(DecisionOut, 201),
    summary="Confirm or decline the phase change the rules suggest now",
)
def plan_decide(request: HttpRequest, plan_id: uuid.UUID, payload: DecisionIn) -> Status[PhaseDecision]:
    plan = get_clinical(request, _PLANS, plan_id)
    decision = services.phase_decide(plan=plan, by=user_of(request), **payload.dict())
    return Status(201, decision)
