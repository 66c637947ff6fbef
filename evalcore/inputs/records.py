"""Raw rows (whatever carrier they came from) → the validated model.

Every carrier reader produces the same `RawProject`: dictionaries keyed by canonical field and
a way to say where each value sits. This module is the only one that turns them into
`evalcore.model` objects, so the same project scores identically from any carrier, and every
problem is reported with the carrier's own coordinates (sheet/row/column or YAML path).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from ..errors import InputError, Where
from ..fields import BUDGET_FIELDS, EVALUATION_TYPES, INDICATOR_FIELDS, PROJECT_FIELDS, by_key
from ..model import (
    DEADLINE,
    QUALITATIVE,
    QUANTITATIVE,
    ROLE_FUNDING,
    ROLE_ITEM,
    ROLE_TOTAL,
    TOTAL_SOURCE,
    BudgetRow,
    Indicator,
    Project,
)
from ..quantities import (
    compatible,
    convert,
    normalize_text,
    normalize_unit,
    parse_number_cell,
    parse_quantity,
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


_DIRECTION_WORDS = {
    "≥": "≥",
    ">=": "≥",
    "≧": "≥",
    "正向": "≥",
    "正向指标": "≥",
    "大于等于": "≥",
    "不低于": "≥",
    ">": ">",
    "大于": ">",
    "=": "=",
    "==": "=",
    "等于": "=",
    "≤": "≤",
    "<=": "≤",
    "≦": "≤",
    "反向": "≤",
    "反向指标": "≤",
    "小于等于": "≤",
    "不高于": "≤",
    "<": "<",
    "小于": "<",
    "定性": QUALITATIVE,
    "定性指标": QUALITATIVE,
    "时限": DEADLINE,
    "时效": DEADLINE,
    "时限指标": DEADLINE,
}
_BOOL_WORDS = {
    "是": True,
    "适用": True,
    "yes": True,
    "y": True,
    "true": True,
    "1": True,
    "√": True,
    "否": False,
    "不适用": False,
    "no": False,
    "n": False,
    "false": False,
    "0": False,
    "×": False,
}
_TOTAL_SPELLINGS = {TOTAL_SOURCE, "资金总额", "合计", "总计", "年度资金合计", "项目资金总额"}
_FUNDING_SPELLINGS = {
    "当年财政拨款": "当年财政拨款",
    "财政拨款": "当年财政拨款",
    "本年财政拨款": "当年财政拨款",
    "上年结转资金": "上年结转资金",
    "上年结转": "上年结转资金",
    "结转资金": "上年结转资金",
    "其他资金": "其他资金",
    "其他": "其他资金",
}


def _text(row: RawRow, key: str) -> str:
    v = row.values.get(key)
    if type(v) is str:  # the common case (CSV, YAML text): keep it cheap, this runs per cell
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


def _required_text(row: RawRow, key: str, kind: str, pid: str | None) -> str:
    t = _text(row, key)
    if not t:
        raise InputError(row.where(key, kind), "缺少必填内容", "非空文本", project_id=pid)
    return t


def _number(
    row: RawRow,
    key: str,
    kind: str,
    pid: str | None,
    *,
    required: bool,
    minimum: float | None = None,
    maximum: float | None = None,
    what: str = "数字",
) -> float | None:
    raw = row.values.get(key)
    try:
        value = parse_number_cell(raw)
    except (ValueError, TypeError):
        raise InputError(
            row.where(key, kind), f"「{raw}」不是数字", f"{what}，如 10", project_id=pid
        ) from None
    if value is None:
        if required:
            raise InputError(row.where(key, kind), "缺少必填数值", what, project_id=pid)
        return None
    if minimum is not None and value < minimum:
        raise InputError(
            row.where(key, kind), f"数值为负数（{raw}）", f"不小于 {minimum:g} 的{what}", project_id=pid
        )
    if maximum is not None and value >= maximum:
        raise InputError(
            row.where(key, kind),
            f"数值过大（{raw}），超出任何项目预算的范围",
            f"小于 {maximum:.0e} 的{what}（按金额单位计）",
            project_id=pid,
        )
    return value


@lru_cache(maxsize=4096)
def budget_role(source: str) -> tuple[str, str]:
    """Classify a budget row and give its standard spelling (其中： prefixes dropped)."""
    s = re.sub(r"^(其中|含)\s*[:：]?\s*", "", normalize_text(source))
    if s in _TOTAL_SPELLINGS:
        return ROLE_TOTAL, TOTAL_SOURCE
    if s in _FUNDING_SPELLINGS:
        return ROLE_FUNDING, _FUNDING_SPELLINGS[s]
    return ROLE_ITEM, s


def build_budget_row(row: RawRow, pid: str | None) -> BudgetRow:
    source = _required_text(row, "source", "budget", pid)
    role, spelled = budget_role(source)
    if role == ROLE_FUNDING and all(_text(row, k) == "" for k in ("initial", "adjusted", "executed")):
        # the printed form lists 上年结转资金 / 其他资金 and leaves them blank when there is no money
        return BudgetRow(spelled, role, 0.0, 0.0, 0.0, None, row.where(None, "budget"), initial_given=False)
    adjusted = _number(
        row, "adjusted", "budget", pid, required=True, minimum=0, maximum=MAX_AMOUNT, what="金额"
    )
    executed = _number(
        row, "executed", "budget", pid, required=True, minimum=0, maximum=MAX_AMOUNT, what="金额"
    )
    initial = _number(
        row, "initial", "budget", pid, required=False, minimum=0, maximum=MAX_AMOUNT, what="金额"
    )
    reported = _number(row, "reported_score", "budget", pid, required=False, what="得分")
    return BudgetRow(
        spelled,
        role,
        adjusted if initial is None else initial,
        adjusted,
        executed,
        reported,
        row.where(None, "budget"),
        initial_given=initial is not None,
    )


@lru_cache(maxsize=1024)
def normalize_direction(raw: str) -> str | None:
    return _DIRECTION_WORDS.get(normalize_text(raw).replace(" ", ""))


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
    """Validate one indicator row. Written for speed (it runs once per row of a provincial
    portfolio): plain cells take the fast path, anything unusual goes through the careful helpers
    that also produce the located errors."""
    v = row.values
    level1, level2, name, direction_raw, target_raw, actual_raw, unit_raw, reason, applicable_raw = [
        x.strip() if type(x) is str else _as_text(x) for x in map(v.get, _INDICATOR_CELLS)
    ]
    if not level1 or not name:
        _required_text(row, "level1" if not level1 else "name", "indicator", pid)
    meaning = interpret(direction_raw, target_raw, actual_raw, unit_raw)
    if meaning[0] == "error":
        _, key, message, expected = meaning
        raise InputError(row.where(key), message, expected, project_id=pid)
    _, direction, target, actual, unit, target_value, actual_value = meaning
    weight = v.get("weight")
    try:
        weight = float(weight) + 0.0  # type: ignore[arg-type]  # + 0.0: "-0" is 0 (one memo key for both)
        if not 0 <= weight < math.inf:  # negative, NaN or infinite: let the careful path say why
            raise ValueError
    except (TypeError, ValueError):
        weight = _number(row, "weight", "indicator", pid, required=True, minimum=0, what="分值")
    reported = v.get("reported_score")
    if reported is None or reported == "":
        reported = None
    else:
        try:
            reported = float(reported) + 0.0  # type: ignore[arg-type]
            if not math.isfinite(reported):
                raise ValueError
        except (TypeError, ValueError):
            reported = _number(row, "reported_score", "indicator", pid, required=False, what="得分")
    applicable = True
    if applicable_raw:
        applicable = _BOOL_WORDS.get(normalize_text(applicable_raw).lower())  # type: ignore[assignment]
        if applicable is None:
            raise InputError(
                row.where("applicable"), f"无法识别「{applicable_raw}」", "是 或 否", project_id=pid
            )
    return Indicator(
        level1,
        level2,
        name,
        direction,
        target,
        actual,
        unit,
        weight,  # type: ignore[arg-type]
        target_value,
        actual_value,
        reported,
        reason,
        applicable,
        row.where(None),
    )


def build_project(raw: RawProject) -> Project:
    """Validate one raw project. Raises InputError at the first problem, naming where it is."""
    f = raw.facts
    pid = _text(f, "project_id") or None
    pid = _required_text(f, "project_id", "project", pid)
    name = _required_text(f, "name", "project", pid)
    department = _required_text(f, "department", "project", pid)
    year_text = _text(f, "year").rstrip("年").strip()
    try:
        year = int(float(normalize_text(year_text)))
        if not 1900 <= year <= 2100:
            raise ValueError(year_text)
    except (ValueError, OverflowError):
        raise InputError(
            f.where("year", "project"),
            f"「{year_text}」不是年份" if year_text else "缺少年度",
            "1900–2100 之间的四位数年份，如 2019",
            project_id=pid,
        ) from None
    etype_raw = _text(f, "evaluation_type") or "self"
    etype = EVALUATION_TYPES.get(etype_raw.lower()) or EVALUATION_TYPES.get(etype_raw)
    if etype is None:
        raise InputError(
            f.where("evaluation_type", "project"),
            f"未知的评价类型「{etype_raw}」",
            "单位自评、部门评价、财政评价（self / department / finance）之一",
            project_id=pid,
        )
    amount_unit = normalize_text(_text(f, "amount_unit")) or "万元"
    if amount_unit not in ("万元", "元"):
        raise InputError(
            f.where("amount_unit", "project"),
            f"未知的金额单位「{amount_unit}」",
            "万元 或 元",
            project_id=pid,
        )
    reported_total = _number(f, "reported_total", "project", pid, required=False, what="得分")
    budget = [build_budget_row(r, pid) for r in raw.budget]
    if not budget:
        raise InputError(raw.budget_where, "没有预算执行数据", "至少一行（如 年度资金总额）", project_id=pid)
    indicators = [build_indicator(r, pid) for r in raw.indicators]
    if not indicators:
        raise InputError(raw.indicators_where, "没有绩效指标", "至少一行三级指标", project_id=pid)
    return Project(
        project_id=pid,
        name=name,
        department=department,
        unit=_text(f, "unit") or department,
        year=year,
        evaluation_type=etype,
        scheme=_text(f, "scheme") or None,
        amount_unit=amount_unit,
        goal_planned=_text(f, "goal_planned"),
        goal_actual=_text(f, "goal_actual"),
        reported_total=reported_total,
        reported_grade=_text(f, "reported_grade") or None,
        budget_note=_text(f, "budget_note"),
        budget=budget,
        indicators=indicators,
        origin=raw.origin,
        where=f.where("project_id", "project"),
        scheme_where=f.where("scheme", "project"),
    )
