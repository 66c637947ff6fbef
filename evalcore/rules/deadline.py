"""时限 (deadline) indicators with a date or a relative deadline: done by the deadline earns the
weight; late, the scheme's fraction of it (0 by default). A numeric 时限 target (`≤12个月`,
`100%`) is scored by the numeric rules."""

from __future__ import annotations

import datetime as dt

from ..model import Indicator
from ..quantities import date_text, resolve_relative
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
    unknown="期限 {due}，实际「{actual}」，无法判断是否按期完成（请写明完成时间或完成情况），不予计分；得 {score} 分",
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
    month_only = a.date is None and a.relative_deadline is not None and a.relative_deadline[2] is None
    if a.on_time is False:
        on_time = False
    elif done is not None and due is not None:
        # `7月` says the month, not the day: done in the deadline's month is on time
        on_time = (done.year, done.month) <= (due.year, due.month) if month_only else done <= due
    else:
        on_time = a.on_time
    late = scheme.quantitative.deadline_late_fraction
    due_text = date_text(due) if due else ind.target.raw
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
    if on_time is None:
        expl = DEADLINE_RULE.explain(
            "unknown", inputs, {"due": due_text, "actual": a.raw, "score": pts(0)}, formula=formula
        )
        return Outcome(0.0, None, False, expl, None, (UNRECOGNISED,))
    score = cap(weight * late, weight)
    why = "逾期或未完成"
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
    return Outcome(score, None, False, expl)
