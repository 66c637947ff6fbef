"""Numeric indicators: 正向 (≥ >), 等于 (=, and a target of 0), 反向 (≤ <: linear or ratio), and a
numeric 时限 target (a rate scored like 正向, a duration like 反向). DOMAIN.md "Quantitative indicators".

Each rule is defined once (title, formula, a template per case) beside the function that applies
it; the numbers are formatted per row (`146人次 ÷ 200人次 = 73.0%；10 × 73.0% = 7.30`). The engine
calls these once per distinct row of a batch.
"""

from __future__ import annotations

from ..quantities import with_unit
from ..schemes import Scheme
from ..vocabulary import DEADLINE, DOWNWARD, EQ, GE, GT
from .explain import pct, pct_of, pts, w
from .outcome import DEDUCTED, NEGATIVE_ACTUAL, Outcome, cap
from .rule import define

# -- 正向 / 等于 ----------------------------------------------------------------------------------
_PROPORTIONAL = "实际值 ≥ 目标值 得满分；否则 分值 × 实际值 ÷ 目标值"
_PROPORTIONAL_CASES = {
    "met": "{actual} ÷ {target} = {ratio}，达到目标；得满分 {full}",
    "short": "{actual} ÷ {target} = {ratio}；{weight} × {ratio} = {score}",
    "deducted": (
        "{actual} ÷ {target} = {ratio}，超出目标 {deviation}（≥ {threshold}，目标设定偏低，按偏离度扣分）；"
        "{weight} × (1 − {deviation}) = {score}"
    ),
    "nonpositive_met": "目标 {target}，实际 {actual}；达到目标，得满分 {full}",
    "nonpositive_unmet": "目标 {target}，实际 {actual}；未达到目标，得 {score} 分",
}
POSITIVE = define(
    "positive",
    "正向指标",
    _PROPORTIONAL,
    reference="DOMAIN.md 定量指标 ≥ >；财预〔2020〕10号",
    **_PROPORTIONAL_CASES,
)
EQUAL = define("equal", "等于型指标", _PROPORTIONAL, reference="DOMAIN.md 定量指标 =", **_PROPORTIONAL_CASES)
DEADLINE_RATE = define(
    "deadline_rate",
    "时限指标（按完成比例）",
    _PROPORTIONAL,
    reference="DOMAIN.md 时限：完成及时率等比率目标",
    **_PROPORTIONAL_CASES,
)
ZERO_TARGET = define(
    "zero_target",
    "等于型指标（零目标）",
    "实际 ≤ 0 得满分，否则 0 分",
    reference="DOMAIN.md 定量指标 =：目标为 0（如 0次 事故）",
    met="目标 {target}，实际 {actual}；达到目标，得满分 {full}",
    unmet="目标 {target}，实际 {actual}；未达到零目标，得 {score} 分",
)


def _proportional(
    direction: str, comparator: str | None, t: float, a: float, u: str | None, weight: float, scheme: Scheme
) -> Outcome:
    flags: tuple[str, ...] = ()
    inputs: dict[str, object] = {"target": t, "actual": a, "unit": u, "weight": weight}
    if a < 0:  # a negative actual counts as 0
        flags, a = (NEGATIVE_ACTUAL,), 0.0
    target, actual = with_unit(t, u), with_unit(a, u)
    if direction == EQ and t == 0:
        met = a <= 0
        score = weight if met else 0.0
        case = "met" if met else "unmet"
        return Outcome(
            score,
            None,
            met,
            ZERO_TARGET.explain(
                case, inputs, {"target": target, "actual": actual, "full": pts(weight), "score": pts(0)}
            ),
            None,
            flags,
        )
    upward = direction in (GE, GT) or (direction == DEADLINE and comparator != EQ)
    rule = (DEADLINE_RATE if direction == DEADLINE else POSITIVE) if upward else EQUAL
    if t <= 0:
        met = a >= t
        case = "nonpositive_met" if met else "nonpositive_unmet"
        text = rule.explain(
            case, inputs, {"target": target, "actual": actual, "full": pts(weight), "score": pts(0)}
        )
        return Outcome(weight if met else 0.0, None, met, text, None, flags)
    ratio = a / t
    oa = scheme.quantitative.over_achievement
    if ratio >= 1:
        if ratio >= oa.threshold and oa.deduct:
            deviation = ratio - 1
            score = max(0.0, weight * (1 - deviation))
            expl = rule.explain(
                "deducted",
                inputs,
                {
                    "actual": actual,
                    "target": target,
                    "ratio": pct(ratio),
                    "deviation": pct(deviation),
                    "threshold": pct(oa.threshold, 0),
                    "weight": w(weight),
                    "score": pts(score),
                },
            )
            return Outcome(cap(score, weight), ratio, True, expl, None, (*flags, DEDUCTED))
        expl = rule.explain(
            "met", inputs, {"actual": actual, "target": target, "ratio": pct(ratio), "full": pts(weight)}
        )
        return Outcome(weight, ratio, True, expl, None, flags)
    score = weight * ratio
    shown = pct_of(ratio, weight, score)
    expl = rule.explain(
        "short",
        inputs,
        {"actual": actual, "target": target, "ratio": shown, "weight": w(weight), "score": pts(score)},
    )
    return Outcome(cap(score, weight), ratio, False, expl, None, flags)


