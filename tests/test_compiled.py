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
