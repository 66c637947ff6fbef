"""The portfolio tables built from evaluations, column by column in one pass: projects, indicators,
budget rows, findings and input errors, amounts in 万元, and for each child row the position of its
project, so that a view can mask every table without re-reading or re-scoring anything.

pandas and numpy are imported when the tables are built, not when this module is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import EvalcoreError
from ..evaluation import Evaluation
from ..findings import titles
from .columns import (
    BUDGET_COLUMNS,
    DEFAULT_GRADES,
    ERROR_COLUMNS,
    FINDING_COLUMNS,
    INDICATOR_COLUMNS,
    PROJECT_COLUMNS,
    to_wan,
)
from .lineage import Lineage

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


def _error_row(exc: EvalcoreError) -> dict[str, object]:
    d: dict[str, Any] = exc.as_dict() if hasattr(exc, "as_dict") else {"message": str(exc), "where": {}}
    where = d.get("where") or {}
    return {
        "project_id": d.get("project_id"),
        "message": d.get("message"),
        "file": where.get("file"),
        "sheet": where.get("sheet"),
        "row": where.get("row"),
        "column": where.get("column"),
        "path": where.get("path"),
        "field": where.get("field"),
        "expected": d.get("expected"),
    }


@dataclass(frozen=True)
class Tables:
    """What every view of one loaded portfolio shares: the full tables, the evaluations, and for each
    row of the indicator, budget and finding tables the position of its project (for masks)."""

    projects: pd.DataFrame
    indicators: pd.DataFrame
    budget: pd.DataFrame
    findings: pd.DataFrame
    errors: pd.DataFrame
    evaluations: list[Evaluation]  # by row of `projects`
    positions: dict[str, int]  # project_id → row of `projects` (of its latest year, when it has several)
    indicator_pos: np.ndarray
    budget_pos: np.ndarray
    finding_pos: np.ndarray
    grade_order: tuple[str, ...]
    sources: tuple[str, ...]
    indicator_start: np.ndarray  # a project's indicator rows are indicators[start[n]:start[n + 1]]
    memo: dict[object, object] = field(default_factory=dict)  # tables derived once from the full portfolio
    lineage: Lineage | None = None  # which projects of different years are one project (历史比较)


def build_tables(
    evaluations: Sequence[Evaluation],
    errors: Sequence[EvalcoreError],
    sources: tuple[str, ...],
    lineage: Lineage | None = None,
) -> Tables:
    """The tables, column by column: one pass gathers the rows' objects, then one list per column."""
    import numpy as np
    import pandas as pd

    evs = list(evaluations)
    cards = [ev.card for ev in evs]
    projs = [c.project for c in cards]
    buds = [c.budget for c in cards]
    ks = [to_wan(p.amount_unit) for p in projs]
    # flattened child rows, each with the position of its project
    scored: list = []
    scored_pos: list[int] = []
    na: list = []
    na_pos: list[int] = []
    rows: list = []
    rows_pos: list[int] = []
    finds: list = []
    finds_pos: list[int] = []
    for n, (ev, c, p) in enumerate(zip(evs, cards, projs, strict=True)):
        scored += c.indicators
        scored_pos += [n] * len(c.indicators)
        na += c.not_applicable
        na_pos += [n] * len(c.not_applicable)
        rows += p.budget
        rows_pos += [n] * len(p.budget)
        finds += ev.findings
        finds_pos += [n] * len(ev.findings)
    pids = [p.project_id for p in projs]
    depts = [p.department for p in projs]

    def floats(values: Iterable[float | None]) -> np.ndarray:
        return np.array([np.nan if v is None else v for v in values], dtype="float64")

    def objects(values: Iterable[object]) -> pd.Series:
        return pd.Series(list(values), dtype="object")

    def by_pos(values: list, pos: list[int]) -> list:
        return [values[i] for i in pos]

    projects = pd.DataFrame(
        {
            "project_id": pids,
            "name": [p.name for p in projs],
            "department": depts,
            "unit": [p.unit for p in projs],
            "year": np.array([p.year for p in projs], dtype="int64"),
            "evaluation_type": [p.evaluation_type for p in projs],
            "scheme": [c.scheme.id for c in cards],
            "amount_unit": [p.amount_unit for p in projs],
            "function_class": [p.function_class for p in projs],
            "initial": floats(b.initial * k for b, k in zip(buds, ks, strict=True)),
            "adjusted": floats(b.adjusted * k for b, k in zip(buds, ks, strict=True)),
            "executed": floats(b.executed * k for b, k in zip(buds, ks, strict=True)),
            "execution_rate": floats(b.execution_rate for b in buds),
            "initial_rate": floats(b.initial_rate for b in buds),
            "budget_basis": [b.basis for b in buds],
            "budget_score": floats(b.score for b in buds),
            "total": floats(c.total for c in cards),
            "total_raw": floats(c.total_raw for c in cards),
            "grade": [c.grade for c in cards],
            "scale": floats(c.scale for c in cards),
            "reported_total": floats(p.reported_total for p in projs),
            "reported_grade": objects(p.reported_grade for p in projs),
            "findings": np.array([len(ev.findings) for ev in evs], dtype="int64"),
            "finding_codes": [" ".join(f.code for f in ev.findings) for ev in evs],
            "source": [p.origin for p in projs],
        },
        columns=list(PROJECT_COLUMNS),
    )

    inds = [s.indicator for s in scored]
    n_na = len(na)
    indicators = pd.DataFrame(
        {
            "project_id": by_pos(pids, scored_pos) + by_pos(pids, na_pos),
            "department": by_pos(depts, scored_pos) + by_pos(depts, na_pos),
            "level1": [i.level1 for i in inds] + [i.level1 for i in na],
            "level2": [i.level2 for i in inds] + [i.level2 for i in na],
            "name": [i.name for i in inds] + [i.name for i in na],
            "category": objects([s.category for s in scored] + [None] * n_na),
            "direction": [i.direction for i in inds] + [i.direction for i in na],
            "target": [i.target.raw for i in inds] + [i.target.raw for i in na],
            "actual": [i.actual.raw for i in inds] + [i.actual.raw for i in na],
            "unit": objects([i.unit for i in inds] + [i.unit for i in na]),
            "weight": floats([s.weight for s in scored] + [i.weight for i in na]),
            "score": floats([s.score for s in scored] + [None] * n_na),
            "reported_score": floats([i.reported_score for i in inds] + [i.reported_score for i in na]),
            "completion": floats([s.completion for s in scored] + [None] * n_na),
            "met": objects([s.met for s in scored] + [None] * n_na),
            "level": objects([s.level for s in scored] + [None] * n_na),
            "applicable": np.array([True] * len(scored) + [False] * n_na, dtype=bool),
            "rule": [s.explanation.rule for s in scored] + ["不适用"] * n_na,
            "explanation": [s.explanation.text for s in scored] + ["不适用，剔除后按百分制折算"] * n_na,
            "deviation_reason": [i.deviation_reason for i in inds] + [i.deviation_reason for i in na],
        },
        columns=list(INDICATOR_COLUMNS),
    )
    # an indicator's rows in `score --json` order: a project's applicable ones, then its not-applicable ones
    ipos = np.asarray(scored_pos + na_pos, dtype="int64")
    if n_na:
        order = np.argsort(ipos, kind="stable")
        indicators = indicators.iloc[order].reset_index(drop=True)
        ipos = ipos[order]

    row_k = by_pos(ks, rows_pos)
    budget = pd.DataFrame(
        {
            "project_id": by_pos(pids, rows_pos),
            "department": by_pos(depts, rows_pos),
            "source": [r.source for r in rows],
            "role": [r.role for r in rows],
            "initial": floats(r.initial * k for r, k in zip(rows, row_k, strict=True)),
            "adjusted": floats(r.adjusted * k for r, k in zip(rows, row_k, strict=True)),
            "executed": floats(r.executed * k for r, k in zip(rows, row_k, strict=True)),
            "execution_rate": floats(r.executed / r.adjusted if r.adjusted > 0 else None for r in rows),
            "reported_score": floats(r.reported_score for r in rows),
        },
        columns=list(BUDGET_COLUMNS),
    )
    findings = pd.DataFrame(
        {
            "project_id": by_pos(pids, finds_pos),
            "department": by_pos(depts, finds_pos),
            "code": [f.code for f in finds],
            "severity": [f.severity for f in finds],
            "subject": [f.subject for f in finds],
            "title": [titles().get(f.code, "") for f in finds],
            "message": [f.message for f in finds],
        },
        columns=list(FINDING_COLUMNS),
    )
    errors_df = pd.DataFrame([_error_row(e) for e in errors], columns=list(ERROR_COLUMNS))

    schemes = Counter(tuple(g.name for g in c.scheme.grades) for c in cards)
    order_ = schemes.most_common(1)[0][0] if schemes else DEFAULT_GRADES
    grade_order = (*order_, *sorted({c.grade for c in cards} - set(order_)))
    return Tables(
        projects,
        indicators,
        budget,
        findings,
        errors_df,
        evs,
        _latest(pids, [p.year for p in projs]),
        ipos,
        np.asarray(rows_pos, dtype="int64"),
        np.asarray(finds_pos, dtype="int64"),
        grade_order,
        sources,
        np.searchsorted(ipos, np.arange(len(pids) + 1)),
        lineage=lineage,
    )


def _latest(pids: Sequence[str], years: Sequence[int]) -> dict[str, int]:
    """project_id → its row; an id filed in several years (a portfolio of years) → its latest year."""
    out: dict[str, int] = {}
    for n, (pid, year) in enumerate(zip(pids, years, strict=True)):
        if pid not in out or years[out[pid]] <= year:
            out[pid] = n
    return out


def year_positions(tables: Tables) -> dict[tuple[str, int], int]:
    """(project_id, year) → row, built once per loaded portfolio."""
    if "year_positions" not in tables.memo:
        years = tables.projects["year"].tolist()
        tables.memo["year_positions"] = {
            (pid, y): n
            for n, (pid, y) in enumerate(zip(tables.projects["project_id"].tolist(), years, strict=True))
        }
    return tables.memo["year_positions"]  # type: ignore[return-value]


def line_positions(tables: Tables, position: int) -> tuple[int, ...]:
    """The rows of the project's line (its years, ascending); itself alone without a lineage."""
    if tables.lineage is None:
        return (position,)
    return tables.lineage.lines[tables.lineage.line_of[position]]
