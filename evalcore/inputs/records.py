"""Raw rows (whatever carrier they came from) → the validated model.

Every carrier reader produces the same `RawProject`: dictionaries keyed by canonical field and
a way to say where each value sits. This module is the only one that turns them into
`evalcore.model` objects, so the same project scores identically from any carrier, and every
problem is reported with the carrier's own coordinates (sheet/row/column or YAML path).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ..errors import InputError, Where
from ..fields import BUDGET_FIELDS, EVALUATION_TYPES, INDICATOR_FIELDS, PROJECT_FIELDS, by_key
from ..model import ROLE_FUNDING, ROLE_ITEM, ROLE_TOTAL, BudgetRow, Indicator, Project
from ..quantities import (
    compatible,
    convert,
    normalize_text,
    normalize_unit,
    parse_number_cell,
    parse_quantity,
)
from ..vocabulary import (
    BOOL_WORDS,
    DEADLINE,
    DIRECTION_WORDS,
    FUNDING_SPELLINGS,
    QUANTITATIVE,
    TOTAL_SOURCE,
    TOTAL_SPELLINGS,
)

#: Budget amounts at or above this (in the amount unit) are refused: no project's budget is that large,
#: and sums of such numbers overflow to infinity.
MAX_AMOUNT = 1e13

_LABELS = {
    "project": by_key(PROJECT_FIELDS),
    "budget": by_key(BUDGET_FIELDS),
    "indicator": by_key(INDICATOR_FIELDS),
}


@dataclass(slots=True)
class RawRow:
    """One row of raw cells keyed by canonical field, with the coordinates to report problems."""

    values: dict[str, object]
    file: str
    sheet: str | None = None
    row: int | None = None
    columns: dict[str, str] | None = None  # key -> column letter / header (shared by a table's rows)
    path: str | None = None  # YAML path prefix such as indicators[3]
    cells: dict[str, tuple[int, str]] | None = None  # key -> (row, column), 项目信息 sheet

    def where(self, key: str | None = None, kind: str = "indicator") -> Where:
        if key is None and self.path is None:
            return Where(self.file, self.sheet, self.row, columns=self.columns)
        label = _LABELS[kind][key].label if key and key in _LABELS[kind] else key
        if self.path is not None:
            p = self.path if key is None else (f"{self.path}.{key}" if self.path else key)
            return Where(self.file, path=p or None, field=label)
        if key and self.cells and key in self.cells:
            row, column = self.cells[key]
            return Where(self.file, self.sheet, row, column, field=label)
        column = self.columns.get(key) if key and self.columns else None
        return Where(self.file, self.sheet, self.row, column, field=label)


@dataclass(slots=True)
class RawProject:
    facts: RawRow
    budget: list[RawRow]
    indicators: list[RawRow]
    origin: str
    budget_where: Where
    indicators_where: Where


def _text(row: RawRow, key: str) -> str:
    v = row.values.get(key)
    if type(v) is str:  # the common case (CSV, YAML text): keep it cheap, this runs per cell
        return v.strip()
    return _as_text(v)


def cell_text(v: object) -> str:
    """A cell as stripped text (a float that is a whole number without its `.0`; NaN and None blank)."""
    if type(v) is str:
        return v.strip()
    return _as_text(v)


def _as_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v != v:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


class CellProblem(ValueError):
    """A cell that cannot be used, said without its place: the carrier adds where it sits."""

    def __init__(self, key: str, message: str, expected: str) -> None:
        super().__init__(message)
        self.key, self.message, self.expected = key, message, expected


@dataclass(frozen=True, slots=True)
class NumberCell:
    """How a numeric cell is read: required or not, its bounds, what it is called."""

    required: bool
    what: str = "数字"
    minimum: float | None = None
    maximum: float | None = None


WEIGHT = NumberCell(required=True, what="分值", minimum=0)
SCORE = NumberCell(required=False, what="得分")
AMOUNT = NumberCell(required=True, what="金额", minimum=0, maximum=MAX_AMOUNT)
OPTIONAL_AMOUNT = NumberCell(required=False, what="金额", minimum=0, maximum=MAX_AMOUNT)


def read_number(raw: object, key: str, cell: NumberCell) -> float | None:
    """A numeric cell (weight, amount, score) as the form means it; CellProblem says why not."""
    try:
        value = parse_number_cell(raw)
    except (ValueError, TypeError):
        raise CellProblem(key, f"「{raw}」不是数字", f"{cell.what}，如 10") from None
    if value is None:
        if cell.required:
            raise CellProblem(key, "缺少必填数值", cell.what)
        return None
    if cell.minimum is not None and value < cell.minimum:
        raise CellProblem(key, f"数值为负数（{raw}）", f"不小于 {cell.minimum:g} 的{cell.what}")
    if cell.maximum is not None and value >= cell.maximum:
        raise CellProblem(
            key,
            f"数值过大（{raw}），超出任何项目预算的范围",
            f"小于 {cell.maximum:.0e} 的{cell.what}（按金额单位计）",
        )
    return value


def required_text(text: str, key: str) -> str:
    """A text cell that must be filled in (already stripped)."""
    if not text:
        raise CellProblem(key, "缺少必填内容", "非空文本")
    return text


def _located(row: RawRow, kind: str, pid: str | None, problem: CellProblem) -> InputError:
    return InputError(row.where(problem.key, kind), problem.message, problem.expected, project_id=pid)


@lru_cache(maxsize=4096)
def budget_role(source: str) -> tuple[str, str]:
    """Classify a budget row and give its standard spelling (其中： prefixes dropped)."""
    s = re.sub(r"^(其中|含)\s*[:：]?\s*", "", normalize_text(source))
    if s in TOTAL_SPELLINGS:
        return ROLE_TOTAL, TOTAL_SOURCE
    if s in FUNDING_SPELLINGS:
        return ROLE_FUNDING, FUNDING_SPELLINGS[s]
    return ROLE_ITEM, s


#: The number cells of a 预算执行 row, in the order budget_row_from takes them, and how each is read.
BUDGET_NUMBERS = ("initial", "adjusted", "executed", "reported_score")
BUDGET_CELLS = (OPTIONAL_AMOUNT, AMOUNT, AMOUNT, SCORE)


def parsed_budget_cell(raw: object, column: int) -> float | CellProblem | None:
    """Budget number cell `column` (of BUDGET_NUMBERS) as read_number reads it, the problem
    returned rather than raised: a carrier that reads each distinct cell once keeps the result for
    every row holding the cell, and budget_row_from raises it in the row's order."""
    try:
        return read_number(raw, BUDGET_NUMBERS[column], BUDGET_CELLS[column])
    except CellProblem as p:
        return p


