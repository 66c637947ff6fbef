"""The 历史比较 chart: a project's years side by side, from its history records (explore/context.py).

Left, 全年预算数 and 全年执行数 per year (万元) with the execution rate over each pair; right, the
score per year. Every number is read from the records; sizes depend on the number of years only,
so the same records give byte-identical PNGs.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ...rules.explain import pct
from .base import BUDGET, EARNED, EXECUTED, GRID, INK, MUTED, legend, new_figure, render

__all__ = ["history_chart", "history_figure"]


def history_chart(history: Sequence[dict]) -> bytes | None:
    """PNG bytes, or None when there is no earlier year to compare with."""
    if len(history) < 2:
        return None
    return render(history_figure, list(history))


def history_figure(history: list[dict]) -> Figure:
    years = [str(h["year"]) for h in history]
    xs = list(range(len(years)))
    fig = new_figure(3.2)
    left, right = fig.subplots(1, 2, width_ratios=[3, 2])
    bar = 0.36
    budget = [float(h["adjusted"] or 0) for h in history]
    executed = [float(h["executed"] or 0) for h in history]
    left.bar([x - bar / 2 for x in xs], budget, width=bar, color=BUDGET)
    left.bar([x + bar / 2 for x in xs], executed, width=bar, color=EXECUTED)
    top = max([*budget, *executed, 0.0]) or 1.0
    for x, h, b, e in zip(xs, history, budget, executed, strict=True):
        r = h.get("execution_rate")
        label = "—" if r is None else pct(r, 1)
        left.text(x, max(b, e) + top * 0.03, label, ha="center", va="bottom", fontsize=8.5, color=INK)
    left.set_ylim(0, top * 1.2)
    left.set_xticks(xs, [f"{y}年" for y in years])
    left.set_title("全年预算与执行（万元），标注为执行率", fontsize=10)
    left.yaxis.grid(True, color=GRID, linewidth=0.8)
    totals = [float(h["total"]) for h in history]
    right.plot(xs, totals, marker="o", color=EARNED)
    for x, t, h in zip(xs, totals, history, strict=True):
        right.text(x, t + 1.5, f"{t:.2f}（{h['grade']}）", ha="center", va="bottom", fontsize=8.5, color=INK)
    low = min(totals)
    right.set_ylim(max(0.0, low - 15), 105)
    right.set_xlim(-0.5, len(xs) - 0.5)
    right.set_xticks(xs, [f"{y}年" for y in years])
    right.set_title("得分（分）", fontsize=10)
    right.yaxis.grid(True, color=GRID, linewidth=0.8)
    right.tick_params(colors=MUTED)
    legend(fig, [Patch(facecolor=BUDGET, label="全年预算数"), Patch(facecolor=EXECUTED, label="全年执行数")])
    return fig
