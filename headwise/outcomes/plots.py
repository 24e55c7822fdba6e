"""Outcome plots, drawn on the server with matplotlib (Agg backend, SVG), phone-first.

Three figures, for the client's page, the practitioner's view and the physician's report:

* :func:`migraine_figure`: migraine days per 28 recorded days in each 28-day period, with the
  95% interval, the treatment phases as bands and each session as a tick along the top;
* :func:`intensity_figure`: mean peak intensity (0-10) of the attacks that started in each period;
* :func:`medication_figure`: acute-medication days per 28 recorded days, with the ICHD-3 8.2
  medication-overuse thresholds (10 and 15 days a month) drawn.

Each is drawn once, in the light palette; :func:`dark_variant` gives the dark theme's copy.

The figures read only :class:`PlotPeriod`, :class:`PhaseSpan` and dates, so they are tested
without a database. Text is large (a 390 px phone shows the SVG at its own size), colours are
calm, and the dark theme gets its own colours; every figure has a table behind it on the
page, and its alt text says what it shows.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

from django.utils.translation import gettext as _  # noqa: E402
from matplotlib.artist import Artist  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402 - the backend is chosen first

LIGHT = {
    "bg": "#ffffff",
    "text": "#23262b",
    "muted": "#5d6470",
    "line": "#dedbd2",
    "bar": "#b5523b",
    "bar_low": "#e3b9ad",
    "interval": "#23262b",
    "session": "#2f6f68",
    "medication": "#7a5a2e",
    "threshold": "#9b2c2c",
    "before": "#f1efe9",
    "baseline": "#e8e4d8",
    "intensive": "#dbe9e6",
    "stabilising": "#e5efe3",
    "maintenance": "#eef2f5",
    "treatment": "#dbe9e6",
    "no_plan": "#ffffff",
}
DARK = {
    "bg": "#1e2125",
    "text": "#d9dadc",
    "muted": "#a3a9b1",
    "line": "#3a3e45",
    "bar": "#c56a53",
    "bar_low": "#6a3e33",
    "interval": "#d9dadc",
    "session": "#6fb3aa",
    "medication": "#d0a866",
    "threshold": "#f09a9a",
    "before": "#24272c",
    "baseline": "#2d2a22",
    "intensive": "#1f3431",
    "stabilising": "#233125",
    "maintenance": "#252c33",
    "treatment": "#1f3431",
    "no_plan": "#1e2125",
}
#: Below this share of recorded days a period's bar is drawn pale: it rests on few days.
LOW_COMPLETENESS = 0.8
#: Width of the figures in inches at 100 dpi: 390 px, a phone's width.
WIDTH_IN = 3.9


@dataclass(frozen=True)
class PlotPeriod:
    """One 28-day period as the plots read it; rates are per 28 recorded days (``None``: no days)."""

    start: dt.date
    end: dt.date
    phase: str
    recorded_days: int
    days: int
    migraine: float | None
    migraine_low: float | None = None
    migraine_high: float | None = None
    intensity: float | None = None
    medication: float | None = None
    #: Acute-medication days per 28 recorded days, by ICHD-3 drug class.
    medication_by_class: Mapping[str, float | None] | None = None

    @property
    def completeness(self) -> float:
        return self.recorded_days / self.days if self.days else 0.0

    @property
    def middle(self) -> dt.date:
        return self.start + (self.end - self.start) / 2


@dataclass(frozen=True)
class PhaseSpan:
    """A stretch of days in one phase (``before``, ``baseline``, a plan phase, ``no_plan``)."""

    kind: str
    start: dt.date
    end: dt.date


def svg(fig: Figure) -> bytes:
    """The figure as SVG, in the light palette."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


#: How long a drawn plot is kept; its key is its content, so a change of diary is a new key.
CACHE_SECONDS = 24 * 3600


def cached_drawing(name: str, draw: Callable[[], Figure], *inputs: object, as_png: bool = False) -> bytes:
    """The SVG (or print PNG) of ``draw()``, kept in Django's cache under a digest of everything
    it shows.

    Drawing is most of a page's time; the same numbers in the same language always give the
    same drawing, so the key needs no invalidation: a new diary entry changes the inputs.
    """
    from django.core.cache import cache
    from django.utils import translation

    digest = hashlib.sha256(repr((name, as_png, translation.get_language(), inputs)).encode()).hexdigest()
    key = f"outcomes-plot:{digest}"
    found = cache.get(key)
    if isinstance(found, bytes):
        return found
    drawing = png(draw()) if as_png else svg(draw())
    cache.set(key, drawing, CACHE_SECONDS)
    return drawing