def budget_row(
    source_raw: object, initial_raw: object, adjusted_raw: object, executed_raw: object, reported_raw: object
) -> BudgetRow:
    """One 预算执行 row from its cells (CellProblem: which cell cannot be used, and why)."""
    numbers = (initial_raw, adjusted_raw, executed_raw, reported_raw)
    return budget_row_from(
        cell_text(source_raw),
        all(cell_text(v) == "" for v in numbers[:3]),
        *(parsed_budget_cell(raw, column) for column, raw in enumerate(numbers)),
    )


def budget_row_from(
    source: str,
    blank: bool,
    initial: float | CellProblem | None,
    adjusted: float | CellProblem | None,
    executed: float | CellProblem | None,
    reported: float | CellProblem | None,
) -> BudgetRow:
    """The row-level rules of a 预算执行 row from its source (stripped), whether its three amounts are
    all blank, and its number cells as read (a CellProblem raised in the order a reader checks)."""
    if not source:
        required_text(source, "source")
    role, spelled = budget_role(source)
    if role == ROLE_FUNDING and blank:
        # the printed form lists 上年结转资金 / 其他资金 and leaves them blank when there is no money
        return BudgetRow(spelled, role, 0.0, 0.0, 0.0, None, None, False)
    if (
        type(adjusted) is not float
        or type(executed) is not float
        or (initial is not None and type(initial) is not float)
        or (reported is not None and type(reported) is not float)
    ):
        for value in (adjusted, executed, initial, reported):  # the first problem, in the order read
            if isinstance(value, CellProblem):
                raise value
    return BudgetRow(
        spelled,
        role,
        adjusted if initial is None else initial,  # type: ignore[arg-type]
        adjusted,
        executed,
        reported,  # type: ignore[arg-type]
        None,
        initial is not None,  # initial_given
    )


def build_budget_row(row: RawRow, pid: str | None) -> BudgetRow:
    v = row.values.get
    try:
        out = budget_row(v("source"), v("initial"), v("adjusted"), v("executed"), v("reported_score"))
    except CellProblem as p:
        raise _located(row, "budget", pid, p) from None
    out.where = row.where(None, "budget")
    return out


@lru_cache(maxsize=1024)
def normalize_direction(raw: str) -> str | None:
    return DIRECTION_WORDS.get(normalize_text(raw).replace(" ", ""))


