"""A sheet as a grid of cell values, whatever spreadsheet format it came from.

`.xlsx`/`.xlsm` are read with openpyxl (merged ranges, and the percent number format that turns a
cell holding 0.95 into the `95%` the department typed); `.xls` (old Excel, what WPS saves) and
`.ods` with python-calamine, which gives values and, for `.xls`, merged ranges (`.ods` gives none:
readers then fill a blank 一级/二级 cell from the one above, as on paper). Values only, never
formulas: we score what the form shows.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Where

#: What each format is read with. `.xlsx` and `.xlsm` are the same zip of XML (macros are ignored).
OPENPYXL_SUFFIXES = (".xlsx", ".xlsm")
CALAMINE_SUFFIXES = (".xls", ".ods")
SPREADSHEET_SUFFIXES = OPENPYXL_SUFFIXES + CALAMINE_SUFFIXES

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (0-based, inclusive)


@dataclass(slots=True)
class Grid:
    """One sheet: `rows[r][c]` is the value of row r+1, column c+1 (None when empty); `merged` its
    merged ranges, when the format says (None when it cannot); `percent` the cells formatted as %."""

    name: str
    rows: list[list[object]]
    merged: list[Merge] | None = None
    percent: set[tuple[int, int]] = field(default_factory=set)

    @property
    def height(self) -> int:
        return len(self.rows)

    def value(self, r: int, c: int) -> object:
        row = self.rows[r] if 0 <= r < len(self.rows) else ()
        return row[c] if 0 <= c < len(row) else None

    def text(self, r: int, c: int) -> str:
        return cell_text(self.value(r, c))

    def row_texts(self, r: int) -> list[str]:
        return [cell_text(v) for v in (self.rows[r] if 0 <= r < len(self.rows) else ())]

    def merge_at(self, r: int, c: int) -> Merge | None:
        for m in self.merged or ():
            if m[0] <= r <= m[2] and m[1] <= c <= m[3]:
                return m
        return None

    def is_empty(self) -> bool:
        return all(cell_text(v) == "" for row in self.rows for v in row)


def cell_text(v: object) -> str:
    """A cell as stripped text (a whole float without `.0`; a date as 2023-09-30)."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        if v != v:
            return ""
        if v.is_integer():
            return str(int(v))
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        return v.date().isoformat()
    return str(v).strip()


#: Text our own export protected from being read as a formula (`presentation.cells.safe_cell`).
_QUOTED = re.compile(r"'+[=+\-@\t\r]")


def _clean(v: object) -> object:
    """Empty strings are empty cells; a `'` our export put before `=`, `+`, `-`, `@` is dropped
    again; calamine's whole floats stay floats (records reads them)."""
    if isinstance(v, str):
        if not v.strip():
            return None
        if _QUOTED.match(v):
            return v[1:]
    return v


def _unreadable(file: str, exc: BaseException, what: str) -> InputError:
    return InputError(Where(file), f"无法作为电子表格打开（{type(exc).__name__}）", what)


def openpyxl_sheet_names(path: Path) -> list[str]:
    """The sheet names of an .xlsx/.xlsm, cheaply (read-only)."""
    from openpyxl import load_workbook

    file = str(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError) as exc:
        raise _unreadable(file, exc, "未损坏的 .xlsx/.xlsm 工作簿") from None
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def openpyxl_grids(path: Path) -> Iterator[Grid]:
    """Every sheet of an .xlsx/.xlsm with its merged ranges and percent-formatted cells."""
    from openpyxl import load_workbook

    file = str(path)
    try:
        wb = load_workbook(path, data_only=True, keep_vba=False)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError) as exc:
        raise _unreadable(file, exc, "未损坏的 .xlsx/.xlsm 工作簿") from None
    try:
        for ws in wb.worksheets:
            rows: list[list[object]] = []
            percent: set[tuple[int, int]] = set()
            for r, cells in enumerate(ws.iter_rows()):
                values = []
                for c, cell in enumerate(cells):
                    v = _clean(cell.value)
                    values.append(v)
                    if isinstance(v, int | float) and "%" in (cell.number_format or ""):
                        percent.add((r, c))
                rows.append(values)
            merged = [
                (m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges
            ]
            yield Grid(ws.title, rows, merged, percent)
    finally:
        wb.close()


def calamine_sheet_names(path: Path) -> list[str]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for every kind of bad file
        raise _unreadable(str(path), exc, f"未损坏的 {path.suffix.lower()} 工作簿") from None
    try:
        return list(wb.sheet_names)
    finally:
        wb.close()


def calamine_grids(path: Path, names: list[str] | None = None) -> Iterator[Grid]:
    """Sheets of an .xls/.ods (all, or those named): values, and merged ranges where the format has them."""
    from python_calamine import CalamineWorkbook

    file = str(path)
    wb = None
    try:
        wb = CalamineWorkbook.from_path(file)
        wanted = names if names is not None else list(wb.sheet_names)
        sheets = [(name, wb.get_sheet_by_name(name)) for name in wanted]
        grids = []
        for name, sheet in sheets:
            rows = [[_clean(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
            ranges = getattr(sheet, "merged_cell_ranges", None)  # python-calamine ≥ 0.3, .xls only
            merged = [(a[0], a[1], b[0], b[1]) for a, b in ranges] if ranges else None
            grids.append(Grid(name, rows, merged))
    except Exception as exc:
        raise _unreadable(file, exc, f"未损坏的 {path.suffix.lower()} 工作簿") from None
    finally:
        if wb is not None:
            wb.close()
    yield from grids


def sheet_names(path: Path) -> list[str]:
    if path.suffix.lower() in CALAMINE_SUFFIXES:
        return calamine_sheet_names(path)
    return openpyxl_sheet_names(path)


def read_grids(path: Path, names: list[str] | None = None) -> list[Grid]:
    """The sheets of a spreadsheet file (all, or those named), by the reader its format needs."""
    if path.suffix.lower() in CALAMINE_SUFFIXES:
        return list(calamine_grids(path, names))
    return [g for g in openpyxl_grids(path) if names is None or g.name in names]