# -- 反向 ------------------------------------------------------------------------------------------
_REVERSE_CASES = {
    "met": "{actual} ≤ {target}，未超出目标；得满分 {full}",
    "nonpositive": "目标 {target}，实际 {actual} 超出目标；得 {score} 分",
}
REVERSE_LINEAR = define(
    "reverse_linear",
    "反向指标（线性扣分）",
    "实际值 ≤ 目标值 得满分；否则 分值 × max(0, 1 − (实际值 − 目标值) ÷ 目标值)",
    reference="DOMAIN.md 定量指标 ≤ <：linear（默认）",
    over="{actual} 超出目标 {target} {excess}；{weight} × max(0, 1 − {excess}) = {score}",
    **_REVERSE_CASES,
)
REVERSE_RATIO = define(
    "reverse_ratio",
    "反向指标（比例计分）",
    "实际值 ≤ 目标值 得满分；否则 分值 × 目标值 ÷ 实际值",
    reference="DOMAIN.md 定量指标 ≤ <：ratio",
    over="{target} ÷ {actual} = {ratio}；{weight} × {ratio} = {score}",
    **_REVERSE_CASES,
)


def _reverse(t: float, a: float, u: str | None, weight: float, scheme: Scheme) -> Outcome:
    flags: tuple[str, ...] = ()
    inputs: dict[str, object] = {"target": t, "actual": a, "unit": u, "weight": weight}
    if a < 0:
        flags, a = (NEGATIVE_ACTUAL,), 0.0
    linear = scheme.quantitative.reverse_formula == "linear"
    rule = REVERSE_LINEAR if linear else REVERSE_RATIO
    target, actual = with_unit(t, u), with_unit(a, u)
    completion = (a / t) if t > 0 else None
    if a <= t:
        return Outcome(
            weight,
            completion,
            True,
            rule.explain("met", inputs, {"actual": actual, "target": target, "full": pts(weight)}),
            None,
            flags,
        )
    if t <= 0:
        return Outcome(
            0.0,
            None,
            False,
            rule.explain("nonpositive", inputs, {"target": target, "actual": actual, "score": pts(0)}),
            None,
            flags,
        )
    if linear:
        excess = (a - t) / t
        score = weight * max(0.0, 1 - excess)
        expl = rule.explain(
            "over",
            inputs,
            {
                "actual": actual,
                "target": target,
                "excess": pct(excess),
                "weight": w(weight),
                "score": pts(score),
            },
        )
    else:
        ratio = t / a
        score = weight * ratio
        shown = pct_of(ratio, weight, score)
        expl = rule.explain(
            "over",
            inputs,
            {"target": target, "actual": actual, "ratio": shown, "weight": w(weight), "score": pts(score)},
        )
    return Outcome(cap(score, weight), completion, False, expl, None, flags)


def _deadline_is_reverse(comparator: str | None, unit: str | None) -> bool:
    """A numeric 时限 target: a duration (`≤12个月`, `30天`) is reverse; a rate (`≥100%`, `100%`
    完成及时率) or an explicit ≥/>/= is scored like a positive indicator."""
    if comparator:
        return comparator in DOWNWARD
    return unit != "%"


def numeric(
    direction: str,
    comparator: str | None,
    target: float,
    actual: float,
    unit: str | None,
    weight: float,
    scheme: Scheme,
) -> Outcome:
    """A numeric target and actual scored by the positive/equal/reverse rules."""
    if direction in DOWNWARD or (direction == DEADLINE and _deadline_is_reverse(comparator, unit)):
        return _reverse(target, actual, unit, weight, scheme)
    return _proportional(direction, comparator, target, actual, unit, weight, scheme)
