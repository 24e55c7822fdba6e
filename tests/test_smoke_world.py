import pytest

from tests.conftest import PracticeWorld


@pytest.mark.django_db
def test_it_builds_two_separate_practices(world: PracticeWorld, outsider: PracticeWorld) -> None:
    assert world.practice != outsider.practice
    assert all(
        r.practice_id == world.practice.pk for r in world.records.values() if hasattr(r, "practice_id")
    )


def test_it_shows_the_staff_home(as_practitioner, world: PracticeWorld) -> None:
    response = as_practitioner.get("/staff/")
    assert response.status_code == 200
    assert world.client.family_name in response.text


def test_it_shows_the_client_their_diary(as_client, world: PracticeWorld) -> None:
    response = as_client.get("/me/")
    assert response.status_code == 200
    assert "Hello" in response.text
