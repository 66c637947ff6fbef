"""Evaluations as plain dictionaries: the `score --json` contract of SPEC (unrounded numbers;
`total` is the scheme's rounded total), also the data the notebooks and reports read."""

from __future__ import annotations

from ..evaluation import Evaluation
from ..model import BudgetRow
from ..rules import IndicatorScore


def _budget_row(r: BudgetRow) -> dict[str, object]:
    return {"source": r.source, "role": r.role, "initial": r.initial, "adjusted": r.adjusted,
            "executed": r.executed, "execution_rate": r.executed / r.adjusted if r.adjusted > 0 else None,
            "reported_score": r.reported_score}


def _indicator(s: IndicatorScore) -> dict[str, object]:
    i = s.indicator
    return {"level1": i.level1, "level2": i.level2, "name": i.name, "category": s.category,
            "direction": i.direction, "target": i.target.raw, "actual": i.actual.raw, "unit": i.unit,
            "weight": s.weight, "score": s.score, "reported_score": i.reported_score, "completion": s.completion,
            "met": s.met, "level": s.level, "rule": s.explanation.rule, "formula": s.explanation.formula,
            "explanation": s.explanation.text, "deviation_reason": i.deviation_reason, "applicable": True}


def evaluation_record(ev: Evaluation) -> dict[str, object]:
    c, p, b = ev.card, ev.card.project, ev.card.budget
    indicators = [_indicator(s) for s in c.indicators]
    indicators += [{"level1": i.level1, "level2": i.level2, "name": i.name, "category": None,
                    "direction": i.direction, "target": i.target.raw, "actual": i.actual.raw, "unit": i.unit,
                    "weight": i.weight, "score": None, "reported_score": i.reported_score, "completion": None,
                    "met": None, "level": None, "rule": "不适用", "formula": "",
                    "explanation": "不适用，剔除后按百分制折算", "deviation_reason": i.deviation_reason,
                    "applicable": False} for i in c.not_applicable]
    return {
        "project_id": p.project_id, "name": p.name, "department": p.department, "unit": p.unit, "year": p.year,
        "evaluation_type": p.evaluation_type, "scheme": c.scheme.id, "source": p.origin,
        "total": c.total, "total_raw": c.total_raw, "grade": c.grade, "scale": c.scale,
        "reported_total": p.reported_total, "reported_grade": p.reported_grade, "amount_unit": p.amount_unit,
        "budget": {"initial": b.initial, "adjusted": b.adjusted, "executed": b.executed,
                   "execution_rate": b.execution_rate, "initial_rate": b.initial_rate, "score": b.score,
                   "weight": b.weight, "reported_score": b.reported_score, "basis": b.basis,
                   "explanation": b.explanation.text, "rows": [_budget_row(r) for r in p.budget]},
        "categories": [{"name": k.name, "weight": k.weight, "itemised_weight": k.itemised_weight, "score": k.score}
                       for k in c.categories],
        "indicators": indicators,
        "findings": [f.as_dict() for f in ev.findings],
    }
