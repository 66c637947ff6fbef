"""The national 项目支出绩效自评表 as printed: one project per sheet, found by its labels.

DOMAIN.md «The standard form» and «Real forms across provinces». A sheet is a form when it has a
title ending in 自评表 or an indicator header (一级指标 / 三级指标); other sheets (说明, 填表说明, a
summary, an empty sheet) are not projects. On a form, nothing is found by position:

- the head: 项目名称, 主管部门, 实施单位, 项目编号 … are label cells whose value is the next filled
  cell to the right (or `label：value` in one cell); the year comes from the title line, a 年度
  label or the sheet name; the amount unit from `单位：万元` or a header like `项目资金（万元）`;
- the budget block: the row holding 全年预算数 and 全年执行数 (年初预算数, 分值, 执行率, 得分
  optional), then its rows until the next block; a row's label is the last filled cell left of the
  amounts (a merged `项目资金（万元）` cell at the left is not a row label);
- 年度总体目标: 预期目标 | 实际完成情况, the text below;
- the indicator block: the row holding 一级指标 … 三级指标, 年度指标值, 实际完成值, 分值 (指标性质, 度量单位,
  得分, 偏差原因 optional; spellings from `fields.INDICATOR_FIELDS`), then its rows until the 总分 (or
  合计) row, whose 得分 is the reported total.

Blank cells stay blank (None) and dashes (`—`, `-`, `/`) are blank: the records layer decides what a
blank means. Every row carries its sheet, row number and its own column letters.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from openpyxl.utils import get_column_letter

from ..errors import InputError, Where
from ..fields import (
    BUDGET_FIELDS,
    FORM_BUDGET_EXTRA_HEADERS,
    FORM_FACT_LABELS,
    FORM_TOTAL_LABELS,
    INDICATOR_FIELDS,
    by_key,
    header_index,
)
from .form_labels import (
    Hit,
    cell_text,
    find,
    inline_fact,
    is_title,
    norm,
    right_of,
    unit_header,
    unit_line,
    value_or_none,
    year_in,
    year_line,
)
from .records import RawProject, RawRow
from .sheet_grid import Grid

__all__ = ["is_form", "read_form_sheet", "read_national"]

_BUDGET_INDEX = header_index(BUDGET_FIELDS)
_INDICATOR_INDEX = header_index(INDICATOR_FIELDS)
_BUDGET_LABELS = by_key(BUDGET_FIELDS)
_INDICATOR_LABELS = by_key(INDICATOR_FIELDS)
_FACT_LABELS = frozenset(FORM_FACT_LABELS)
_TOTAL_LABELS = frozenset(norm(t) for t in FORM_TOTAL_LABELS)
_BUDGET_EXTRA = frozenset(norm(t) for t in FORM_BUDGET_EXTRA_HEADERS)

#: Labels that start a block after the budget rows.
_AFTER_BUDGET = frozenset(
    norm(t) for t in ("年度总体目标", "总体目标", "预期目标", "绩效指标", "年度绩效指标")
)
#: The first cell of a row that ends the indicator block when a form has no 总分 row.
_FOOTERS = (
    "填表人",
    "填报人",
    "联系电话",
    "单位负责人",
    "财务负责人",
    "复核发现",
    "注：",
    "注:",
    "说明：",
    "说明:",
)
#: The indicator columns a form must have. 一级指标 may follow from 二级, and 分值 may be absent (Hunan
#: prints none: every row reaches records with a blank 分值); 指标性质, 度量单位, 得分, 偏差原因 too.
_INDICATOR_REQUIRED = ("name", "target", "actual")
_PERCENT_KEYS = ("target", "actual")
NOT_APPLICABLE = "不适用"


_MARKS = re.compile(r"(\([^()]*\))+$")  # `(A)`, `(B/A)`, `(20分*执行率)`, `(%)` after a header


def header_key(text: object, index: dict[str, str]) -> str | None:
    """The field a header cell names: its spelling in `fields.py`, else the same without the marks
    printed after it (`调整预算数(A)`, `全年实际值(B)`, `得分(20分*执行率)`), else a 原因 column."""
    t = norm(text)
    key = index.get(t) or index.get(_MARKS.sub("", t))
    if key is None and "deviation_reason" in index.values() and "原因" in t:
        return "deviation_reason"
    return key


def _header_positions(grid: Grid, r: int, index: dict[str, str]) -> dict[str, int]:
    """Canonical key → column (0-based) of a header row; the first column of each key wins."""
    out: dict[str, int] = {}
    for c, v in enumerate(grid.rows[r]):
        if v is None or not isinstance(v, str):
            continue
        key = header_key(v, index)
        if key and key not in out:
            out[key] = c
    return out


def _indicator_header(grid: Grid) -> int | None:
    for r in range(grid.height):
        keys = _header_positions(grid, r, _INDICATOR_INDEX)
        if "name" in keys and ("level1" in keys or "target" in keys):
            return r
    return None


def is_form(grid: Grid) -> bool:
    """A sheet laid out as a 自评表: a title ending in 自评表, or an indicator header row."""
    for row in grid.rows:
        for v in row:
            if isinstance(v, str) and (is_title(v) or norm(v) in ("一级指标", "三级指标")):
                return True
    return False


def _where(
    file: str, grid: Grid, r: int | None = None, c: int | None = None, label: str | None = None
) -> Where:
    return Where(
        file,
        grid.name,
        None if r is None else r + 1,
        None if c is None else get_column_letter(c + 1),
        field=label,
    )


def _missing(file: str, grid: Grid, label: str, expected: str) -> InputError:
    return InputError(_where(file, grid), f"未找到「{label}」表头", expected)


# ------------------------------------------------------------------------------------------ budget


def _budget_header(grid: Grid, file: str, stop: int) -> tuple[int, dict[str, int]]:
    seen: set[str] = set()
    for r in range(stop):
        keys = _header_positions(grid, r, _BUDGET_INDEX)
        seen |= keys.keys()
        if "adjusted" in keys and "executed" in keys:
            return r, keys
    for key in ("adjusted", "executed"):
        if key not in seen:
            label = _BUDGET_LABELS[key].label
            raise _missing(file, grid, label, f"预算执行表头含「全年预算数」「全年执行数」（{label}）")
    raise _missing(file, grid, "全年预算数」与「全年执行数", "两者在同一表头行")


def _budget_rows(grid: Grid, file: str, head: int, keys: dict[str, int], stop: int) -> list[RawRow]:
    numbers = {k: c for k, c in keys.items() if k != "source"}
    first_amount = min(numbers.values())
    rows: list[RawRow] = []
    for r in range(head + 1, stop):
        texts = grid.row_texts(r)
        if any(norm(t) in _AFTER_BUDGET for t in texts if t):
            break
        if any(norm(t) in _FACT_LABELS for t in texts if t):
            continue  # 预算执行说明 and the like: a fact beside the block, not a budget row
        label_col = None
        for c in range(min(first_amount, len(texts)) - 1, -1, -1):
            if texts[c] and not unit_header(texts[c]) and norm(texts[c]) not in _BUDGET_EXTRA:
                label_col = c
                break
        values = {k: value_or_none(grid.value(r, c)) for k, c in numbers.items()}
        if label_col is None and all(v is None for v in values.values()):
            continue
        source_col = label_col if label_col is not None else keys.get("source", max(first_amount - 1, 0))
        source = value_or_none(grid.value(r, source_col)) if label_col is not None else None
        values["source"] = source.rstrip("：:").strip() if isinstance(source, str) else source
        columns = {k: get_column_letter(c + 1) for k, c in numbers.items()}
        columns["source"] = get_column_letter(source_col + 1)
        rows.append(RawRow(values, file, grid.name, r + 1, columns))
    return rows


# ------------------------------------------------------------------------------------------ goals


_PLANNED = frozenset({"预期目标", "年初设定目标", "年度目标", "设定目标", "年初目标"})


def _goals(grid: Grid, rows: range) -> tuple[str | None, str | None]:
    planned = find(grid, _PLANNED, rows)
    if planned is None:
        label = find(grid, frozenset({"年度总体目标", "总体目标"}), rows)
        if label is None:
            return None, None
        value, _ = right_of(grid, label)
        return (cell_text(value) or None), None
    texts = grid.row_texts(planned.row)  # 实际完成情况, 全年实际完成情况, 年度总体目标完成情况综述 …
    actual = next(
        (Hit(planned.row, c) for c in range(planned.col + 1, len(texts)) if "完成" in texts[c]), None
    )
    for r in range(planned.row + 1, rows.stop):
        texts = grid.row_texts(r)
        if not any(texts):
            continue
        split = actual.col if actual is not None else len(texts)
        left = next((t for t in texts[planned.col : split] if t), None)
        right = next((t for t in texts[split:] if t), None) if actual is not None else None
        return left, right
    return None, None


# ------------------------------------------------------------------------------------------ indicators


def _anchor_value(grid: Grid, r: int, c: int) -> object:
    m = grid.merge_at(r, c)
    return grid.value(m[0], m[1]) if m else None


def _is_total_row(texts: list[str], before: int) -> bool:
    return any(norm(t) in _TOTAL_LABELS for t in texts[:before] if t)


def _indicator_rows(
    grid: Grid, file: str, head: int, keys: dict[str, int]
) -> tuple[list[RawRow], int | None]:
    """The indicator rows, and the 0-based row of the 总分 row (None when the form has none)."""
    rows: list[RawRow] = []
    above: dict[str, object] = {}
    columns = {k: get_column_letter(c + 1) for k, c in keys.items()}
    label_end = keys["target"]
    for r in range(head + 1, grid.height):
        texts = grid.row_texts(r)
        if _is_total_row(texts, label_end):
            return rows, r
        first = next((t for t in texts if t), "")
        if first.startswith(_FOOTERS):
            break
        values: dict[str, object] = {}
        for k, c in keys.items():
            v = value_or_none(grid.value(r, c))
            if k in _PERCENT_KEYS:
                if (r, c) in grid.percent and isinstance(v, int | float):
                    v = _percent_text(v)
                elif isinstance(v, dt.date):  # a date typed into a date-formatted cell
                    v = f"{v.year}年{v.month}月{v.day}日"
            values[k] = v
        if _placeholder(values.get("name")) and all(
            values.get(k) is None for k in ("target", "actual", "weight", "reported_score")
        ):
            for k in ("level1", "level2"):  # a group label on an empty line still heads the rows below
                if k in keys and values[k] is not None:
                    above[k] = values[k]
                    if k == "level1":
                        above.pop("level2", None)
            continue  # an empty line, a printed `……` row, or a merged group cell running on below the rows
        for k in ("level1", "level2"):  # merged down their group, as on paper
            if k not in keys:
                continue
            if values[k] is None:
                values[k] = _anchor_value(grid, r, keys[k]) or above.get(k)
            if values[k] is not None:
                above[k] = values[k]
        if "applicable" not in keys and NOT_APPLICABLE in texts:
            values["applicable"] = "否"
        rows.append(RawRow(values, file, grid.name, r + 1, columns))
    return rows, None


def _placeholder(name: object) -> bool:
    """A 三级指标 cell left blank, or holding only the `……` a printed form leaves for more rows."""
    return name is None or (isinstance(name, str) and not name.strip("…．.。· "))


def _percent_text(value: float) -> str:
    from ..quantities import format_number

    return f"{format_number(round(value * 100, 10))}%"


# ------------------------------------------------------------------------------------------ head


def _facts(grid: Grid, file: str, skip: set[int]) -> RawRow:
    values: dict[str, object] = {}
    cells: dict[str, tuple[int, str]] = {}
    amount_unit: str | None = None
    year: str | None = None
    for r in range(grid.height):
        if r in skip:
            continue
        for c, v in enumerate(grid.rows[r]):
            text = cell_text(v)
            if not text:
                continue
            key = FORM_FACT_LABELS.get(norm(text))
            if key is not None:
                if key in values:
                    continue
                value, at = right_of(grid, Hit(r, c))
                values[key] = value_or_none(value)
                cells[key] = (r + 1, at.letter)
                continue
            inline = inline_fact(text)
            if inline is not None and inline[0] not in values:
                values[inline[0]] = inline[1]
                cells[inline[0]] = (r + 1, get_column_letter(c + 1))
            if year is None:
                year = year_line(text)
            if amount_unit is None:
                amount_unit = unit_line(text) or unit_header(text)
    if isinstance(values.get("year"), str):  # 「2021年度」 beside a 年度 label
        values["year"] = year_in(values["year"], bare=True) or values["year"]
    if values.get("year") is None:
        values["year"] = year or year_in(grid.name, bare=True)
    if values.get("amount_unit") is None and amount_unit:
        values["amount_unit"] = amount_unit
    return RawRow(values, file, grid.name, None, cells=cells)


def read_form_sheet(grid: Grid, file: str) -> RawProject:
    """One form sheet as a raw project; InputError names the block a sheet lacks."""
    ind_head = _indicator_header(grid)
    if ind_head is None:
        raise _missing(
            file, grid, "三级指标", "绩效指标表头：一级指标、二级指标、三级指标、年度指标值、实际完成值、分值"
        )
    keys = _header_positions(grid, ind_head, _INDICATOR_INDEX)
    for key in _INDICATOR_REQUIRED:
        if key not in keys:
            label = _INDICATOR_LABELS[key].label
            raise InputError(
                _where(file, grid, ind_head, None, label),
                f"绩效指标表头缺少「{label}」列",
                f"表头含「{label}」（或其常见写法）",
            )
    budget_head, budget_keys = _budget_header(grid, file, ind_head)
    budget = _budget_rows(grid, file, budget_head, budget_keys, ind_head)
    indicators, total_row = _indicator_rows(grid, file, ind_head, keys)
    data_rows = {r.row - 1 for r in budget} | {r.row - 1 for r in indicators} | {budget_head, ind_head}
    facts = _facts(grid, file, data_rows)
    if facts.values.get("amount_unit") is None:  # `项目资金（万元）` at the head of the budget block
        for r in range(budget_head, budget[-1].row if budget else budget_head + 1):
            unit = next((u for t in grid.row_texts(r) if t and (u := unit_header(t))), None)
            if unit:
                facts.values["amount_unit"] = unit
                break
    planned, actual = _goals(grid, range(budget_head + 1, ind_head))
    if planned is not None and "goal_planned" not in facts.values:
        facts.values["goal_planned"] = planned
    if actual is not None and "goal_actual" not in facts.values:
        facts.values["goal_actual"] = actual
    if total_row is not None:
        if "reported_score" in keys:
            facts.values["reported_total"] = value_or_none(grid.value(total_row, keys["reported_score"]))
            facts.cells["reported_total"] = (total_row + 1, get_column_letter(keys["reported_score"] + 1))
        if "weight" in keys:
            facts.values["weight_total"] = value_or_none(grid.value(total_row, keys["weight"]))
    return RawProject(
        facts,
        budget,
        indicators,
        file,
        _where(file, grid, budget_head),
        _where(file, grid, ind_head),
    )


def read_national(path: Path, grids: list[Grid]) -> list[RawProject | InputError]:
    """Every form sheet of a workbook: its raw project, or the InputError saying what it lacks.
    A workbook with no form sheet at all is one InputError naming the sheets it saw."""
    file = str(path)
    out: list[RawProject | InputError] = []
    for grid in grids:
        if grid.is_empty() or not is_form(grid):
            continue
        try:
            out.append(read_form_sheet(grid, file))
        except InputError as exc:
            out.append(exc)
    if not out:
        names = "、".join(f"「{g.name}」" for g in grids) or "（无）"
        raise InputError(
            Where(file),
            f"没有找到项目支出绩效自评表（工作表：{names}）",
            "含「项目信息」「预算执行」「绩效指标」三个工作表的模板，或每个工作表一张项目支出绩效自评表",
        )
    return out
