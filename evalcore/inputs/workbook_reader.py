"""The `.xlsx` carrier: the form departments fill in (sheets 项目信息 / 预算执行 / 绩效指标).

Read-only, values not formulas (data_only): a department's workbook may compute totals with
formulas, and we score what it shows. Extra columns (备注 …) are ignored; missing required ones
are errors naming the sheet and the header row.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ..errors import InputError, Where
from ..fields import (
    BUDGET_FIELDS,
    INDICATOR_FIELDS,
    PROJECT_FIELDS,
    SHEET_BUDGET,
    SHEET_INDICATORS,
    SHEET_PROJECT,
    Field,
    canonical_header,
    header_index,
)
from .records import RawProject, RawRow

_PROJECT_KEYS = header_index(PROJECT_FIELDS)


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


def _table(ws, file: str, sheet: str, fields: tuple[Field, ...]) -> list[RawRow]:
    index = header_index(fields)
    cell_rows = ws.iter_rows()
    first = next(cell_rows, None)
    header = tuple(_value(c) for c in first) if first is not None else None
    if header is None:
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
    for r, cells in enumerate(cell_rows, start=2):
        values = tuple(_value(c) for c in cells)
        if _is_empty(values):
            continue
        data: dict[str, object] = {}
        for k, i in positions.items():
            v = values[i] if i < len(values) else None
            if k in _PERCENT_KEYS and "%" in (getattr(cells[i], "number_format", "") or ""):
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


def _facts(ws, file: str) -> RawRow:
    facts: dict[str, object] = {}
    cells: dict[str, tuple[int, str]] = {}
    for r, values in enumerate(ws.iter_rows(values_only=True, max_col=2), start=1):
        if not values or _is_empty(values):
            continue
        key = canonical_header(values[0], _PROJECT_KEYS)
        if key is None:
            continue  # the 字段/值 header row, or a free note
        facts[key] = values[1] if len(values) > 1 else None
        cells[key] = (r, "B")
    return RawRow(facts, file, SHEET_PROJECT, None, cells=cells)


def read_workbook(path: Path) -> list[RawProject]:
    file = str(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputError(
            Where(file), f"无法作为 Excel 工作簿打开（{type(exc).__name__}）", ".xlsx 格式的工作簿"
        ) from None
    try:
        for sheet in (SHEET_PROJECT, SHEET_BUDGET, SHEET_INDICATORS):
            if sheet not in wb.sheetnames:
                raise InputError(
                    Where(file, sheet),
                    f"缺少工作表「{sheet}」",
                    f"工作表 {SHEET_PROJECT}、{SHEET_BUDGET}、{SHEET_INDICATORS}",
                )
        facts = _facts(wb[SHEET_PROJECT], file)
        budget = _table(wb[SHEET_BUDGET], file, SHEET_BUDGET, BUDGET_FIELDS)
        indicators = _table(wb[SHEET_INDICATORS], file, SHEET_INDICATORS, INDICATOR_FIELDS)
    finally:
        wb.close()
    return [
        RawProject(facts, budget, indicators, file, Where(file, SHEET_BUDGET), Where(file, SHEET_INDICATORS))
    ]
