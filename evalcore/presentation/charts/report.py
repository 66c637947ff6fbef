"""The project report's charts: PNG bytes drawn from a `Scorecard`.

`category_chart` (score over weight per level-1 category), `completion_chart` (actual ÷ target of
each quantitative indicator) and `budget_chart` (全年预算数 vs 全年执行数 per row). Every number
shown is read from the scorecard; nothing here scores. Drawn with the package's shared style,
font and PNG writer (`evalcore.presentation.charts.base`), with sizes that depend only on the
number of rows: the same scorecard gives byte-identical PNGs whatever the caller's rcParams.
`evalcore.presentation.chart_cache` keys the cached PNGs on this module's source and the shared
base's.
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from ...quantities import format_number
from ...rules.explain import pct, pts
from ...scoring import Scorecard
from ...vocabulary import DOWNWARD
from ..formats import project_money
from .base import (
    BUDGET,
    EARNED,
    EXECUTED,
    GRID,
    INK,
    MET,
    MUTED,
    NOT_MET,
    OVERSPENT,
    STYLE,
    UNITEMISED,
    UNKNOWN,
    WEIGHT,
    WEIGHT_EDGE,
    chart_height,
    legend,
    new_figure,
    render,
    subtitle,
)
from .text import clean, wrap

__all__ = ["budget_chart", "budget_figure", "category_chart", "completion_chart", "completion_figure"]


# --------------------------------------------------------------------------------------- categories


def category_chart(card: Scorecard) -> bytes:
    """Each level-1 category: earned score over its weight (分值), with the part of the weight the
    form does not itemise hatched. Labels 得分 / 分值 from the card."""
    return render(_draw_categories, card)


def _draw_categories(card: Scorecard) -> Figure:
    cats = card.categories
    n = len(cats)
    fig = new_figure(chart_height(n, 0.62, 1.7))
    ax = fig.add_subplot()
    ax.set_title("评分总览：各一级指标得分与分值")
    scaled = abs(card.scale - 1.0) > 1e-9
    note = f"总分 {format_number(card.total)}（{clean(card.grade)}）"
    if scaled:
        note += f"；有不适用指标，总分已按百分制折算（× {format_number(card.scale, 4)}）"
    if card.unscored_weight > 0:
        note += f"；{format_number(card.unscored_weight)} 分指标未填完成值，未计分"
    subtitle(ax, note)
    if not cats:
        ax.text(
            0.5, 0.5, "评分方案没有一级指标", transform=ax.transAxes, ha="center", va="center", color=MUTED
        )
        ax.set_axis_off()
        return fig
    top = max(max(c.weight, c.itemised_weight, c.score) for c in cats) or 1.0
    unitemised_any = False
    for y, c in enumerate(cats):
        ax.barh(y, c.weight, height=0.62, color=WEIGHT, edgecolor=WEIGHT_EDGE, linewidth=0.8)
        if c.unitemised > 0:
            unitemised_any = True
            ax.barh(
                y,
                c.weight - c.itemised_weight,
                left=c.itemised_weight,
                height=0.62,
                color="white",
                edgecolor=UNITEMISED,
                linewidth=0.8,
                hatch="////",
            )
        ax.barh(y, c.score, height=0.36, color=EARNED)
        label = f"{pts(c.score)} / {format_number(c.weight)}"
        if c.unitemised:  # the form itemises less (or more) than the weight
            label += f"（已细化 {format_number(c.itemised_weight)}）"
        ax.text(max(c.weight, c.itemised_weight, c.score) + top * 0.015, y, label, va="center", fontsize=9)
    ax.set_yticks(range(n), [wrap(clean(c.name), 16, 2) for c in cats])
    ax.set_ylim(n - 0.4, -0.6)
    ax.set_xlim(0, top * 1.42)
    ax.set_xlabel("分")
    ax.xaxis.grid(True, color=GRID, linewidth=0.8)
    handles = [
        Patch(facecolor=EARNED, label="得分"),
        Patch(facecolor=WEIGHT, edgecolor=WEIGHT_EDGE, label="分值"),
    ]
    if unitemised_any:
        handles.append(
            Patch(facecolor="white", edgecolor=UNITEMISED, hatch="////", label="未细化到指标的分值")
        )
    legend(fig, handles)
    return fig


# --------------------------------------------------------------------------------------- completion

TOP_TICKS = 18.0  # points: the height of tick labels drawn above the axes
COMPLETION_AXIS_CAP = 2.0  # bars past 200% stop at the axis edge; their label gives the value
LIMIT_LABEL = "上限"


def completion_chart(card: Scorecard) -> bytes | None:
    """Each quantitative indicator that has a completion, drawn against what it promised.

    正向 indicators (≥, >, =): 实际值 ÷ 目标值 with a dashed line at the 100% target, bars green when
    the target was met and orange when not. 反向 indicators (≤, <: a cost, a duration, complaints)
    have a limit, not a target: on the same axis a short green bar under a 100% 目标 line read as a
    shortfall, when spending 53万元 of a 60万元 ceiling is the result wanted. So they get a panel of
    their own: 实际值 ÷ 上限, the dashed line labelled 上限, a bar green while under the limit and red
    once over it, its label saying 「未超上限」 or 「超出上限」. None when no indicator has a
    completion."""
    if not _completion_rows(card):
        return None
    return render(completion_figure, card)


def _completion_rows(card: Scorecard) -> list:
    return [s for s in card.indicators if s.completion is not None]


def completion_figure(card: Scorecard) -> Figure:
    """The completion chart as a matplotlib figure (what `completion_chart` renders), so a test can
    read what is drawn: the 正向 panel first, the 反向 (上限) panel below it."""
    rows = _completion_rows(card)
    upward = [s for s in rows if s.indicator.direction not in DOWNWARD]
    downward = [s for s in rows if s.indicator.direction in DOWNWARD]
    return _draw_completion(upward, downward)


def _draw_completion(upward: list, downward: list) -> Figure:
    n = len(upward) + len(downward)
    compact = n > 20
    per_row = 0.235 if compact else 0.46
    panels = [(rows, limit) for rows, limit in ((upward, False), (downward, True)) if rows]
    fig = new_figure(chart_height(n, per_row, 1.9 + 0.55 * (len(panels) - 1)))
    axes = fig.subplots(len(panels), 1, squeeze=False, height_ratios=[len(r) + 1.2 for r, _ in panels])[:, 0]
    seen: set = set()
    for ax, (rows, limit) in zip(axes, panels, strict=True):
        seen |= _completion_panel(ax, rows, limit, compact, first=ax is axes[0])
    handles = []
    if upward:
        names = {True: "已达到目标", False: "未达到目标", None: "无法判断"}
        colours = {True: MET, False: NOT_MET, None: UNKNOWN}
        handles += [
            Patch(facecolor=colours[k], label=names[k]) for k in (True, False, None) if ("up", k) in seen
        ]
        handles.append(
            Line2D([], [], color=INK, linestyle=(0, (4, 3)), linewidth=1.1, label="目标值（100%）")
        )
    if downward:
        names = {True: "未超过上限", False: "超过上限", None: "无法判断"}
        colours = {True: MET, False: OVERSPENT, None: UNKNOWN}
        handles += [
            Patch(facecolor=colours[k], label=names[k]) for k in (True, False, None) if ("down", k) in seen
        ]
        handles.append(
            Line2D([], [], color=OVERSPENT, linestyle=(0, (4, 3)), linewidth=1.1, label="上限（100%）")
        )
    legend(fig, handles)
    return fig


def _completion_panel(ax, rows: list, limit: bool, compact: bool, first: bool) -> set:  # type: ignore[no-untyped-def]
    """One panel: 正向 rows against the 100% target, or (limit=True) 反向 rows against their 上限.
    Returns the (panel, met) pairs drawn, for the legend."""
    n = len(rows)
    lift = TOP_TICKS if compact and first else 0.0  # a tall chart has its scale on top too
    if limit:
        ax.set_title("反向指标：实际值 ÷ 上限", pad=STYLE["axes.titlepad"] + lift)
        subtitle(ax, "成本、时长等指标的目标是上限：实际值不超过上限即达到目标", lift)
    else:
        ax.set_title("定量指标完成率（实际值 ÷ 目标值）", pad=STYLE["axes.titlepad"] + lift)
    widest = max(min(s.completion, COMPLETION_AXIS_CAP) for s in rows)
    right = max(1.2, widest * 1.2)
    colours = {True: MET, False: OVERSPENT if limit else NOT_MET, None: UNKNOWN}
    seen: set = set()
    labels = []
    for y, s in enumerate(rows):
        c = s.completion
        seen.add(("down" if limit else "up", s.met))
        clipped = c > COMPLETION_AXIS_CAP
        ax.barh(y, min(c, COMPLETION_AXIS_CAP), height=0.66, color=colours[s.met])
        text = pct(c) + (" ▶" if clipped else "")
        if limit and s.met is not None:
            text += "  未超上限" if s.met else "  超出上限"
        ax.text(
            min(c, COMPLETION_AXIS_CAP) + right * 0.012,
            y,
            text,
            va="center",
            fontsize=7.5 if compact else 8.5,
            color=OVERSPENT if limit and s.met is False else INK,
            zorder=4,
            bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
        )
        direction = s.indicator.direction
        suffix = f"（{direction}）" if direction in DOWNWARD else ""
        name = clean(s.indicator.name)
        labels.append(wrap(name, 34, 1, suffix) if compact else wrap(name, 24, 2, suffix))
    if limit:
        ax.axvline(1.0, color=OVERSPENT, linestyle=(0, (4, 3)), linewidth=1.1)
        ax.text(1.0, -0.62, f" {LIMIT_LABEL}", color=OVERSPENT, fontsize=8, va="bottom", ha="left")
    else:
        ax.axvline(1.0, color=INK, linestyle=(0, (4, 3)), linewidth=1.1)
    ax.set_yticks(range(n), labels, fontsize=7.5 if compact else 9)
    ax.set_ylim(n - 0.4, -0.6)
    ax.set_xlim(0, right)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.xaxis.grid(True, color=GRID, linewidth=0.8)
    ax.set_xlabel("实际值 ÷ 上限" if limit else "完成率")
    if compact and first:
        ax.tick_params(axis="x", labeltop=True, top=True)
    return seen


# ------------------------------------------------------------------------------------------- budget


def budget_chart(card: Scorecard) -> bytes | None:
    """全年预算数 vs 全年执行数 for the total, each distinct funding source and each line item; an
    executed amount above its budget is drawn red and marked 超支. None when the project has no
    budget rows."""
    if not _budget_rows(card):
        return None
    return render(budget_figure, card)


def budget_figure(card: Scorecard) -> Figure:
    """The budget chart as a matplotlib figure (what `budget_chart` renders), so a test can read
    what is drawn."""
    return _draw_budget(card, _budget_rows(card))


def _budget_rows(card: Scorecard) -> list[tuple[int, str, float, float]]:
    """(group, label, 全年预算数, 全年执行数): the total first, then funding sources, then line items.

    One bar pair per distinct budget source: a project funded from a single source (the seed's
    当年财政拨款) whose amounts are the total's shows one pair, labelled 「年度资金总额（全部为当年
    财政拨款）」, not the same two bars twice."""
    b = card.budget
    rows: list[tuple[int, str, float, float]] = []
    if b.total_row is not None:
        rows.append((0, clean(b.total_row.source), b.total_row.adjusted, b.total_row.executed))
    if (b.funding or b.items) and b.basis != "年度资金总额":
        rows.append((0, f"合计（{b.basis}）", b.adjusted, b.executed))
    funding = [(1, clean(r.source), r.adjusted, r.executed) for r in b.funding]
    if rows and b.sole_source is not None:
        group, label, adjusted, executed = rows[-1]
        rows[-1] = (group, f"{label}（全部为{funding[0][1]}）", adjusted, executed)
        funding = []
    rows += funding
    rows += [(2, clean(r.source), r.adjusted, r.executed) for r in b.items]
    return rows


def _draw_budget(card: Scorecard, rows: list[tuple[int, str, float, float]]) -> Figure:
    b = card.budget
    n = len(rows)
    compact = n > 14
    bar = 0.36
    # a gap between the total, the funding sources and the line items
    ys: list[float] = []
    y = 0.0
    for i, (group, *_rest) in enumerate(rows):
        if i and group != rows[i - 1][0]:
            y += 0.45
        ys.append(y)
        y += 1.0
    fig = new_figure(chart_height(n, 0.36 if compact else 0.66, 1.9))
    ax = fig.add_subplot()
    ax.set_title("预算执行：全年预算数与全年执行数")
    if b.execution_rate is not None:
        subtitle(ax, f"预算执行率 {pct(b.execution_rate, 2)}（按{b.basis}）")
    values = [v for _g, _l, adjusted, executed in rows for v in (adjusted, executed)]
    top = max([*values, 0.0]) or 1.0
    bottom = min([*values, 0.0])
    span = top - bottom
    overspent_any = False
    size = 7.5 if compact else 8.5
    money = project_money(card.project)  # the amounts as the report's tables print them
    for yy, (_group, _label, adjusted, executed) in zip(ys, rows, strict=True):
        overspent = executed - adjusted > b.tolerance  # as the budget rule judges an overspend
        overspent_any |= overspent
        ax.barh(yy - bar / 2, adjusted, height=bar, color=BUDGET)
        ax.barh(yy + bar / 2, executed, height=bar, color=OVERSPENT if overspent else EXECUTED)
        pad = span * 0.012
        ax.text(max(adjusted, 0) + pad, yy - bar / 2, money(adjusted), va="center", fontsize=size)
        ax.text(
            max(executed, 0) + pad,
            yy + bar / 2,
            money(executed) + ("  超支" if overspent else ""),
            va="center",
            fontsize=size,
            color=OVERSPENT if overspent else INK,
        )
    width, lines = (34, 1) if compact else (22, 2)
    ax.set_yticks(
        ys, [wrap(label, width, lines) for _g, label, _a, _e in rows], fontsize=size if compact else 9
    )
    ax.set_ylim(ys[-1] + 0.65, -0.65)
    ax.set_xlim(bottom - (span * 0.05 if bottom < 0 else 0), top + span * 0.2)
    ax.xaxis.grid(True, color=GRID, linewidth=0.8)
    ax.set_xlabel(f"金额（{clean(b.amount_unit)}）")
    handles = [Patch(facecolor=BUDGET, label="全年预算数"), Patch(facecolor=EXECUTED, label="全年执行数")]
    if overspent_any:
        handles.append(Patch(facecolor=OVERSPENT, label="执行数超过预算数"))
    legend(fig, handles)
    return fig
