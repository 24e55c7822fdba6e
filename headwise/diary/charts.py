"""Server-side charts (matplotlib, Agg backend, SVG), sized to read on a phone."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

from django.utils.translation import gettext as _  # noqa: E402
from matplotlib.artist import Artist  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402 - the backend is chosen first
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from headwise.diary.selectors import MonthView  # noqa: E402

LIGHT = {
    "bg": "#ffffff",
    "text": "#23262b",
    "muted": "#5d6470",
    "line": "#dedbd2",
    "headache": "#e7b96a",
    "migraine": "#b5523b",
    "missing": "#e9e6de",
    "session": "#2f6f68",
}
DARK = {
    "bg": "#1e2125",
    "text": "#d9dadc",
    "muted": "#9aa0a8",
    "line": "#30343a",
    "headache": "#6b5127",
    "migraine": "#a3553f",
    "missing": "#2a2d31",
    "session": "#6fb3aa",
}


def month_chart(view: MonthView, *, dark: bool = False) -> bytes:
    """The month chart as SVG (see :func:`month_figure`)."""
    buffer = io.BytesIO()
    month_figure(view, dark=dark).savefig(buffer, format="svg")
    return buffer.getvalue()


def month_figure(view: MonthView, *, dark: bool = False) -> Figure:
    """Worst pain per day of the month: bars coloured by headache or migraine day, missing days
    shaded (never drawn as zero), therapy sessions marked with a triangle above their day.

    The layout is constrained (nothing is clipped, the axis label included); the legend sits
    below the axes, the session marks in a band of their own above the bars (y > 10).
    """
    c = DARK if dark else LIGHT
    fig = Figure(figsize=(3.9, 2.2), dpi=100, facecolor=c["bg"], layout="constrained")
    ax = fig.add_subplot(facecolor=c["bg"])
    sessions = [d.date.day for d in view.days if d.session and not d.future]
    for d in view.days:
        x = d.date.day
        if d.future:
            continue
        if not d.recorded:
            ax.bar(x, 10, width=0.9, color=c["missing"], edgecolor=c["line"], hatch="//", linewidth=0)
        elif d.headache:
            colour = c["migraine"] if d.migraine else c["headache"]
            ax.bar(x, d.peak if d.peak is not None else 0.4, width=0.8, color=colour)
    if sessions:
        ax.plot(
            sessions, [11] * len(sessions), linestyle="none", marker="v", color=c["session"], markersize=6
        )
    ax.set_xlim(0.3, len(view.days) + 0.7)
    ax.set_ylim(0, 11.8)
    ax.set_yticks([0, 5, 10])
    ax.set_xticks([1, 8, 15, 22, len(view.days)])
    ax.tick_params(colors=c["muted"], labelsize=9, length=2)
    for spine in ax.spines.values():
        spine.set_color(c["line"])
    ax.set_ylabel(_("worst pain"), color=c["muted"], fontsize=9)
    handles: list[Artist] = [
        Patch(color=c["headache"], label=_("headache")),
        Patch(color=c["migraine"], label=_("migraine")),
        Patch(facecolor=c["missing"], hatch="//", edgecolor=c["line"], label=_("no entry")),
    ]
    if sessions:
        handles.append(
            Line2D([], [], linestyle="none", marker="v", color=c["session"], markersize=6, label=_("session"))
        )
    legend = fig.legend(
        handles=handles,
        loc="outside lower center",
        ncol=len(handles),
        fontsize=8,
        frameon=False,
        handlelength=1.2,
        columnspacing=1.0,
    )
    for text in legend.get_texts():
        text.set_color(c["muted"])
    return fig
