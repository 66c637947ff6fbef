"""Report charts: PNG bytes drawn from a `Scorecard`, with Chinese text on any machine.

The CJK font ships as a pip dependency (`noto-cjk-sans-otc`: Noto Sans CJK, SIL OFL 1.1; see
docs/fonts.md), so nothing depends on the fonts a machine happens to have. `setup_fonts()` registers
it with matplotlib's font manager (not persisted by matplotlib, hence done on every import) and puts
it first in `font.family`, DejaVu Sans after it for the few symbols it lacks.

Every chart is drawn with matplotlib's object API on the Agg canvas: no pyplot figure is created,
so none is left open and a notebook's inline backend never shows a stray copy. Each chart is drawn
under a fixed style (matplotlib defaults + the settings below), at a fixed dpi and with sizes that
depend only on the number of rows, and saved as a palette PNG with no metadata ("Software" tag,
time): the same scorecard gives byte-identical PNGs whatever the caller's rcParams.

Every number shown is read from the scorecard; nothing here scores. Text from the input (indicator,
category and budget row names) is drawn literally (mathtext off, so `$` is a dollar sign), control
characters become spaces, and a character neither font has (an emoji, a rare extension-B ideograph)
becomes □ — drawn, rather than a missing-glyph warning.
"""

from __future__ import annotations

import io
import os
import threading
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from pathlib import Path

import matplotlib
import matplotlib.style
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter
from matplotlib.transforms import offset_copy
from PIL import Image

from ..quantities import format_number
from ..rules.explain import pct, pts
from ..scoring import Scorecard

__all__ = ["FONT_FAMILY", "budget_chart", "category_chart", "completion_chart", "font_path", "setup_fonts"]

FONT_PACKAGE = "noto_cjk_sans_otc"
FONT_FILE = "NotoSansCJK-Regular.ttc"
FONT_FAMILY = "Noto Sans CJK SC"  # the Simplified Chinese face of the collection (face 2)
FALLBACK_FAMILY = "DejaVu Sans"  # matplotlib's own font: symbols the CJK font lacks
DPI = 120
WIDTH = 8.0  # inches: 960 px at DPI
MAX_HEIGHT = 18.0  # inches: a chart never grows past this, however many rows
REPLACEMENT = "□"

# Colours (colour-blind safe pairs: blue/orange, green/orange).
INK = "#333333"
MUTED = "#666666"
GRID = "#e3e3e3"
EARNED = "#2b6cb0"
WEIGHT = "#dfe6ee"
WEIGHT_EDGE = "#9fb0c3"
UNITEMISED = "#8a96a3"
MET = "#2f855a"
NOT_MET = "#dd6b20"
UNKNOWN = "#a0aec0"
BUDGET = "#a3bfd9"
EXECUTED = "#2b6cb0"
OVERSPENT = "#c53030"

_STYLE = {
    "font.family": [FONT_FAMILY, FALLBACK_FAMILY],
    "font.size": 9,
    "axes.titlesize": 11.5,
    "axes.titlelocation": "left",
    "axes.titlepad": 18,
    "axes.labelsize": 9,
    "axes.labelcolor": INK,
    "axes.edgecolor": "#999999",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.axisbelow": True,
    "axes.unicode_minus": True,  # both fonts have U+2212
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 9,
    "xtick.color": INK,
    "ytick.color": INK,
    "ytick.major.size": 0,
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    "hatch.color": UNITEMISED,
    "hatch.linewidth": 0.8,
    "text.color": INK,
    "text.usetex": False,
    "text.parse_math": False,  # names are text: `$` must not start mathtext
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "savefig.facecolor": "white",
    "figure.facecolor": "white",
}

_LOCK = threading.Lock()  # rcParams are process-global: one chart at a time per process


# ------------------------------------------------------------------------------------------- fonts


def font_path() -> Path:
    """The shipped font file (inside the installed `noto-cjk-sans-otc` package)."""
    return Path(str(files(FONT_PACKAGE) / FONT_FILE))


def _register_font() -> Path:
    path = font_path()
    if not path.is_file():
        raise RuntimeError(f"CJK font missing: {path} (reinstall the noto-cjk-sans-otc package)")
    manager = font_manager.fontManager
    if not any(_same_file(entry.fname, path) for entry in manager.ttflist):
        manager.addfont(path)
    if not any(entry.name == FONT_FAMILY for entry in manager.ttflist):
        raise RuntimeError(
            f"{path} registered but no face named {FONT_FAMILY!r}: matplotlib ≥ 3.11 reads every "
            f"face of a font collection, this is {matplotlib.__version__}"
        )
    return path


