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
    return f"{text[:22]}{'…' if len(text) > 22 else ''} (n={row.n_clients})"


def cohort_chart(rows: list[CohortRow], *, dark: bool = False) -> bytes:
    """Two panels, one line per group with at least one client with enough data: the share of
    50% responders (dot) with its Wilson interval (bar), and the mean change in monthly
    migraine days with its t interval; a dashed line marks no change."""
    c = DARK if dark else LIGHT
    shown = [r for r in rows if r.n_clients > 0]
    height = 1.4 + 0.52 * max(1, len(shown))
    fig = Figure(figsize=(3.9, height), dpi=100, facecolor=c["bg"], layout="constrained")
    left, right = fig.subplots(1, 2, sharey=True, width_ratios=[1, 1])
    ys = list(range(len(shown)))[::-1]
    for ax in (left, right):
        ax.set_facecolor(c["bg"])
        ax.tick_params(colors=c["muted"], labelsize=8, length=2)
        for spine in ax.spines.values():
            spine.set_color(c["line"])
    for y, row in zip(ys, shown, strict=True):
        r = row.responders[50]
        if r.n and not math.isnan(r.estimate):
            left.plot([r.low * 100, r.high * 100], [y, y], color=c["session"], linewidth=2)
            left.plot([r.estimate * 100], [y], "o", color=c["migraine"], markersize=5)
        ch = row.change
        if ch.n and not math.isnan(ch.estimate):
            if not math.isnan(ch.low):
                right.plot([ch.low, ch.high], [y, y], color=c["session"], linewidth=2)
            right.plot([ch.estimate], [y], "o", color=c["migraine"], markersize=5)
    left.set_xlim(0, 100)
    left.set_xticks([0, 50, 100])
    right.axvline(0, color=c["muted"], linestyle="--", linewidth=0.8)
    left.set_yticks(ys, [_label(r) for r in shown], fontsize=7, color=c["text"])
    left.set_ylim(-0.6, len(shown) - 0.4)
    left.set_title(_("50% responders (%)"), fontsize=8, color=c["text"])
    right.set_title(_("Change in migraine days per month"), fontsize=8, color=c["text"])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg")
    return buffer.getvalue()
