"""The 历史比较 chart, one drawing for the reports and the explorer: budget and execution (万元)
with the execution rate over each pair of bars, and the score, year by year.

`history_chart` takes the years' figures as lists (the explorer's `Portfolio.history`, at the
explorer's fast PNG format); `report_history_chart` takes a report's history records
(explore/context.py) and draws the same chart for the published documents, with each year's grade.
Every number is read from the inputs; sizes depend on the number of years only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ...explore.columns import UNDER_EXECUTED
from .base import (
    BUDGET,
    EXECUTED,
    GRID,
    INTERACTIVE,
    MUTED,
    NOT_MET,
    PUBLISHED,
    PngFormat,
    legend,
    new_figure,
    render,
)
from .text import clean, wrap

__all__ = ["draw_history_chart", "history_chart", "report_history_chart"]


def draw_history_chart(
    years: Sequence[int],
    adjusted: Sequence[float],
    executed: Sequence[float],
    rates: Sequence[float | None],
    scores: Sequence[float],
    title: str = "",
    current: int | None = None,
    grades: Sequence[str] | None = None,
) -> Figure:
    """The figure of `history_chart` (drawn under the caller's style: `render` sets the package's).
    `title` over both panels (a report's figure has its caption instead); `current` the year chosen
    (marked 「所选」); `grades` beside each year's score when given."""
    fig = new_figure(3.3)
    left, right = fig.subplots(1, 2, width_ratios=(3, 2))
    if title:
        fig.suptitle(wrap(clean(title), 70, 1), x=0.01, ha="left", fontsize=11.5)
    x = np.arange(len(years))
    labels = [f"{y}年" + ("（所选）" if y == current else "") for y in years]
    bud, exe = np.asarray(adjusted, float), np.asarray(executed, float)
    left.bar(x - 0.19, bud, 0.36, color=BUDGET, label="全年预算")
    left.bar(x + 0.19, exe, 0.36, color=EXECUTED, label="执行数")
    top = float(max(bud.max(initial=0), exe.max(initial=0))) or 1.0
    for xx, b, e, r in zip(x, bud, exe, rates, strict=True):
        low = r is not None and r == r and r < UNDER_EXECUTED
        text = "执行率 —" if r is None or r != r else f"执行率 {r * 100:.1f}%"
        left.text(xx, max(b, e) + top * 0.03, text, ha="center", fontsize=8, color=NOT_MET if low else MUTED)
    left.set_xticks(x, labels)
    left.set_ylim(0, top * 1.22)
    left.set_title("全年预算与执行数（万元）", fontsize=9.5, pad=6)
    left.yaxis.grid(True, color=GRID, linewidth=0.8)
    right.plot(x, scores, color=EXECUTED, marker="o", linewidth=1.6)
    for k, (xx, s) in enumerate(zip(x, scores, strict=True)):
        label = f"{s:.2f}" + (f"（{clean(grades[k])}）" if grades else "")
        right.annotate(label, (xx, s), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
    lo = min(scores, default=60.0)
    right.set_ylim(max(0.0, math.floor(lo / 5) * 5 - 5), 102)
    right.set_xlim(-0.5, len(years) - 0.5)
    right.set_xticks(x, labels)
    right.set_title("复核得分（分）", fontsize=9.5, pad=6)
    right.yaxis.grid(True, color=GRID, linewidth=0.8)
    legend(
        fig,
        [
            Patch(facecolor=BUDGET, label="全年预算"),
            Patch(facecolor=EXECUTED, label="执行数"),
            Line2D([], [], color=EXECUTED, marker="o", label="复核得分"),
        ],
    )
    return fig


def history_chart(
    years: Sequence[int],
    adjusted: Sequence[float],
    executed: Sequence[float],
    rates: Sequence[float | None],
    scores: Sequence[float],
    title: str = "",
    current: int | None = None,
    grades: Sequence[str] | None = None,
    fmt: PngFormat = INTERACTIVE,
) -> bytes:
    """Budget and execution (万元) with the execution rate, and the score, year by year: PNG bytes,
    in the package's chart style and CJK font (input text drawn through `clean`, so a character
    the fonts lack is □, never a missing-glyph warning)."""
    args = (list(years), list(adjusted), list(executed), list(rates), list(scores), title, current, grades)
    return render(draw_history_chart, *args, fmt=fmt)


def report_history_chart(history: Sequence[dict]) -> bytes | None:
    """The chart of a report's history records (oldest first), or None with no earlier year."""
    if len(history) < 2:
        return None
    return history_chart(
        [int(h["year"]) for h in history],
        [float(h["adjusted"] or 0) for h in history],
        [float(h["executed"] or 0) for h in history],
        [h.get("execution_rate") for h in history],
        [float(h["total"]) for h in history],
        grades=[str(h["grade"]) for h in history],
        fmt=PUBLISHED,
    )
