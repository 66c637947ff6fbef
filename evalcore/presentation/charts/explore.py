"""The explorer's charts: PNG bytes of a portfolio view's budget variance, redrawn on every
filter change.

`money_chart` (each row's 全年预算: executed, unspent, overspent), `rates_chart` (execution rates
per department: box and dots) and `scatter_chart` (score against execution rate by grade). They
take plain arrays the views (`evalcore.presentation.explore_views`) computed; nothing here reads a
portfolio. The style, font and PNG writer are the package's shared ones
(`evalcore.presentation.charts.base`); what differs is made for speed: figures are kept between
redraws, margins are set by hand rather than by constrained layout, and the PNG is written with
the fast `INTERACTIVE` palette.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, PercentFormatter

from ...explore import UNDER_EXECUTED
from .base import (
    EXECUTED,
    GRID,
    INK,
    INTERACTIVE,
    MUTED,
    OVERSPENT,
    WIDTH,
    chart_height,
    new_figure,
    render,
    subtitle,
)
from .text import clean, display_width, wrap

__all__ = ["RATE_CAP", "money_chart", "rates_chart", "scatter_chart"]

RATE_CAP = 1.5  # 执行率 above this is drawn at the edge (and the slider's upper end means "no bound")
UNSPENT = "#f6ad55"
BOX = "#c9d8e8"
POINT = "#4a5568"


class _Canvas:
    """Figures kept between redraws, one per (chart, size): the Agg renderer of a figure of the same
    size is reused, and with it matplotlib's cache of text metrics (the department names are laid
    out once, not on every filter change). Margins are set from the labels instead of by
    constrained layout, which would lay every text out twice more; the figure is drawn once."""

    def __init__(self) -> None:
        self._figures: OrderedDict[tuple[str, float], Figure] = OrderedDict()

    def figure(self, kind: str, height: float) -> Figure:
        key = (kind, height)
        fig = self._figures.get(key)
        if fig is None:
            fig = new_figure(height, constrained=False)
            self._figures[key] = fig
            while len(self._figures) > 12:
                self._figures.popitem(last=False)
        else:
            self._figures.move_to_end(key)
            fig.clear()
        return fig


_CANVAS = _Canvas()


def _axes(
    kind: str, height: float, left: float, top: float = 0.66, bottom: float = 0.84, right: float = 0.25
) -> tuple[Figure, Axes]:
    """A figure of `height` inches and one axes with these margins (inches)."""
    fig = _CANVAS.figure(kind, height)
    w = WIDTH
    ax = fig.add_axes((left / w, bottom / height, 1 - (left + right) / w, 1 - (top + bottom) / height))
    return fig, ax


def _label_margin(labels: Sequence[str], fontsize: float = 8.0) -> float:
    """Inches the y tick labels need: display width (CJK counts 2) × half an em, plus padding."""
    widest = max((display_width(s) for s in labels), default=4)
    return min(3.4, max(0.7, widest * fontsize * 0.52 / 72 + 0.18))


def _bottom_legend(fig: Figure, handles: Sequence[object]) -> None:
    fig.legend(
        handles=list(handles),
        loc="lower center",
        bbox_to_anchor=(0.5, 0.0),
        ncols=len(handles),
        handlelength=1.6,
        columnspacing=1.6,
    )


def _row_labels(ax: Axes, y: np.ndarray, names: Sequence[str]) -> None:
    """Row names as plain texts left of the axes (cheaper than tick objects: no tick lines, no
    second label, no grid line per row)."""
    ax.set_yticks([])
    where = ax.get_yaxis_transform()
    for yy, name in zip(y, names, strict=True):
        ax.text(-0.008, yy, name, transform=where, ha="right", va="center", fontsize=8)


def _hbars(
    ax: Axes,
    y: np.ndarray,
    left: np.ndarray,
    width: np.ndarray,
    colour: str,
    rows: int,
    thickness: float,
    zorder: float = 2,
) -> None:
    """Horizontal bars as one line collection (butt caps), `thickness` of a row high."""
    height_in = ax.get_position().height * ax.figure.get_figheight()
    points = height_in / max(rows, 1) * 72 * thickness
    keep = width > 0
    if keep.any():
        ax.hlines(
            y[keep],
            left[keep],
            (left + width)[keep],
            colors=colour,
            linewidth=points,
            capstyle="butt",
            zorder=zorder,
        )


def _wan_formatter() -> FuncFormatter:
    return FuncFormatter(lambda x, _pos: f"{x:,.0f}")


def money_chart(
    labels: Sequence[str], adjusted: np.ndarray, executed: np.ndarray, title: str, note: str
) -> bytes:
    """Each row one bar of its 全年预算: the executed part, the unspent gap (差额), and past the end of
    the budget any overspend; its 执行率 at the end."""
    return render(
        _draw_money,
        list(labels),
        np.asarray(adjusted, float),
        np.asarray(executed, float),
        title,
        note,
        fmt=INTERACTIVE,
    )


def _draw_money(
    labels: list[str], adjusted: np.ndarray, executed: np.ndarray, title: str, note: str
) -> Figure:
    n = len(labels)
    names = [wrap(clean(s) or "（未填写）", 30, 1) for s in labels]
    fig, ax = _axes("money", chart_height(n, 0.25, 1.9), _label_margin(names))
    ax.set_title(title)
    subtitle(ax, note)
    y = np.arange(n)
    done = np.clip(np.minimum(executed, adjusted), 0, None)
    unspent = np.clip(adjusted - executed, 0, None)
    over = np.clip(executed - adjusted, 0, None)
    zero = np.zeros(n)
    _hbars(ax, y, zero, done, EXECUTED, n, 0.68)
    _hbars(ax, y, done, unspent, UNSPENT, n, 0.68)
    _hbars(ax, y, np.clip(adjusted, 0, None), over, OVERSPENT, n, 0.68)
    top = float(max(adjusted.max(initial=0), executed.max(initial=0))) or 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = np.where(adjusted > 0, executed / np.where(adjusted > 0, adjusted, 1), np.nan)
    for yy, end, r, o in zip(y, np.maximum(adjusted, executed), rates, over, strict=True):
        label = "—" if math.isnan(r) else f"{r * 100:.1f}%" + ("  超支" if o > 0 else "")
        ax.text(end + top * 0.01, yy, label, va="center", fontsize=7.5, color=OVERSPENT if o > 0 else INK)
    _row_labels(ax, y, names)
    ax.set_ylim(n - 0.4, -0.6)
    ax.set_xlim(0, top * 1.16)
    ax.xaxis.set_major_formatter(_wan_formatter())
    ax.xaxis.grid(True, color=GRID, linewidth=0.8)
    ax.set_xlabel("金额（万元）")
    handles = [Patch(facecolor=EXECUTED, label="已执行"), Patch(facecolor=UNSPENT, label="未执行（差额）")]
    if over.any():
        handles.append(Patch(facecolor=OVERSPENT, label="超支"))
    _bottom_legend(fig, handles)
    return fig


Mark = tuple[float, float, str]  # a labelled point: x, y and its label


def _label_points(ax: Axes, marks: Sequence[Mark]) -> None:
    """Ring each mark's point and write its label beside it, joined by a thin line. Labels are
    stacked from the highest point down, each at least one line below the one before: points that
    sit close together (the scatter's corner) get labels one under another instead of on top of
    each other. A point in the right third is labelled on its left."""
    if not marks:
        return
    fig = ax.get_figure()
    to_axes = ax.transData + ax.transAxes.inverted()
    line = 12 * fig.dpi / 72 / max(ax.get_window_extent().height, 1.0)  # one label's height
    points = [(*to_axes.transform((min(x, RATE_CAP), y)), min(x, RATE_CAP), y, t) for x, y, t in marks]
    slot = 2.0
    for fx, fy, x, y, text in sorted(points, key=lambda p: (-p[1], p[0])):
        slot = max(min(fy, slot - line), line / 2)
        left = fx > 0.67
        ax.scatter([x], [y], s=60, facecolors="none", edgecolors="#c05621", linewidths=1.1, zorder=5)
        ax.annotate(
            clean(text),
            (x, y),
            xytext=(fx - 0.04 if left else fx + 0.04, slot),
            textcoords="axes fraction",
            ha="right" if left else "left",
            va="center",
            fontsize=7.5,
            color=INK,
            arrowprops={"arrowstyle": "-", "color": "#a0aec0", "linewidth": 0.7},
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
            zorder=6,
        )


def rates_chart(
    labels: Sequence[str],
    stats: np.ndarray,
    xs: np.ndarray,
    ys: np.ndarray,
    note: str,
    marks: Sequence[Mark] = (),
) -> bytes:
    """A box per row (stats: q1, median, q3, low whisker, high whisker) and every project a dot;
    `marks` are the outliers, labelled."""
    return render(_draw_rates, list(labels), stats, xs, ys, note, list(marks), fmt=INTERACTIVE)


def _draw_rates(
    labels: list[str], stats: np.ndarray, xs: np.ndarray, ys: np.ndarray, note: str, marks: list[Mark]
) -> Figure:
    n = len(labels)
    names = [wrap(clean(s) or "（未填写）", 30, 1) for s in labels]
    fig, ax = _axes("rates", chart_height(n, 0.25, 1.9), _label_margin(names))
    ax.set_title("各主管部门项目预算执行率分布")
    subtitle(ax, note)
    y = np.arange(n)
    q1, med, q3, lo, hi = (np.clip(stats[:, k], 0, RATE_CAP) for k in range(5))
    ax.axvspan(0, UNDER_EXECUTED, color="#fbd38d", alpha=0.18, linewidth=0, zorder=0)
    ax.hlines(y, lo, hi, color="#718096", linewidth=1.0, zorder=2)
    _hbars(ax, y, q1, np.maximum(q3 - q1, 0.002), BOX, n, 0.62)
    ax.vlines(med, y - 0.31, y + 0.31, color=EXECUTED, linewidth=1.8, zorder=3)
    size = 9 if len(xs) <= 500 else (4 if len(xs) <= 5000 else 1.5)
    ax.scatter(
        np.clip(xs, 0, RATE_CAP),
        ys,
        s=size,
        color=POINT,
        alpha=0.45 if len(xs) <= 5000 else 0.25,
        linewidths=0,
        zorder=4,
    )
    ax.axvline(UNDER_EXECUTED, color="#c05621", linestyle=(0, (4, 3)), linewidth=1.0, zorder=1)
    ax.axvline(1.0, color=INK, linestyle=(0, (4, 3)), linewidth=1.0, zorder=1)
    _row_labels(ax, y, names)
    ax.set_ylim(n - 0.4, -0.6)
    left = (
        max(0.0, min(0.5, math.floor((float(np.nanmin(np.clip(xs, 0, RATE_CAP))) - 0.05) * 10) / 10))
        if len(xs)
        else 0.0
    )
    ax.set_xlim(left, RATE_CAP + 0.02)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.xaxis.grid(True, color=GRID, linewidth=0.8)
    ax.set_xlabel("预算执行率（全年执行数 ÷ 全年预算数）")
    _label_points(ax, marks)
    _bottom_legend(
        fig,
        [
            Patch(facecolor=BOX, edgecolor="#7f9cbc", label="四分位区间"),
            Line2D([], [], color=EXECUTED, linewidth=1.8, label="中位数"),
            Line2D([], [], marker="o", linestyle="", markersize=4, color=POINT, label="项目"),
            Line2D(
                [], [], color="#c05621", linestyle=(0, (4, 3)), label=f"{UNDER_EXECUTED:.0%}（执行率偏低）"
            ),
        ],
    )
    return fig


def scatter_chart(
    groups: Sequence[tuple[str, str, np.ndarray, np.ndarray]],
    bands: Sequence[tuple[str, float]],
    note: str,
    marks: Sequence[Mark] = (),
) -> bytes:
    """复核得分 against 执行率, one colour per grade (groups: grade, colour, rates, scores); `marks`
    are the notable projects, labelled."""
    return render(_draw_scatter, list(groups), list(bands), note, list(marks), fmt=INTERACTIVE)


def _draw_scatter(
    groups: list[tuple[str, str, np.ndarray, np.ndarray]],
    bands: list[tuple[str, float]],
    note: str,
    marks: list[Mark],
) -> Figure:
    fig, ax = _axes("scatter", 4.6, 0.75)
    ax.set_title("复核得分与预算执行率")
    subtitle(ax, note)
    total = sum(len(x) for _g, _c, x, _y in groups)
    size = 26 if total <= 300 else (8 if total <= 3000 else 2.5)
    alpha = 0.8 if total <= 3000 else 0.45
    lowest = min(float(ys.min(initial=100.0)) for _g, _c, _x, ys in groups)
    lo = max(0.0, min([*(m for _n, m in bands if m > 0), lowest], default=60.0) - 3)
    handles = []
    for grade, colour, xs, ys in groups:
        ax.scatter(np.clip(xs, 0, RATE_CAP), ys, s=size, color=colour, alpha=alpha, linewidths=0, zorder=3)
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markersize=6,
                color=colour,
                label=f"{clean(grade) or '（无等级）'}（{len(xs)}）",
            )
        )
    for name, low in bands:
        if low > lo:
            ax.axhline(low, color="#a0aec0", linewidth=0.8, linestyle=(0, (2, 2)), zorder=1)
            ax.text(
                RATE_CAP + 0.02,
                low,
                f" {clean(name)} ≥ {low:g}",
                va="bottom",
                ha="right",
                fontsize=7.5,
                color=MUTED,
            )
    ax.axvline(UNDER_EXECUTED, color="#c05621", linestyle=(0, (4, 3)), linewidth=1.0, zorder=2)
    ax.axvline(1.0, color=INK, linestyle=(0, (4, 3)), linewidth=1.0, zorder=2)
    xs_all = [float(np.clip(x, 0, RATE_CAP).min()) for _g, _c, x, _y in groups if len(x)]
    left = max(0.0, min(0.5, math.floor((min(xs_all, default=0.5) - 0.05) * 10) / 10))
    ax.set_xlim(left, RATE_CAP + 0.02)
    ax.set_ylim(lo, 101.5)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel("预算执行率（全年执行数 ÷ 全年预算数）")
    ax.set_ylabel("复核得分（分）")
    ax.grid(True, color=GRID, linewidth=0.8)
    _label_points(ax, marks)
    if handles:
        _bottom_legend(fig, handles)
    return fig
