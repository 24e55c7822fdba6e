"""The outcome plots: nothing clipped on a 390 px phone, no bar for a period without a day,
and the dark theme's copy in the dark palette only."""

from __future__ import annotations

import datetime as dt

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from headwise.outcomes import plots


def _periods(n: int = 13, *, empty: int | None = None) -> list[plots.PlotPeriod]:
    start = dt.date(2025, 12, 1)
    out = []
    for i in range(n):
        first = start + dt.timedelta(days=28 * i)
        recorded = 0 if i == empty else (12 if i == 2 else 26)
        value = None if recorded == 0 else 3.0 + i % 5
        out.append(
            plots.PlotPeriod(
                first,
                first + dt.timedelta(days=27),
                "intensive",
                recorded,
                28,
                value,
                None if value is None else value - 2,
                None if value is None else value + 3,
                None if value is None else 6.0,
                None if value is None else 4.0,
            )
        )
    return out


PHASES = [
    plots.PhaseSpan("before", dt.date(2025, 12, 1), dt.date(2026, 3, 22)),
    plots.PhaseSpan("baseline", dt.date(2026, 3, 23), dt.date(2026, 4, 19)),
    plots.PhaseSpan("intensive", dt.date(2026, 4, 20), dt.date(2026, 6, 14)),
    plots.PhaseSpan("stabilising", dt.date(2026, 6, 15), dt.date(2026, 12, 1)),
]
SESSIONS = [dt.date(2026, 4, 20) + dt.timedelta(days=7 * k) for k in range(12)]


def _outside(fig: object) -> list[float]:
    """How far (inches) what is drawn reaches past each edge (left, bottom, right, top)."""
    canvas = FigureCanvasAgg(fig)  # type: ignore[arg-type]
    canvas.draw()
    drawn = fig.get_tightbbox(canvas.get_renderer())  # type: ignore[attr-defined]
    width, height = fig.get_size_inches()  # type: ignore[attr-defined]
    return [max(0.0, -drawn.x0), max(0.0, -drawn.y0), max(0.0, drawn.x1 - width), max(0.0, drawn.y1 - height)]


@pytest.mark.parametrize(
    "draw",
    [
        lambda: plots.migraine_figure(_periods(), sessions=SESSIONS, phases=PHASES),
        lambda: plots.intensity_figure(_periods(), phases=PHASES),
        lambda: plots.medication_figure(
            _periods(), thresholds=[(10, "10: triptan"), (15, "15: simple")], phases=PHASES
        ),
    ],
)
def test_it_clips_no_text(draw: object) -> None:
    fig = draw()  # type: ignore[operator]
    assert fig.get_figwidth() * fig.dpi == pytest.approx(390)
    assert _outside(fig) == pytest.approx([0, 0, 0, 0], abs=0.02)


def test_it_draws_no_bar_for_a_period_without_a_recorded_day() -> None:
    fig = plots.migraine_figure(_periods(5, empty=1), sessions=[], phases=PHASES[:1])
    bars = [p for p in fig.axes[0].patches if p.get_height() > 0 and p.get_width() < 28]
    assert len(bars) == 4


def test_the_dark_copy_uses_only_the_dark_palette() -> None:
    light = plots.svg(plots.migraine_figure(_periods(), sessions=SESSIONS, phases=PHASES))
    dark = plots.dark_variant(light)
    for key, colour in plots.LIGHT.items():
        if colour.encode() in light and plots.DARK[key] != colour:
            assert colour.encode() not in dark, key
            assert plots.DARK[key].encode() in dark, key


def test_it_draws_a_plot_once_for_the_same_numbers_in_the_same_language() -> None:
    from django.core.cache import cache
    from django.utils import translation

    cache.clear()
    drawn: list[int] = []

    def draw(n: int) -> object:
        drawn.append(n)
        return plots.migraine_figure(_periods(n), sessions=SESSIONS, phases=PHASES)

    first = plots.cached_drawing("migraine", lambda: draw(5), _periods(5))
    again = plots.cached_drawing("migraine", lambda: draw(5), _periods(5))
    other = plots.cached_drawing("migraine", lambda: draw(6), _periods(6))
    with translation.override("nl"):
        plots.cached_drawing("migraine", lambda: draw(5), _periods(5))
    assert first == again and other != first
    assert drawn == [5, 6, 5]
