"""One indicator row under one scheme → its `Outcome`: the rule follows from 指标性质 and what the
cells hold. DOMAIN.md is the source of each rule; each is defined once, in its own module:
- `numeric`: a numeric target and actual (正向 ≥ >, 等于 =, 反向 ≤ <, a numeric 时限), written as
  formulas over columns so the engine scores a batch's distinct numeric rows together;
- `qualitative`: 定性 levels and bands (and a quantitative row whose value is not a number, flagged);
- `deadline`: a 时限 with a date or relative deadline;
- `outcome`: the result of a row, caps, whole-point rounding.
"""

from __future__ import annotations

from ..model import Indicator
from ..schemes import Scheme
from ..vocabulary import DEADLINE, QUALITATIVE
from .deadline import score_deadline
from .numeric import numeric
from .outcome import IndicatorScore, Outcome, whole_points
from .qualitative import score_qualitative
from .reading import unscored, with_readings
from .survey import with_survey


def is_numeric(ind: Indicator) -> bool:
    """Scored by the numeric rules: not 定性, and both target and actual are numbers."""
    return ind.direction != QUALITATIVE and ind.target_value is not None and ind.actual_value is not None


def score_row(ind: Indicator, scheme: Scheme, year: int) -> Outcome:
    """Score one applicable indicator row at its own weight (rescaling is the engine's)."""
    weight = ind.weight
    if ind.detail or ind.actual.kind == "empty":
        out = unscored(ind)
        if out is not None:
            out = with_readings(ind, out)
            return with_survey(ind, out) if ind.survey_basis is not None else out
    if (
        ind.direction != QUALITATIVE and ind.target_value is not None and ind.actual_value is not None
    ):  # is_numeric
        out = numeric(
            ind.direction,
            ind.target.comparator,
            ind.target_value,
            ind.actual_value,
            ind.unit,
            weight,
            scheme,  # type: ignore[arg-type]
        )
    else:
        out = score_other(ind, scheme, year)
    if scheme.rounding.whole_points:
        out.score, out.explanation = whole_points(out.score, weight, out.explanation)
    if ind.readings:
        out = with_readings(ind, out)
    return with_survey(ind, out) if ind.survey_basis is not None else out


def score_other(ind: Indicator, scheme: Scheme, year: int) -> Outcome:
    """A row the numeric rules do not take: 定性; a 时限 date; a quantitative row whose target or
    actual is not a number (scored as 定性 and flagged). No whole-point rounding here."""
    weight = ind.weight
    if ind.direction == QUALITATIVE:
        return score_qualitative(ind, weight, scheme)
    if ind.direction == DEADLINE and ind.target_value is None:
        return score_deadline(ind, weight, scheme, year)
    what = "年度指标值" if ind.target_value is None else "实际完成值"
    raw = ind.target.raw if ind.target_value is None else ind.actual.raw
    return score_qualitative(ind, weight, scheme, reason=f"{what}「{raw}」不是可计量的数值")


def score_indicator(ind: Indicator, weight: float, scheme: Scheme, year: int) -> IndicatorScore:
    """One row as an IndicatorScore (for a caller holding a single Indicator; the engine scores
    batches). `weight` is the row's own weight."""
    if weight != ind.weight:
        raise ValueError("score_indicator scores a row at its own weight")
    out = score_row(ind, scheme, year)
    return IndicatorScore(
        ind, "", weight, out.score, out.completion, out.explanation, out.level, out.met, out.flags
    )


__all__ = ["IndicatorScore", "Outcome", "is_numeric", "score_indicator", "score_other", "score_row"]
