"""What a project's reports need from the rest of its portfolio: its earlier years and its peers.

A report is rendered from one project file, in a kernel of its own, so it cannot see the other
projects; a batch can. For a batch over several years (or many projects of one year) `contexts`
computes, once for the whole batch, each project's

- `history`: the years of its line (`lineage.match_years`) up to and including its own, each with
  budget, execution, score, grade and every indicator's target, actual and points — what the
  report's 历史比较 shows;
- `findings`: the R016–R019 findings `history.history_findings` added to its evaluation (the
  kernel re-evaluates the project alone and would not find them);
- `peers`: its execution rate and score against the other projects of its year in its department
  and of its kind (the same 二级指标 set): count, rank, percentile (`ranking.position`, the rule
  `Portfolio.peers` uses), median — the report's 横向比较.

The context is plain JSON (`context_record`): the batch writes it beside the project's parameter
file and the notebook reads it (`presentation/comparison.py`). Amounts are in 万元, rates unit-free.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from ..evaluation import Evaluation
from .columns import to_wan
from .lineage import Lineage
from .ranking import kind, position

HISTORY_CODES = ("R016", "R017", "R018", "R019")
#: The 比较范围 of a peer row, in the order a report lists them.
DEPARTMENT_SCOPE, KIND_SCOPE = "主管部门", "同类项目"
MEASURES = (("执行率", "execution_rate"), ("得分", "total"))


def year_record(ev: Evaluation) -> dict[str, object]:
    """One year of a line as the report's 历史比较 shows it (amounts in 万元)."""
    c, p, k = ev.card, ev.project, to_wan(ev.project.amount_unit)
    return {
        "year": p.year,
        "project_id": p.project_id,
        "name": p.name,
        "department": p.department,
        "adjusted": c.budget.adjusted * k,
        "executed": c.budget.executed * k,
        "execution_rate": c.budget.execution_rate,
        "total": c.total,
        "grade": c.grade,
        "indicators": [
            {
                "name": s.indicator.name,
                "unit": s.indicator.unit or "",
                "target": s.indicator.target.raw,
                "actual": s.indicator.actual.raw,
                "weight": s.weight,
                "score": s.score,
                "met": s.met,
            }
            for s in c.indicators
        ],
    }


def kind_of(ev: Evaluation) -> str:
    """A project's kind for 横向比较 (`ranking.kind`: its 功能分类, else its set of 二级指标)."""
    return kind(ev.project.function_class, (s.indicator.level2 for s in ev.card.indicators))


def _peer_rows(
    evs: Sequence[Evaluation], n: int, members: dict[str, list[int]], labels: dict[str, str]
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for scope in (DEPARTMENT_SCOPE, KIND_SCOPE):
        group = members[scope]
        for measure, attr in MEASURES:
            own = _measure(evs[n], attr)
            values = [v for v in (_measure(evs[m], attr) for m in group) if v is not None]
            row: dict[str, object] = {
                "scope": scope,
                "label": labels[scope],
                "measure": measure,
                "value": own,
                "count": len(values),
                "rank": None,
                "percentile": None,
                "median": statistics.median(values) if values else None,
            }
            if own is not None and values:
                row["rank"], row["percentile"] = position(measure, np.asarray(values, dtype="float64"), own)
            rows.append(row)
    return rows


def _measure(ev: Evaluation, attr: str) -> float | None:
    return ev.card.budget.execution_rate if attr == "execution_rate" else ev.card.total


def contexts(evs: Sequence[Evaluation], lineage: Lineage) -> list[dict[str, object]]:
    """The context of every evaluation (by position), once R016–R019 have been added to them."""
    by_department: dict[tuple[int, str], list[int]] = defaultdict(list)
    by_kind: dict[tuple[int, str], list[int]] = defaultdict(list)
    kinds = [kind_of(ev) for ev in evs]
    for n, ev in enumerate(evs):
        by_department[(ev.project.year, ev.project.department)].append(n)
        by_kind[(ev.project.year, kinds[n])].append(n)
    out: list[dict[str, object]] = []
    for n, ev in enumerate(evs):
        year = ev.project.year
        line = [evs[m] for m in lineage.lines[lineage.line_of[n]] if evs[m].project.year <= year]
        members = {
            DEPARTMENT_SCOPE: by_department[(year, ev.project.department)],
            KIND_SCOPE: by_kind[(year, kinds[n])],
        }
        labels = {DEPARTMENT_SCOPE: ev.project.department, KIND_SCOPE: kinds[n]}
        out.append(
            {
                "project_id": ev.project.project_id,
                "year": year,
                "history": [year_record(e) for e in sorted(line, key=lambda e: e.project.year)]
                if len(line) > 1
                else [],
                "findings": [
                    {"code": f.code, "severity": f.severity, "message": f.message, "subject": f.subject}
                    for f in ev.findings
                    if f.code in HISTORY_CODES
                ],
                "peers": _peer_rows(evs, n, members, labels),
                "kind": kinds[n],
            }
        )
    return out
