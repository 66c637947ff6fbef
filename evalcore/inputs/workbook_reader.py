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


def _table(ws, file: str, sheet: str, fields: tuple[Field, ...]) -> list[RawRow]:
    index = header_index(fields)
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise InputError(Where(file, sheet, 1), "工作表为空", "第 1 行为表头")
    positions: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = canonical_header(cell, index)
        if key and key not in positions:
            positions[key] = i
    for f in fields:
        if f.required and f.key not in positions:
            raise InputError(Where(file, sheet, 1, field=f.label), f"缺少「{f.label}」列",
                             f"表头含「{f.label}」")
    columns = {k: get_column_letter(i + 1) for k, i in positions.items()}
    out = []
    for r, values in enumerate(rows, start=2):
        if _is_empty(values):
            continue
        data = {k: (values[i] if i < len(values) else None) for k, i in positions.items()}
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
        raise InputError(Where(file), f"无法作为 Excel 工作簿打开（{type(exc).__name__}）", ".xlsx 格式的工作簿") from None
    try:
        for sheet in (SHEET_PROJECT, SHEET_BUDGET, SHEET_INDICATORS):
            if sheet not in wb.sheetnames:
                raise InputError(Where(file, sheet), f"缺少工作表「{sheet}」",
                                 f"工作表 {SHEET_PROJECT}、{SHEET_BUDGET}、{SHEET_INDICATORS}")
        facts = _facts(wb[SHEET_PROJECT], file)
        budget = _table(wb[SHEET_BUDGET], file, SHEET_BUDGET, BUDGET_FIELDS)
        indicators = _table(wb[SHEET_INDICATORS], file, SHEET_INDICATORS, INDICATOR_FIELDS)
    finally:
        wb.close()
    return [RawProject(facts, budget, indicators, file, Where(file, SHEET_BUDGET), Where(file, SHEET_INDICATORS))]
