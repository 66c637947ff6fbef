"""The views of `notebooks/explore.ipynb`: budget variance of a portfolio, with filters that redraw in place.

The notebook only calls `open_explorer(data_path)` and displays what `Explorer` returns; every number
comes from `evalcore.explore.Portfolio` (variance, summary), every chart is drawn here with the
report charts' style and shipped CJK font (`evalcore.presentation.charts`), every string from the
input goes through the escaping HTML builder.

Views (pure functions of a filtered `Portfolio`, each a tuple of `Part`s: HTML fragments and PNGs):

- `departments`: where the money went and where it did not: per department (per project when one
  department is selected) the executed part of 全年预算, the unspent gap and any overspend, and the
  variance table;
- `rates`: the distribution of project 执行率 per department (box: quartiles; whiskers: 1.5 IQR;
  every project a dot);
- `items`: the line items (支出明细) and projects with the largest unspent gap among the
  under-executed (执行率 < 90%), and the largest overspends;
- `scatter`: 复核得分 against 执行率, coloured by grade;
- the drill-down: a department → its projects → one project's card and indicators.

Interactivity (ipywidgets): a department Dropdown, a grade SelectMultiple and an execution-rate
FloatRangeSlider. A change calls `Explorer.refresh`, which selects the view by boolean masks
(`Portfolio.filter`: nothing is re-scored), renders each section (cached per filter, so going back
to an earlier filter is instant) and swaps each pane's outputs in one assignment of the Output
widget's `outputs` (what `clear_output(wait=True)` + `display` achieves, without the flicker and
without relying on output capture inside a comm callback).

Run headless (papermill), the widgets have no front end: each pane also carries its current view as
`text/html` beside the widget view in its display bundle, so the executed notebook shows the
default view in any renderer (nbconvert, an untrusted notebook in JupyterLab); a live JupyterLab
prefers the widget view.
"""

from __future__ import annotations

import base64
import gc
import math
import os
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, PercentFormatter

from ..explore import UNDER_EXECUTED, Portfolio, load_portfolio
from .cards import (
    GRADE_COLOURS,
    STYLE,
    VARIANCE_HEAD,
    describe_filters,
    evaluation_card,
    money,
    rate,
    score,
    variance_rows,
)
from .charts.base import (
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
from .charts.text import clean, display_width, wrap
from .html import Cell, Markup, esc, join, table, tag

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SECTIONS", "Explorer", "Part", "open_explorer"]

SECTIONS = {
    "departments": "钱花在哪里，没花出去的在哪里",
    "rates": "各部门预算执行率分布",
    "items": "执行不足与超支最多的支出明细",
    "scatter": "复核得分与预算执行率",
}
TOP = 12  # rows of each "largest" table
MAX_BARS = 40  # departments (or projects) in a bar chart; the rest are counted in its note
MAX_DRILL_ROWS = 60  # projects listed for one department
RATE_CAP = 1.5  # 执行率 above this is drawn at the edge (and the slider's upper end means "no bound")
UNSPENT = "#f6ad55"
BOX = "#c9d8e8"
POINT = "#4a5568"
OTHER_COLOURS = ("#805ad5", "#319795", "#718096", "#b83280", "#975a16")
VIEWS_KEPT = 32  # filtered views kept (their tables are cut lazily, so a view is cheap)
RENDERED_KEPT = 160  # rendered sections kept: the last ~30 filters' sections and drill-downs (~25 MB of PNG)


# ------------------------------------------------------------------------------------------ parts


@dataclass(frozen=True)
class Part:
    """One output of a view: trusted HTML built here, or a PNG chart."""

    kind: str  # "html" | "png"
    payload: Markup | bytes
    text: str = ""  # plain-text form (the alt text of a chart)

    def output(self) -> dict[str, Any]:
        """As a notebook output (what an Output widget holds)."""
        if self.kind == "png":
            data = {"image/png": base64.b64encode(self.payload).decode("ascii"), "text/plain": self.text}  # type: ignore[arg-type]
        else:
            data = {"text/html": str(self.payload), "text/plain": self.text}
        return {"output_type": "display_data", "data": data, "metadata": {}}

    def html(self) -> Markup:
        if self.kind == "png":
            src = "data:image/png;base64," + base64.b64encode(self.payload).decode("ascii")  # type: ignore[arg-type]
            return Markup(f'<img src="{src}" alt="{esc(self.text)}" style="max-width:100%">')
        return self.payload  # type: ignore[return-value]


Content = tuple[Part, ...]


def _html(section: str, parts: Sequence[object], text: str) -> Part:
    return Part(
        "html",
        join([STYLE, tag("div", join(parts), class_="ec-card ec-explore", data_section=section)]),
        text,
    )


def _note(text: str) -> Markup:
    return tag("p", text, class_="ec-note")


def _num(value: str, cls: str = "num") -> Cell:
    return Cell(value, class_=cls)


def _head(labels: Sequence[str], numeric_from: int) -> list[Cell]:
    return [Cell(h, class_="num" if i >= numeric_from else None) for i, h in enumerate(labels)]


# ----------------------------------------------------------------------------------------- charts


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
):  # type: ignore[no-untyped-def]
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