def _same_file(fname: str, path: Path) -> bool:
    return os.path.normcase(os.path.abspath(fname)) == os.path.normcase(str(path.absolute()))


def setup_fonts() -> str:
    """Register the shipped CJK font with matplotlib (idempotent) and make it the first family of
    `rcParams["font.family"]`, DejaVu Sans after it. Returns the family name ("Noto Sans CJK SC").
    For a notebook's own plots; the chart functions below set their style themselves."""
    _register_font()
    matplotlib.rcParams["font.family"] = [FONT_FAMILY, FALLBACK_FAMILY]
    return FONT_FAMILY


_register_font()  # every import: matplotlib does not persist added fonts


@cache
def _drawable_codepoints() -> frozenset[int]:
    """Code points the CJK face or DejaVu Sans can draw."""
    cjk = font_manager.findfont(font_manager.FontProperties(family=FONT_FAMILY), fallback_to_default=False)
    fallback = font_manager.findfont(
        font_manager.FontProperties(family=FALLBACK_FAMILY), fallback_to_default=False
    )
    points: set[int] = set()
    for found in (cjk, fallback):
        points.update(FT2Font(found, face_index=getattr(found, "face_index", 0)).get_charmap())
    return frozenset(points)


# -------------------------------------------------------------------------------------------- text


def _clean(text: object) -> str:
    """Input text as one drawable line: control characters and line breaks become spaces, runs of
    spaces collapse, invisible format characters (zero-width space, soft hyphen) go, characters
    neither font has become □."""
    drawable = _drawable_codepoints()
    chars = (
        " " if ch.isspace() or unicodedata.category(ch) == "Cc" else ch
        for ch in str(text)
        if unicodedata.category(ch) != "Cf"
    )
    line = " ".join("".join(chars).split())
    return "".join(ch if ord(ch) in drawable else REPLACEMENT for ch in line)


