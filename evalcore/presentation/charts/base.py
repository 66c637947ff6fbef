"""What every chart of the package shares: the fixed style, figure creation, the render lock and
the deterministic PNG writer.

Every chart is drawn with matplotlib's object API on the Agg canvas: no pyplot figure is created,
so none is left open and a notebook's inline backend never shows a stray copy. `render` draws under
a fixed style (matplotlib's defaults, then `STYLE`: the caller's rcParams and matplotlibrc play no
part) at a fixed dpi, one chart at a time per process (rcParams are process-global), and writes a
palette PNG with no metadata ("Software" tag, time): the same data give byte-identical PNGs.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import matplotlib
import matplotlib.style
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import offset_copy
from PIL import Image

from .fonts import FALLBACK_FAMILY, FONT_FAMILY, register_font

__all__ = [
    "DPI",
    "INTERACTIVE",
    "MAX_HEIGHT",
    "PUBLISHED",
    "RENDER_LOCK",
    "STYLE",
    "WIDTH",
    "PngFormat",
    "chart_height",
    "legend",
    "new_figure",
    "png_bytes",
    "render",
    "subtitle",
]

DPI = 120
WIDTH = 8.0  # inches: 960 px at DPI
MAX_HEIGHT = 18.0  # inches: a chart never grows past this, however many rows

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

STYLE = {
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

RENDER_LOCK = threading.Lock()  # rcParams are process-global: one chart at a time per process


@dataclass(frozen=True)
class PngFormat:
    """How a drawn figure becomes PNG bytes. Flat colours and anti-aliased text lose nothing visible
    in a palette of a few hundred colours, at a third of the RGBA size; no dithering, so the same
    pixels give the same bytes."""

    colours: int
    method: Image.Quantize
    optimize: bool = False
    compress_level: int = -1  # zlib's default; `optimize` compresses harder still


#: Published pages (the report, the index): the smallest file (median cut, 256 colours, optimised).
PUBLISHED = PngFormat(256, Image.Quantize.MEDIANCUT, optimize=True)
#: The explorer redraws on every filter change: the fast octree palette and light compression.
INTERACTIVE = PngFormat(128, Image.Quantize.FASTOCTREE, compress_level=3)


def new_figure(height: float, *, constrained: bool = True) -> Figure:
    """A figure WIDTH wide and `height` inches high on its own Agg canvas. Constrained layout
    (the report and the index) places titles, labels and legend itself; a chart that sets its
    margins by hand (the explorer, to draw every text once) passes constrained=False."""
    fig = Figure(figsize=(WIDTH, height), dpi=DPI, layout="constrained" if constrained else None)
    FigureCanvasAgg(fig)
    if constrained:
        fig.get_layout_engine().set(h_pad=0.06, w_pad=0.08)
    return fig


def png_bytes(fig: Figure, fmt: PngFormat = PUBLISHED) -> bytes:
    """The figure as a palette PNG without any metadata chunk (no "Software" tag, no time); the
    figure is cleared afterwards."""
    raw = io.BytesIO()
    fig.savefig(raw, format="rgba", dpi=DPI)  # savefig, not canvas.draw(): it settles the layout first
    width, height = fig.canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", (width, height), raw.getvalue(), "raw", "RGBA", 0, 1).convert("RGB")
    fig.clear()
    palette = image.quantize(fmt.colours, method=fmt.method, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    palette.save(buffer, format="png", optimize=fmt.optimize, compress_level=fmt.compress_level)
    return buffer.getvalue()


def render(draw: Callable[..., Figure], *args: object, fmt: PngFormat = PUBLISHED) -> bytes:
    """`draw(*args)` under the fixed style, holding the render lock, as PNG bytes."""
    register_font()
    with RENDER_LOCK, matplotlib.style.context("default"), matplotlib.rc_context(STYLE):
        return png_bytes(draw(*args), fmt)


def chart_height(rows: int, per_row: float, chrome: float) -> float:
    """Inches for `rows` rows of `per_row` plus title, axis and legend (`chrome`), within
    [2.4, MAX_HEIGHT]: the size depends on the number of rows only."""
    return round(min(MAX_HEIGHT, max(2.4, chrome + rows * per_row)), 2)


def subtitle(ax: Axes, text: str, lift: float = 0.0) -> None:
    """A grey line under the title; `lift` points higher when the axes has tick labels on top."""
    where = offset_copy(ax.transAxes, fig=ax.figure, y=lift + 2, units="points")
    ax.text(0, 1.0, text, transform=where, ha="left", va="bottom", fontsize=8.5, color=MUTED)


def legend(fig: Figure, handles: Iterable[object]) -> None:
    """One row of legend entries below the axes (constrained layout makes room for it)."""
    handles = list(handles)
    fig.legend(
        handles=handles, loc="outside lower center", ncols=len(handles), handlelength=1.6, columnspacing=1.6
    )
