"""The practice's public page and its booking request form (issue #11 item 8)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client as HttpClient
from django.test import override_settings

from headwise.clients.models import Client, ClientStatus
from headwise.clients.selectors import clients_search
from headwise.public.models import BookingRequest, PublicPage, RequestStatus
from tests import factories as f
from tests.conftest import PracticeWorld, login


@pytest.fixture(autouse=True)
def _fresh_limits() -> Any:
    cache.clear()
    yield
    cache.clear()


def page_url(world: PracticeWorld, **query: str) -> str:
    location = world.records["location"]
    url = f"/p/{world.practice.slug}/{location.slug}/"
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def form(**changes: Any) -> dict[str, Any]:
    data = {
        "given_name": "Noor",
        "family_name": "Visser",
        "email": "noor.visser@example.org",
        "phone": "",
        "service": "",
        "preferred_times": "weekday mornings",
        "message": "Migraines twice a week since spring.",
        "consent_to_contact": "on",
        "website": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def without_token(html: str) -> str:
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", html)


def counts() -> tuple[int, int]:
    return Client.objects.count(), BookingRequest.objects.count()


def test_it_shows_the_page_to_anyone_without_sign_in(world: PracticeWorld) -> None:
    response = HttpClient().get(page_url(world))
    text = response.content.decode()
    assert response.status_code == 200
    assert world.practice.name in text
    assert world.records["owner_practitioner"].display_name in text
    assert world.records["owner_practitioner"].get_profession_display() in text
    assert world.records["practitioner"].display_name not in text  # works at no location here
    assert world.records["service"].name in text
    assert "about 5 grams" in text and "about an hour" in text and "face-up" in text
    assert "blood clots" in text and "aneurysm" in text and "brain swelling" in text
    assert "not a replacement for medical diagnostics" in text
    assert "it has not been shown to work" in text
    assert 'name="csrfmiddlewaretoken"' in text


def test_it_speaks_dutch_by_query_or_by_the_browser(world: PracticeWorld) -> None:
    by_query = HttpClient().get(page_url(world, lang="nl")).content.decode()
    by_browser = HttpClient().get(page_url(world), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    for text in (by_query, by_browser):
        assert 'lang="nl"' in text
        assert "Wie mag geen craniosacraaltherapie" in text
    english = HttpClient().get(page_url(world, lang="en"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Who should not have craniosacral therapy" in english


def test_it_answers_404_for_an_unknown_or_inactive_location(world: PracticeWorld) -> None:
    location = world.records["location"]
    assert HttpClient().get(f"/p/{world.practice.slug}/nowhere/").status_code == 404
    assert HttpClient().get(f"/p/unknown/{location.slug}/").status_code == 404
    location.is_active = False
    location.save(update_fields=["is_active"])
    assert HttpClient().get(page_url(world)).status_code == 404


def test_it_shows_the_practices_own_words_in_each_language(world: PracticeWorld) -> None:
    location = world.records["location"]
    PublicPage.objects.filter(location=location).update(
        intro_en="Welcome to our calm rooms.", intro_nl="Welkom."
    )
    assert "Welcome to our calm rooms." in HttpClient().get(page_url(world)).content.decode()
    assert "Welkom." in HttpClient().get(page_url(world, lang="nl")).content.decode()


def test_a_request_creates_a_prospective_client_a_task_and_a_confirmation(world: PracticeWorld) -> None:
    mail.outbox.clear()
    before = counts()
    response = HttpClient().post(page_url(world, lang="nl"), form(lang="nl"))
    assert response.status_code == 302 and "/thanks/" in response["Location"]
    assert counts() == (before[0] + 1, before[1] + 1)
    request = BookingRequest.objects.get(email="noor.visser@example.org")
    assert request.status == RequestStatus.NEW and request.language == "nl"
    assert request.client.status == ClientStatus.PROSPECTIVE
    assert request.client.date_of_birth is None
    assert request.client.email == "noor.visser@example.org"
    assert [m.to for m in mail.outbox] == [["noor.visser@example.org"]]
    assert "Je aanvraag" in mail.outbox[0].subject
    assert "Bedankt voor je aanvraag" in mail.outbox[0].body


def test_a_prospective_client_is_not_listed_as_active(world: PracticeWorld) -> None:
    HttpClient().post(page_url(world), form())
    prospective = Client.objects.get(status=ClientStatus.PROSPECTIVE)
    assert prospective not in clients_search(practice=world.practice)
    assert prospective in clients_search(practice=world.practice, include_archived=True)


def test_it_answers_the_same_for_a_known_e_mail_and_links_the_client(world: PracticeWorld) -> None:
    unknown = HttpClient().post(page_url(world), form())
    known_email = world.client.email or "known@example.org"
    if not world.client.email:
        world.client.email = known_email
        world.client.save(update_fields=["email"])
    clients_before = Client.objects.count()
    known = HttpClient().post(page_url(world), form(email=known_email.upper()))
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    thanks_known = without_token(HttpClient().get(known["Location"]).content.decode())
    thanks_unknown = without_token(HttpClient().get(unknown["Location"]).content.decode())
    assert thanks_known == thanks_unknown
    assert Client.objects.count() == clients_before
    linked = BookingRequest.objects.get(email__iexact=known_email)
    assert linked.client == world.client and linked.existing_client
    assert world.client.given_name not in thanks_known


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"consent_to_contact": None}, "consent_to_contact"),
        ({"email": "not-an-address"}, "email"),
        ({"given_name": ""}, "given_name"),
        ({"message": "x" * 1001}, "message"),
        ({"preferred_times": "y" * 201}, "preferred_times"),
        ({"service": "00000000-0000-0000-0000-000000000000"}, "service"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    world: PracticeWorld, changes: dict[str, Any], field: str
) -> None:
    mail.outbox.clear()
    before = counts()
    response = HttpClient().post(page_url(world), form(**changes))
    assert response.status_code == 422
    assert response.context["form"].errors.keys() == {field}
    assert f'id="id_{field}_errors"' in response.content.decode()
    assert counts() == before and mail.outbox == []


def test_the_honeypot_answers_as_usual_and_saves_nothing(world: PracticeWorld) -> None:
    mail.outbox.clear()
    before = counts()
    response = HttpClient().post(page_url(world), form(website="http://spam.example"))
    assert response.status_code == 302 and "/thanks/" in response["Location"]
    assert counts() == before and mail.outbox == []


def test_it_refuses_a_post_without_the_csrf_token(world: PracticeWorld) -> None:
    before = counts()
    response = HttpClient(enforce_csrf_checks=True).post(page_url(world), form())
    assert response.status_code == 403
    assert counts() == before


def test_it_accepts_a_post_with_the_csrf_token(world: PracticeWorld) -> None:
    http = HttpClient(enforce_csrf_checks=True)
    http.get(page_url(world))
    token = http.cookies["csrftoken"].value
    response = http.post(page_url(world), form(csrfmiddlewaretoken=token))
    assert response.status_code == 302
    assert BookingRequest.objects.filter(email="noor.visser@example.org").count() == 1


@override_settings(HEADWISE_BOOKING_REQUESTS_PER_WINDOW=3)
def test_it_limits_the_requests_of_one_client_address(world: PracticeWorld) -> None:
    http = HttpClient(REMOTE_ADDR="203.0.113.7")
    for n in range(3):
        # bad posts count too, so a flood of refused forms is held as well
        data = form(email=f"person{n}@example.org") if n else form(email="bad")
        assert http.post(page_url(world), data).status_code in (302, 422)
    before = counts()
    response = http.post(page_url(world), form(email="late@example.org"))
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert counts() == before
    other = HttpClient(REMOTE_ADDR="198.51.100.9").post(page_url(world), form(email="late@example.org"))
    assert other.status_code == 302


@override_settings(HEADWISE_BOOKING_REQUESTS_PER_WINDOW=2)
def test_it_limits_the_requests_for_one_e_mail_from_any_address(world: PracticeWorld) -> None:
    for n in range(2):
        assert HttpClient(REMOTE_ADDR=f"192.0.2.{n}").post(page_url(world), form()).status_code == 302
    before = counts()
    response = HttpClient(REMOTE_ADDR="192.0.2.99").post(
        page_url(world), form(email="Noor.Visser@example.org")
    )
    assert response.status_code == 429
    assert counts() == before


def test_a_page_that_takes_no_requests_refuses_them(world: PracticeWorld) -> None:
    PublicPage.objects.filter(location=world.records["location"]).update(accepts_requests=False)
    assert "Send my request" not in HttpClient().get(page_url(world)).content.decode()
    before = counts()
    assert HttpClient().post(page_url(world), form()).status_code == 422
    assert counts() == before


# --- the staff side --------------------------------------------------------------------------


def test_the_front_desk_sees_the_count_and_marks_a_request_handled(world: PracticeWorld) -> None:
    HttpClient().post(page_url(world), form())
    desk = login(world.front_desk)
    home = desk.get("/staff/").content.decode()
    assert "Booking requests" in home and "Noor Visser" in home
    request = BookingRequest.objects.get(email="noor.visser@example.org")
    listing = desk.get("/practice/booking-requests/").content.decode()
    assert "Noor Visser" in listing and "weekday mornings" in listing
    assert desk.post(f"/practice/booking-requests/{request.uuid}/handled/").status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.HANDLED and request.handled_by == world.front_desk
    assert "Noor Visser" not in desk.get("/practice/booking-requests/").content.decode()
    assert "Noor Visser" in desk.get("/practice/booking-requests/?status=handled").content.decode()


def test_a_practitioners_home_has_no_requests_card(world: PracticeWorld) -> None:
    HttpClient().post(page_url(world), form())
    assert "Answer the requests" not in login(world.practitioner_user).get("/staff/").content.decode()


def test_making_a_prospective_client_active_needs_the_date_of_birth(world: PracticeWorld) -> None:
    HttpClient().post(page_url(world), form())
    request = BookingRequest.objects.get(email="noor.visser@example.org")
    desk = login(world.front_desk)
    response = desk.post(f"/practice/booking-requests/{request.uuid}/activate/", follow=True)
    assert "date of birth" in response.content.decode()
    request.client.refresh_from_db()
    assert request.client.status == ClientStatus.PROSPECTIVE
    request.client.date_of_birth = f.ClientFactory.build().date_of_birth
    request.client.save(update_fields=["date_of_birth"])
    desk.post(f"/practice/booking-requests/{request.uuid}/activate/")
    request.client.refresh_from_db()
    assert request.client.status == ClientStatus.ACTIVE


def test_the_owner_edits_the_page_and_others_may_not(world: PracticeWorld) -> None:
    location = world.records["location"]
    url = f"/practice/public-page/{location.uuid}/"
    owner = login(world.owner)
    assert owner.get("/practice/public-page/").status_code == 200
    response = owner.post(
        url, {"intro_en": "Quiet rooms.", "intro_nl": "Rustige kamers.", "accepts_requests": "on"}
    )
    assert response.status_code == 302
    page = PublicPage.objects.get(location=location)
    assert (page.intro_en, page.intro_nl, page.updated_by) == ("Quiet rooms.", "Rustige kamers.", world.owner)
    too_long = owner.post(url, {"intro_en": "x" * 3001, "accepts_requests": "on"})
    assert too_long.status_code == 422 and "intro_en" in too_long.context["form"].errors
    page.refresh_from_db()
    assert page.intro_en == "Quiet rooms."
    assert login(world.front_desk).post(url, {"intro_en": "Desk words"}).status_code == 403
    assert login(world.front_desk).get("/practice/public-page/").status_code == 403
    page.refresh_from_db()
    assert page.intro_en == "Quiet rooms."


def test_staff_open_a_prospective_clients_page(world: PracticeWorld) -> None:
    HttpClient().post(page_url(world), form())
    client = Client.objects.get(email="noor.visser@example.org")
    page = login(world.front_desk).get(f"/clients/{client.uuid}/")
    assert page.status_code == 200
    assert "Prospective client" in page.content.decode()
    edit = login(world.front_desk).get(f"/clients/{client.uuid}/edit/")
    assert edit.status_code == 200
