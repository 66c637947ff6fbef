"""What a rule makes of one indicator row: its score (never above the weight, never negative), the
explanation, the flags the review reads; and whole-point rounding, which some units apply to every
score (a scheme option)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Indicator
from ..quantities import format_number
from .explain import Explanation, round_half_up
from .rule import EPS, define

# Flags an outcome can carry; findings read them.
UNMEASURABLE = "unmeasurable"  # a quantitative rule whose target or actual is not a number
UNRECOGNISED = "unrecognised"  # a qualitative/deadline actual the rules cannot classify
CLAMPED = "clamped"  # a qualitative reported score outside its level's band
NEGATIVE_ACTUAL = "negative_actual"
DEDUCTED = "over_achievement_deducted"
MISSING_ACTUAL = "missing_actual"  # 实际完成值 left blank: no points (R011)
DETAIL = "detail"  # a `其中：…` row without 分值: shown, not scored, no finding
# how a cell was read (model.Indicator.readings), one flag per kind of reading
INFERRED = "inferred"  # 指标性质 blank, inferred from the target (R013)
CONTRADICTED = "contradicted"  # 指标性质 against the target's own sign (R014)
FRACTION = "fraction"  # `0.93` against a percent target read as 93% (R015)
PLACED = "placed"  # 一级指标 taken from the 二级指标 (the printed cell held only `(50分)`) (R015)
UNWEIGHTED = "unweighted"  # 分值 blank on a row that is not a `其中` detail row (R001)
# what a questionnaire behind the row says of its figure (rules.survey)
SURVEY_FEW = "survey_few"  # fewer than 30 valid responses (R020)
SURVEY_OUTSIDE = "survey_outside"  # the form's own rate outside the questionnaire's 95% interval (R021)
FLAGS = (
    UNMEASURABLE, UNRECOGNISED, CLAMPED, NEGATIVE_ACTUAL, DEDUCTED, MISSING_ACTUAL, DETAIL, INFERRED, CONTRADICTED,
    FRACTION, PLACED, UNWEIGHTED, SURVEY_FEW, SURVEY_OUTSIDE,
)  # fmt: skip
READING_FLAGS = {
    "inferred": INFERRED, "contradicted": CONTRADICTED, "fraction": FRACTION, "level1": PLACED, "unweighted": UNWEIGHTED,
}  # fmt: skip


@dataclass(slots=True)
class Outcome:
    """What a rule makes of one row: everything but the row itself."""

    score: float
    completion: float | None  # actual ÷ target (quantitative), None otherwise
    met: bool
    explanation: Explanation
    level: str | None = None  # qualitative level reached
    flags: tuple[str, ...] = ()


@dataclass(slots=True)
class IndicatorScore:
    indicator: Indicator
    category: str
    weight: float
    score: float
    completion: float | None  # actual ÷ target (quantitative), None otherwise
    explanation: Explanation
    level: str | None = None  # qualitative level reached
    met: bool | None = None  # whether the target was met
    flags: tuple[str, ...] = field(default_factory=tuple)


def cap(score: float, weight: float) -> float:
    """A score lies in [0, weight] (DOMAIN.md: scores never exceed the weight; never negative)."""
    return min(max(score, 0.0), weight)


# -- 取整 ------------------------------------------------------------------------------------------
WHOLE_POINTS = define(
    "whole_points",
    "按整分取整",
    "每项得分四舍五入取整（不超过分值）",
    reference="DOMAIN.md Grades：部分单位每项得分取整（方案 rounding.whole_points）",
    rounded="{text}；按整分取整为 {rounded}",
)


def whole_points(score: float, weight: float, explanation: Explanation) -> tuple[float, Explanation]:
    """Whole-point rounding (a scheme option): never above the weight, and said in the explanation."""
    rounded = min(round_half_up(score), weight)
    if abs(rounded - score) < EPS:
        return score, explanation
    text = WHOLE_POINTS.text("rounded", {"text": explanation.text, "rounded": format_number(rounded)})
    return rounded, Explanation(explanation.rule, explanation.formula, text, explanation.inputs)
