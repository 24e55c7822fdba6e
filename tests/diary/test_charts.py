"""The month chart: nothing clipped, the session marks clear of the legend, in both themes."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from headwise.diary import charts


def _view() -> Any:
    """What the chart reads of a month view (selectors.MonthView): its days."""
    first = dt.date(2026, 11, 1)
    days = [
        SimpleNamespace(
            date=first + dt.timedelta(days=i),
            in_month=True,
            future=False,
            recorded=i % 4 != 3,
            headache=i % 3 == 0,
            migraine=i % 6 == 0,
            migraine_uncertain=False,
            medication=False,
            peak=10 if i % 3 == 0 else None,
            session=i in (0, 14, 29),
        )
        for i in range(30)
    ]
    return SimpleNamespace(month=first, days=days)


@pytest.mark.parametrize("dark", [False, True])
def test_the_month_chart_clips_nothing_and_keeps_session_marks_off_the_legend(dark: bool) -> None:
    fig = charts.month_figure(_view(), dark=dark)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    whole = fig.bbox
    (ax,) = fig.axes
    label = ax.yaxis.label.get_window_extent(renderer)
    assert label.x0 >= whole.x0 and label.y0 >= whole.y0 and label.y1 <= whole.y1
    (legend,) = fig.legends
    box = legend.get_window_extent(renderer)
    assert whole.x0 <= box.x0 and box.x1 <= whole.x1 and whole.y0 <= box.y0
    marks = [line for line in ax.get_lines() if line.get_marker() == "v"]
    assert marks and len(marks[0].get_xdata()) == 3
    points = ax.transData.transform(list(zip(marks[0].get_xdata(), marks[0].get_ydata(), strict=True)))
    assert all(not box.contains(x, y) for x, y in points)
    # The marks sit above the tallest bar (10), inside the axes.
    assert all(ax.bbox.contains(x, y) for x, y in points)
    assert min(marks[0].get_ydata()) > 10
    assert b"<svg" in charts.month_chart(_view(), dark=dark)
