"""时限 (deadline) indicators with a date or a relative deadline: done by the deadline earns the
weight; late, the scheme's fraction of it (0 by default). A numeric 时限 target (`≤12个月`,
`100%`) is scored by the numeric rules."""

from __future__ import annotations

import datetime as dt

from ..model import Indicator
from ..quantities import resolve_relative
from ..schemes import Scheme
from .explain import pct, pts, w
from .outcome import UNRECOGNISED, Outcome, cap
from .rule import define

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


def score_deadline(ind: Indicator, weight: float, scheme: Scheme, year: int) -> Outcome:
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
        expl = DEADLINE_RULE.explain(
            "on_time", inputs, {"due": due_text, "actual": a.raw, "full": pts(weight)}, formula=formula
        )
        return Outcome(weight, None, True, expl)
    score = cap(weight * late, weight)
    why = "逾期或未完成" if on_time is False else "无法判断是否按期完成（按逾期计）"
    expl = DEADLINE_RULE.explain(
        "late",
        inputs,
        {
            "due": due_text,
            "actual": a.raw,
            "why": why,
            "weight": w(weight),
            "late": pct(late, 0),
            "score": pts(weight * late),
        },
        formula=formula,
    )
    return Outcome(score, None, False, expl, None, (UNRECOGNISED,) if on_time is None else ())
