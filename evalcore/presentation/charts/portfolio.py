"""The portfolio index's charts: PNG bytes drawn from a `PortfolioIndex` (what a batch wrote).

Score distribution by grade, grades by department, execution rate against score, departments by
mean score, findings by code. Every figure is read from the index's rows; the grade bands shaded
behind the scores are those of the scheme most projects use. Drawn with the shared style, font and
PNG writer of `evalcore.presentation.charts.base`: Chinese renders with the shipped font, the same
rows give the same bytes.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter

from ...findings import titles
from ..palette import grade_colour
from ..portfolio_index import PortfolioIndex, number
from .base import GRID, INK, MUTED, NOT_MET, chart_height, legend, new_figure, render, subtitle
from .text import clean, wrap

__all__ = [
    "departments_by_score",
    "execution_vs_score",
    "findings_by_code",
    "grades_by_department",
    "score_histogram",
]

MAX_DEPARTMENTS = 40  # rows in a department chart; the rest are counted in its subtitle
MAX_CODES = 15
RATE_AXIS_CAP = 2.0  # execution rates past 200% sit at the edge of the scatter, marked ▶


def _colour(index: PortfolioIndex, grade: str) -> str:
    return grade_colour(grade, index.grade_order)


def _scores(index: PortfolioIndex) -> list[tuple[float, str]]:
    return [(s, str(r.get("grade") or "")) for r in index.rows if (s := number(r.get("total"))) is not None]


def _band_shading(
    ax: Axes, index: PortfolioIndex, lo: float, hi: float, axis: str = "x", labels: bool = True
) -> None:
    """Grade bands as light background spans, named at the top."""
    bands = index.grade_bands
    for k, (name, low) in enumerate(bands):
        high = bands[k - 1][1] if k else max(hi, 100.0)
        a, b = max(low, lo), min(high, hi)
        if b <= a:
            continue
        span = ax.axvspan if axis == "x" else ax.axhspan
        span(a, b, color=_colour(index, name), alpha=0.07 if k % 2 else 0.11, linewidth=0, zorder=0)
        if not labels or (b - a) < 3:  # a sliver at the edge of the axis: shaded, not named
            continue
        if axis == "x":
            ax.text(
                (a + b) / 2,
                0.985,
                name,
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="top",
                fontsize=9,
                color=_colour(index, name),
                zorder=4,
            )
        else:
            ax.text(
                1.0,
                (a + b) / 2,
                f" {name}",
                transform=ax.get_yaxis_transform(),
                ha="left",
                va="center",
                fontsize=9,
                color=_colour(index, name),
            )


def _score_range(values: Iterable[float], index: PortfolioIndex) -> tuple[float, float]:
    """The score axis: from the lowest grade bound above 0 (or lower, to the tens, when a score is
    below it) to 100 (or the highest score)."""
    values = list(values)
    low_band = min((m for _n, m in index.grade_bands if m > 0), default=60.0)
    lo = max(0.0, min(low_band, math.floor(min(values, default=low_band) / 10.0) * 10.0))
    return lo, float(math.ceil(max([100.0, *values])))


def score_histogram(index: PortfolioIndex) -> bytes | None:
    """How many projects fall in each 5-point score range, each bar split by grade, over the grade
    bands of the scheme most projects use."""
    scores = _scores(index)
    if not scores:
        return None
    return render(_draw_histogram, index, scores)


def _draw_histogram(index: PortfolioIndex, scores: list[tuple[float, str]]) -> Figure:
    fig = new_figure(3.6)
    ax = fig.add_subplot()
    ax.set_title("复核得分分布")
    mean = statistics.fmean(s for s, _g in scores)
    subtitle(
        ax, f"{len(scores)} 个项目，平均 {mean:.2f} 分；每 5 分一档，颜色为等级；底色为评分方案的等级分数段"
    )
    lo, hi = _score_range((s for s, _g in scores), index)
    width = 5.0
    edges = [lo + width * k for k in range(math.ceil((hi - lo) / width) + 1)]
    if edges[-1] < hi:
        edges.append(edges[-1] + width)
    nbins = len(edges) - 1

    def bin_of(s: float) -> int:
        return min(nbins - 1, max(0, int((s - lo) // width)))

    counts: dict[str, list[int]] = {g: [0] * nbins for g in index.grade_order}
    for s, g in scores:
        counts.setdefault(g, [0] * nbins)[bin_of(s)] += 1
    _band_shading(ax, index, lo, edges[-1])
    bottom = [0] * nbins
    lefts = edges[:-1]
    present = []
    for g, row in counts.items():
        if not any(row):
            continue
        present.append(g)
        ax.bar(lefts, row, width=width * 0.92, bottom=bottom, align="edge", color=_colour(index, g), zorder=2)
        bottom = [b + c for b, c in zip(bottom, row, strict=True)]
    top = max(bottom) or 1
    for x, n in zip(lefts, bottom, strict=True):
        if n:
            ax.text(x + width * 0.46, n + top * 0.015, str(n), ha="center", va="bottom", fontsize=8, zorder=3)
    ax.set_xlim(lo, edges[-1])
    ax.set_ylim(0, top * 1.25)
    ax.set_xticks(edges)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("复核得分（分）")
    ax.set_ylabel("项目数")
    ax.yaxis.grid(True, color=GRID, linewidth=0.8)
    legend(fig, [Patch(facecolor=_colour(index, g), label=g or "（无等级）") for g in present])
    return fig


def _dept_groups(index: PortfolioIndex) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for r in index.rows:
        groups.setdefault(str(r.get("department") or ""), []).append(r)
    return groups


def grades_by_department(index: PortfolioIndex) -> bytes | None:
    """Each department's projects as one bar, split by grade; the largest departments first."""
    groups = _dept_groups(index)
    if not groups:
        return None
    return render(_draw_grades_by_department, index, groups)


