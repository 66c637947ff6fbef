"""Where the shipped CJK font is: one place, for the charts (matplotlib) and the report pages' web font.

The font is the pip dependency `noto-cjk-sans-otc` (Noto Sans CJK, SIL OFL 1.1; docs/fonts.md). This
module imports neither matplotlib nor fontTools at import time, so a process that only writes HTML
pays for neither.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

__all__ = ["FONT_FAMILY", "FONT_FILE", "FONT_PACKAGE", "font_path", "sc_face_index"]

FONT_PACKAGE = "noto_cjk_sans_otc"
FONT_FILE = "NotoSansCJK-Regular.ttc"
FONT_FAMILY = "Noto Sans CJK SC"  # the Simplified Chinese face of the collection


MISSING = "未找到随包提供的中文字体 {path}：请重新安装 noto-cjk-sans-otc（pip install --force-reinstall noto-cjk-sans-otc）"


class FontMissing(RuntimeError):
    """The packaged CJK font is not there (a broken install): says what to reinstall, in Chinese."""


def font_path() -> Path:
    """The shipped font file (inside the installed `noto-cjk-sans-otc` package)."""
    try:
        return Path(str(files(FONT_PACKAGE) / FONT_FILE))
    except ModuleNotFoundError:
        raise FontMissing(MISSING.format(path=FONT_PACKAGE)) from None


@cache
def sc_face_index(path: Path | None = None) -> int:
    """The index of the Simplified Chinese face in the collection, found by its family name (name ID 1)
    rather than assumed: the faces' order is the font vendor's choice (it is 2 in release 2.004)."""
    from fontTools.ttLib import TTCollection

    path = path or font_path()
    if not path.is_file():
        raise FontMissing(MISSING.format(path=path))
    collection = TTCollection(str(path), lazy=True)
    try:
        for index, face in enumerate(collection.fonts):
            if face["name"].getDebugName(1) == FONT_FAMILY:
                return index
    finally:
        collection.close()
    raise RuntimeError(f"{path} has no face named {FONT_FAMILY!r}")
