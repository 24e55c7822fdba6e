"""The strip of days (web/_diary_strip.html): its squares come from one tag (strip_cells)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.template import engines
from django.template.loader import render_to_string
from django.utils import translation

from headwise import clinical
from headwise.diary.selectors import DiaryDay

#: The strip as a chain of template conditions on each day, as it was written before the tag:
#: the markup the tag's strip must still give, day for day.
CONDITIONS = (
    '{% load i18n %}{% for d in days %}<div role="listitem" class="day {% if not d.recorded %}missing'
    '{% elif d.had_headache or d.state == "migraine" %}headache{% else %}free{% endif %}"\n'
    " title=\"{{ d.date|date:'D j M' }}: {% if not d.recorded %}{% translate 'no entry' %}"
    "{% elif d.state == \"migraine\" %}{% translate 'migraine day' %}{% elif d.had_headache %}"
    "{% translate 'headache' %}{% else %}{% translate 'no headache' %}{% endif %}\">"
    '{{ d.date|date:"j" }}</div>{% endfor %}'
)


def _days() -> list[DiaryDay]:
    """Every state with both headache flags (an aura-only migraine day is no headache day)."""
    first = dt.date(2026, 5, 4)
    pairs = itertools.product(clinical.DayState, (False, True))
    return [
        DiaryDay(first + dt.timedelta(days=i), state, headache, 0, checked_in=headache)
        for i, (state, headache) in enumerate(pairs)
    ]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_strip_gives_each_day_the_square_the_conditions_gave(language: str) -> None:
    days = _days()
    with translation.override(language):
        strip = render_to_string("web/_diary_strip.html", {"days": days})
        expected = engines["django"].from_string(CONDITIONS).render({"days": days})
    assert expected in strip
    assert strip.count('role="listitem"') == len(days)
    if language == "nl":
        assert "geen invoer" in strip and "migrainedag" in strip