@lru_cache(maxsize=65536)
def interpret(direction_raw: str, target_raw: str, actual_raw: str, unit_raw: str) -> tuple:
    """What a row's direction/target/actual/unit cells mean, or why they cannot be used.

    Returns ("ok", direction, target, actual, unit, target_value, actual_value) or
    ("error", field, message, expected). Pure and cached: portfolios repeat these cells a lot."""
    target, actual = parse_quantity(target_raw), parse_quantity(actual_raw)
    if direction_raw:
        direction = normalize_direction(direction_raw)
        if direction is None:
            return (
                "error",
                "direction",
                f"未知的指标性质「{direction_raw}」",
                "≥、>、=、≤、<、定性、时限 之一",
            )
    elif target.comparator:
        direction = target.comparator
    else:
        return ("error", "direction", "缺少指标性质", "≥、>、=、≤、<、定性、时限 之一")
    column_unit = normalize_unit(unit_raw)
    unit, target_value, actual_value = column_unit, None, None
    numeric_rule = direction in QUANTITATIVE or (direction == DEADLINE and target.kind == "number")
    if numeric_rule and target.kind == "number":
        if target.unit == column_unit and actual.kind == "number" and actual.unit in (None, column_unit):
            # the usual row: one unit everywhere (or none written on the actual) — nothing to convert
            return ("ok", direction, target, actual, column_unit, target.number, actual.number)
        if target.unit and column_unit and not compatible(target.unit, column_unit):
            return (
                "error",
                "target",
                f"年度指标值单位「{target.unit}」与度量单位「{column_unit}」不一致",
                "与度量单位相同或可换算的单位",
            )
        unit = target.unit or column_unit or actual.unit
        target_value = target.number
        if actual.kind == "number":
            a_unit = actual.unit or column_unit or unit
            if not compatible(a_unit, unit):
                return (
                    "error",
                    "actual",
                    f"实际完成值单位「{a_unit}」与年度指标值单位「{unit}」不一致，无法比较",
                    f"以「{unit}」或可换算的单位填写",
                )
            actual_value = convert(actual.number, a_unit, unit)  # type: ignore[arg-type]
    return ("ok", direction, target, actual, unit, target_value, actual_value)


def _weight(raw: object) -> float:
    try:
        weight = float(raw) + 0.0  # type: ignore[arg-type]  # + 0.0: "-0" is 0 (one row for both)
        if 0 <= weight < math.inf:  # negative, NaN or infinite: read_number says why
            return weight
    except (TypeError, ValueError):
        pass
    value = read_number(raw, "weight", WEIGHT)
    assert value is not None
    return value


def _reported(raw: object) -> float | None:
    if raw is None or raw == "":
        return None
    try:
        value = float(raw) + 0.0  # type: ignore[arg-type]
        if math.isfinite(value):
            return value
    except (TypeError, ValueError):
        pass
    return read_number(raw, "reported_score", SCORE)


def indicator_cells(
    direction_raw: str,
    target_raw: str,
    actual_raw: str,
    unit_raw: str,
    weight_raw: object,
    reported_raw: object,
) -> Indicator:
    """What a row's scored cells mean (指标性质, 年度指标值, 实际完成值, 度量单位 — stripped — and
    分值, 自评得分 as given), as an Indicator without names; CellProblem when a cell cannot be used.
    (The scoring engine keeps each distinct row it has read: a province repeats rows thousands of times.)"""
    meaning = interpret(direction_raw, target_raw, actual_raw, unit_raw)
    if meaning[0] == "error":
        _, key, message, expected = meaning
        raise CellProblem(key, message, expected)
    _, direction, target, actual, unit, target_value, actual_value = meaning
    try:  # the usual cells ("10", "7.3") read directly; anything else by the careful readers
        weight = float(weight_raw) + 0.0  # type: ignore[arg-type]
        if not 0 <= weight < math.inf:
            weight = _weight(weight_raw)
    except (TypeError, ValueError):
        weight = _weight(weight_raw)
    reported = None if reported_raw == "" or reported_raw is None else _reported(reported_raw)
    return Indicator(
        "", "", "", direction, target, actual, unit, weight, target_value, actual_value, reported
    )


def applicable_cell(text: str) -> bool:
    """是否适用 (stripped): blank means yes."""
    if not text:
        return True
    value = BOOL_WORDS.get(normalize_text(text).lower())
    if value is None:
        raise CellProblem("applicable", f"无法识别「{text}」", "是 或 否")
    return value


_INDICATOR_CELLS = (
    "level1",
    "level2",
    "name",
    "direction",
    "target",
    "actual",
    "unit",
    "deviation_reason",
    "applicable",
)