def png(fig: Figure, *, dpi: int = 200) -> bytes:
    """The figure as PNG at print resolution: a PDF embeds it as it is, where an SVG of
    matplotlib's glyph outlines costs the PDF renderer seconds to paint."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def dark_variant(light: bytes) -> bytes:
    """The same drawing in the dark palette: each light colour swapped for its dark twin.

    Drawing a figure costs far more than this swap, so one drawing serves both themes; the
    palettes map each colour one way (a colour used twice in LIGHT has one twin in DARK).
    """
    out = light
    for key, colour in LIGHT.items():
        out = out.replace(colour.encode(), f"@{key}@".encode())
    for key, colour in DARK.items():
        out = out.replace(f"@{key}@".encode(), colour.encode())
    return out


def data_uri(drawing: bytes, *, kind: str = "image/svg+xml") -> str:
    """A drawing as an ``<img src>`` value: one request draws the page and its plots."""
    return f"data:{kind};base64," + base64.b64encode(drawing).decode("ascii")


def _figure(
    c: Mapping[str, str], *, height: float, width: float, legend_rows: int = 0
) -> tuple[Figure, Axes]:
    """A figure with its axes at fixed margins (in inches), room below for the legend's rows.

    Fixed margins, not a layout engine: the engine doubled the drawing time of a page.
    """
    fig = Figure(figsize=(width, height), dpi=100, facecolor=c["bg"])
    left, right, top = 0.55, 0.12, 0.12
    bottom = 0.3 + 0.2 * legend_rows + (0.08 if legend_rows else 0)
    ax = fig.add_axes(
        (left / width, bottom / height, 1 - (left + right) / width, 1 - (top + bottom) / height),
        facecolor=c["bg"],
    )
    ax.tick_params(colors=c["muted"], labelsize=10, length=2)
    for name, spine in ax.spines.items():
        spine.set_color(c["line"])
        spine.set_visible(name in ("left", "bottom"))
    return fig, ax


def _span_of(periods: Sequence[PlotPeriod]) -> tuple[dt.date, dt.date]:
    return periods[0].start, periods[-1].end + dt.timedelta(days=1)


def _x(day: dt.date) -> float:
    """Days on the x axis are ordinals: month ticks are then labelled in the reader's language."""
    return float(day.toordinal())


def _mid(p: PlotPeriod) -> float:
    return (_x(p.start) + _x(p.end) + 1) / 2


def _phases(
    ax: Axes, c: Mapping[str, str], phases: Sequence[PhaseSpan], first: dt.date, last: dt.date
) -> None:
    for p in phases:
        lo, hi = max(p.start, first), min(p.end + dt.timedelta(days=1), last)
        if lo < hi:
            ax.axvspan(_x(lo), _x(hi), color=c.get(p.kind, c["treatment"]), linewidth=0, zorder=0)


def _dates_axis(ax: Axes, c: Mapping[str, str], first: dt.date, last: dt.date) -> None:
    """Month ticks (at most five), labelled "Jan 26" in the active language."""
    from django.utils.dateformat import format as date_format

    ax.set_xlim(_x(first), _x(last))
    months = []
    day = first.replace(day=1)
    while day < last:
        day = (day + dt.timedelta(days=32)).replace(day=1)
        if first <= day < last:
            months.append(day)
    step = max(1, -(-len(months) // 5))
    shown = months[::step] if months else [first]
    ax.set_xticks([_x(d) for d in shown], [date_format(d, "M y") for d in shown])
    ax.tick_params(axis="x", labelsize=10, colors=c["muted"])


def _handles(c: Mapping[str, str], phases: Sequence[PhaseSpan], sessions: bool) -> list[Artist]:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Artist] = []
    seen: list[str] = []
    for p in phases:
        if p.kind not in seen and p.kind != "no_plan":
            seen.append(p.kind)
            colour = c.get(p.kind, c["treatment"])
            handles.append(Patch(facecolor=colour, edgecolor=c["line"], label=phase_label(p.kind)))
    if sessions:
        handles.append(
            Line2D([], [], linestyle="none", marker="|", markersize=9, color=c["session"], label=_("session"))
        )
    return handles


def _columns(fig: Figure, handles: Sequence[Artist]) -> int:
    return max(1, min(2 if fig.get_figwidth() < WIDTH_IN else 3, len(handles)))


def _legend(fig: Figure, c: Mapping[str, str], handles: Sequence[Artist], columns: int) -> None:
    if not handles:
        return
    legend = fig.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=columns,
        fontsize=9,
        frameon=False,
        handlelength=1.2,
        columnspacing=0.9,
        borderaxespad=0.2,
    )
    for text in legend.get_texts():
        text.set_color(c["muted"])


def phase_label(kind: str) -> str:
    """The phase's name in the reader's language."""
    from headwise.outcomes import wording

    return wording.phase(kind)


