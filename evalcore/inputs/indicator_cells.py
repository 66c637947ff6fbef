"""What an indicator row's scored cells mean: 指标性质 (written, or inferred from the target when
blank — DOMAIN.md, Real forms), 年度指标值 and 实际完成值 with their units, 分值 and 自评得分; a
`其中：…` detail row; a 合计 row that is not an indicator. Pure and cached: a province's portfolio
repeats the same cells thousands of times, and every carrier reads them here."""

from __future__ import annotations

import math
import re
from functools import lru_cache

from ..model import Indicator
from ..quantities import (
    Quantity,
    compatible,
    convert,
    format_number,
    normalize_text,
    normalize_unit,
    parse_quantity,
)
from ..vocabulary import (
    BOOL_WORDS,
    COST_WORDS,
    DEADLINE,
    DETAIL_PREFIXES,
    DIRECTION_NAMES,
    DIRECTION_WORDS,
    DOWNWARD,
    GE,
    LE,
    LEVEL2_PARENTS,
    QUALITATIVE,
    QUANTITATIVE,
    TOTAL_ROW_WORDS,
    UPWARD,
)
from .cells import SCORE, WEIGHT, CellProblem, cell_text, read_number


@lru_cache(maxsize=1024)
def normalize_direction(raw: str) -> str | None:
    return DIRECTION_WORDS.get(normalize_text(raw).replace(" ", ""))


#: What a row's names say about how its cells are read (a bit mask, so a carrier reading columns
#: can key distinct rows by it): under 成本指标, an amount is a ceiling; a `其中：…` row is a detail row.
COST, DETAIL = 1, 2


def is_cost_name(text: str) -> bool:
    """A 一级/二级指标 of cost (成本指标, 经济成本指标)."""
    return any(w in text for w in COST_WORDS)


def is_detail_name(text: str) -> bool:
    """A 三级指标 that opens a detail row (其中：…)."""
    return normalize_text(text).startswith(DETAIL_PREFIXES)


def row_context(level1: str, level2: str, name: str) -> int:
    """COST | DETAIL as a row's 一级/二级/三级指标 names say."""
    cost = is_cost_name(level1) or is_cost_name(level2)
    return (COST if cost else 0) | (DETAIL if is_detail_name(name) else 0)


def infer_direction(target: Quantity, unit: str | None, context: int) -> str:
    """指标性质 from the target as written (DOMAIN.md, Real forms): its own sign; a bare number →
    ≥ (an amount under 成本指标 → ≤); a date, month, quarter, `…前`, `…底` → 时限; text → 定性."""
    if target.comparator:
        return target.comparator
    if target.kind == "number":
        money = "元" in (target.unit or unit or "")
        return LE if money and context & COST else GE
    if target.kind == "date":
        return DEADLINE
    return QUALITATIVE


@lru_cache(maxsize=65536)
def interpret(direction_raw: str, target_raw: str, actual_raw: str, unit_raw: str, context: int = 0) -> tuple:
    """What a row's direction/target/actual/unit cells mean, or why they cannot be used.

    Returns ("ok", direction, target, actual, unit, target_value, actual_value, readings) or
    ("error", field, message, expected); `readings` says each guess made ((code, sentence): the
    指标性质 inferred, a 指标性质 the target's sign overrules, `0.93` read as 93%). Pure and cached:
    portfolios repeat these cells a lot."""
    target, actual = parse_quantity(target_raw), parse_quantity(actual_raw)
    column_unit = normalize_unit(unit_raw)
    readings: tuple[tuple[str, str], ...] = ()
    if direction_raw:
        direction = normalize_direction(direction_raw)
        if direction is None:
            return (
                "error",
                "direction",
                f"未知的指标性质「{direction_raw}」",
                "≥、>、=、≤、<、定性、时限 之一（或留空，按年度指标值推定）",
            )
        sign = target.comparator
        if sign and (
            (sign in UPWARD and direction in DOWNWARD) or (sign in DOWNWARD and direction in UPWARD)
        ):
            readings = (
                (
                    "contradicted",
                    f"指标性质「{direction_raw}」与年度指标值「{target_raw}」的「{sign}」方向相反，"
                    f"按年度指标值计分（{DIRECTION_NAMES[sign]}）",
                ),
            )
            direction = sign
    else:
        direction = infer_direction(target, column_unit, context)
        shown = target_raw or "（空）"
        readings = (("inferred", f"指标性质未填，按年度指标值「{shown}」推定为{DIRECTION_NAMES[direction]}"),)
    unit, target_value, actual_value = column_unit, None, None
    numeric_rule = direction in QUANTITATIVE or (direction == DEADLINE and target.kind == "number")
    a_number = actual.number if actual.kind in ("number", "date") else None
    if numeric_rule and target.kind == "number":
        if target.unit == column_unit and actual.kind == "number" and actual.unit in (None, column_unit):
            # the usual row: one unit everywhere (or none written on the actual) — nothing to convert
            unit, target_value, actual_value = column_unit, target.number, actual.number
        else:
            if target.unit and column_unit and not compatible(target.unit, column_unit):
                return (
                    "error",
                    "target",
                    f"年度指标值单位「{target.unit}」与度量单位「{column_unit}」不一致",
                    "与度量单位相同或可换算的单位",
                )
            unit = target.unit or column_unit or actual.unit
            target_value = target.number
            if a_number is not None:
                a_unit = actual.unit or column_unit or unit
                if not compatible(a_unit, unit):
                    return (
                        "error",
                        "actual",
                        f"实际完成值单位「{a_unit}」与年度指标值单位「{unit}」不一致，无法比较",
                        f"以「{unit}」或可换算的单位填写",
                    )
                actual_value = convert(a_number, a_unit, unit)  # type: ignore[arg-type]
        if (
            unit == "%"
            and actual.kind == "number"
            and actual.unit is None
            and actual_value is not None
            and 0 < actual_value <= FRACTION_LIMIT < (target_value or 0)
        ):
            readings += (
                (
                    "fraction",
                    f"实际完成值「{actual_raw}」未写 %，年度指标值为百分比，按比例读作 "
                    f"{format_number(round(actual_value * 100, 10))}%",
                ),
            )
            actual_value = actual_value * 100
    return ("ok", direction, target, actual, unit, target_value, actual_value, readings)


