"""Indicator rules by 指标性质: positive (≥ >), equal (=), reverse (≤ <), deadline (时限), qualitative (定性).

DOMAIN.md is the source of each rule. Scores never exceed the weight and never fall below 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..model import DEADLINE, QUALITATIVE, Indicator
from ..quantities import format_number, resolve_relative, with_unit
from ..schemes import Scheme
from .explain import Explanation, pct, pct_of, pts, w

# Flags an IndicatorScore can carry; the review turns them into findings.
UNMEASURABLE = "unmeasurable"  # a quantitative rule whose target or actual is not a number
UNRECOGNISED = "unrecognised"  # a qualitative/deadline actual the rules cannot classify
CLAMPED = "clamped"  # a qualitative reported score outside its level's band
NEGATIVE_ACTUAL = "negative_actual"
DEDUCTED = "over_achievement_deducted"


@dataclass(slots=True)
class IndicatorScore:
    indicator: Indicator
    category: str
    weight: float
    score: float
    completion: float | None  # actual ÷ target (quantitative), None otherwise
    explanation: Explanation
    level: str | None = None  # qualitative level reached
    met: bool | None = None  # whether the target was met (None: cannot tell)
    flags: tuple[str, ...] = field(default_factory=tuple)


# Names and formulas of the numeric rules (_positive, _reverse), in one place. Their texts are
# f-strings in the rules themselves: these run once per distinct row of a whole province.
RULE_POSITIVE, RULE_EQUAL = "正向指标", "等于型指标"
FORMULA_POSITIVE = "实际值 ≥ 目标值 得满分；否则 分值 × 实际值 ÷ 目标值"
RULE_REVERSE = {"linear": "反向指标（线性扣分）", "ratio": "反向指标（比例计分）"}
FORMULA_REVERSE = {
    "linear": "实际值 ≤ 目标值 得满分；否则 分值 × max(0, 1 − (实际值 − 目标值) ÷ 目标值)",
    "ratio": "实际值 ≤ 目标值 得满分；否则 分值 × 目标值 ÷ 实际值",
}


def _cap(score: float, weight: float) -> float:
    return min(max(score, 0.0), weight)


def _positive(
    direction: str, comparator: str | None, t: float, a: float, u: str | None, weight: float, scheme: Scheme
) -> tuple[float, float | None, bool, str, str, str, tuple]:
    flags: tuple[str, ...] = ()
    if a < 0:
        flags, a = (NEGATIVE_ACTUAL,), 0.0
    if direction == "=" and t == 0:
        met = a <= 0
        text = f"目标 {with_unit(t, u)}，实际 {with_unit(a, u)}；" + (
            f"达到目标，得满分 {pts(weight)}" if met else f"未达到零目标，得 {pts(0)} 分"
        )
        return (
            (weight if met else 0.0),
            None,
            met,
            "等于型指标（零目标）",
            "实际 ≤ 0 得满分，否则 0 分",
            text,
            flags,
        )
    positive = direction in ("≥", ">") or (direction == DEADLINE and comparator != "=")
    rule = ("时限指标（按完成比例）" if direction == DEADLINE else RULE_POSITIVE) if positive else RULE_EQUAL
    formula = FORMULA_POSITIVE
    if t <= 0:
        met = a >= t
        text = f"目标 {with_unit(t, u)}，实际 {with_unit(a, u)}；" + (
            f"达到目标，得满分 {pts(weight)}" if met else f"未达到目标，得 {pts(0)} 分"
        )
        return (weight if met else 0.0), None, met, rule, formula, text, flags
    ratio = a / t
    oa = scheme.quantitative.over_achievement
    if ratio >= 1:
        score = weight
        text = f"{with_unit(a, u)} ÷ {with_unit(t, u)} = {pct(ratio)}，达到目标；得满分 {pts(weight)}"
        if ratio >= oa.threshold and oa.deduct:
            deviation = ratio - 1
            score = max(0.0, weight * (1 - deviation))
            flags += (DEDUCTED,)
            text = (
                f"{with_unit(a, u)} ÷ {with_unit(t, u)} = {pct(ratio)}，超出目标 {pct(deviation)}"
                f"（≥ {pct(oa.threshold, 0)}，目标设定偏低，按偏离度扣分）；"
                f"{w(weight)} × (1 − {pct(deviation)}) = {pts(score)}"
            )
        return score, ratio, True, rule, formula, text, flags
    score = weight * ratio
    shown = pct_of(ratio, weight, score)
    text = f"{with_unit(a, u)} ÷ {with_unit(t, u)} = {shown}；{w(weight)} × {shown} = {pts(score)}"
    return score, ratio, False, rule, formula, text, flags


def _reverse(
    t: float, a: float, u: str | None, weight: float, scheme: Scheme
) -> tuple[float, float | None, bool, str, str, str, tuple]:
    flags: tuple[str, ...] = ()
    if a < 0:
        flags, a = (NEGATIVE_ACTUAL,), 0.0
    method = scheme.quantitative.reverse_formula
    rule, formula = RULE_REVERSE[method], FORMULA_REVERSE[method]
    completion = (a / t) if t > 0 else None
    if a <= t:
        text = f"{with_unit(a, u)} ≤ {with_unit(t, u)}，未超出目标；得满分 {pts(weight)}"
        return weight, completion, True, rule, formula, text, flags
    if t <= 0:
        text = f"目标 {with_unit(t, u)}，实际 {with_unit(a, u)} 超出目标；得 {pts(0)} 分"
        return 0.0, None, False, rule, formula, text, flags
    if method == "linear":
        excess = (a - t) / t
        score = weight * max(0.0, 1 - excess)
        shown = pct(excess)
        text = f"{with_unit(a, u)} 超出目标 {with_unit(t, u)} {shown}；{w(weight)} × max(0, 1 − {shown}) = {pts(score)}"
    else:
        ratio = t / a
        score = weight * ratio
        shown = pct_of(ratio, weight, score)
        text = (
            f"{with_unit(t, u)} ÷ {with_unit(a, u)} = {shown}；{w(weight)} × {shown} = {pts(score)}"  # t ÷ a
        )
    return score, completion, False, rule, formula, text, flags


def _deadline_date(ind: Indicator, year: int) -> dt.date | None:
    t = ind.target
    if t.date:
        return t.date
    if t.relative_deadline:
        return resolve_relative(t.relative_deadline, year)
    return dt.date(year, 12, 31) if t.kind in ("empty", "text") else None


def _deadline(ind: Indicator, weight: float, scheme: Scheme, year: int) -> IndicatorScore:
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
    flags: tuple[str, ...] = ()
    if on_time:
        score = weight
        text = f"期限 {due_text}，实际「{a.raw}」，按期完成；得满分 {pts(weight)}"
    else:
        score = weight * late
        why = "逾期或未完成" if on_time is False else "无法判断是否按期完成（按逾期计）"
        if on_time is None:
            flags = (UNRECOGNISED,)
        text = f"期限 {due_text}，实际「{a.raw}」，{why}；{w(weight)} × {pct(late, 0)} = {pts(score)}"
    expl = Explanation(
        "时限指标",
        f"按期完成得满分；逾期得 分值 × {pct(late, 0)}",
        text,
        {
            "target": ind.target.raw,
            "actual": a.raw,
            "deadline": due.isoformat() if due else None,
            "weight": weight,
        },
    )
    return IndicatorScore(ind, "", weight, _cap(score, weight), None, expl, None, bool(on_time), flags)


def qualitative_level(text: str, scheme: Scheme) -> int | None:
    """Index of the level whose keywords the actual matches; most specific (lowest) level first,
    so 未达成 is not read as 达成 and 部分达成 not as 达成."""
    memo = scheme._memo
    key = ("level", text)
    if key not in memo:
        memo[key] = _match_level(text, scheme)
    return memo[key]


_NEGATORS = ("不", "没", "未", "无", "非")


def _negated(text: str, keyword: str) -> bool:
    """Every occurrence of keyword is preceded (within two characters) by a negator: 效果不明显, 没有完成."""
    start, found = 0, False
    while (p := text.find(keyword, start)) != -1:
        found = True
        if not any(n in text[max(0, p - 2) : p] for n in _NEGATORS):
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


def _qualitative(ind: Indicator, weight: float, scheme: Scheme, reason: str | None = None) -> IndicatorScore:
    levels = scheme.qualitative.levels
    idx = qualitative_level(ind.actual.raw, scheme)
    flags: tuple[str, ...] = () if reason is None else (UNMEASURABLE,)
    if idx is None:
        idx = scheme.qualitative.unrecognised_level
        flags += (UNRECOGNISED,)
    level = levels[idx]
    lo, hi = weight * level.min, weight * level.max
    band = f"{format_number(level.min * 100)}%–{format_number(level.max * 100)}%，即 {pts(lo)}–{pts(hi)} 分"
    head = (
        f"实际完成「{ind.actual.raw}」"
        + ("（无法识别，" if UNRECOGNISED in flags else "（")
        + f"按「{level.name}」：{band}）"
    )
    if reason:
        head = f"{reason}，按定性规则评分；" + head
    r = ind.reported_score
    if r is None:
        score = weight * level.default
        tail = f"未填自评得分，取方案默认点 {w(weight)} × {pct(level.default, 0)} = {pts(score)}"
    elif lo - 1e-9 <= r <= hi + 1e-9:
        score = r
        tail = f"自评得分 {format_number(r)} 在区间内，予以采用：{pts(score)}"
    else:
        score = min(max(r, lo), hi)
        flags += (CLAMPED,)
        tail = f"自评得分 {format_number(r)} 不在该档区间内，按区间边界取 {pts(score)}"
    expl = Explanation(
        "定性指标（三档）",
        "按实际完成情况定档，档内采用评价人打分，无打分取默认点",
        f"{head}；{tail}",
        {
            "actual": ind.actual.raw,
            "level": level.name,
            "band": [lo, hi],
            "reported_score": r,
            "weight": weight,
        },
    )
    return IndicatorScore(ind, "", weight, _cap(score, weight), None, expl, level.name, idx == 0, flags)


_MEMO_LIMIT = 100_000  # distinct scored rows remembered per scheme before the memo starts over


def score_indicator(ind: Indicator, weight: float, scheme: Scheme, year: int) -> IndicatorScore:
    """Score one applicable indicator at `weight` (its own weight; rescaling is the caller's).

    The result depends only on the cells below, the scheme and the year, and a portfolio repeats
    the same rows (满意度 ≥90% → 95%, 定性 达成年度指标 …) thousands of times, so each distinct
    row is computed once per scheme. Explanations are immutable and may be shared."""
    key = (
        ind.direction,
        ind.target.raw,
        ind.actual.raw,
        ind.unit,
        ind.target_value,
        ind.actual_value,
        weight,
        ind.reported_score,
        year,
    )
    memo = scheme._memo.setdefault("scores", {})
    hit = memo.get(key)
    if hit is not None:
        return IndicatorScore(ind, "", weight, *hit)
    result = compute_indicator(ind, weight, scheme, year)
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[key] = (result.score, result.completion, result.explanation, result.level, result.met, result.flags)
    return result


def _deadline_is_reverse(comparator: str | None, unit: str | None) -> bool:
    """A numeric 时限 target: a duration (`≤12个月`, `30天`) is reverse; a rate (`≥100%`, `100%`
    完成及时率) or an explicit ≥/>/= is scored like a positive indicator."""
    if comparator:
        return comparator in ("≤", "<")
    return unit != "%"


def numeric_outcome(
    ind: Indicator, weight: float, scheme: Scheme
) -> tuple[float, float | None, bool, str, str, str, tuple[str, ...]] | None:
    """A numeric target and actual scored by the positive/equal/reverse rules: (score capped to
    [0, weight], completion, met, rule, formula, text, flags); None when the row needs another
    rule (qualitative, a deadline date, a value that is not a number). The columnar scorer calls
    this without building an IndicatorScore per distinct row."""
    if ind.direction == QUALITATIVE or ind.target_value is None or ind.actual_value is None:
        return None
    return numeric_values(
        ind.direction, ind.target.comparator, ind.target_value, ind.actual_value, ind.unit, weight, scheme
    )


def numeric_values(
    direction: str,
    comparator: str | None,
    target: float,
    actual: float,
    unit: str | None,
    weight: float,
    scheme: Scheme,
) -> tuple[float, float | None, bool, str, str, str, tuple[str, ...]]:
    """numeric_outcome from the values themselves (the columnar scorer reads plain cells without
    building Quantity objects)."""
    reverse = direction in ("≤", "<") or (direction == DEADLINE and _deadline_is_reverse(comparator, unit))
    score, completion, met, rule, formula, text, flags = (
        _reverse(target, actual, unit, weight, scheme)
        if reverse
        else _positive(direction, comparator, target, actual, unit, weight, scheme)
    )
    return min(max(score, 0.0), weight), completion, met, rule, formula, text, flags  # _cap


def numeric_score(ind: Indicator, weight: float, outcome: tuple) -> IndicatorScore:
    """The IndicatorScore of a numeric_outcome."""
    score, completion, met, rule, formula, text, flags = outcome
    expl = Explanation(
        rule,
        formula,
        text,
        {"target": ind.target_value, "actual": ind.actual_value, "unit": ind.unit, "weight": weight},
    )
    return IndicatorScore(ind, "", weight, score, completion, expl, None, met, flags)


def compute_indicator(ind: Indicator, weight: float, scheme: Scheme, year: int) -> IndicatorScore:
    """score_indicator without its memo, for callers that keep their own (table_scoring)."""
    outcome = numeric_outcome(ind, weight, scheme)
    if outcome is not None:
        return numeric_score(ind, weight, outcome)
    if ind.direction == QUALITATIVE:
        return _qualitative(ind, weight, scheme)
    if ind.direction == DEADLINE and ind.target_value is None:
        return _deadline(ind, weight, scheme, year)
    what = "年度指标值" if ind.target_value is None else "实际完成值"
    raw = ind.target.raw if ind.target_value is None else ind.actual.raw
    return _qualitative(ind, weight, scheme, reason=f"{what}「{raw}」不是可计量的数值")
