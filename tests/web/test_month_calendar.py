"""The month calendar (diary/_month_calendar.html): its cells come from one tag (month_cells)."""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace

import pytest
from django.template import engines
from django.template.loader import render_to_string
from django.utils import translation

from headwise.diary.selectors import CalendarDay

#: The calendar as a chain of template conditions on each day, as it was written before the
#: tag: the markup the tag's calendar must still give, day for day.
CONDITIONS = (
    "{% load i18n %}{# A table in ARIA terms (rows of cells under weekday headers), laid out as"
    " a CSS grid: each day says what it was in words, not only in colour. #}\n"
    '<div class="cal" role="table" aria-label="{{ view.month|date:\'F Y\' }}">\n'
    '  <div class="calrow" role="row">{% for name in weekdays %}<span class="dow" role="columnh'
    'eader">{{ name }}</span>{% endfor %}</div>\n'
    '  {% for week in view.weeks %}<div class="calrow" role="row">{% for d in week %}<span clas'
    's="calcell" role="cell">{% if d.in_month %}{% if link_days %}<a href="{% url \'diary:checki'
    "n' day=d.date|date:'Y-m-d' %}\"{% else %}<span{% endif %} class=\"cell {{ d.state }}{% if d."
    "migraine_uncertain %} uncertain{% endif %}{% if d.session %} session{% endif %}{% if d.med"
    'ication %} med{% endif %}">\n'
    '   <span aria-hidden="true">{{ d.date.day }}</span>{% if d.peak is not None and d.headache'
    ' %}<span class="pk" aria-hidden="true">{{ d.peak }}</span>{% endif %}\n'
    '   <span class="vh">{{ d.date|date:\'l j F\' }}: {% if d.state == "migraine" %}{% translate '
    '"migraine day" %}{% elif d.state == "headache" %}{% translate "headache day" %}{% elif d.s'
    'tate == "free" %}{% translate "no headache" %}{% elif d.state == "missing" %}{% translate '
    '"no entry" %}{% else %}{% translate "not yet" %}{% endif %}{% if d.peak is not None and d.'
    "headache %}, {% blocktranslate with n=d.peak %}worst pain {{ n }} of 10{% endblocktranslat"
    'e %}{% endif %}{% if d.migraine_uncertain %}, {% translate "could be a migraine day, some '
    'answers are missing" %}{% endif %}{% if d.medication %}, {% translate "acute medication" %'
    '}{% endif %}{% if d.session %}, {% translate "therapy session" %}{% endif %}</span>\n'
    '  {% if link_days %}</a>{% else %}</span>{% endif %}{% else %}<span class="cell out" aria-'
    'hidden="true"></span>{% endif %}</span>{% endfor %}</div>{% endfor %}\n'
    "</div>\n"
    '<div class="legend" aria-hidden="true"><span class="l-migraine">{% translate "migraine day'
    '" %}</span><span class="l-headache">{% translate "headache day" %}</span><span class="l-fr'
    'ee">{% translate "no headache" %}</span><span class="l-missing">{% translate "no entry" %}'
    '</span><span class="l-session">{% translate "therapy session" %}</span><em class="l-med">•'
    ' {% translate "acute medication" %}</em></div>\n'
)


def _view() -> SimpleNamespace:
    """Every combination of the day's facts, in weeks of seven, with days outside the month."""
    first = dt.date(2026, 3, 1)
    facts = list(itertools.product((False, True), repeat=7))  # future, recorded, headache, ...
    days = []
    for i, (future, recorded, headache, migraine, uncertain, medication, session) in enumerate(facts):
        peak = (None, 0, 7)[i % 3]
        days.append(
            CalendarDay(
                first + dt.timedelta(days=i), i % 9 != 4, future, recorded, headache, migraine,
                uncertain, medication, peak, session,
            )
        )  # fmt: skip
    weeks = [days[i : i + 7] for i in range(0, len(days), 7)]
    return SimpleNamespace(month=first, weeks=weeks)


@pytest.mark.parametrize(
    ("language", "link_days"), [("en", True), ("nl", True), ("en", False), ("nl", False)]
)
def test_the_calendar_gives_each_day_the_cell_the_conditions_gave(language: str, link_days: bool) -> None:
    view = _view()
    context = {"view": view, "weekdays": ["M", "T", "W", "T", "F", "S", "S"], "link_days": link_days}
    with translation.override(language):
        new = render_to_string("diary/_month_calendar.html", context)
        expected = engines["django"].from_string(CONDITIONS).render(context)
    assert new == expected
    assert new.count('role="cell"') == sum(len(w) for w in view.weeks)
    assert ("/diary/checkin/2026-03-01/" in new) is link_days
    if language == "nl":
        assert "migrainedag" in new and "geen invoer" in new