def migraine_figure(
    periods: Sequence[PlotPeriod],
    *,
    sessions: Sequence[dt.date],
    phases: Sequence[PhaseSpan],
    width: float = WIDTH_IN,
    height: float = 3.2,
) -> Figure:
    """Migraine days per 28 recorded days, one bar per 28-day period, with its 95% interval.

    A period under 80% complete is drawn pale (its rate rests on few days); a period without
    a recorded day has no bar (never a zero). Sessions are ticks along the top, phases bands.
    """
    c = LIGHT
    first, last = _span_of(periods) if periods else (dt.date.min, dt.date.min)
    shown = [d for d in sessions if first <= d < last]
    handles = _handles(c, phases, bool(shown))
    probe = Figure(figsize=(width, height))
    columns = _columns(probe, handles)
    rows = -(-len(handles) // columns) if handles else 0
    fig, ax = _figure(c, height=height + 0.2 * max(0, rows - 2), width=width, legend_rows=rows)
    if not periods:
        return fig
    _phases(ax, c, phases, first, last)
    # One call per kind of mark, not one per period: each call builds its own artists.
    drawn = [p for p in periods if p.migraine is not None]
    heights = [p.migraine or 0.0 for p in drawn]
    ax.bar(
        [_mid(p) for p in drawn],
        heights,
        width=[_bar_width(p) for p in drawn],
        color=[c["bar"] if p.completeness >= LOW_COMPLETENESS else c["bar_low"] for p in drawn],
        zorder=2,
    )
    ranged = [p for p in drawn if p.migraine_low is not None and p.migraine_high is not None]
    if ranged:
        ax.errorbar(
            [_mid(p) for p in ranged],
            [p.migraine or 0.0 for p in ranged],
            yerr=[
                [max(0.0, (p.migraine or 0.0) - (p.migraine_low or 0.0)) for p in ranged],
                [max(0.0, (p.migraine_high or 0.0) - (p.migraine or 0.0)) for p in ranged],
            ],
            fmt="none",
            ecolor=c["interval"],
            elinewidth=1,
            capsize=2,
            zorder=3,
        )
    top = max([4.0, *heights, *(p.migraine_high or 0.0 for p in ranged)])
    top = min(28.0, top * 1.08 + 0.5)
    if shown:
        ax.plot(
            [_x(d) + 0.5 for d in shown],
            [top] * len(shown),
            linestyle="none",
            marker="|",
            markersize=9,
            color=c["session"],
            zorder=4,
            clip_on=False,
        )
    ax.set_ylim(0, top * 1.05)
    _integer_ticks(ax)
    _dates_axis(ax, c, first, last)
    ax.set_ylabel(_("migraine days / 28"), color=c["muted"], fontsize=10)
    _legend(fig, c, handles, columns)
    return fig


def _bar_width(p: PlotPeriod) -> float:
    return max(1, (p.end - p.start).days + 1) * 0.8


def _integer_ticks(ax: Axes) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))


def intensity_figure(
    periods: Sequence[PlotPeriod],
    *,
    phases: Sequence[PhaseSpan],
    width: float = WIDTH_IN,
    height: float = 2.3,
) -> Figure:
    """Mean peak intensity (0-10) of each period's attacks; no point where no attack started."""
    c = LIGHT
    fig, ax = _figure(c, height=height, width=width)
    if not periods:
        return fig
    first, last = _span_of(periods)
    _phases(ax, c, phases, first, last)
    xs = [_mid(p) for p in periods if p.intensity is not None]
    ys = [p.intensity for p in periods if p.intensity is not None]
    ax.plot(xs, ys, marker="o", markersize=4, color=c["bar"], linewidth=1.5, zorder=3)
    ax.set_ylim(0, 10.5)
    ax.set_yticks([0, 5, 10])
    _dates_axis(ax, c, first, last)
    ax.set_ylabel(_("mean worst pain"), color=c["muted"], fontsize=10)
    return fig


def medication_figure(
    periods: Sequence[PlotPeriod],
    *,
    thresholds: Sequence[tuple[int, str]],
    phases: Sequence[PhaseSpan],
    width: float = WIDTH_IN,
    height: float = 2.5,
) -> Figure:
    """Acute-medication days per 28 recorded days, one bar per period, with the ICHD-3 8.2
    medication-overuse thresholds as dashed lines, each labelled with its classes."""
    c = LIGHT
    fig, ax = _figure(c, height=height, width=width)
    if not periods:
        return fig
    first, last = _span_of(periods)
    _phases(ax, c, phases, first, last)
    drawn = [p for p in periods if p.medication is not None]
    heights = [p.medication or 0.0 for p in drawn]
    ax.bar(
        [_mid(p) for p in drawn],
        heights,
        width=[_bar_width(p) for p in drawn],
        color=[c["medication"] if p.completeness >= LOW_COMPLETENESS else c["line"] for p in drawn],
        zorder=2,
    )
    top = max([16.0, *(h + 1 for h in heights)])
    for value, label in thresholds:
        ax.axhline(value, color=c["threshold"], linestyle="--", linewidth=1, zorder=3)
        ax.text(
            _x(first),
            value + 0.3,
            f" {label}",
            color=c["threshold"],
            fontsize=8,
            va="bottom",
            ha="left",
            zorder=4,
        )
    ax.set_ylim(0, min(28.0, top + 1.5))
    _integer_ticks(ax)
    _dates_axis(ax, c, first, last)
    ax.set_ylabel(_("medication days / 28"), color=c["muted"], fontsize=10)
    return fig
