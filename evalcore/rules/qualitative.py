"""定性 (qualitative) indicators: the actual text picks one of the scheme's levels (达成 / 部分达成 /
未达成), each a band of the weight; the evaluator's score inside the band is kept, one outside it is
brought to the band, none gives the level's default point. A quantitative row whose value is not
a number is scored here too, and flagged."""

from __future__ import annotations

from ..model import Indicator
from ..quantities import format_number
from ..schemes import Scheme
from ..vocabulary import NEGATORS
from .explain import pct, pts, w
from .outcome import CLAMPED, UNMEASURABLE, UNRECOGNISED, Outcome, cap
from .rule import EPS, define

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


def _as_targeted(ind: Indicator) -> bool:
    """The actual says the target again, word for word (`及时` against `及时`, `改善办学条件` against
    the same): the target was reached, whatever words it uses."""
    a, t = "".join(ind.actual.raw.split()), "".join(ind.target.raw.split())
    return bool(a) and a.rstrip("。.") == t.rstrip("。.")


def _fully_done(ind: Indicator) -> bool:
    """A text target reached as the actual says: the target word for word, or a completion of 100%
    or more (`100%` against `有效提升`, as provinces fill the 实际完成值 of a 定性 row)."""
    a = ind.actual
    return _as_targeted(ind) or (a.kind == "number" and a.unit == "%" and (a.number or 0) >= 100)


def score_qualitative(ind: Indicator, weight: float, scheme: Scheme, reason: str | None = None) -> Outcome:
    levels = scheme.qualitative.levels
    idx = 0 if reason is None and _fully_done(ind) else qualitative_level(ind.actual.raw, scheme)
    flags: tuple[str, ...] = () if reason is None else (UNMEASURABLE,)
    if idx is None:
        idx = scheme.qualitative.unrecognised_level
        flags += (UNRECOGNISED,)
    level = levels[idx]
    lo, hi = weight * level.min, weight * level.max
    rule = QUALITATIVE_RULE
    band = rule.text(
        "band",
        {
            "lo_pct": format_number(level.min * 100),
            "hi_pct": format_number(level.max * 100),
            "lo": pts(lo),
            "hi": pts(hi),
        },
    )
    head = rule.text(
        "head",
        {
            "reason": f"{reason}，按定性规则评分；" if reason else "",
            "actual": ind.actual.raw,
            "unrecognised": "无法识别，" if UNRECOGNISED in flags else "",
            "level": level.name,
            "band": band,
        },
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
            "default",
            inputs,
            {"head": head, "weight": w(weight), "point": pct(level.default, 0), "score": pts(score)},
        )
    elif lo - EPS <= r <= hi + EPS:
        score = r
        expl = rule.explain("kept", inputs, {"head": head, "reported": format_number(r), "score": pts(score)})
    else:
        score = min(max(r, lo), hi)
        flags += (CLAMPED,)
        expl = rule.explain(
            "clamped", inputs, {"head": head, "reported": format_number(r), "score": pts(score)}
        )
    return Outcome(cap(score, weight), None, idx == 0, expl, level.name, flags)