def _row_labels(ax, y: np.ndarray, names: Sequence[str]) -> None:  # type: ignore[no-untyped-def]
    """Row names as plain texts left of the axes (cheaper than tick objects: no tick lines, no
    second label, no grid line per row)."""
    ax.set_yticks([])
    where = ax.get_yaxis_transform()
    for yy, name in zip(y, names, strict=True):
        ax.text(-0.008, yy, name, transform=where, ha="right", va="center", fontsize=8)


def _hbars(
    ax,
    y: np.ndarray,
    left: np.ndarray,
    width: np.ndarray,
    colour: str,
    rows: int,
    thickness: float,  # type: ignore[no-untyped-def]
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


def _render(draw: Callable[..., Figure], *args: object) -> bytes:
    """Draw under the package's fixed style and CJK font, written with the fast palette."""
    return render(draw, *args, fmt=INTERACTIVE)


def _wan_formatter() -> FuncFormatter:
    return FuncFormatter(lambda x, _pos: f"{x:,.0f}")


def money_chart(
    labels: Sequence[str], adjusted: np.ndarray, executed: np.ndarray, title: str, note: str
) -> bytes:
    """Each row one bar of its 全年预算: the executed part, the unspent gap (差额), and past the end of
    the budget any overspend; its 执行率 at the end."""
    return _render(
        _draw_money, list(labels), np.asarray(adjusted, float), np.asarray(executed, float), title, note
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


def rates_chart(labels: Sequence[str], stats: np.ndarray, xs: np.ndarray, ys: np.ndarray, note: str) -> bytes:
    """A box per row (stats: q1, median, q3, low whisker, high whisker) and every project a dot."""
    return _render(_draw_rates, list(labels), stats, xs, ys, note)


def _draw_rates(labels: list[str], stats: np.ndarray, xs: np.ndarray, ys: np.ndarray, note: str) -> Figure:
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
    groups: Sequence[tuple[str, str, np.ndarray, np.ndarray]], bands: Sequence[tuple[str, float]], note: str
) -> bytes:
    """复核得分 against 执行率, one colour per grade (groups: grade, colour, rates, scores)."""
    return _render(_draw_scatter, list(groups), list(bands), note)


def _draw_scatter(
    groups: list[tuple[str, str, np.ndarray, np.ndarray]], bands: list[tuple[str, float]], note: str
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
    if handles:
        _bottom_legend(fig, handles)
    return fig


# ------------------------------------------------------------------------------------------ views


def _headline(view: Portfolio) -> str:
    s = view.summary()
    return (
        f"{describe_filters(view.filters)}：{s['projects']} 个项目，全年预算 {money(s['adjusted'])} 万元，"  # type: ignore[arg-type]
        f"执行 {money(s['executed'])} 万元，差额 {money(s['gap'])} 万元，执行率 {rate(s['execution_rate'])}"
    )  # type: ignore[arg-type]


def _empty(section: str, view: Portfolio) -> Content:
    return (
        _html(
            section, [_note(f"{describe_filters(view.filters)}：没有符合条件的项目。")], "没有符合条件的项目"
        ),
    )


def departments_view(view: Portfolio) -> Content:
    """Where the money went and where it did not."""
    if not len(view):
        return _empty("departments", view)
    dv = view.variance("department")
    s = view.summary()
    gap = dv["差额"].clip(lower=0)
    parts: list[object] = [_note(_headline(view))]
    if gap.sum() > 0:
        top = dv.assign(g=gap).nlargest(3, "g")
        share = top["g"].sum() / gap.sum()
        names = "、".join(top["department"])
        parts.append(tag("p", f"未执行的 {money(gap.sum())} 万元中，{names} 占 {rate(share, 1)}。"))
    if s["overspent"]:
        parts.append(
            tag(
                "p",
                f"{s['overspent']} 个项目执行数超过全年预算（超支），见下表与第三部分。",
                class_="ec-over",
            )
        )
    single = len(dv) == 1
    if single:
        pv = view.variance("project").sort_values(
            ["全年", "project_id"], ascending=[False, True], kind="stable"
        )
        shown = pv.head(MAX_BARS)
        note = f"{dv['department'].iloc[0]}的项目，按全年预算由多到少" + (
            f"；另有 {len(pv) - MAX_BARS} 个项目未画出" if len(pv) > MAX_BARS else ""
        )
        png = money_chart(
            list(shown["name"]),
            shown["全年"].to_numpy(),
            shown["执行"].to_numpy(),
            "各项目全年预算的执行情况",
            clean(note),
        )
        rows = [
            [
                r.name,
                r.project_id,
                _num(money(r.全年)),
                _num(money(r.执行), "num ec-over" if r.overspent else "num"),
                _num(money(r.差额)),
                _num(rate(r.执行率), "num ec-under" if r.under_executed else "num"),
                r.grade,
            ]
            for r in shown.head(TOP * 2).itertuples(index=False)
        ]
        tbl = table(
            _head(["项目", "编号", "全年预算", "全年执行", "差额", "执行率", "等级"], 2), rows, cls="ec-t"
        )
    else:
        shown = dv.head(MAX_BARS)
        note = "按全年预算由多到少" + (
            f"；另有 {len(dv) - MAX_BARS} 个部门未画出" if len(dv) > MAX_BARS else ""
        )
        png = money_chart(
            list(shown["department"]),
            shown["全年"].to_numpy(),
            shown["执行"].to_numpy(),
            "各主管部门全年预算的执行情况",
            note,
        )
        tbl = table(_head(VARIANCE_HEAD, 1), variance_rows(dv, MAX_BARS), cls="ec-t")
    head = _html("departments", parts, _headline(view))
    chart = Part("png", png, "各主管部门（或项目）全年预算：已执行、未执行（差额）与超支")
    tail = _html(
        "departments-table",
        [
            tag("h4", "预算执行偏差（万元）"),
            tbl,
            _note(
                "差额 = 全年预算 − 全年执行（正数为未执行，负数为超支）；"
                f"执行率低于 {rate(UNDER_EXECUTED, 0)} 标为偏低。"
            ),
        ],
        "预算执行偏差表",
    )
    return (head, chart, tail)


def rates_view(view: Portfolio) -> Content:
    """The distribution of project execution rates per department."""
    pv = view.variance("project")
    pv = pv[pv["执行率"].notna()]
    if not len(pv):
        return _empty("rates", view)
    g = pv.groupby("department", sort=False)["执行率"]
    q = g.quantile([0.25, 0.5, 0.75]).unstack()
    q.columns = ["q1", "med", "q3"]
    iqr = q["q3"] - q["q1"]
    bounds = (
        pv[["department", "执行率"]]
        .join((q["q1"] - 1.5 * iqr).rename("lo_fence"), on="department")
        .join((q["q3"] + 1.5 * iqr).rename("hi_fence"), on="department")
    )
    inside = bounds[
        (bounds["执行率"] >= bounds["lo_fence"] - 1e-12) & (bounds["执行率"] <= bounds["hi_fence"] + 1e-12)
    ]
    w = inside.groupby("department", sort=False)["执行率"].agg(["min", "max"])
    q = q.join(w).sort_values(["med", "q1"], kind="stable")
    rest = max(0, len(q) - MAX_BARS)
    q = q.head(MAX_BARS)
    order = {d: k for k, d in enumerate(q.index)}
    shown = pv[pv["department"].isin(order)]
    ys = shown["department"].map(order).to_numpy(dtype=float)
    jitter = (
        np.random.default_rng(0).random(len(ys)) - 0.5
    ) * 0.5  # fixed seed: the same view, the same dots
    n_low = int((pv["执行率"] < UNDER_EXECUTED).sum())
    clipped = int((pv["执行率"] > RATE_CAP).sum())
    note = f"由执行率中位数最低的部门起；{len(pv)} 个项目，{n_low} 个低于 {UNDER_EXECUTED:.0%}"
    if clipped:
        note += f"；{clipped} 个高于 {RATE_CAP:.0%}，画在右缘"
    if rest:
        note += f"；另有 {rest} 个部门未画出"
    missing = len(view) - len(pv)
    if missing:
        note += f"；{missing} 个项目全年预算为 0，没有执行率"
    stats = q[["q1", "med", "q3", "min", "max"]].to_numpy()
    png = rates_chart(list(q.index), stats, shown["执行率"].to_numpy(), ys + jitter, note)
    worst = q.head(3)
    text = "执行率中位数最低的部门：" + "、".join(
        f"{d}（{rate(m, 1)}）" for d, m in zip(worst.index, worst["med"], strict=True)
    )
    return (
        _html("rates", [_note(_headline(view)), tag("p", text)], text),
        Part("png", png, "各主管部门项目预算执行率分布：箱线与散点"),
    )


def _item_rows(df: pd.DataFrame, amount: str) -> list[list[object]]:
    return [
        [
            r.department,
            r.name,
            r.item,
            _num(money(r.全年)),
            _num(money(r.执行)),
            _num(money(getattr(r, amount))),
            _num(rate(r.执行率, 1)),
        ]
        for r in df.itertuples(index=False)
    ]


def _project_rows(df: pd.DataFrame, amount: str) -> list[list[object]]:
    return [
        [
            r.department,
            r.name,
            r.project_id,
            _num(money(r.全年)),
            _num(money(r.执行)),
            _num(money(getattr(r, amount))),
            _num(rate(r.执行率, 1)),
            r.grade,
        ]
        for r in df.itertuples(index=False)
    ]


def items_view(view: Portfolio) -> Content:
    """The largest unspent gaps among the under-executed, and the largest overspends: line items,
    then projects."""
    if not len(view):
        return _empty("items", view)
    iv = view.variance("item")
    pv = view.variance("project")
    under_i = iv[iv["under_executed"]].nlargest(TOP, "差额")
    over_i = iv[iv["overspent"]].assign(超支=lambda d: d["执行"] - d["全年"]).nlargest(TOP, "超支")
    under_p = pv[pv["under_executed"]].nlargest(TOP, "差额")
    over_p = pv[pv["overspent"]].assign(超支=lambda d: d["执行"] - d["全年"]).nlargest(TOP, "超支")
    item_head = _head(["主管部门", "项目", "支出明细", "全年预算", "全年执行", "{}", "执行率"], 3)
    proj_head = _head(["主管部门", "项目", "编号", "全年预算", "全年执行", "{}", "执行率", "等级"], 3)

    def block(
        title: str, df: pd.DataFrame, total: int, head: list[Cell], amount: str, rows_of, none: str
    ) -> list[object]:  # type: ignore[no-untyped-def]
        h = [
            Cell(
                c.value.replace("{}", "差额（未执行）" if amount == "差额" else "超支金额"),
                class_=c.attrs.get("class_"),
            )
            for c in head
        ]
        if not total:
            return [tag("h4", title), _note(none)]
        more = f"（共 {total} 个，列出最大的 {min(TOP, total)} 个）"
        return [tag("h4", title + more), table(h, rows_of(df, amount), cls="ec-t")]

    n_items = int(iv.shape[0])
    parts: list[object] = [_note(_headline(view) + f"；支出明细 {n_items} 条。金额单位：万元。")]
    parts += block(
        f"执行率低于 {UNDER_EXECUTED:.0%}、未执行金额最大的支出明细",
        under_i,
        int(iv["under_executed"].sum()),
        item_head,
        "差额",
        _item_rows,
        "没有执行率偏低的支出明细。",
    )
    parts += block(
        "超支最多的支出明细",
        over_i,
        int(iv["overspent"].sum()),
        item_head,
        "超支",
        _item_rows,
        "没有超支的支出明细。",
    )
    parts += block(
        f"执行率低于 {UNDER_EXECUTED:.0%}、未执行金额最大的项目",
        under_p,
        int(pv["under_executed"].sum()),
        proj_head,
        "差额",
        _project_rows,
        "没有执行率偏低的项目。",
    )
    parts += block(
        "超支最多的项目",
        over_p,
        int(pv["overspent"].sum()),
        proj_head,
        "超支",
        _project_rows,
        "没有超支的项目。",
    )
    return (
        _html(
            "items",
            parts,
            f"执行不足 {int(iv['under_executed'].sum())} 条、超支 {int(iv['overspent'].sum())} 条支出明细",
        ),
    )


def _grade_colour(grade: str, order: Sequence[str]) -> str:
    if grade in GRADE_COLOURS:
        return GRADE_COLOURS[grade]
    others = [g for g in order if g not in GRADE_COLOURS]
    return OTHER_COLOURS[others.index(grade) % len(OTHER_COLOURS)] if grade in others else OTHER_COLOURS[-1]


def scatter_view(view: Portfolio, bands: Sequence[tuple[str, float]]) -> Content:
    """Each project a point: 执行率 against 复核得分, coloured by grade."""
    p = view.projects
    has = p["execution_rate"].notna().to_numpy()
    if not has.any():
        return _empty("scatter", view)
    rates, totals, grades = (
        p["execution_rate"].to_numpy()[has],
        p["total"].to_numpy()[has],
        p["grade"].to_numpy()[has],
    )
    order = list(view.grade_order)
    groups = []
    for g in [*order, *sorted(set(grades) - set(order))]:
        sel = grades == g
        if sel.any():
            groups.append((g, _grade_colour(g, order), rates[sel], totals[sel]))
    note = f"{int(has.sum())} 个项目；虚线为执行率 {UNDER_EXECUTED:.0%} 与 100%，横线为等级分数线"
    if (rates > RATE_CAP).any():
        note += f"；{int((rates > RATE_CAP).sum())} 个项目执行率高于 {RATE_CAP:.0%}，画在右缘"
    if (~has).any():
        note += f"；{int((~has).sum())} 个项目全年预算为 0，未画出"
    low = rates < UNDER_EXECUTED
    text = (
        f"执行率低于 {UNDER_EXECUTED:.0%} 的 {int(low.sum())} 个项目平均得分 {score(float(totals[low].mean())) if low.any() else '—'}，"
        f"其余 {int((~low).sum())} 个平均 {score(float(totals[~low].mean())) if (~low).any() else '—'}。"
    )
    return (
        _html("scatter", [_note(_headline(view)), tag("p", text)], text),
        Part("png", scatter_chart(groups, bands, note), "复核得分与预算执行率散点图，按等级着色"),
    )


RENDERERS: dict[str, Callable[..., Content]] = {
    "departments": departments_view,
    "rates": rates_view,
    "items": items_view,
    "scatter": scatter_view,
}


def department_projects_view(view: Portfolio, department: str) -> Content:
    """The drill-down's middle level: one department's projects."""
    pv = view.variance("project")
    pv = pv[pv["department"] == department].sort_values(
        ["全年", "project_id"], ascending=[False, True], kind="stable"
    )
    if not len(pv):
        return (_html("drill-department", [_note("没有符合条件的项目。")], "没有项目"),)
    findings = view.projects.set_index("project_id")["findings"]
    rows = [
        [
            r.name,
            r.project_id,
            _num(money(r.全年)),
            _num(money(r.执行), "num ec-over" if r.overspent else "num"),
            _num(money(r.差额)),
            _num(rate(r.执行率), "num ec-under" if r.under_executed else "num"),
            _num(score(r.total)),
            r.grade,
            _num(str(int(findings.get(r.project_id, 0)))),
        ]
        for r in pv.head(MAX_DRILL_ROWS).itertuples(index=False)
    ]
    adjusted, executed = float(pv["全年"].sum()), float(pv["执行"].sum())
    head = (
        f"{department}：{len(pv)} 个项目，全年预算 {money(adjusted)} 万元，执行 {money(executed)} 万元，"
        f"执行率 {rate(executed / adjusted if adjusted > 0 else None)}"
    )
    parts: list[object] = [
        tag("h4", head),
        table(
            _head(
                ["项目", "编号", "全年预算", "全年执行", "差额", "执行率", "复核得分", "等级", "复核发现"], 2
            ),
            rows,
            cls="ec-t",
        ),
    ]
    if len(pv) > MAX_DRILL_ROWS:
        parts.append(
            _note(f'列出全年预算最大的 {MAX_DRILL_ROWS} 个；完整的表：portfolio.variance("project")。')
        )
    return (_html("drill-department", parts, head),)


def project_view(view: Portfolio, project_id: str) -> Content:
    """The drill-down's last level: one project's evaluation card and its indicators."""
    ev = view.project(project_id)
    inds = view.indicators_of(project_id)
    met_text = {True: "是", False: "否"}
    rows = [
        [
            r.level1,
            r.level2,
            r.name,
            r.target,
            r.actual,
            _num(f"{r.weight:g}"),
            _num("不适用" if not r.applicable else score(r.score)),
            _num(rate(r.completion, 1)),
            met_text.get(r.met, "—") if r.met is not None else "—",
            r.explanation,
        ]
        for r in inds.itertuples(index=False)
    ]
    ind_table = table(
        _head(
            [
                "一级指标",
                "二级指标",
                "指标",
                "目标值",
                "实际值",
                "分值",
                "得分",
                "完成率",
                "达到目标",
                "计算",
            ],
            5,
        ),
        rows,
        cls="ec-t",
    )
    card = Part("html", Markup(evaluation_card(ev)), f"{ev.project.name}（{project_id}）")
    return (
        card,
        _html(
            "drill-indicators", [tag("h4", f"绩效指标（{len(rows)} 项）"), ind_table], f"{len(rows)} 项指标"
        ),
    )


# ---------------------------------------------------------------------------------------- widgets


def _widgets():  # type: ignore[no-untyped-def]
    import ipywidgets

    return ipywidgets


def _fallback_class(base):  # type: ignore[no-untyped-def]
    """A widget class whose display bundle also carries its current view as text/html (and a short
    text/plain): what a renderer without a live widget front end shows."""

    class Fallback(base):  # type: ignore[misc, valid-type]
        _fallback_html = ""
        _fallback_text = ""

        def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
            data = super()._repr_mimebundle_(**kwargs) or {}
            data["text/plain"] = self._fallback_text or data.get("text/plain", "")
            if self._fallback_html:
                data["text/html"] = self._fallback_html
            return data

    Fallback.__name__ = f"Explorer{base.__name__}"
    return Fallback


_CLASSES: dict[str, type] = {}


def _cls(name: str) -> type:
    if name not in _CLASSES:
        _CLASSES[name] = _fallback_class(getattr(_widgets(), name))
    return _CLASSES[name]


def _pane(text: str):  # type: ignore[no-untyped-def]
    pane = _cls("Output")()
    pane._fallback_text = text
    return pane


def _show(pane, content: Content, text: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """Swap a pane's outputs in one assignment; keep the same view as its static fallback."""
    pane.outputs = tuple(p.output() for p in content)
    pane._fallback_html = str(join(p.html() for p in content))
    if text is not None:
        pane._fallback_text = text


def _view_key(view: Portfolio) -> tuple:
    """A view's filters as a hashable key (the cache of rendered sections is keyed by it)."""
    return tuple(sorted((k, tuple(v) if isinstance(v, list | tuple) else v) for k, v in view.filters.items()))


FilterKey = tuple[str | None, tuple[str, ...] | None, tuple[float | None, float | None] | None]


class Explorer:
    """A portfolio with filters, sections and a drill-down for one notebook."""

    def __init__(self, portfolio: Portfolio) -> None:
        self.portfolio = portfolio
        self.bands = self._bands()
        self._views: OrderedDict[FilterKey, Portfolio] = OrderedDict()
        self._rendered: OrderedDict[tuple[str, object], Content] = OrderedDict()
        self._panes: dict[str, Any] = {}
        self._controls: Any = None
        self._drill: Any = None
        self._quiet = False
        self.last_redraw: float | None = None  # seconds the last filter change took

    def _bands(self) -> list[tuple[str, float]]:
        """(grade, lower bound) of the scheme most projects use."""
        p = self.portfolio.projects
        if not len(p):
            return []
        used = Counter(p["scheme"])
        scheme_id = used.most_common(1)[0][0]
        pid = p.loc[p["scheme"] == scheme_id, "project_id"].iloc[0]
        return [(g.name, float(g.min)) for g in self.portfolio.project(pid).scheme.grades]

    # -- selection and rendering (no widgets) --------------------------------------------------------
    def select(
        self,
        department: str | None = None,
        grades: Sequence[str] | None = None,
        rate: tuple[float | None, float | None] | None = None,
    ) -> Portfolio:
        key: FilterKey = (
            department or None,
            tuple(grades) if grades else None,
            rate if rate and (rate[0] is not None or rate[1] is not None) else None,
        )
        if key in self._views:
            self._views.move_to_end(key)
            return self._views[key]
        view = self.portfolio if key == (None, None, None) else self.portfolio.filter(*key)
        self._views[key] = view
        while len(self._views) > VIEWS_KEPT:
            self._views.popitem(last=False)
        return view

    def content(self, name: str, view: Portfolio | None = None) -> Content:
        """A section of a view (default: the whole portfolio), cached."""
        view = self.portfolio if view is None else view
        key = (name, _view_key(view))
        if key not in self._rendered:
            render = RENDERERS[name]
            self._rendered[key] = render(view, self.bands) if name == "scatter" else render(view)
            while len(self._rendered) > RENDERED_KEPT:
                self._rendered.popitem(last=False)
        else:
            self._rendered.move_to_end(key)
        return self._rendered[key]

    def _drill_content(self, kind: str, view: Portfolio, what: str) -> Content:
        # a department's project list depends on the filter; a project's card and indicators do not
        key = (kind, (_view_key(view), what) if kind == "dept" else what)
        if key not in self._rendered:
            fn = department_projects_view if kind == "dept" else project_view
            self._rendered[key] = fn(view, what)
            while len(self._rendered) > RENDERED_KEPT:
                self._rendered.popitem(last=False)
        return self._rendered[key]

    # -- widgets -------------------------------------------------------------------------------------
    def controls(self):  # type: ignore[no-untyped-def]
        """Department, grade and execution-rate filters (displayed once, drive every section)."""
        if self._controls is not None:
            return self._controls
        w = _widgets()
        depts = sorted(self.portfolio.projects["department"].unique())
        present = set(self.portfolio.projects["grade"].unique())
        grades = [g for g in self.portfolio.grade_order if g in present]
        style = {"description_width": "5em"}
        self.department = w.Dropdown(
            options=[("全部", "")] + [(d, d) for d in depts],
            value="",
            description="主管部门",
            style=style,
            layout=w.Layout(width="22em"),
        )
        self.grade = w.SelectMultiple(
            options=grades,
            value=(),
            rows=min(4, max(2, len(grades))),
            description="等级",
            style=style,
            layout=w.Layout(width="12em"),
        )
        self.rate = w.FloatRangeSlider(
            value=(0.0, RATE_CAP),
            min=0.0,
            max=RATE_CAP,
            step=0.01,
            description="执行率",
            readout_format=".0%",
            continuous_update=False,
            style=style,
            layout=w.Layout(width="30em"),
        )
        reset = w.Button(description="重置筛选", layout=w.Layout(width="8em"))
        self.status = w.Label(value=self._status(self.portfolio))
        hint = w.Label(
            value=f"等级不选即全部（Ctrl/⌘ 多选）；执行率滑块在 0% 与 {RATE_CAP:.0%} 两端表示不设限。"
        )
        for control in (self.department, self.grade, self.rate):
            control.observe(self._on_change, names="value")
        reset.on_click(lambda _b: self.reset())
        box = _cls("VBox")(
            [w.HBox([self.department, self.grade, self.rate]), w.HBox([reset, self.status]), hint]
        )
        box._fallback_text = f"筛选：{describe_filters({})}（在 JupyterLab 中运行可交互）"
        box._fallback_html = str(tag("p", box._fallback_text, class_="ec-note"))
        self._controls = box
        return box

    def filters(self) -> tuple[str | None, tuple[str, ...] | None, tuple[float | None, float | None] | None]:
        """The controls' values as `select` arguments (the slider's ends mean no bound)."""
        if self._controls is None:
            return None, None, None
        lo, hi = self.rate.value
        bounds = (None if lo <= 1e-9 else float(lo), None if hi >= RATE_CAP - 1e-9 else float(hi))
        return (
            self.department.value or None,
            tuple(self.grade.value) or None,
            bounds if bounds != (None, None) else None,
        )

    def _status(self, view: Portfolio, seconds: float | None = None) -> str:
        s = view.summary()
        text = (
            f"{describe_filters(view.filters)}：{s['projects']} 个项目，全年预算 {money(s['adjusted'])} 万元，"  # type: ignore[arg-type]
            f"执行率 {rate(s['execution_rate'])}"
        )  # type: ignore[arg-type]
        return text + (f"（重绘 {seconds:.2f} 秒）" if seconds is not None else "")

    def section(self, name: str):  # type: ignore[no-untyped-def]
        """A pane showing one section (see SECTIONS); redrawn in place when a filter changes."""
        if name not in SECTIONS:
            raise ValueError(f"section must be one of {', '.join(SECTIONS)}, not {name!r}")
        if name not in self._panes:
            pane = _pane(SECTIONS[name])
            view = self.select(*self.filters())
            _show(pane, self.content(name, view), f"{SECTIONS[name]}（{describe_filters(view.filters)}）")
            self._panes[name] = pane
        return self._panes[name]

    def drilldown(self):  # type: ignore[no-untyped-def]
        """Department → its projects → one project's card and indicators."""
        if self._drill is not None:
            return self._drill
        w = _widgets()
        style = {"description_width": "5em"}
        self.drill_department = w.Dropdown(description="主管部门", style=style, layout=w.Layout(width="24em"))
        self.drill_project = w.Dropdown(description="项目", style=style, layout=w.Layout(width="42em"))
        self._drill_dept_pane = _pane("部门的项目")
        self._drill_project_pane = _pane("项目")
        box = _cls("VBox")(
            [
                w.HBox([self.drill_department, self.drill_project]),
                self._drill_dept_pane,
                self._drill_project_pane,
            ]
        )
        box._fallback_text = "逐级查看：主管部门 → 项目 → 指标"
        self._drill = box
        self.drill_department.observe(self._on_drill_department, names="value")
        self.drill_project.observe(self._on_drill_project, names="value")
        self._drill_update(self.select(*self.filters()))
        return box

    # -- callbacks -----------------------------------------------------------------------------------
    def _on_change(self, _change: object) -> None:
        if not self._quiet:
            self.refresh()

    def refresh(self) -> Portfolio:
        """What a filter change calls: select the view, redraw every displayed section and the
        drill-down in place. Returns the view; `last_redraw` holds the seconds it took."""
        start = time.perf_counter()
        view = self.select(*self.filters())
        for name, pane in self._panes.items():
            _show(pane, self.content(name, view), f"{SECTIONS[name]}（{describe_filters(view.filters)}）")
        if self._drill is not None:
            self._drill_update(view)
        self.last_redraw = time.perf_counter() - start
        if self._controls is not None:
            self.status.value = self._status(view, self.last_redraw)
        return view

    def reset(self) -> Portfolio:
        self._quiet = True
        try:
            self.department.value = ""
            self.grade.value = ()
            self.rate.value = (0.0, RATE_CAP)
        finally:
            self._quiet = False
        return self.refresh()

    def set_filters(
        self,
        department: str | None = None,
        grades: Sequence[str] | None = (),
        rate: tuple[float | None, float | None] | None = None,
    ) -> Portfolio:
        """Set all three controls and redraw once (a rate bound of None is the slider's end)."""
        self.controls()
        lo, hi = rate or (None, None)
        self._quiet = True
        try:
            self.department.value = department or ""
            self.grade.value = tuple(grades or ())
            self.rate.value = (0.0 if lo is None else lo, RATE_CAP if hi is None else hi)
        finally:
            self._quiet = False
        return self.refresh()

    def _drill_update(self, view: Portfolio) -> None:
        depts = view.departments()
        current = self.drill_department.value
        self._quiet = True
        try:
            self.drill_department.options = depts
            self.drill_department.value = current if current in depts else (depts[0] if depts else None)
        finally:
            self._quiet = False
        self._drill_view = view
        self._drill_show_department()

    def _drill_show_department(self) -> None:
        view, dept = self._drill_view, self.drill_department.value
        if dept is None:
            _show(self._drill_dept_pane, _empty("drill-department", view))
            _show(self._drill_project_pane, ())
            self._drill_refresh_fallback()
            return
        _show(self._drill_dept_pane, self._drill_content("dept", view, dept), f"{dept}的项目")
        pv = view.variance("project")
        pv = pv[pv["department"] == dept].sort_values(
            ["全年", "project_id"], ascending=[False, True], kind="stable"
        )
        options = [(f"{n}（{pid}）", pid) for n, pid in zip(pv["name"], pv["project_id"], strict=True)]
        current = self.drill_project.value
        ids = [pid for _label, pid in options]
        self._quiet = True
        try:
            self.drill_project.options = options
            self.drill_project.value = current if current in ids else (ids[0] if ids else None)
        finally:
            self._quiet = False
        self._drill_show_project()

    def _drill_show_project(self) -> None:
        pid = self.drill_project.value
        content = self._drill_content("project", self._drill_view, pid) if pid else ()
        _show(self._drill_project_pane, content, f"项目 {pid}" if pid else "项目")
        self._drill_refresh_fallback()

    def _drill_refresh_fallback(self) -> None:
        self._drill._fallback_html = (
            self._drill_dept_pane._fallback_html + self._drill_project_pane._fallback_html
        )

    def _on_drill_department(self, _change: object) -> None:
        if not self._quiet:
            self._drill_show_department()

    def _on_drill_project(self, _change: object) -> None:
        if not self._quiet:
            self._drill_show_project()


def open_explorer(
    data_path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]], scheme: object = None
) -> Explorer:
    """What `notebooks/explore.ipynb` calls first: the data (as given, else relative to the
    repository root, for JupyterLab's working directory notebooks/) loaded as a portfolio, and
    Chinese charts set up.

    The scored portfolio then lives as long as the kernel, so it is moved out of the cyclic garbage
    collector's way (`gc.freeze()` after one full collection): otherwise a full collection that
    happens to fall in a redraw scans every object of every evaluation (0.65 s at 20,000
    projects, longer than the whole redraw)."""
    from .charts import setup_fonts
    from .notebook import resolve_input

    setup_fonts()
    paths = [data_path] if isinstance(data_path, str | os.PathLike) else list(data_path)
    explorer = Explorer(load_portfolio([resolve_input(p) for p in paths], scheme or None))  # type: ignore[arg-type]
    gc.collect()
    gc.freeze()
    return explorer
