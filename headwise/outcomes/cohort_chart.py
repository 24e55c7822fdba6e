"""The cohort page's plot: the 50% responder rate and the change in monthly migraine days of
each group, each with its 95% interval (matplotlib, Agg backend, SVG, 390 px wide)."""

from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")

from django.utils.translation import gettext as _  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402 - the backend is chosen first

from headwise.diary.charts import DARK, LIGHT  # noqa: E402
from headwise.outcomes.cohort import CohortRow  # noqa: E402


def _label(row: CohortRow) -> str:
    text = row.label
    return f"{text[:20]}{'…' if len(text) > 20 else ''} (n={row.n_clients})"


def cohort_chart(rows: list[CohortRow], *, dark: bool = False) -> bytes:
    """Two panels, one above the other, one line per group with at least one client with
    enough data: the share of 50% responders (dot) with its Wilson interval (bar), and the
    mean change in monthly migraine days with its t interval; a dashed line marks no change."""
    c = DARK if dark else LIGHT
    shown = [r for r in rows if r.n_clients > 0]
    panel = 0.55 + 0.3 * max(1, len(shown))
    fig = Figure(figsize=(3.9, 2 * panel + 0.3), dpi=100, facecolor=c["bg"], layout="constrained")
    upper, lower = fig.subfigures(2, 1)  # type: ignore[misc]  # an array of two SubFigures
    top, bottom = upper.subplots(), lower.subplots()
    for sub, title in ((upper, _("50% responders (%)")), (lower, _("Change in migraine days per month"))):
        sub.set_facecolor(c["bg"])
        sub.suptitle(title, x=0.02, ha="left", fontsize=9, color=c["text"])
    ys = list(range(len(shown)))[::-1]
    labels = [_label(r) for r in shown]
    for ax in (top, bottom):
        ax.set_facecolor(c["bg"])
        ax.tick_params(colors=c["muted"], labelsize=8, length=2)
        for spine in ax.spines.values():
            spine.set_color(c["line"])
        ax.set_yticks(ys, labels, fontsize=8, color=c["text"])
        ax.set_ylim(-0.6, len(shown) - 0.4)
        ax.grid(axis="x", color=c["line"], linewidth=0.5)
    for y, row in zip(ys, shown, strict=True):
        r = row.responders[50]
        if r.n and not math.isnan(r.estimate):
            top.plot([r.low * 100, r.high * 100], [y, y], color=c["session"], linewidth=2.5)
            top.plot([r.estimate * 100], [y], "o", color=c["migraine"], markersize=6)
        ch = row.change
        if ch.n and not math.isnan(ch.estimate):
            if not math.isnan(ch.low):
                bottom.plot([ch.low, ch.high], [y, y], color=c["session"], linewidth=2.5)
            bottom.plot([ch.estimate], [y], "o", color=c["migraine"], markersize=6)
    top.set_xlim(0, 100)
    top.set_xticks([0, 25, 50, 75, 100])
    bottom.axvline(0, color=c["muted"], linestyle="--", linewidth=0.8)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg")
    return buffer.getvalue()