def _draw_grades_by_department(index: PortfolioIndex, groups: dict[str, list[dict]]) -> Figure:
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    shown, rest = ordered[:MAX_DEPARTMENTS], ordered[MAX_DEPARTMENTS:]
    n = len(shown)
    fig = new_figure(chart_height(n, 0.34, 1.8))
    ax = fig.add_subplot()
    ax.set_title("各主管部门项目等级构成")
    note = f"{len(groups)} 个主管部门，按项目数由多到少排列"
    if rest:
        note += f"；另有 {len(rest)} 个部门（{sum(len(v) for _k, v in rest)} 个项目）未列出"
    subtitle(ax, note)
    widest = max(len(v) for _k, v in shown)
    present: list[str] = []
    for y, (_dept, rows) in enumerate(shown):
        counts = Counter(str(r.get("grade") or "") for r in rows)
        left = 0
        for g in [*index.grade_order, *sorted(set(counts) - set(index.grade_order))]:
            c = counts.get(g, 0)
            if not c:
                continue
            if g not in present:
                present.append(g)
            ax.barh(y, c, left=left, height=0.66, color=_colour(index, g), edgecolor="white", linewidth=0.6)
            if c / widest >= 0.06:
                ax.text(left + c / 2, y, str(c), ha="center", va="center", fontsize=7.5, color="white")
            left += c
        ax.text(left + widest * 0.012, y, f"{left}", va="center", fontsize=8, color=MUTED)
    ax.set_yticks(range(n), [wrap(clean(d) or "（未填写）", 26, 1) for d, _v in shown], fontsize=8.5)
    ax.set_ylim(n - 0.4, -0.6)
    ax.set_xlim(0, widest * 1.08)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.grid(True, color=GRID, linewidth=0.8)
    ax.set_xlabel("项目数")
    order = [g for g in index.grade_order if g in present] + [
        g for g in present if g not in index.grade_order
    ]
    legend(fig, [Patch(facecolor=_colour(index, g), label=g or "（无等级）") for g in order])
    return fig


def execution_vs_score(index: PortfolioIndex) -> bytes | None:
    """Each project as a point: budget execution rate against score, coloured by grade."""
    points = [
        (rate, s, str(r.get("grade") or ""))
        for r in index.rows
        if (rate := number(r.get("execution_rate"))) is not None and (s := number(r.get("total"))) is not None
    ]
    if not points:
        return None
    missing = len(index.rows) - len(points)
    return render(_draw_scatter, index, points, missing)


def _draw_scatter(index: PortfolioIndex, points: list[tuple[float, float, str]], missing: int) -> Figure:
    fig = new_figure(4.6)
    ax = fig.add_subplot()
    ax.set_title("预算执行率与复核得分")
    note = f"{len(points)} 个项目；虚线为执行率 100%"
    if missing:
        note += f"；{missing} 个项目没有执行率（全年预算数为 0），未画出"
    clipped = sum(1 for rate, _s, _g in points if rate > RATE_AXIS_CAP)
    if clipped:
        note += f"；{clipped} 个项目执行率超过 {RATE_AXIS_CAP:.0%}，画在右缘（▶）"
    subtitle(ax, note)
    rates = [min(max(rate, 0.0), RATE_AXIS_CAP) for rate, _s, _g in points]
    left = max(0.0, min(0.5, math.floor((min(rates) - 0.03) * 10) / 10))
    right = max(1.1, math.ceil((max(rates) + 0.03) * 10) / 10)
    lo, hi = _score_range((s for _r, s, _g in points), index)
    _band_shading(ax, index, lo - 1, hi + 1, axis="y")
    size = 34 if len(points) <= 200 else (14 if len(points) <= 2000 else 6)
    present = []
    for g in [*index.grade_order, *sorted({g for _r, _s, g in points} - set(index.grade_order))]:
        xs = [min(max(r, 0.0), RATE_AXIS_CAP) for r, _s, gg in points if gg == g]
        ys = [s for _r, s, gg in points if gg == g]
        if not xs:
            continue
        present.append(g)
        markers = [">" if r > RATE_AXIS_CAP else "o" for r, _s, gg in points if gg == g]
        for marker in ("o", ">"):
            sel = [(x, y) for x, y, m in zip(xs, ys, markers, strict=True) if m == marker]
            if sel:
                ax.scatter(
                    [x for x, _y in sel],
                    [y for _x, y in sel],
                    s=size,
                    marker=marker,
                    color=_colour(index, g),
                    alpha=0.8,
                    edgecolors="white",
                    linewidths=0.5,
                    zorder=3,
                )
    ax.axvline(1.0, color=INK, linestyle=(0, (4, 3)), linewidth=1.0, zorder=2)
    ax.set_xlim(left, right)
    ax.set_ylim(lo - 1, hi + 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel("预算执行率（全年执行数 ÷ 全年预算数）")
    ax.set_ylabel("复核得分（分）")
    ax.grid(True, color=GRID, linewidth=0.8)
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=7,
            color=_colour(index, g),
            label=f"{g or '（无等级）'}（{sum(1 for _r, _s, gg in points if gg == g)}）",
        )
        for g in present
    ]
    legend(fig, handles)
    return fig


