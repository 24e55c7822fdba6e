"""Shapes of questionnaire results (MIDAS, PHQ-4, HIT-6 total) in the JSON API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from ninja import Field, Schema

from headwise.common.schemas import ITEMS, In
from headwise.outcomes.models import Instrument


class QuestionnaireOut(Schema):
    id: uuid.UUID = Field(..., alias="uuid", description="The response's id")
    client_id: uuid.UUID = Field(..., alias="client.uuid", description="The client")
    instrument: Instrument = Field(..., description="midas, phq4 or hit6")
    answered_on: dt.date = Field(..., description="The day it was answered")
    items: dict[str, Any] = Field(
        ..., description="Item answers as given: items (list), and MIDAS's unscored A and B"
    )
    total: int = Field(..., description="The score computed by headwise.clinical")
    band: str = Field(..., description="MIDAS grade I–IV; PHQ-4 none/mild/moderate/severe; HIT-6 impact band")
    request_id: uuid.UUID | None = Field(None, description="The id the app sent with it, if any")


class QuestionnaireIn(In):
    instrument: Instrument = Field(..., description="midas, phq4 or hit6")
    answered_on: dt.date | None = Field(
        None, description="The day it was answered, not in the future; default today (client's zone)"
    )
    items: list[Annotated[int, Field(ge=0, le=90)]] | None = Field(
        None, max_length=ITEMS, description="MIDAS: 5 day counts 0–90; PHQ-4: 4 answers 0–3; not for HIT-6"
    )
    total: int | None = Field(
        None, ge=0, le=100, description="HIT-6 only: the total 36–78 from a licensed form"
    )
    headache_days: int | None = Field(
        None, ge=0, le=90, description="MIDAS item A (unscored): headache days, 0–90"
    )
    request_id: uuid.UUID | None = Field(
        None, description="a second POST with the same id returns the first response"
    )
    average_pain: int | None = Field(
        None, ge=0, le=10, description="MIDAS item B (unscored): average pain, 0–10"
    )
