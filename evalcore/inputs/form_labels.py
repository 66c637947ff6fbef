"""Finding things on a printed form by their labels: normalised label text, header rows, the value
beside a label. Used by `national_form`; no positions are assumed anywhere."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..fields import FORM_FACT_LABELS
from .sheet_grid import Grid, cell_text

#: Cells that print "nothing here" on a form (budget sub-rows, unweighted detail rows).
DASHES = frozenset({"—", "——", "-", "--", "–", "－", "―", "/", "／", "\\"})

_TRAILING = "：:"


def norm(text: object) -> str:
    """A label as compared: no spaces, half-width brackets, lower case, no trailing colon."""
    t = "".join(cell_text(text).split()).replace("（", "(").replace("）", ")").lower()
    return t.rstrip(_TRAILING)


def blank(v: object) -> bool:
    t = cell_text(v)
    return t == "" or t in DASHES


def value_or_none(v: object) -> object:
    """A cell as the records layer should get it: dashes and empty text are blank (None)."""
    if v is None:
        return None
    if isinstance(v, str):
        t = v.strip()
        return None if t == "" or t in DASHES else t
    return v


@dataclass(frozen=True, slots=True)
class Hit:
    row: int  # 0-based
    col: int

    @property
    def letter(self) -> str:
        from openpyxl.utils import get_column_letter

        return get_column_letter(self.col + 1)


def find(grid: Grid, labels: set[str] | frozenset[str], rows: range | None = None) -> Hit | None:
    """The first cell (row by row) whose label is one of `labels` (normalised)."""
    for r in rows if rows is not None else range(grid.height):
        for c, v in enumerate(grid.rows[r] if r < grid.height else ()):
            if v is not None and norm(v) in labels:
                return Hit(r, c)
    return None


def right_of(grid: Grid, hit: Hit) -> tuple[object, Hit | None]:
    """The value beside a label: the next filled cell to its right (a merged label spans several
    columns, its value often merged too). Another label there means the value was left blank."""
    row = grid.rows[hit.row]
    merge = grid.merge_at(hit.row, hit.col)
    beside = Hit(hit.row, (merge[3] if merge else hit.col) + 1)  # where a blank value is to be typed
    for c in range(hit.col + 1, len(row)):
        v = row[c]
        if cell_text(v) == "":
            continue
        if norm(v) in FORM_FACT_LABELS:
            return None, beside
        return v, Hit(hit.row, c)
    return None, beside


_INLINE = re.compile(r"^(?P<label>[^：:]{2,8})\s*[：:]\s*(?P<value>.+)$")


def inline_fact(text: str) -> tuple[str, str] | None:
    """A label and its value typed in one cell (`主管部门：江城市教育局`, `自评等级：良`)."""
    m = _INLINE.match(text.strip())
    if not m:
        return None
    key = FORM_FACT_LABELS.get(norm(m["label"]))
    return (key, m["value"].strip()) if key else None


_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_YEAR_BARE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_UNIT_LINE = re.compile(r"(?:金额)?单位\s*[：:]\s*(万元|元)")
_UNIT_HEADER = re.compile(r"[（(]\s*(万元|元)\s*[)）]")
_TITLE = re.compile(r"自评表\s*([（(].*[)）])?$")


def is_title(text: str) -> bool:
    """A form's title line: `项目支出绩效自评表`, `2021年度项目支出绩效自评表（2021年度）` …"""
    t = text.strip()
    return len(t) <= 40 and bool(_TITLE.search(t))


def year_in(text: str, bare: bool = False) -> str | None:
    m = (_YEAR_BARE if bare else _YEAR).search(text)
    return m[1] if m else None


def year_line(text: str) -> str | None:
    """`（2021年度）` on its own line, or a title holding the year."""
    t = "".join(text.split())
    if re.fullmatch(r"[（(]?(?:19|20)\d{2}年度?[)）]?", t) or is_title(t):
        return year_in(t)
    return None


def unit_line(text: str) -> str | None:
    m = _UNIT_LINE.search(text)
    return m[1] if m else None


def unit_header(text: str) -> str | None:
    """`项目资金（万元）`, `资金情况（元）`: the amount unit a budget header states."""
    if "资金" not in text and "预算" not in text and "金额" not in text:
        return None
    m = _UNIT_HEADER.search(text)
    return m[1] if m else None
