"""From indicator scores to the total and its grade: not-applicable rescaling (按百分制折算),
rounding of the official total, grade bands. Each rule is defined once here, and each function
takes one project's figures or a NumPy column of a whole batch's (the engine passes columns; a
single project is a column of one).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..quantities import format_number
from ..schemes import Scheme
from .explain import round_half_up
from .rule import EPS, define

FULL_MARKS = 100.0

NOT_APPLICABLE = define(
    "not_applicable",
    "不适用指标剔除后按百分制折算",
    "总分 × 100 ÷ (100 − 不适用指标分值)",
    reference="财预〔2020〕10号：不适用的指标不计分，按百分制折算；DOMAIN.md Quantitative indicators",
    dropped="不适用，剔除后按百分制折算",
    scaled="{score} × 100 ÷ (100 − {dropped}) = {total}",
)
TOTAL = define(
    "total",
    "总分",
    "各一级指标得分之和 × 折算系数，四舍五入保留方案规定的小数位",
    reference="DOMAIN.md Grades：保留全精度，只在显示和正式总分时取舍（默认两位小数）",
)
GRADE = define(
    "grade",
    "等级",
    "按方案等级下限（含下限）定级：优 ≥ 90 · 良 ≥ 80 · 中 ≥ 60 · 差 < 60",
    reference="财预〔2020〕10号 第十八条；DOMAIN.md Grades",
)


ITEMISATION = define(
    "itemisation",
    "分值细化",
    "一级指标下各三级指标分值之和（及所在的预算执行率分值）应等于方案分值",
    reference="财预〔2020〕10号 附件1；DOMAIN.md What reviewers find（分值合计 110、细化不足）",
)


def itemisation_gap(weight: Any, itemised: Any, scheme: Scheme) -> Any:
    """How much of a category's weight the form did not itemise (negative: itemised beyond it);
    0 within the scheme's weight tolerance. Takes numbers or NumPy columns."""
    gap = np.subtract(weight, itemised)
    return np.where(np.abs(gap) > scheme.review.weight_tolerance.value, gap, 0.0)


OVER_ITEMISED = define(
    "over_itemised",
    "细化分值超过一级指标分值，按比例折算",
    "一级指标得分 = 各指标得分之和 × 方案分值 ÷ 已细化分值（方案 itemisation.over: cap 时以方案分值为上限）",
    reference="财预〔2020〕10号 按百分制折算；DOMAIN.md What reviewers find（分值合计 110）",
    scaled="各指标得分之和 {raw} × {weight} ÷ {itemised} = {score}",
    capped="各指标得分之和 {raw}，超过方案分值，以 {weight} 为上限",
)
UNSCORED_TOTAL = define(
    "unscored_total",
    "含未计分指标的总分",
    "实际完成值未填的指标不计分；总分旁注明未计分的分值",
    reference="DOMAIN.md Real forms：空白即无佐证",
    total="{total}（{weight} 分指标未填完成值，未计分）",
)


def category_points(earned: np.ndarray, itemised: np.ndarray, scheme: Scheme) -> np.ndarray:
    """Each category's points, never above its scheme weight: a category itemised beyond its weight
    is scaled by weight ÷ itemised (or capped, as the scheme says). Takes [projects, categories]."""
    weights = np.array([c.weight for c in scheme.categories], dtype=np.float64)
    over = itemisation_gap(weights, itemised, scheme) < 0
    if not over.any():
        return earned
    if scheme.itemisation.over == "cap":
        return np.where(over, np.minimum(earned, weights), earned)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(over, earned * weights / itemised, earned)


def capped_total(total_raw: np.ndarray) -> np.ndarray:
    """No total above 100 (a rescaled total of capped categories can only reach it)."""
    return np.minimum(total_raw, FULL_MARKS)


def total_text(total: float, unscored_weight: float) -> str:
    """A total as shown: two decimals, and the weight left unscored for a blank actual if any."""
    shown = f"{total:.2f}"
    if unscored_weight <= EPS:
        return shown
    return UNSCORED_TOTAL.text("total", {"total": shown, "weight": format_number(unscored_weight)})


def not_applicable_scale(dropped_weight: np.ndarray) -> np.ndarray:
    """100 ÷ (100 − dropped weight) where some but not all weight was dropped, else 1."""
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = FULL_MARKS / (FULL_MARKS - dropped_weight)
    return np.where((dropped_weight > 0) & (dropped_weight < FULL_MARKS), scale, 1.0)


def official_total(total_raw: np.ndarray, scheme: Scheme) -> np.ndarray:
    """The scheme's official total: rounded half up to its decimals."""
    return round_half_up(total_raw, scheme.rounding.decimals)


def grade(total: float, scheme: Scheme) -> str:
    """The grade of a total: the first band (highest first) whose lower bound it reaches."""
    for g in scheme.grades:
        if total >= g.min - EPS:
            return g.name
    return scheme.grades[-1].name


def grades(totals: np.ndarray, scheme: Scheme) -> list[str]:
    """grade() of each total of a batch (a portfolio repeats a few hundred distinct totals)."""
    seen: dict[float, str] = {}
    out = []
    for t in totals.tolist():
        g = seen.get(t)
        if g is None:
            g = seen[t] = grade(t, scheme)
        out.append(g)
    return out
