"""The outcome pages and the report, with a year of diary laid by the factories' rules."""

from __future__ import annotations

import re
import zlib
from typing import Any

import pytest

from headwise.outcomes.analysis import client_analysis
from tests.conftest import PracticeWorld, login
from tests.outcomes.diary import build_year

A4 = (595.28, 841.89)  # points: 210 x 297 mm


@pytest.fixture
def year(world: PracticeWorld) -> dict[str, Any]:
    return build_year(world.client, world.records["practitioner"])


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF's text with every Flate stream inflated: WeasyPrint keeps its page objects in
    compressed object streams (PDF 1.5+), where ``/Type /Page`` cannot be read as it is."""
    parts = [pdf]
    for match in re.finditer(rb"/FlateDecode[^>]*>>\s*stream\r?\n", pdf):
        start = match.end()
        try:
            parts.append(zlib.decompressobj().decompress(pdf[start : pdf.index(b"endstream", start)]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """The width and height (points) of each page object of a PDF (``/Type /Page``, not ``/Pages``)."""
    text = pdf_objects(pdf)
    pages = []
    # A page dictionary names its Parent, MediaBox, Contents and Resources, each flat or a reference.
    for match in re.finditer(rb"<<\s*/Type\s*/Page(?![a-z])(.*?)>>", text, re.S):
        box = re.search(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", match.group(1))
        assert box, f"a page without its own MediaBox: {match.group(1)[:200]!r}"
        x0, y0, x1, y1 = (float(v) for v in box.groups())
        pages.append((x1 - x0, y1 - y0))
    return pages


def test_it_shows_the_client_their_own_outcomes(world: PracticeWorld, year: dict[str, Any]) -> None:
    response = login(world.client_user).get("/me/outcomes/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "How am I doing?" in text
    assert "data:image/svg+xml;base64," in text
    assert "some improvement is expected anyway" in text
    assert world.other_client.given_name not in text


def test_it_gives_the_client_a_two_page_a4_pdf(world: PracticeWorld, year: dict[str, Any]) -> None:
    response = login(world.client_user).get("/me/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages = pdf_pages(response.content)
    assert len(pages) == 2, pages
    for width, height in pages:
        assert width == pytest.approx(A4[0], abs=0.5) and height == pytest.approx(A4[1], abs=0.5)


def test_it_shows_the_practitioner_the_model_table_and_the_report_links(
    world: PracticeWorld, year: dict[str, Any]
) -> None:
    response = login(world.practitioner_user).get(f"/clients/{world.client.uuid}/outcomes/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Phase comparison (count model)" in text
    assert "Regression to the mean" in text
    assert f"/clients/{world.client.uuid}/report.pdf" in text


@pytest.mark.parametrize("path", ["outcomes/", "report/", "report.pdf"])
def test_it_refuses_the_front_desk_a_clients_outcomes(world: PracticeWorld, path: str) -> None:
    response = login(world.front_desk).get(f"/clients/{world.client.uuid}/{path}")
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["outcomes/", "report/", "report.pdf"])
def test_it_answers_404_for_another_practices_client(
    world: PracticeWorld, outsider: PracticeWorld, path: str
) -> None:
    response = login(outsider.owner).get(f"/clients/{world.client.uuid}/{path}")
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/me/outcomes/", "/me/report/", "/me/report.pdf"])
def test_it_keeps_staff_off_the_clients_own_pages(world: PracticeWorld, path: str) -> None:
    assert login(world.owner).get(path).status_code == 404


def test_it_shows_each_client_only_their_own_numbers(world: PracticeWorld, year: dict[str, Any]) -> None:
    """The other client of the practice, with a diary of their own, sees their own periods."""
    from tests.factories import UserFactory

    sibling = UserFactory(email="sibling@alpha.example")
    world.other_client.user = sibling
    world.other_client.save(update_fields=["user"])
    own = client_analysis(world.client)
    theirs = client_analysis(world.other_client)
    assert own.first_session is not None and theirs.first_session is None
    text = login(sibling).get("/me/outcomes/").content.decode()
    assert world.client.given_name not in text
    assert "No therapy session is on record yet" in text


def test_it_records_nothing(world: PracticeWorld, year: dict[str, Any]) -> None:
    from headwise.audit.models import AuditEntry
    from tests.test_tenancy import snapshot

    http = login(world.practitioner_user)
    before = snapshot()
    seen = AuditEntry.objects.count()
    for path in ("outcomes/", "report/", "report.pdf"):
        assert http.get(f"/clients/{world.client.uuid}/{path}").status_code == 200
    # Reading writes nothing but the audit trail's one entry per read (the PDF is a print).
    after = snapshot()
    for label in ("audit.AuditEntry", "audit.AuditHead"):
        before.pop(label, None), after.pop(label, None)
    assert after == before
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True)[seen:])
    assert actions == ["view", "view", "print"]


def test_it_writes_the_report_in_the_clients_language(world: PracticeWorld, year: dict[str, Any]) -> None:
    world.client_user.language = "nl"
    world.client_user.save(update_fields=["language"])
    # The practitioner reads Headwise in English; the report is the client's, in Dutch.
    text = login(world.practitioner_user).get(f"/clients/{world.client.uuid}/report/").content.decode()
    assert 'lang="nl"' in text
    assert "Rapport hoofdpijndagboek" in text
    assert "Headache diary report" not in text


def test_it_shows_the_client_their_page_in_dutch(world: PracticeWorld, year: dict[str, Any]) -> None:
    world.client_user.language = "nl"
    world.client_user.save(update_fields=["language"])
    text = login(world.client_user).get("/me/outcomes/").content.decode()
    assert "Hoe gaat het met mij?" in text
    assert "How am I doing?" not in text


def test_it_says_what_cannot_be_shown_when_there_is_no_diary(world: PracticeWorld) -> None:
    text = login(world.client_user).get("/me/outcomes/").content.decode()
    assert "They cannot show that the therapy caused it" in text


def test_it_reads_a_constant_number_of_queries_whatever_the_diarys_length(
    world: PracticeWorld, year: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    http = login(world.client_user)
    http.get("/me/outcomes/")
    with django_assert_max_num_queries(25):
        assert http.get("/me/outcomes/").status_code == 200


def test_the_dutch_report_also_fits_two_a4_pages(world: PracticeWorld, year: dict[str, Any]) -> None:
    world.client_user.language = "nl"
    world.client_user.save(update_fields=["language"])
    response = login(world.practitioner_user).get(f"/clients/{world.client.uuid}/report.pdf")
    assert response.status_code == 200
    assert len(pdf_pages(response.content)) == 2