def build_indicator(row: RawRow, pid: str | None) -> Indicator:
    """Validate one indicator row: the cells in the order a reader checks them (一级指标 and 三级指标
    first, then what is scored, then 是否适用)."""
    v = row.values
    level1, level2, name, direction_raw, target_raw, actual_raw, unit_raw, reason, applicable_raw = [
        x.strip() if type(x) is str else _as_text(x) for x in map(v.get, _INDICATOR_CELLS)
    ]
    try:
        required_text(level1, "level1")
        required_text(name, "name")
        cells = indicator_cells(
            direction_raw, target_raw, actual_raw, unit_raw, v.get("weight"), v.get("reported_score")
        )
        applicable = applicable_cell(applicable_raw)
    except CellProblem as p:
        raise _located(row, "indicator", pid, p) from None
    return Indicator(
        level1, level2, name, cells.direction, cells.target, cells.actual, cells.unit, cells.weight,
        cells.target_value, cells.actual_value, cells.reported_score, reason, applicable, row.where(None),
    )  # fmt: skip


@lru_cache(maxsize=256)
def read_year(text: str) -> int:
    """年度 (`2019`, `2019年`, `２０１９`): a year from 1900 to 2100 (cached: a portfolio holds a few)."""
    year_text = text.rstrip("年").strip()
    try:
        year = int(float(normalize_text(year_text)))
        if not 1900 <= year <= 2100:
            raise ValueError(year_text)
    except (ValueError, OverflowError):
        raise CellProblem(
            "year",
            f"「{year_text}」不是年份" if year_text else "缺少年度",
            "1900–2100 之间的四位数年份，如 2019",
        ) from None
    return year


@lru_cache(maxsize=256)
def read_evaluation_type(text: str) -> str:
    """评价类型: self, department or finance (blank: self)."""
    raw = text or "self"
    etype = EVALUATION_TYPES.get(raw.lower()) or EVALUATION_TYPES.get(raw)
    if etype is None:
        raise CellProblem(
            "evaluation_type",
            f"未知的评价类型「{raw}」",
            "单位自评、部门评价、财政评价（self / department / finance）之一",
        )
    return etype


@lru_cache(maxsize=256)
def read_amount_unit(text: str) -> str:
    """金额单位: 万元 or 元 (blank: 万元)."""
    unit = normalize_text(text) or "万元"
    if unit not in ("万元", "元"):
        raise CellProblem("amount_unit", f"未知的金额单位「{unit}」", "万元 或 元")
    return unit


_FACT_TEXTS = (
    "project_id", "name", "department", "year", "evaluation_type", "amount_unit", "unit", "scheme", "goal_planned",
    "goal_actual", "reported_grade", "budget_note",
)  # fmt: skip


def project_facts(get: Callable[[str], object]) -> Project:
    """A project's facts (项目信息) from its cells by key, without budget or indicators;
    CellProblem at the first cell that cannot be used."""
    t = {k: v.strip() if type(v := get(k)) is str else cell_text(v) for k in _FACT_TEXTS}
    pid = t["project_id"] or required_text("", "project_id")
    name = t["name"] or required_text("", "name")
    department = t["department"] or required_text("", "department")
    year = read_year(t["year"])
    etype = read_evaluation_type(t["evaluation_type"])
    amount_unit = read_amount_unit(t["amount_unit"])
    reported_total = read_number(get("reported_total"), "reported_total", SCORE)
    return Project(  # positional: this runs once per project of a province's tables
        pid, name, department, t["unit"] or department, year, etype, t["scheme"] or None, amount_unit,
        t["goal_planned"], t["goal_actual"], reported_total, t["reported_grade"] or None, t["budget_note"],
    )  # fmt: skip


def build_project(raw: RawProject) -> Project:
    """Validate one raw project. Raises InputError at the first problem, naming where it is."""
    f = raw.facts
    pid = _text(f, "project_id") or None
    try:
        project = project_facts(f.values.get)
    except CellProblem as p:
        raise _located(f, "project", pid, p) from None
    pid = project.project_id
    budget = [build_budget_row(r, pid) for r in raw.budget]
    if not budget:
        raise InputError(raw.budget_where, "没有预算执行数据", "至少一行（如 年度资金总额）", project_id=pid)
    indicators = [build_indicator(r, pid) for r in raw.indicators]
    if not indicators:
        raise InputError(raw.indicators_where, "没有绩效指标", "至少一行三级指标", project_id=pid)
    project.budget, project.indicators, project.origin = budget, indicators, raw.origin
    project.where, project.scheme_where = f.where("project_id", "project"), f.where("scheme", "project")
    return project
