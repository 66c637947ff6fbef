"""Evaluations as plain dictionaries: the `score --json` contract of SPEC (unrounded numbers;
`total` is the scheme's rounded total), also the data the notebooks and reports read.

The record is built from parts (`project_record`, `indicator_record`, `budget_row_record`) so the
columnar scorer of large table portfolios (`evalcore.pipeline.table_scoring`) writes exactly the
same bytes from the same functions without building a Scorecard per project.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..evaluation import Evaluation
from ..model import BudgetRow, Indicator, Project, SurveyBasis
from ..rules import BudgetScore, IndicatorScore
from ..rules.survey import survey_interval


def budget_row_record(r: BudgetRow) -> dict[str, object]:
    return {
        "source": r.source,
        "role": r.role,
        "initial": r.initial,
        "adjusted": r.adjusted,
        "executed": r.executed,
        "execution_rate": r.executed / r.adjusted if r.adjusted > 0 else None,
        "reported_score": r.reported_score,
    }


def scored_fields(
    direction: str,
    target: str,
    actual: str,
    unit: str | None,
    weight: float,
    score: float,
    reported: float | None,
    completion: float | None,
    met: bool | None,
    level: str | None,
    rule: str,
    formula: str,
    text: str,
) -> dict[str, object]:
    """The part of an indicator's record that its direction/target/actual/unit/weight/reported
    score determine (the columnar scorer serialises it once per distinct row)."""
    return {
        "direction": direction,
        "target": target,
        "actual": actual,
        "unit": unit,
        "weight": weight,
        "score": score,
        "reported_score": reported,
        "completion": completion,
        "met": met,
        "level": level,
        "rule": rule,
        "formula": formula,
        "explanation": text,
    }


def indicator_record(s: IndicatorScore) -> dict[str, object]:
    i, e = s.indicator, s.explanation
    return {
        "level1": i.level1,
        "level2": i.level2,
        "name": i.name,
        "category": s.category,
        **scored_fields(
            i.direction,
            i.target.raw,
            i.actual.raw,
            i.unit,
            s.weight,
            s.score,
            i.reported_score,
            s.completion,
            s.met,
            s.level,
            e.rule,
            e.formula,
            e.text,
        ),
        "deviation_reason": i.deviation_reason,
        "applicable": True,
        **({"survey": survey_basis_record(i.survey_basis)} if i.survey_basis is not None else {}),
    }


def survey_basis_record(b: SurveyBasis) -> dict[str, object]:
    """What a questionnaire gave a 满意度 row (问卷文件): counts, the rate and its 95% Wilson
    interval, as `evalcore survey` prints them. Only rows that name a questionnaire carry it."""
    low, high = survey_interval(b)
    return {
        "file": b.file,
        "question": b.question,
        "valid": b.valid,
        "satisfied": b.satisfied,
        "rate": b.rate,
        "low": low,
        "high": high,
        "duplicates": b.duplicates,
        "blanks": b.blanks,
        "form_actual": b.form_actual,
    }


def not_applicable_record(i: Indicator) -> dict[str, object]:
    return {
        "level1": i.level1,
        "level2": i.level2,
        "name": i.name,
        "category": None,
        "direction": i.direction,
        "target": i.target.raw,
        "actual": i.actual.raw,
        "unit": i.unit,
        "weight": i.weight,
        "score": None,
        "reported_score": i.reported_score,
        "completion": None,
        "met": None,
        "level": None,
        "rule": "不适用",
        "formula": "",
        "explanation": "不适用，剔除后按百分制折算",
        "deviation_reason": i.deviation_reason,
        "applicable": False,
    }


def project_record(
    p: Project,
    scheme_id: str,
    total: float,
    total_raw: float,
    grade: str,
    scale: float,
    b: BudgetScore,
    categories: Iterable[tuple[str, float, float, float]],
    unscored_weight: float = 0.0,
) -> dict[str, object]:
    """Everything but `indicators` and `findings`; categories as (name, weight, itemised weight, score);
    `unscored_weight`: the weight of rows left unscored because their 实际完成值 is blank."""
    return {
        "project_id": p.project_id,
        "name": p.name,
        "department": p.department,
        "unit": p.unit,
        "year": p.year,
        "evaluation_type": p.evaluation_type,
        "scheme": scheme_id,
        "source": p.origin,
        "total": total,
        "total_raw": total_raw,
        "unscored_weight": unscored_weight,
        "grade": grade,
        "scale": scale,
        "reported_total": p.reported_total,
        "reported_grade": p.reported_grade,
        "amount_unit": p.amount_unit,
        "budget": {
            "initial": b.initial,
            "adjusted": b.adjusted,
            "executed": b.executed,
            "execution_rate": b.execution_rate,
            "initial_rate": b.initial_rate,
            "score": b.score,
            "weight": b.weight,
            "reported_score": b.reported_score,
            "basis": b.basis,
            "explanation": b.explanation.text,
            "rows": [budget_row_record(r) for r in p.budget],
        },
        "categories": [
            {"name": n, "weight": w, "itemised_weight": iw, "score": s} for n, w, iw, s in categories
        ],
        "narrative": p.narrative.as_dict(),  # 立项背景 … 改进措施 as given: only the fields filled in
        **({"function_class": p.function_class} if p.function_class else {}),
    }


def evaluation_record(ev: Evaluation) -> dict[str, object]:
    c = ev.card
    record = project_record(
        c.project,
        c.scheme.id,
        c.total,
        c.total_raw,
        c.grade,
        c.scale,
        c.budget,
        ((k.name, k.weight, k.itemised_weight, k.score) for k in c.categories),
        c.unscored_weight,
    )
    record["indicators"] = [indicator_record(s) for s in c.indicators] + [
        not_applicable_record(i) for i in c.not_applicable
    ]
    record["findings"] = [f.as_dict() for f in ev.findings]
    return record
