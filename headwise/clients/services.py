"""Writes of client records. The only place that creates or changes a client."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from headwise.accounts.models import User
from headwise.clients.models import Client
from headwise.practice.models import Practice


@transaction.atomic
def client_create(*, practice: Practice, by: User, **fields: Any) -> Client:
    client = Client(practice=practice, created_by=by, updated_by=by, **fields)
    client.full_clean()
    client.save()
    return client


@transaction.atomic
def client_update(*, client: Client, by: User, **fields: Any) -> Client:
    for name, value in fields.items():
        setattr(client, name, value)
    client.updated_by = by
    client.full_clean()
    client.save()
    return client