def departments_by_score(index: PortfolioIndex) -> bytes | None:
    """Departments from the highest mean score down: a dot at the mean, a line from the lowest to
    the highest score."""
    groups = {
        d: s
        for d, rows in _dept_groups(index).items()
        if (s := [x for x in (number(r.get("total")) for r in rows) if x is not None])
    }
    if not groups:
        return None
    return render(_draw_department_ranking, index, groups)


def _draw_department_ranking(index: PortfolioIndex, groups: dict[str, list[float]]) -> Figure:
    ranked = sorted(groups.items(), key=lambda kv: (-statistics.fmean(kv[1]), kv[0]))
    shown, rest = ranked[:MAX_DEPARTMENTS], ranked[MAX_DEPARTMENTS:]
    n = len(shown)
    fig = new_figure(chart_height(n, 0.34, 1.8))
    ax = fig.add_subplot()
    ax.set_title("各主管部门平均复核得分")
    note = "由高到低；圆点为平均分，横线为部门内最低至最高分"
    if rest:
        note += f"；另有 {len(rest)} 个部门排在其后，未列出"
    subtitle(ax, note)
    lo, hi = _score_range((x for _d, v in shown for x in v), index)
    _band_shading(ax, index, lo, hi)
    for y, (_dept, values) in enumerate(shown):
        mean = statistics.fmean(values)
        ax.plot(
            [min(values), max(values)],
            [y, y],
            color="#a0aec0",
            linewidth=1.6,
            solid_capstyle="round",
            zorder=2,
        )
        ax.scatter(
            [mean],
            [y],
            s=40,
            color=_colour(index, index.grade_of(mean)),
            zorder=3,
            edgecolors="white",
            linewidths=0.6,
        )
        ax.text(
            hi + (hi - lo) * 0.01,
            y,
            f"{mean:.2f}（{len(values)} 个）",
            va="center",
            fontsize=8,
            clip_on=False,
        )
    ax.set_yticks(range(n), [wrap(clean(d) or "（未填写）", 26, 1) for d, _v in shown], fontsize=8.5)
    ax.set_ylim(n - 0.4, -0.6)
    ax.set_xlim(lo, hi)
    ax.set_xlabel("复核得分（分）")
    ax.xaxis.grid(True, color=GRID, linewidth=0.8)
    return fig


def findings_by_code(index: PortfolioIndex) -> bytes | None:
    """Review findings by code: how many projects have each, most frequent first, with its meaning."""
    counts: Counter[str] = Counter()
    for r in index.rows:
        counts.update(set(str(r.get("finding_codes") or "").split()))
    if not counts:
        return None
    return render(_draw_findings, counts, len(index.rows))


def _draw_findings(counts: Counter[str], projects: int) -> Figure:
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    shown, rest = ranked[:MAX_CODES], ranked[MAX_CODES:]
    n = len(shown)
    fig = new_figure(chart_height(n, 0.42, 1.7))
    ax = fig.add_subplot()
    ax.set_title("复核发现：各类问题涉及的项目数")
    note = f"共 {projects} 个项目；一个项目同一代码的多条发现只计一次"
    if rest:
        note += f"；另有 {len(rest)} 种代码未列出"
    subtitle(ax, note)
    top = shown[0][1]
    for y, (_code, c) in enumerate(shown):
        ax.barh(y, c, height=0.62, color=NOT_MET)
        ax.text(c + top * 0.012, y, f"{c}（{c / projects:.0%}）", va="center", fontsize=8.5)
    labels = [wrap(f"{code} {clean(titles().get(code, ''))}".strip(), 50, 2) for code, _c in shown]
    ax.set_yticks(range(n), labels, fontsize=8.5)
    ax.set_ylim(n - 0.4, -0.6)
    ax.set_xlim(0, top * 1.18)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.grid(True, color=GRID, linewidth=0.8)
    ax.set_xlabel("项目数")
    return fig
