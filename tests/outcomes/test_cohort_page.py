"""The practice cohort page: owners and practitioners see their own practice's numbers with
the honest wording; the front desk is refused; nobody sees another practice."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from headwise.demo import generator as g
from headwise.demo import loader
from headwise.practice.models import Membership, Role
from tests.conftest import PracticeWorld, login

pytestmark = pytest.mark.django_db
URL = "/practice/cohort/"


def test_its_address_is_under_practice() -> None:
    assert reverse("cohort:practice_cohort") == URL


def test_the_owner_sees_the_numbers_and_what_they_cannot_show(as_owner: Any, world: PracticeWorld) -> None:
    response = as_owner.get(URL)
    assert response.status_code == 200
    text = response.text
    assert "They do not show that craniosacral therapy caused the change." in text
    assert "regression to the mean" in text
    assert "1 clients with a session" not in text  # singular wording for one client
    assert "0 of 1 client with a session has enough diary data" in text
    assert world.client.family_name not in text  # a cohort page names no client
    # The plot is embedded as SVG with its alt text.
    match = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', text)
    assert match and b"<svg" in base64.b64decode(match.group(1))
    assert 'alt="For each group' in text


def test_a_practitioner_sees_it_too(as_practitioner: Any) -> None:
    assert as_practitioner.get(URL).status_code == 200


def test_the_front_desk_is_refused(as_front_desk: Any) -> None:
    response = as_front_desk.get(URL)
    assert response.status_code == 403
    assert "responders" not in response.text


def test_a_client_finds_no_such_page(as_client: Any) -> None:
    assert as_client.get(URL).status_code == 404


def test_the_page_shows_a_practice_with_data_by_group_in_dutch(django_assert_max_num_queries: Any) -> None:
    config = loader.demo_config(clients=30, days=200, seed=9, true_effect=1.0, now=timezone.now())
    practice = loader.load(g.generate(config)).practice
    owner = Membership.objects.get(practice=practice, role=Role.OWNER).user
    owner.language = "nl"
    owner.save(update_fields=["language"])
    http = login(owner)
    with django_assert_max_num_queries(25):
        response = http.get(URL)
    assert response.status_code == 200
    text = response.text
    assert '<html lang="nl"' in text
    for dutch in (
        "Uitkomsten van de praktijk",
        "Per behandelaar",
        "Per locatie",
        "Per fase",
        "regressie naar het gemiddelde",
    ):
        assert dutch in text
    for english in ("By practitioner", "What these numbers can and cannot show", "50% responders"):
        assert english not in text
    # Every practitioner of the demo practice who gave a first session has a row.
    assert text.count('<th scope="row">') >= 1 + 2 + 2 + 3
