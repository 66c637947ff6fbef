"""The satisfaction rate of a questionnaire and its 95% Wilson interval, defined once.

A rate from 20 answers and the same rate from 2,000 are not the same evidence; the interval says
how much a figure can be trusted, and lets a reviewer check a self-reported 98% against what the
questionnaire can support. DOMAIN.md, Questionnaires: centre (p + z²/2n)/(1 + z²/n), half-width
z·√(p(1−p)/n + z²/4n²)/(1 + z²/n), z = 1.96; under 30 responses a rate is not evidence.
"""

from __future__ import annotations

import math

from ..model import Indicator, SurveyBasis
from ..quantities import format_number
from .explain import Explanation, pct, round_half_up
from .outcome import SURVEY_FEW, SURVEY_OUTSIDE, Outcome
from .rule import define

#: z of a two-sided 95% interval.
Z95 = 1.96
#: Fewer valid responses than this and a rate is not evidence (R020).
MIN_RESPONSES = 30

SURVEY_RATE = define(
    "survey_rate",
    "问卷满意率",
    "满意率 =（非常满意 + 满意）÷ 有效问卷数；95% 置信区间按 Wilson 法：中心 (p + z²/2n) ÷ (1 + z²/n)，"
    "半宽 z·√(p(1−p)/n + z²/4n²) ÷ (1 + z²/n)，z = 1.96",
    reference="DOMAIN.md Questionnaires：有效问卷不足 30 份，满意率不足以作为佐证",
    basis="有效问卷 {n} 份，满意率 {rate}（95% 置信区间 {low}–{high}）",
    source="按问卷「{file}」题目「{question}」：{basis}{removed}",
    few="有效问卷仅 {n} 份，不足 {minimum} 份，满意率不足以作为佐证",
    outside="自评满意率 {actual} 在问卷 95% 置信区间 {low}–{high} 之外",
)


def wilson(satisfied: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval (low, high) of `satisfied` out of `n` (both ends in [0, 1]).
    Wilson rather than p ± z·√(p(1−p)/n): that one collapses to a point at 0% and 100% and leaves
    [0, 1] for small n, exactly the cases a 100%-satisfied survey of 12 people is."""
    if n <= 0:
        raise ValueError("a rate needs at least one valid response")
    p = satisfied / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    # the interval holds p exactly (at 100% its top is 1): float noise may not say otherwise
    return max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half))


def basis_text(n: int, rate: float, low: float, high: float) -> str:
    """「有效问卷 186 份，满意率 90.3%（95% 置信区间 85.2%–93.8%）」: how every output says a rate."""
    return SURVEY_RATE.text("basis", {"n": str(n), "rate": pct(rate), "low": pct(low), "high": pct(high)})


def survey_interval(basis: SurveyBasis) -> tuple[float, float]:
    """The 95% interval of a row's questionnaire rate."""
    return wilson(basis.satisfied, basis.valid)


def basis_sentence(basis: SurveyBasis) -> str:
    """「按问卷「…」题目「…」：有效问卷 N 份，满意率 …（95% 置信区间 …–…）」, with what was removed."""
    low, high = survey_interval(basis)
    removed = []
    if basis.duplicates:
        removed.append(f"剔除重复提交 {basis.duplicates} 份")
    if basis.blanks:
        removed.append(f"未作答 {basis.blanks} 份不计")
    pieces = {
        "file": basis.file,
        "question": basis.question,
        "basis": basis_text(basis.valid, basis.rate, low, high),
        "removed": f"（{'，'.join(removed)}）" if removed else "",
    }
    return SURVEY_RATE.text("source", pieces)


def with_survey(ind: Indicator, out: Outcome) -> Outcome:
    """The outcome with the questionnaire behind the row said first in its explanation, and flagged:
    too few responses to be evidence (R020); the form's own rate outside the interval (R021). The
    form's printed actual is scored when it has one (the printed form is the truth); the
    questionnaire weighs it."""
    basis = ind.survey_basis
    if basis is None:
        return out
    low, high = survey_interval(basis)
    said = [basis_sentence(basis)]
    flags = list(out.flags)
    if basis.valid < MIN_RESPONSES:
        said.append(SURVEY_RATE.text("few", {"n": str(basis.valid), "minimum": str(MIN_RESPONSES)}))
        flags.append(SURVEY_FEW)
    if basis.form_actual and ind.actual_value is not None and ind.unit == "%":
        shown_low, shown_high = round_half_up(low * 100, 1), round_half_up(high * 100, 1)
        if not shown_low <= ind.actual_value <= shown_high:
            pieces = {"actual": f"{format_number(ind.actual_value)}%", "low": pct(low), "high": pct(high)}
            said.append(SURVEY_RATE.text("outside", pieces))
            flags.append(SURVEY_OUTSIDE)
    e = out.explanation
    sentence = "；".join(said)
    out.explanation = Explanation(
        e.rule, e.formula, f"{sentence}。{e.text}", {**e.inputs, "survey": sentence}
    )
    out.flags = tuple(flags)
    return out
