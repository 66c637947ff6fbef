"""The workbook carrier, any spreadsheet format (`.xlsx`, `.xlsm`, `.xls`, `.ods`).

A workbook holding the sheets 项目信息 / 预算执行 / 绩效指标 is the product's own template: one
project, read here. Any other workbook is read as national forms (`national_form`: one
项目支出绩效自评表 per sheet, found by its labels).

Values not formulas (data_only): a department's workbook may compute totals with formulas, and we
score what it shows. Extra columns (备注 …) are ignored; missing required ones are errors naming the
sheet and the header row.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from openpyxl.utils import get_column_letter

from ..errors import InputError, Where
from ..fields import (
    BUDGET_FIELDS,
    INDICATOR_INPUT_FIELDS,
    PROJECT_AND_NARRATIVE_FIELDS,
    SHEET_BUDGET,
    SHEET_INDICATORS,
    SHEET_PROJECT,
    Field,
    canonical_header,
    header_index,
)
from .records import RawProject, RawRow
from .sheet_grid import CALAMINE_SUFFIXES, Grid, read_grids, sheet_names

_PROJECT_KEYS = header_index(PROJECT_AND_NARRATIVE_FIELDS)
TEMPLATE_SHEETS = (SHEET_PROJECT, SHEET_BUDGET, SHEET_INDICATORS)

#: A row of a sheet: its values, and whether column i is formatted as a percent.
Row = tuple[tuple, Callable[[int], bool]]


def _is_empty(values: tuple) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


_PERCENT_KEYS = {"target", "actual"}  # a cell typed `95%` in Excel holds 0.95 with a % format
_MERGED_KEYS = ("level1", "level2")  # the printed form merges these cells down their group


def _value(cell) -> object:  # type: ignore[no-untyped-def]
    return getattr(cell, "value", None)


def _percent_text(value: object) -> object:
    from ..quantities import format_number

    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{format_number(round(value * 100, 10))}%"
    return value


def _table(rows: Iterator[Row], file: str, sheet: str, fields: tuple[Field, ...]) -> list[RawRow]:
    index = header_index(fields)
    first = next(rows, None)
    header = first[0] if first is not None else None
    if not header:
        raise InputError(Where(file, sheet, 1), "工作表为空", "第 1 行为表头")
    positions: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = canonical_header(cell, index)
        if key and key not in positions:
            positions[key] = i
    for f in fields:
        if f.required and f.key not in positions:
            raise InputError(
                Where(file, sheet, 1, field=f.label), f"缺少「{f.label}」列", f"表头含「{f.label}」"
            )
    columns = {k: get_column_letter(i + 1) for k, i in positions.items()}
    out = []
    above: dict[str, object] = {}
    for r, (values, percent) in enumerate(rows, start=2):
        if _is_empty(values):
            continue
        data: dict[str, object] = {}
        for k, i in positions.items():
            v = values[i] if i < len(values) else None
            if k in _PERCENT_KEYS and percent(i):
                v = _percent_text(v)
            data[k] = v
        for k in _MERGED_KEYS:  # a merged 一级/二级指标 cell is empty below its first row
            if k in data:
                if data[k] is None or (isinstance(data[k], str) and not data[k].strip()):
                    data[k] = above.get(k)
                else:
                    above[k] = data[k]
        out.append(RawRow(data, file, sheet, r, columns))
    return out


def _facts(rows: Iterator[Row], file: str) -> RawRow:
    facts: dict[str, object] = {}
    cells: dict[str, tuple[int, str]] = {}
    for r, (values, _) in enumerate(rows, start=1):
        values = values[:2]
        if not values or _is_empty(values):
            continue
        key = canonical_header(values[0], _PROJECT_KEYS)
        if key is None:
            continue  # the 字段/值 header row, or a free note
        facts[key] = values[1] if len(values) > 1 else None
        cells[key] = (r, "B")
    return RawRow(facts, file, SHEET_PROJECT, None, cells=cells)


def _openpyxl_rows(ws) -> Iterator[Row]:  # type: ignore[no-untyped-def]
    for cells in ws.iter_rows():
        yield (
            tuple(_value(c) for c in cells),
            lambda i, cells=cells: "%" in (getattr(cells[i], "number_format", "") or ""),
        )


def _grid_rows(grid: Grid) -> Iterator[Row]:
    for r, values in enumerate(grid.rows):
        yield tuple(values), lambda i, r=r: (r, i) in grid.percent


def _missing_sheets(file: str, names: list[str]) -> None:
    for sheet in TEMPLATE_SHEETS:
        if sheet not in names:
            raise InputError(
                Where(file, sheet),
                f"缺少工作表「{sheet}」",
                f"工作表 {SHEET_PROJECT}、{SHEET_BUDGET}、{SHEET_INDICATORS}",
            )


def _template_project(file: str, rows: Callable[[str], Iterator[Row]]) -> RawProject:
    facts = _facts(rows(SHEET_PROJECT), file)
    budget = _table(rows(SHEET_BUDGET), file, SHEET_BUDGET, BUDGET_FIELDS)
    indicators = _table(rows(SHEET_INDICATORS), file, SHEET_INDICATORS, INDICATOR_INPUT_FIELDS)
    return RawProject(
        facts, budget, indicators, file, Where(file, SHEET_BUDGET), Where(file, SHEET_INDICATORS)
    )


def _read_template_xlsx(path: Path) -> RawProject:
    from openpyxl import load_workbook

    file = str(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputError(
            Where(file), f"无法作为 Excel 工作簿打开（{type(exc).__name__}）", ".xlsx 格式的工作簿"
        ) from None
    try:
        _missing_sheets(file, wb.sheetnames)
        return _template_project(file, lambda sheet: _openpyxl_rows(wb[sheet]))
    finally:
        wb.close()


def is_template(names: list[str]) -> bool:
    """The product's own three-sheet template: two of its sheets are enough to be read as one (and
    told which is missing); a lone sheet so named is more likely a national workbook's."""
    return sum(sheet in names for sheet in TEMPLATE_SHEETS) >= 2


def read_workbook(path: Path) -> list[RawProject | InputError]:
    """A workbook's projects: the template's one, or one per national form sheet (each sheet that
    cannot be read is an InputError in the list, the other sheets still read). Raises InputError
    when the file cannot be opened at all."""
    file = str(path)
    names = sheet_names(path)
    if is_template(names):
        if path.suffix.lower() not in CALAMINE_SUFFIXES:
            return [_read_template_xlsx(path)]
        _missing_sheets(file, names)
        grids = {g.name: g for g in read_grids(path, list(TEMPLATE_SHEETS))}
        return [_template_project(file, lambda sheet: _grid_rows(grids[sheet]))]
    from .national_form import read_national

    return read_national(path, read_grids(path))
