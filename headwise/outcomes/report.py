"""The report for the client's physician: two A4 pages, as printable HTML and as PDF (WeasyPrint).

It shows the same numbers as the client's page and the practitioner's view (one
:func:`headwise.outcomes.analysis.client_analysis`), plus what a physician needs beside them: the
month calendar, the clinical engine's diagnosis suggestions (labelled as suggestions for a
clinician), the medication-overuse status against the ICHD-3 8.2 thresholds, the latest safety
screen and the questionnaire scores. It is written in the client's language and records nothing.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from headwise import clinical
from headwise.clients.models import Client, SafetyScreening
from headwise.clients.selectors import latest_screening
from headwise.diary import selectors as diary_selectors
from headwise.diary.localtime import client_today
from headwise.outcomes import plots
from headwise.outcomes.analysis import ClientAnalysis, client_analysis
from headwise.outcomes.models import QuestionnaireResponse

#: The days the engine's suggestions and the medication status are judged on: ICHD-3's ">3
#: months" needs four full 28-day periods, the report looks back a little further.
SUGGESTION_WINDOW_DAYS = 6 * 28


@dataclass(frozen=True)
class MedicationLine:
    drug_class: str
    label: str
    threshold: int
    days: int
    recorded: int
    status: str
    status_code: str


@dataclass(frozen=True)
class SuggestionLine:
    code: str
    name: str
    status: str
    status_label: str


def client_language(client: Client) -> str:
    """The language the client reads Headwise in (their login's), else the site's default."""
    user = client.user
    language = getattr(user, "language", "") if user is not None else ""
    available = {code for code, _name in settings.LANGUAGES}
    return language if language in available else settings.LANGUAGE_CODE


def _status_label(status: clinical.SuggestionStatus) -> str:
    labels = {
        clinical.SuggestionStatus.SUGGESTED: _("suggested"),
        clinical.SuggestionStatus.APPROACHING: _("approaching the threshold"),
        clinical.SuggestionStatus.NOT_SUGGESTED: _("not suggested"),
        clinical.SuggestionStatus.UNKNOWN: _("cannot tell: answers missing"),
        clinical.SuggestionStatus.INSUFFICIENT_DATA: _("too little diary yet"),
        clinical.SuggestionStatus.EXCLUDED: _("excluded"),
    }
    return str(labels[status])


def _class_label(drug_class: str) -> str:
    labels = {
        "triptan": _("triptans"),
        "ergot": _("ergots"),
        "opioid": _("opioids"),
        "simple_analgesic": _("simple analgesics"),
        "combination_analgesic": _("combination analgesics"),
    }
    return str(labels.get(drug_class, drug_class))


def _medication_status(status: str) -> str:
    labels = {
        "below": _("below the threshold"),
        "approaching_threshold": _("one day below the threshold"),
        "at_or_above_threshold": _("at or above the threshold"),
    }
    return str(labels.get(status, status))


def thresholds() -> list[tuple[int, str]]:
    """The ICHD-3 8.2 lines the medication plot draws: days a month and the classes they hold."""
    by_value: dict[int, list[str]] = {}
    for drug_class, value in clinical.DEFAULT_PARAMETERS.overuse_thresholds.items():
        by_value.setdefault(value, []).append(drug_class.value)
    short = {
        "triptan": _("triptan"),
        "ergot": _("ergot"),
        "opioid": _("opioid"),
        "combination_analgesic": _("combination"),
        "simple_analgesic": _("simple analgesic"),
    }
    return [
        (value, f"{value}: " + ", ".join(str(short.get(c, c)) for c in classes))
        for value, classes in sorted(by_value.items())
    ]


@dataclass(frozen=True)
class ClinicalPart:
    suggestions: list[SuggestionLine]
    medication: list[MedicationLine]
    medication_window: tuple[dt.date, dt.date] | None
    screening: SafetyScreening | None
    questionnaires: list[QuestionnaireResponse]


def clinical_part(client: Client, *, today: dt.date) -> ClinicalPart:
    """What the engine says of the last :data:`SUGGESTION_WINDOW_DAYS` days, and the records."""
    start = today - dt.timedelta(days=SUGGESTION_WINDOW_DAYS - 1)
    diary, _attacks = diary_selectors.diary_window(client=client, start=start, end=today)
    result = clinical.analyse(diary)
    shown = (clinical.SuggestionStatus.SUGGESTED, clinical.SuggestionStatus.APPROACHING)
    suggestions = [
        SuggestionLine(s.code, s.name, s.status.value, _status_label(s.status))
        for s in result.suggestions
        if s.status in shown
    ]
    mo = result.medication_overuse
    medication = [
        MedicationLine(
            c.drug_class.value,
            _class_label(c.drug_class.value),
            c.threshold,
            c.days_last_28,
            c.recorded_last_28,
            _medication_status(c.status),
            c.status,
        )
        for c in mo.classes
    ]
    questionnaires = list(
        QuestionnaireResponse.objects.filter(client=client).order_by("-answered_on", "-pk")[:6]
    )
    return ClinicalPart(
        suggestions=suggestions,
        medication=medication,
        medication_window=mo.last_period,
        screening=latest_screening(client=client),
        questionnaires=questionnaires,
    )


def calendar_month(today: dt.date) -> dt.date:
    """The month the report's calendar shows: this one from the 15th, before that the last one
    (a calendar of a few days says little)."""
    first = today.replace(day=1)
    return first if today.day >= 15 else (first - dt.timedelta(days=1)).replace(day=1)


def report_context(client: Client, *, analysis: ClientAnalysis | None = None) -> dict[str, Any]:
    """Everything the report template shows, in the language active now."""
    today = client_today(client)
    analysis = analysis or client_analysis(client)
    month = diary_selectors.month_view(client=client, month=calendar_month(today))
    periods = analysis.plot_periods
    phases, sessions = analysis.phases, analysis.sessions
    lines = thresholds()
    drawn = {
        "migraine": lambda: plots.migraine_figure(
            periods, sessions=sessions, phases=phases, width=3.5, height=2.4
        ),
        "intensity": lambda: plots.intensity_figure(periods, phases=phases, width=3.5, height=1.9),
        "medication": lambda: plots.medication_figure(
            periods, thresholds=lines, phases=phases, width=3.5, height=2.1
        ),
    }
    figures = {
        name: plots.data_uri(
            plots.cached_drawing(f"report-{name}", draw, periods, sessions, phases, lines, as_png=True),
            kind="image/png",
        )
        for name, draw in drawn.items()
    }
    return {
        "client": client,
        "analysis": analysis,
        "clinical": clinical_part(client, today=today),
        "view": month,
        "weekdays": [WEEKDAYS_ABBR[i] for i in range(7)],
        "figures": figures,
        "today": today,
        "suggestion_label": _("suggestion for a clinician"),
        "engine_label": clinical.SUGGESTION_LABEL,
    }


def report_html(client: Client, *, for_print: bool = False, pdf_url: str = "", back_url: str = "") -> str:
    """The report page in the client's language; ``for_print`` leaves out the page's links."""
    with translation.override(client_language(client)):
        context = report_context(client)
        context.update(
            for_print=for_print, pdf_url=pdf_url, back_url=back_url, LANGUAGE_CODE=translation.get_language()
        )
        if for_print:
            # The PDF has no web server to fetch the stylesheet from; the page links it (CSP: no
            # inline style on pages).
            context["report_css"] = _report_css()
        return render_to_string("outcomes/report.html", context)


def _report_css() -> str:
    from django.contrib.staticfiles import finders

    found = finders.find("outcomes/report.css")
    return Path(str(found)).read_text(encoding="utf-8")


_fonts = threading.local()


def _font_config() -> Any:
    """WeasyPrint's font configuration, one per thread: setting up fontconfig anew for each
    report cost about half its time (the report declares no @font-face, so nothing is kept in it
    from one report to the next)."""
    from weasyprint.text.fonts import FontConfiguration

    found = getattr(_fonts, "config", None)
    if found is None:
        found = _fonts.config = FontConfiguration()
    return found


def report_pdf(client: Client) -> bytes:
    """The report as a two-page A4 PDF; fonts are DejaVu (Debian's fonts-dejavu-core)."""
    from weasyprint import HTML

    html = report_html(client, for_print=True)
    document = HTML(string=html, base_url=str(settings.BASE_DIR))
    return bytes(document.write_pdf(font_config=_font_config()))
