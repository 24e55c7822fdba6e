"""headwise.common.compiled: a rule written with the ORM, compiled once, answers as the ORM does."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from headwise.clients import selectors, services
from headwise.clients.models import Client
from headwise.common.compiled import CompiledExists
from tests import factories as f


def _sign_data(client: Client) -> Any:
    (consent,) = services.consents_sign(
        client=client,
        kinds=["data"],
        typed_name=f"{client.given_name} {client.family_name}",
        by=None,
        witnessed_by=None,
        language="en",
    )
    return consent


def test_may_process_answers_as_the_orm_definition_in_every_state_and_in_one_query(db: Any) -> None:
    never_asked = f.ClientFactory()
    granted = f.ClientFactory(practice=never_asked.practice)
    _sign_data(granted)
    withdrawn = f.ClientFactory(practice=never_asked.practice)
    services.consent_withdraw(consent=_sign_data(withdrawn))
    granted_again = f.ClientFactory(practice=never_asked.practice)
    services.consent_withdraw(consent=_sign_data(granted_again))
    _sign_data(granted_again)
    clients = [never_asked, granted, withdrawn, granted_again]
    by_orm = {c.pk: selectors.processing_allowed(Client.objects.filter(pk=c.pk)).exists() for c in clients}
    assert by_orm == {never_asked.pk: True, granted.pk: True, withdrawn.pk: False, granted_again.pk: True}
    for client in clients:
        with CaptureQueriesContext(connection) as captured:
            answer = selectors.may_process(client=client)
        assert answer == by_orm[client.pk]
        assert len(captured) == 1
    assert selectors.may_process(client=Client(pk=10**9)) is False  # no such row: not allowed


@pytest.mark.parametrize(
    "build",
    [
        lambda pk: Client.objects.all(),  # the id is not in the query
        lambda pk: Client.objects.filter(pk=pk) | Client.objects.filter(user_id=pk),  # two places
    ],
)
def test_a_definition_whose_id_is_not_its_one_varying_parameter_is_refused(db: Any, build: Any) -> None:
    with pytest.raises(ValueError, match="one varying parameter"):
        CompiledExists(build)(1)


def _fields(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_the_identity_of_every_kind_of_account_is_the_orm_s_own_in_one_query(db: Any) -> None:
    """``attach_identity`` reads the membership, else the client, through ``CompiledFirst``: the
    same instances, every field (dates, times, UUIDs, JSON, yes/no) converted as the ORM
    converts them, the practice attached, in one query each; nothing for an account with neither."""
    from headwise.accounts import access
    from headwise.practice.models import Membership

    owner = f.MembershipFactory()
    client = f.ClientFactory(user=f.UserFactory(), practice=owner.practice)
    left = f.MembershipFactory(practice=owner.practice, is_active=False)
    nobody = f.UserFactory()
    inactive_client = f.ClientFactory(user=f.UserFactory(), practice=owner.practice, status="archived")
    for user_pk in (owner.user_id, client.user_id, left.user_id, nobody.pk, inactive_client.user_id, 10**9):
        by_orm = access._active_membership(user_pk).first()
        with CaptureQueriesContext(connection) as captured:
            compiled = access._membership_of(user_pk)
        assert len(captured) == 1
        assert (compiled is None) == (by_orm is None)
        if by_orm is not None:
            assert isinstance(compiled, Membership)
            assert _fields(compiled) == _fields(by_orm)
            assert compiled._state.adding is False and compiled._state.db == "default"
            with CaptureQueriesContext(connection) as captured:
                assert _fields(compiled.practice) == _fields(by_orm.practice)  # attached, no query
            assert len(captured) == 0
        client_by_orm = access._active_client(user_pk).first()
        client_compiled = access._client_of(user_pk)
        assert (client_compiled is None) == (client_by_orm is None)
        if client_by_orm is not None:
            assert _fields(client_compiled) == _fields(client_by_orm)
            assert _fields(client_compiled.practice) == _fields(client_by_orm.practice)
    assert access._membership_of(owner.user_id).pk == owner.pk
    assert access._client_of(client.user_id).pk == client.pk
    assert access._client_of(inactive_client.user_id) is None


@pytest.mark.parametrize(
    "build",
    [
        lambda pk: Client.objects.all(),
        lambda pk: Client.objects.filter(pk=pk) | Client.objects.filter(user_id=pk),
        lambda pk: Client.objects.filter(pk=pk).prefetch_related("attacks"),
        lambda pk: Client.objects.filter(pk=pk).only("pk"),
    ],
)
def test_a_first_the_compiled_form_cannot_hold_is_refused(db: Any, build: Any) -> None:
    from headwise.common.compiled import CompiledFirst

    with pytest.raises(ValueError, match="one varying parameter|prefetch_related"):
        CompiledFirst(build)(1)
