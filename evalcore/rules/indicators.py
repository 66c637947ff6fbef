"""Indicator rules by 指标性质: positive (≥ >), equal (=), reverse (≤ <), deadline (时限), qualitative
(定性), and whole-point rounding. DOMAIN.md is the source of each rule.

Each rule is defined once below (`define`: title, formula, explanation templates) next to the code
that applies it. `score_row` is the one entry: one indicator row under one scheme → its `Outcome`
(score, completion, met, level, flags, explanation). Scores never exceed the weight and never fall
below 0 (`cap`). The scoring engine (`evalcore.scoring`) calls `score_row` once per distinct row of
a batch, whatever the carrier, so every path scores a row the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..model import Indicator
from ..quantities import format_number, resolve_relative, with_unit
from ..schemes import Scheme
from ..vocabulary import DEADLINE, DOWNWARD, EQ, GE, GT, NEGATORS, QUALITATIVE
from .explain import Explanation, pct, pct_of, pts, round_half_up, w
from .rule import EPS, define

# Flags an outcome can carry; findings read them.
UNMEASURABLE = "unmeasurable"  # a quantitative rule whose target or actual is not a number
UNRECOGNISED = "unrecognised"  # a qualitative/deadline actual the rules cannot classify
CLAMPED = "clamped"  # a qualitative reported score outside its level's band
NEGATIVE_ACTUAL = "negative_actual"
DEDUCTED = "over_achievement_deducted"
FLAGS = (UNMEASURABLE, UNRECOGNISED, CLAMPED, NEGATIVE_ACTUAL, DEDUCTED)


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
            ZERO_TARGET.explain(case, inputs, target=target, actual=actual, full=pts(weight), score=pts(0)),
            flags=flags,
        )
    upward = direction in (GE, GT) or (direction == DEADLINE and comparator != EQ)
    rule = (DEADLINE_RATE if direction == DEADLINE else POSITIVE) if upward else EQUAL
    if t <= 0:
        met = a >= t
        case = "nonpositive_met" if met else "nonpositive_unmet"
        text = rule.explain(case, inputs, target=target, actual=actual, full=pts(weight), score=pts(0))
        return Outcome(weight if met else 0.0, None, met, text, flags=flags)
    ratio = a / t
    oa = scheme.quantitative.over_achievement
    if ratio >= 1:
        if ratio >= oa.threshold and oa.deduct:
            deviation = ratio - 1
            score = max(0.0, weight * (1 - deviation))
            expl = rule.explain(
                "deducted",
                inputs,
                actual=actual,
                target=target,
                ratio=pct(ratio),
                deviation=pct(deviation),
                threshold=pct(oa.threshold, 0),
                weight=w(weight),
                score=pts(score),
            )
            return Outcome(cap(score, weight), ratio, True, expl, flags=(*flags, DEDUCTED))
        expl = rule.explain("met", inputs, actual=actual, target=target, ratio=pct(ratio), full=pts(weight))
        return Outcome(weight, ratio, True, expl, flags=flags)
    score = weight * ratio
    shown = pct_of(ratio, weight, score)
    expl = rule.explain(
        "short", inputs, actual=actual, target=target, ratio=shown, weight=w(weight), score=pts(score)
    )
    return Outcome(cap(score, weight), ratio, False, expl, flags=flags)


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
            rule.explain("met", inputs, actual=actual, target=target, full=pts(weight)),
            flags=flags,
        )
    if t <= 0:
        return Outcome(
            0.0,
            None,
            False,
            rule.explain("nonpositive", inputs, target=target, actual=actual, score=pts(0)),
            flags=flags,
        )
    if linear:
        excess = (a - t) / t
        score = weight * max(0.0, 1 - excess)
        expl = rule.explain(
            "over",
            inputs,
            actual=actual,
            target=target,
            excess=pct(excess),
            weight=w(weight),
            score=pts(score),
        )
    else:
        ratio = t / a
        score = weight * ratio
        shown = pct_of(ratio, weight, score)
        expl = rule.explain(
            "over", inputs, target=target, actual=actual, ratio=shown, weight=w(weight), score=pts(score)
        )
    return Outcome(cap(score, weight), completion, False, expl, flags=flags)


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


# -- 时限 ------------------------------------------------------------------------------------------
DEADLINE_RULE = define(
    "deadline",
    "时限指标",
    "按期完成得满分；逾期得 分值 × {late}",
    reference="DOMAIN.md 时限（deadline）：按期满分，逾期按方案（默认 0）",
    on_time="期限 {due}，实际「{actual}」，按期完成；得满分 {full}",
    late="期限 {due}，实际「{actual}」，{why}；{weight} × {late} = {score}",
)


def _deadline_date(ind: Indicator, year: int) -> dt.date | None:
    t = ind.target
    if t.date:
        return t.date
    if t.relative_deadline:
        return resolve_relative(t.relative_deadline, year)
    return dt.date(year, 12, 31) if t.kind in ("empty", "text") else None


def _deadline(ind: Indicator, weight: float, scheme: Scheme, year: int) -> Outcome:
    due = _deadline_date(ind, year)
    a = ind.actual
    done: dt.date | None = a.date or (
        resolve_relative(a.relative_deadline, year) if a.relative_deadline else None
    )
    on_time: bool | None
    if a.on_time is False:
        on_time = False
    elif done is not None and due is not None:
        on_time = done <= due
    else:
        on_time = a.on_time
    late = scheme.quantitative.deadline_late_fraction
    due_text = f"{due.year}年{due.month}月{due.day}日" if due else ind.target.raw
    inputs: dict[str, object] = {
        "target": ind.target.raw,
        "actual": a.raw,
        "deadline": due.isoformat() if due else None,
        "weight": weight,
    }
    formula = DEADLINE_RULE.formula.format(late=pct(late, 0))
    if on_time:
        expl = DEADLINE_RULE.explain("on_time", inputs, formula, due=due_text, actual=a.raw, full=pts(weight))
        return Outcome(weight, None, True, expl)
    score = cap(weight * late, weight)
    why = "逾期或未完成" if on_time is False else "无法判断是否按期完成（按逾期计）"
    expl = DEADLINE_RULE.explain(
        "late",
        inputs,
        formula,
        due=due_text,
        actual=a.raw,
        why=why,
        weight=w(weight),
        late=pct(late, 0),
        score=pts(weight * late),
    )
    return Outcome(score, None, False, expl, flags=(UNRECOGNISED,) if on_time is None else ())


# -- 定性 ------------------------------------------------------------------------------------------
QUALITATIVE_RULE = define(
    "qualitative",
    "定性指标（三档）",
    "按实际完成情况定档，档内采用评价人打分，无打分取默认点",
    reference="DOMAIN.md 定性指标：达成 [80%, 100%] · 部分达成 [60%, 80%) · 未达成 [0, 60%)",
    default="{head}；未填自评得分，取方案默认点 {weight} × {point} = {score}",
    kept="{head}；自评得分 {reported} 在区间内，予以采用：{score}",
    clamped="{head}；自评得分 {reported} 不在该档区间内，按区间边界取 {score}",
    head="{reason}实际完成「{actual}」（{unrecognised}按「{level}」：{band}）",
    band="{lo_pct}%–{hi_pct}%，即 {lo}–{hi} 分",
)


def qualitative_level(text: str, scheme: Scheme) -> int | None:
    """Index of the level whose keywords the actual matches; most specific (lowest) level first,
    so 未达成 is not read as 达成 and 部分达成 not as 达成."""
    memo = scheme.cache("qualitative_levels")
    if text not in memo:
        memo[text] = _match_level(text, scheme)
    return memo[text]  # type: ignore[no-any-return]


def _negated(text: str, keyword: str) -> bool:
    """Every occurrence of keyword is preceded (within two characters) by a negator: 效果不明显, 没有完成."""
    start, found = 0, False
    while (p := text.find(keyword, start)) != -1:
        found = True
        if not any(n in text[max(0, p - 2) : p] for n in NEGATORS):
            return False
        start = p + 1
    return found


def _match_level(text: str, scheme: Scheme) -> int | None:
    """The lowest level whose keywords appear un-negated. A text whose only matches are negated
    (效果不明显, 没有完成) is not recognised: it is scored at the scheme's middle level and flagged
    (R011) rather than read as achieved."""
    levels = scheme.qualitative.levels
    lowest = len(levels) - 1
    for i in range(lowest, -1, -1):
        for k in levels[i].keywords:
            if k in text and (i == lowest or not _negated(text, k)):
                return i
    return None


def _qualitative(ind: Indicator, weight: float, scheme: Scheme, reason: str | None = None) -> Outcome:
    levels = scheme.qualitative.levels
    idx = qualitative_level(ind.actual.raw, scheme)
    flags: tuple[str, ...] = () if reason is None else (UNMEASURABLE,)
    if idx is None:
        idx = scheme.qualitative.unrecognised_level
        flags += (UNRECOGNISED,)
    level = levels[idx]
    lo, hi = weight * level.min, weight * level.max
    rule = QUALITATIVE_RULE
    band = rule.text(
        "band",
        lo_pct=format_number(level.min * 100),
        hi_pct=format_number(level.max * 100),
        lo=pts(lo),
        hi=pts(hi),
    )
    head = rule.text(
        "head",
        reason=f"{reason}，按定性规则评分；" if reason else "",
        actual=ind.actual.raw,
        unrecognised="无法识别，" if UNRECOGNISED in flags else "",
        level=level.name,
        band=band,
    )
    r = ind.reported_score
    inputs: dict[str, object] = {
        "actual": ind.actual.raw,
        "level": level.name,
        "band": [lo, hi],
        "reported_score": r,
        "weight": weight,
        "reason": reason,
    }
    if r is None:
        score = weight * level.default
        expl = rule.explain(
            "default", inputs, head=head, weight=w(weight), point=pct(level.default, 0), score=pts(score)
        )
    elif lo - EPS <= r <= hi + EPS:
        score = r
        expl = rule.explain("kept", inputs, head=head, reported=format_number(r), score=pts(score))
    else:
        score = min(max(r, lo), hi)
        flags += (CLAMPED,)
        expl = rule.explain("clamped", inputs, head=head, reported=format_number(r), score=pts(score))
    return Outcome(cap(score, weight), None, idx == 0, expl, level.name, flags)


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
    text = WHOLE_POINTS.text("rounded", text=explanation.text, rounded=format_number(rounded))
    return rounded, Explanation(explanation.rule, explanation.formula, text, explanation.inputs)


# -- one row ---------------------------------------------------------------------------------------


def score_row(ind: Indicator, scheme: Scheme, year: int) -> Outcome:
    """Score one applicable indicator row at its own weight (rescaling is the engine's).

    The rule follows from 指标性质 and what the cells hold: a numeric target and actual → the
    positive/equal/reverse rules; 定性 → the qualitative bands; a 时限 date → the deadline rule;
    a quantitative row whose value is not a number → the qualitative rule, flagged."""
    weight = ind.weight
    if ind.direction != QUALITATIVE and ind.target_value is not None and ind.actual_value is not None:
        out = numeric(
            ind.direction, ind.target.comparator, ind.target_value, ind.actual_value, ind.unit, weight, scheme
        )
    elif ind.direction == QUALITATIVE:
        out = _qualitative(ind, weight, scheme)
    elif ind.direction == DEADLINE and ind.target_value is None:
        out = _deadline(ind, weight, scheme, year)
    else:
        what = "年度指标值" if ind.target_value is None else "实际完成值"
        raw = ind.target.raw if ind.target_value is None else ind.actual.raw
        out = _qualitative(ind, weight, scheme, reason=f"{what}「{raw}」不是可计量的数值")
    if scheme.rounding.whole_points:
        out.score, out.explanation = whole_points(out.score, weight, out.explanation)
    return out


def score_indicator(ind: Indicator, weight: float, scheme: Scheme, year: int) -> IndicatorScore:
    """One row as an IndicatorScore (for a caller holding a single Indicator; the engine scores
    batches). `weight` is the row's own weight."""
    if weight != ind.weight:
        raise ValueError("score_indicator scores a row at its own weight")
    out = score_row(ind, scheme, year)
    return IndicatorScore(
        ind, "", weight, out.score, out.completion, out.explanation, out.level, out.met, out.flags
    )


__all__ = [
    "CLAMPED",
    "DEDUCTED",
    "FLAGS",
    "NEGATIVE_ACTUAL",
    "UNMEASURABLE",
    "UNRECOGNISED",
    "IndicatorScore",
    "Outcome",
    "cap",
    "numeric",
    "qualitative_level",
    "score_indicator",
    "score_row",
    "whole_points",
]
