"""Who am I, and my personal access tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from headwise.accounts import fresh
from headwise.accounts.access import HeadwiseRequest
from headwise.accounts.models import ApiToken
from headwise.common.api_access import responses
from headwise.common.schemas import In

router = Router(tags=["account"])


class MeOut(Schema):
    uuid: UUID
    email: str
    full_name: str
    language: str
    time_zone: str
    role: str | None = Field(None, description="owner, practitioner or front_desk; null for a client")
    practice: UUID | None = None
    client: UUID | None = Field(None, description="the caller's own client record, if a client")


@router.get("/me", response=responses(MeOut), summary="The signed-in user")
def me(request: HeadwiseRequest) -> MeOut:
    user = request.user
    membership = request.membership
    client = request.client
    return MeOut(
        uuid=user.uuid,
        email=user.email,
        full_name=user.full_name,
        language=user.language,
        time_zone=user.time_zone,
        role=membership.role if membership else None,
        practice=membership.practice.uuid if membership else None,
        client=client.uuid if client else None,
    )


class TokenIn(In):
    name: str = Field(..., min_length=1, max_length=100)
    expires_in_days: int | None = Field(None, ge=1, le=366)


class TokenOut(Schema):
    uuid: UUID
    name: str
    hint: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None


class TokenCreated(TokenOut):
    token: str = Field(..., description="The secret. Shown once; store it now.")


@router.get("/tokens", response=responses(list[TokenOut]), summary="My personal access tokens")
def tokens_list(request: HeadwiseRequest) -> list[ApiToken]:
    return list(ApiToken.objects.usable().filter(user=request.user).order_by("-created_at"))


@router.post("/tokens", response=responses(TokenCreated, 201), summary="Create a personal access token")
def token_create(request: HeadwiseRequest, payload: TokenIn) -> Status[Any]:
    """A new token needs a recent sign-in in the browser (password, and code if enrolled).

    A token cannot make more tokens: revoking a leaked one must be the end of it.
    """
    if not fresh.is_fresh(request):
        raise HttpError(403, "Confirm your password in the browser first (/reauth/), then create the token")
    expires = timezone.now() + dt.timedelta(days=payload.expires_in_days) if payload.expires_in_days else None
    token, secret = ApiToken.issue(user=request.user, name=payload.name, expires_at=expires)
    return Status(201, {**TokenOut.from_orm(token).dict(), "token": secret})


@router.delete("/tokens/{token_id}", response=responses(None, 204), summary="Revoke a token")
def token_revoke(request: HeadwiseRequest, token_id: UUID) -> Status[Any]:
    token = get_object_or_404(ApiToken.objects.usable(), uuid=token_id, user=request.user)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return Status(204, None)