#: A bare actual at or under this, against a percent target above it, is a fraction (0.93 → 93%).
FRACTION_LIMIT = 1.5


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
    context: int = 0,
) -> Indicator:
    """What a row's scored cells mean (指标性质, 年度指标值, 实际完成值, 度量单位 — stripped — and
    分值, 自评得分 as given), as an Indicator without names; CellProblem when a cell cannot be used.
    `context` is `row_context` of the row's names: a `其中：…` row with a blank 分值 is a detail row.
    (The scoring engine keeps each distinct row it has read: a province repeats rows thousands of times.)"""
    meaning = interpret(direction_raw, target_raw, actual_raw, unit_raw, context)
    if meaning[0] == "error":
        _, key, message, expected = meaning
        raise CellProblem(key, message, expected)
    _, direction, target, actual, unit, target_value, actual_value, readings = meaning
    weight: float | None
    try:  # the usual cells ("10", "7.3") read directly; anything else by the careful readers
        weight = float(weight_raw) + 0.0  # type: ignore[arg-type]
        if not 0 <= weight < math.inf:
            # a NaN float is a blank cell (pandas); the text `NaN`, `inf` is no number anyone wrote
            weight = None if weight != weight and type(weight_raw) is float else _weight(weight_raw)
    except (TypeError, ValueError):
        weight = None if cell_text(weight_raw) == "" else _weight(weight_raw)
    if weight is None:  # a `其中` detail row, or a form that prints no 分值: not scored
        reported = None if cell_text(reported_raw) == "" else _reported(reported_raw)
        if not context & DETAIL and (target.kind != "empty" or actual.kind != "empty"):
            readings += (("unweighted", "分值未填"),)  # an empty template line (指标2:) is no finding
        return Indicator(
            "", "", "", direction, target, actual, unit, 0.0, target_value, actual_value, reported,
            readings=readings, detail=True,
        )  # fmt: skip
    reported = None if reported_raw == "" or reported_raw is None else _reported(reported_raw)
    return Indicator(
        "", "", "", direction, target, actual, unit, weight, target_value, actual_value, reported,
        readings=readings,
    )  # fmt: skip


def applicable_cell(text: str) -> bool:
    """是否适用 (stripped): blank means yes."""
    if not text:
        return True
    value = BOOL_WORDS.get(normalize_text(text).lower())
    if value is None:
        raise CellProblem("applicable", f"无法识别「{text}」", "是 或 否")
    return value


_WEIGHT_MARK = re.compile(r"[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]$")


def without_weight_mark(label: str) -> str:
    """A 一级/二级指标 label without the weight a form prints in it: `产出指标(50分)` → `产出指标`."""
    return _WEIGHT_MARK.sub("", "".join(label.split()))


def level1_of(level1: str, level2: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The 一级指标 of a row whose printed 一级 cell holds only its weight (`(50分)`) or nothing: the
    parent of its 二级指标 (数量指标 → 产出指标), said so; any other label as printed."""
    if without_weight_mark(level1):
        return level1, ()
    parent = LEVEL2_PARENTS.get(without_weight_mark(level2))
    if parent is None:
        return level1, ()
    shown = f"印作「{level1}」" if level1 else "未填"
    return parent, (("level1", f"一级指标{shown}，按二级指标「{level2}」归入{parent}"),)


def total_row_label(level1: str, level2: str, name: str) -> str | None:
    """The label of a form's total row (合计, 总分) met among the indicator rows, or None."""
    for text in (name, level1, level2) if not name or name in TOTAL_ROW_WORDS else (name,):
        if normalize_text(text).replace(" ", "") in TOTAL_ROW_WORDS:
            return text
    return None