def _width(text: str) -> int:
    """Display width: CJK (wide / full-width) characters count 2, others 1."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_NO_LINE_START = set("，。、；：？！）」』》〉】”’%％,.;:?!)]}…·")


def _break(text: str, width: int) -> list[str]:
    """Lines of at most `width` display units; closing punctuation never starts a line (it may
    overhang by one character instead)."""
    lines: list[str] = []
    line = ""
    for ch in text:
        if line and _width(line + ch) > width and ch not in _NO_LINE_START:
            start = len(line)  # a Latin word or number moves to the next line whole, when short
            while start and _is_word(line[start - 1]) and _is_word(ch):
                start -= 1
            if not 0 < start < len(line) or _width(line[start:]) > width // 2:
                start = len(line)
            lines.append(line[:start].rstrip())
            line = line[start:]
        if line or ch != " ":
            line += ch
    return [*lines, line] if line else lines


def _is_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "_.'")


def _wrap(text: str, width: int, max_lines: int, suffix: str = "") -> str:
    """`text + suffix` in at most `max_lines` lines of `width` display units; when it does not fit,
    the text is cut with "…" and the suffix (a direction mark) still shows."""
    lines = _break(text + suffix, width)
    if len(lines) > max_lines:
        lines = _break(text, width)[:max_lines]
        last = lines[-1]
        while last and _width(last + "…" + suffix) > width:
            last = last[:-1]
        lines[-1] = last + "…" + suffix
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------ drawing


def _figure(height: float) -> Figure:
    fig = Figure(figsize=(WIDTH, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    fig.get_layout_engine().set(h_pad=0.06, w_pad=0.08)
    return fig


def _png(fig: Figure) -> bytes:
    """The figure as a 256-colour PNG: a third of the RGBA size, no visible difference for flat
    colours and anti-aliased text (no dithering, median cut: deterministic). No metadata chunk:
    no "Software" tag, no time."""
    raw = io.BytesIO()
    fig.savefig(raw, format="rgba", dpi=DPI)  # savefig, not canvas.draw(): it settles the layout first
    width, height = fig.canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", (width, height), raw.getvalue(), "raw", "RGBA", 0, 1).convert("RGB")
    fig.clear()
    palette = image.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    palette.save(buffer, format="png", optimize=True)
    return buffer.getvalue()


def _render(draw, *args) -> bytes:
    """Draw under the fixed style: matplotlib's defaults, then _STYLE (the caller's rcParams and
    matplotlibrc play no part), and return the PNG."""
    _register_font()
    with _LOCK, matplotlib.style.context("default"), matplotlib.rc_context(_STYLE):
        return _png(draw(*args))


def _height(rows: int, per_row: float, chrome: float) -> float:
    return round(min(MAX_HEIGHT, max(2.4, chrome + rows * per_row)), 2)


def _subtitle(ax, text: str, lift: float = 0.0) -> None:
    """A grey line under the title; `lift` points higher when the axes has tick labels on top."""
    where = offset_copy(ax.transAxes, fig=ax.figure, y=lift + 2, units="points")
    ax.text(0, 1.0, text, transform=where, ha="left", va="bottom", fontsize=8.5, color=MUTED)


def _legend(fig: Figure, handles: Iterable) -> None:
    handles = list(handles)
    fig.legend(
        handles=handles, loc="outside lower center", ncols=len(handles), handlelength=1.6, columnspacing=1.6
    )


# --------------------------------------------------------------------------------------- categories


def category_chart(card: Scorecard) -> bytes:
    """Each level-1 category: earned score over its weight (分值), with the part of the weight the
    form does not itemise hatched. Labels 得分 / 分值 from the card."""
    return _render(_draw_categories, card)


def _draw_categories(card: Scorecard) -> Figure:
    cats = card.categories
    n = len(cats)
    fig = _figure(_height(n, 0.62, 1.7))
    ax = fig.add_subplot()
    ax.set_title("评分总览：各一级指标得分与分值")
    scaled = abs(card.scale - 1.0) > 1e-9
    note = f"总分 {format_number(card.total)}（{_clean(card.grade)}）"
    if scaled:
        note += f"；有不适用指标，总分已按百分制折算（× {format_number(card.scale, 4)}）"
    _subtitle(ax, note)
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
        if c.weight - c.itemised_weight > 1e-9:
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
        if abs(c.weight - c.itemised_weight) > 1e-9:  # the form itemises less (or more) than the weight
            label += f"（已细化 {format_number(c.itemised_weight)}）"
        ax.text(max(c.weight, c.itemised_weight, c.score) + top * 0.015, y, label, va="center", fontsize=9)
    ax.set_yticks(range(n), [_wrap(_clean(c.name), 16, 2) for c in cats])
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
    _legend(fig, handles)
    return fig


# --------------------------------------------------------------------------------------- completion

TOP_TICKS = 18.0  # points: the height of tick labels drawn above the axes
COMPLETION_AXIS_CAP = 2.0  # bars past 200% stop at the axis edge; their label gives the value
_REVERSE = ("≤", "<")


def completion_chart(card: Scorecard) -> bytes | None:
    """Completion (实际值 ÷ 目标值) of each quantitative indicator that has one, a dashed line at the
    100% target, bars coloured by whether the target was met (for ≤ indicators, below 100% is met).
    None when no indicator has a completion."""
    rows = [s for s in card.indicators if s.completion is not None]
    if not rows:
        return None
    return _render(_draw_completion, rows)


def _draw_completion(rows: list) -> Figure:
    n = len(rows)
    compact = n > 20
    fig = _figure(_height(n, 0.235 if compact else 0.46, 1.9))
    ax = fig.add_subplot()
    lift = TOP_TICKS if compact else 0.0  # a tall chart has its scale on top too: title and note go above it
    ax.set_title("定量指标完成率（实际值 ÷ 目标值）", pad=_STYLE["axes.titlepad"] + lift)
    if any(s.indicator.direction in _REVERSE for s in rows):
        _subtitle(ax, "名称后标（≤）或（<）的为反向指标：实际值不超过目标值即达到目标", lift)
    widest = max(min(s.completion, COMPLETION_AXIS_CAP) for s in rows)
    right = max(1.2, widest * 1.2)
    colours = {True: MET, False: NOT_MET, None: UNKNOWN}
    seen: set = set()
    labels = []
    for y, s in enumerate(rows):
        c = s.completion
        seen.add(s.met)
        clipped = c > COMPLETION_AXIS_CAP
        ax.barh(y, min(c, COMPLETION_AXIS_CAP), height=0.66, color=colours[s.met])
        ax.text(
            min(c, COMPLETION_AXIS_CAP) + right * 0.012,
            y,
            pct(c) + (" ▶" if clipped else ""),
            va="center",
            fontsize=7.5 if compact else 8.5,
            zorder=4,
            bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
        )
        direction = s.indicator.direction
        suffix = f"（{direction}）" if direction in _REVERSE else ""
        name = _clean(s.indicator.name)
        labels.append(_wrap(name, 34, 1, suffix) if compact else _wrap(name, 24, 2, suffix))
    ax.axvline(1.0, color=INK, linestyle=(0, (4, 3)), linewidth=1.1)
    ax.set_yticks(range(n), labels, fontsize=7.5 if compact else 9)
    ax.set_ylim(n - 0.4, -0.6)
    ax.set_xlim(0, right)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.xaxis.grid(True, color=GRID, linewidth=0.8)
    ax.set_xlabel("完成率")
    if compact:
        ax.tick_params(axis="x", labeltop=True, top=True)
    names = {True: "已达到目标", False: "未达到目标", None: "无法判断"}
    handles = [Patch(facecolor=colours[k], label=names[k]) for k in (True, False, None) if k in seen]
    handles.append(Line2D([], [], color=INK, linestyle=(0, (4, 3)), linewidth=1.1, label="目标值（100%）"))
    _legend(fig, handles)
    return fig


# ------------------------------------------------------------------------------------------- budget


def budget_chart(card: Scorecard) -> bytes | None:
    """全年预算数 vs 全年执行数 for the total, each funding source and each line item; an executed
    amount above its budget is drawn red and marked 超支. None when the project has no budget rows."""
    rows = _budget_rows(card)
    if not rows:
        return None
    return _render(_draw_budget, card, rows)


def _budget_rows(card: Scorecard) -> list[tuple[int, str, float, float]]:
    """(group, label, 全年预算数, 全年执行数): the total first, then funding sources, then line items."""
    b = card.budget
    rows: list[tuple[int, str, float, float]] = []
    if b.total_row is not None:
        rows.append((0, _clean(b.total_row.source), b.total_row.adjusted, b.total_row.executed))
    if (b.funding or b.items) and b.basis != "年度资金总额":
        rows.append((0, f"合计（{b.basis}）", b.adjusted, b.executed))
    rows += [(1, _clean(r.source), r.adjusted, r.executed) for r in b.funding]
    rows += [(2, _clean(r.source), r.adjusted, r.executed) for r in b.items]
    return rows


def _draw_budget(card: Scorecard, rows: list[tuple[int, str, float, float]]) -> Figure:
    b = card.budget
    tolerance = card.scheme.review.amount_tolerance.in_unit(b.amount_unit)  # as R010 judges an overspend
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
    fig = _figure(_height(n, 0.36 if compact else 0.66, 1.9))
    ax = fig.add_subplot()
    ax.set_title("预算执行：全年预算数与全年执行数")
    if b.execution_rate is not None:
        _subtitle(ax, f"预算执行率 {pct(b.execution_rate, 2)}（按{b.basis}）")
    values = [v for _g, _l, adjusted, executed in rows for v in (adjusted, executed)]
    top = max([*values, 0.0]) or 1.0
    bottom = min([*values, 0.0])
    span = top - bottom
    overspent_any = False
    size = 7.5 if compact else 8.5
    for yy, (_group, _label, adjusted, executed) in zip(ys, rows, strict=True):
        overspent = executed - adjusted > tolerance
        overspent_any |= overspent
        ax.barh(yy - bar / 2, adjusted, height=bar, color=BUDGET)
        ax.barh(yy + bar / 2, executed, height=bar, color=OVERSPENT if overspent else EXECUTED)
        pad = span * 0.012
        ax.text(max(adjusted, 0) + pad, yy - bar / 2, format_number(adjusted), va="center", fontsize=size)
        ax.text(
            max(executed, 0) + pad,
            yy + bar / 2,
            format_number(executed) + ("  超支" if overspent else ""),
            va="center",
            fontsize=size,
            color=OVERSPENT if overspent else INK,
        )
    width, lines = (34, 1) if compact else (22, 2)
    ax.set_yticks(
        ys, [_wrap(label, width, lines) for _g, label, _a, _e in rows], fontsize=size if compact else 9
    )
    ax.set_ylim(ys[-1] + 0.65, -0.65)
    ax.set_xlim(bottom - (span * 0.05 if bottom < 0 else 0), top + span * 0.2)
    ax.xaxis.grid(True, color=GRID, linewidth=0.8)
    ax.set_xlabel(f"金额（{_clean(b.amount_unit)}）")
    handles = [Patch(facecolor=BUDGET, label="全年预算数"), Patch(facecolor=EXECUTED, label="全年执行数")]
    if overspent_any:
        handles.append(Patch(facecolor=OVERSPENT, label="执行数超过预算数"))
    _legend(fig, handles)
    return fig
