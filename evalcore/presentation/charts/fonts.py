"""The shipped CJK font, registered with matplotlib: Chinese renders on any machine.

The font ships as a pip dependency (`noto-cjk-sans-otc`: Noto Sans CJK, SIL OFL 1.1; see
docs/fonts.md), so nothing depends on the fonts a machine happens to have. matplotlib does not
persist fonts added at run time, so `register_font()` runs on every import of this module (and
before every chart is drawn: a caller may have replaced matplotlib's font manager since).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from ..cjk_font import FONT_FAMILY, MISSING, FontMissing, font_path

__all__ = [
    "FALLBACK_FAMILY",
    "FONT_FAMILY",
    "drawable_codepoints",
    "font_path",
    "register_font",
    "setup_fonts",
]

FALLBACK_FAMILY = "DejaVu Sans"  # matplotlib's own font: symbols the CJK font lacks


def register_font() -> Path:
    """Add the shipped font to matplotlib's font manager unless it is there; fail loudly when the
    file is missing or matplotlib cannot read the Simplified Chinese face of the collection."""
    path = font_path()
    if not path.is_file():
        raise FontMissing(MISSING.format(path=path))
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
    For a notebook's own plots; the charts of this package set their style themselves."""
    register_font()
    matplotlib.rcParams["font.family"] = [FONT_FAMILY, FALLBACK_FAMILY]
    return FONT_FAMILY


@cache
def drawable_codepoints() -> frozenset[int]:
    """Code points the CJK face or DejaVu Sans can draw."""
    cjk = font_manager.findfont(font_manager.FontProperties(family=FONT_FAMILY), fallback_to_default=False)
    fallback = font_manager.findfont(
        font_manager.FontProperties(family=FALLBACK_FAMILY), fallback_to_default=False
    )
    points: set[int] = set()
    for found in (cjk, fallback):
        points.update(FT2Font(found, face_index=getattr(found, "face_index", 0)).get_charmap())
    return frozenset(points)


register_font()  # every import: matplotlib does not persist added fonts
