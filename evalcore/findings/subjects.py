"""What a finding's check can look at, for a whole scored batch at once.

Each scope is a view over a `ScoredBatch` with one subject per indicator row, category, budget,
budget line item, budget contradiction or project of the batch's scored projects. A check's
condition reads the view's columns (NumPy arrays, one value per subject, computed on first use:
`v.reported`, `v.met`, `v.has_reason` …) and returns a mask; for each subject found, `fields(j)`
gives what its message template names (`name`, `reported`, `score`, `explanation` …).

Columns and fields are listed in each class's docstring: they are the vocabulary a finding is
written in.
"""

from __future__ import annotations

import math
from functools import cached_property
from typing import Any

import numpy as np

from ..rules.outcome import CLAMPED, DEDUCTED, NEGATIVE_ACTUAL, UNMEASURABLE, UNRECOGNISED
from ..rules.totals import FULL_MARKS, grade, grades, itemisation_gap
from ..scoring import FLAG_BIT, ScoredBatch
from ..vocabulary import same_grade


class View:
    """Common to every scope: the batch, the scheme's tolerances, which project each subject belongs
    to (`project`) and its place in that project (`order`)."""

    scope = ""

    def __init__(self, batch: ScoredBatch) -> None:
        self.batch = batch
        self.scheme = batch.scheme
        self.score_tolerance = batch.scheme.review.score_tolerance.value
        self.weight_tolerance = batch.scheme.review.weight_tolerance.value

    project: np.ndarray
    order: np.ndarray

    def __len__(self) -> int:
        return len(self.project)

    def differs(self, a: np.ndarray, b: np.ndarray | float) -> np.ndarray:
        """Two scores that are not the same at the scheme's score tolerance (printed rounding)."""
        with np.errstate(invalid="ignore"):
            return self.scheme.review.scores_differ(a, b)

    def subject(self, j: int) -> str:
        return ""

    def fields(self, j: int) -> dict[str, Any]:
        raise NotImplementedError


class IndicatorRows(View):
    """Scope `indicator`: every applicable row of a scored project.

    Columns: score, weight, reported (NaN: none), has_reported, completion (NaN: not a ratio),
    has_completion, met, quantitative, upward (≥ > =), no_unit, has_reason, and the rule's flags
    unmeasurable, unrecognised, clamped, negative_actual, deducted.
    Fields: name, level1, level2, direction, target, actual, unit, weight, reported, score,
    completion, level, explanation, reason (偏差原因), unmeasurable (why the value is not a number),
    over_threshold (how far above target a target counts as set too low: 30%)."""

    scope = "indicator"

    def __init__(self, batch: ScoredBatch) -> None:
        super().__init__(batch)
        self.rows = np.nonzero(batch.live[batch.owner] & batch.columns.applicable)[0]
        self.project = batch.owner[self.rows]
        self.order = self.rows
        self.ids = batch.ids[self.rows]

    def _store(self, name: str) -> np.ndarray:
        return getattr(self.batch.store, name)[self.ids]

    def _flag(self, flag: str) -> np.ndarray:
        return (self.flags & FLAG_BIT[flag]) != 0

    @cached_property
    def score(self) -> np.ndarray:
        return self._store("score")

    @cached_property
    def weight(self) -> np.ndarray:
        return self._store("weight")

    @cached_property
    def reported(self) -> np.ndarray:
        return self._store("reported")

    @cached_property
    def has_reported(self) -> np.ndarray:
        return ~np.isnan(self.reported)

    @cached_property
    def completion(self) -> np.ndarray:
        return self._store("completion")

    @cached_property
    def has_completion(self) -> np.ndarray:
        return ~np.isnan(self.completion)

    @cached_property
    def met(self) -> np.ndarray:
        return self._store("met")

    @cached_property
    def quantitative(self) -> np.ndarray:
        return self._store("quantitative")

    @cached_property
    def upward(self) -> np.ndarray:
        return self._store("upward")

    @cached_property
    def no_unit(self) -> np.ndarray:
        return self._store("no_unit")

    @cached_property
    def flags(self) -> np.ndarray:
        return self._store("flags")

    @cached_property
    def has_reason(self) -> np.ndarray:
        return self.batch.columns.has_reason[self.rows]

    @cached_property
    def unmeasurable(self) -> np.ndarray:
        return self._flag(UNMEASURABLE)

    @cached_property
    def unrecognised(self) -> np.ndarray:
        return self._flag(UNRECOGNISED)

    @cached_property
    def clamped(self) -> np.ndarray:
        return self._flag(CLAMPED)

    @cached_property
    def negative_actual(self) -> np.ndarray:
        return self._flag(NEGATIVE_ACTUAL)

    @cached_property
    def deducted(self) -> np.ndarray:
        return self._flag(DEDUCTED)

    def subject(self, j: int) -> str:
        return self.batch.columns.rows.indicator(int(self.rows[j])).name

    def fields(self, j: int) -> dict[str, Any]:
        """The row's fields, each computed when a message or a finding's data first names it."""
        return _RowFields(self, j)


class _RowFields(dict):
    """IndicatorRows.fields of one subject, filled on first use (a message names a few of them)."""

    def __init__(self, view: IndicatorRows, j: int) -> None:
        super().__init__()
        self.view, self.j = view, j

    def __missing__(self, key: str) -> Any:
        view, j = self.view, self.j
        if key in ("score", "completion", "level", "explanation", "unmeasurable"):
            o = view.batch.store.outcome(int(view.ids[j]))
            e = o.explanation
            self.update(
                score=o.score, completion=o.completion, level=o.level, explanation=e.text,
                unmeasurable=e.inputs.get("reason") or "",
            )  # fmt: skip
        elif key == "over_threshold":
            self[key] = view.scheme.quantitative.over_achievement.threshold - 1
        else:
            ind = view.batch.columns.rows.indicator(int(view.rows[j]))
            self.update(
                name=ind.name, level1=ind.level1, level2=ind.level2, direction=ind.direction, target=ind.target.raw,
                actual=ind.actual.raw, unit=ind.unit or "", weight=ind.weight, reported=ind.reported_score,
                reason=ind.deviation_reason,
            )  # fmt: skip
        return dict.__getitem__(self, key)

    def __contains__(self, key: object) -> bool:
        return key in _ROW_FIELDS


_ROW_FIELDS = frozenset(
    ("name", "level1", "level2", "direction", "target", "actual", "unit", "weight", "reported", "score", "completion",
     "level", "explanation", "reason", "unmeasurable", "over_threshold")
)  # fmt: skip


class Budgets(View):
    """Scope `budget`: each scored project's budget execution.

    Columns: weight, score, reported (NaN: none), has_reported, rate (NaN: no 全年预算数),
    has_rate, above_budget (execution above 100%), explain_below (NaN: the scheme requires no explanation), has_note (预算执行说明).
    Fields: weight, score, reported, rate, executed, adjusted, initial, unit (the amount unit),
    explanation, explain_below."""

    scope = "budget"

    def __init__(self, batch: ScoredBatch) -> None:
        super().__init__(batch)
        self.project = np.nonzero(batch.live)[0]
        self.order = np.zeros(len(self.project), dtype=np.int64)
        self.budgets = [batch.budgets[k] for k in self.project.tolist()]

    @cached_property
    def _numbers(self) -> np.ndarray:
        """weight, score, reported (NaN: none), rate (NaN: none): one pass over the budgets."""
        nan = math.nan
        rows = [
            (b.weight, b.score, nan if b.reported_score is None else b.reported_score,
             nan if b.execution_rate is None else b.execution_rate)
            for b in self.budgets
        ]  # fmt: skip
        return np.array(rows, dtype=np.float64).reshape(-1, 4)

    @cached_property
    def weight(self) -> np.ndarray:
        return self._numbers[:, 0]

    @cached_property
    def score(self) -> np.ndarray:
        return self._numbers[:, 1]

    @cached_property
    def reported(self) -> np.ndarray:
        return self._numbers[:, 2]

    @cached_property
    def has_reported(self) -> np.ndarray:
        return ~np.isnan(self.reported)

    @cached_property
    def rate(self) -> np.ndarray:
        return self._numbers[:, 3]

    @cached_property
    def has_rate(self) -> np.ndarray:
        return ~np.isnan(self.rate)

    @cached_property
    def above_budget(self) -> np.ndarray:
        """执行数 beyond 全年预算数 (the budget rule says: execution above 100%)."""
        return np.array([b.above_budget for b in self.budgets], dtype=bool)

    @cached_property
    def explain_below(self) -> np.ndarray:
        rule = self.scheme.budget_execution
        below = math.nan if rule is None or rule.explain_below is None else rule.explain_below
        return np.full(len(self.project), below)

    @cached_property
    def has_note(self) -> np.ndarray:
        projects = self.batch.projects
        return np.array([bool(projects[k].budget_note.strip()) for k in self.project.tolist()], dtype=bool)

    def subject(self, j: int) -> str:
        return "预算执行率"

    def fields(self, j: int) -> dict[str, Any]:
        b = self.budgets[j]
        rule = self.scheme.budget_execution
        return {
            "weight": b.weight,
            "score": b.score,
            "reported": b.reported_score,
            "rate": b.execution_rate,
            "executed": b.executed,
            "adjusted": b.adjusted,
            "initial": b.initial,
            "unit": b.amount_unit,
            "explanation": b.explanation.text,
            "explain_below": rule.explain_below if rule else None,
        }


class BudgetItems(View):
    """Scope `budget_item`: every line item (支出明细, not the total or funding rows) of a scored
    project. Columns: adjusted, executed, overspent (beyond the scheme's amount tolerance).
    Fields: source, adjusted, executed, over (executed − adjusted), unit."""

    scope = "budget_item"

    def __init__(self, batch: ScoredBatch) -> None:
        super().__init__(batch)
        project, order, self.items = [], [], []
        for k in np.nonzero(batch.live)[0].tolist():
            b = batch.budgets[k]
            assert b is not None
            for n, item in enumerate(b.items):
                project.append(k)
                order.append(n)
                self.items.append((item, b))
        self.project = np.array(project, dtype=np.int64)
        self.order = np.array(order, dtype=np.int64)

    @cached_property
    def adjusted(self) -> np.ndarray:
        return np.array([i.adjusted for i, _ in self.items], dtype=np.float64)

    @cached_property
    def executed(self) -> np.ndarray:
        return np.array([i.executed for i, _ in self.items], dtype=np.float64)

    @cached_property
    def overspent(self) -> np.ndarray:
        """Spent more than its budget beyond the scheme's amount tolerance (the budget rule says)."""
        return np.array([budget.overspent(item) for item, budget in self.items], dtype=bool)

    def subject(self, j: int) -> str:
        return self.items[j][0].source

    def fields(self, j: int) -> dict[str, Any]:
        item, budget = self.items[j]
        return {
            "source": item.source,
            "adjusted": item.adjusted,
            "executed": item.executed,
            "over": item.executed - item.adjusted,
            "unit": budget.amount_unit,
        }


class Contradictions(View):
    """Scope `contradiction`: every column in which a project's 年度资金总额 row contradicts the sum of
    its funding rows (当年财政拨款, 上年结转资金, 其他资金) beyond the scheme's amount tolerance — the
    budget rule found these when it chose what to score. Columns: total_row, sub_rows.
    Fields: column (年初预算数 / 全年预算数 / 全年执行数), total_row, sub_rows, unit."""

    scope = "contradiction"

    def __init__(self, batch: ScoredBatch) -> None:
        super().__init__(batch)
        project, order, self.found = [], [], []
        for k in np.nonzero(batch.live)[0].tolist():
            b = batch.budgets[k]
            assert b is not None
            for n, c in enumerate(b.contradictions):
                project.append(k)
                order.append(n)
                self.found.append((*c, b.amount_unit))
        self.project = np.array(project, dtype=np.int64)
        self.order = np.array(order, dtype=np.int64)

    @cached_property
    def total_row(self) -> np.ndarray:
        return np.array([c[1] for c in self.found], dtype=np.float64)

    @cached_property
    def sub_rows(self) -> np.ndarray:
        return np.array([c[2] for c in self.found], dtype=np.float64)

    def subject(self, j: int) -> str:
        return "年度资金总额"

    def fields(self, j: int) -> dict[str, Any]:
        column, total, parts, unit = self.found[j]
        return {"column": column, "total_row": total, "sub_rows": parts, "unit": unit}


class Categories(View):
    """Scope `category`: each category (一级指标) of the scheme in each scored project.
    Columns: weight (the scheme's), itemised (indicator weights, and the budget's where it sits),
    gap (weight the form did not itemise, negative beyond it; 0 within the weight tolerance).
    Fields: category, weight, itemised, gap (weight − itemised), excess (itemised − weight)."""

    scope = "category"

    def __init__(self, batch: ScoredBatch) -> None:
        super().__init__(batch)
        ncat = len(batch.scheme.categories)
        live = np.nonzero(batch.live)[0]
        self.project = np.repeat(live, ncat)
        self.order = np.tile(np.arange(ncat, dtype=np.int64), len(live))
        self.weight = np.tile(
            np.array([c.weight for c in batch.scheme.categories], dtype=np.float64), len(live)
        )
        self.itemised = batch.itemised[live].reshape(-1)
        self.gap = itemisation_gap(self.weight, self.itemised, batch.scheme)

    def subject(self, j: int) -> str:
        return self.scheme.categories[int(self.order[j])].name

    def fields(self, j: int) -> dict[str, Any]:
        w, it = float(self.weight[j]), float(self.itemised[j])
        return {"category": self.subject(j), "weight": w, "itemised": it, "gap": w - it, "excess": it - w}


class Projects(View):
    """Scope `project`: each scored project.

    Columns: total, total_raw, reported_total (NaN: none), has_reported_total, parts_complete
    (every applicable indicator, and the budget where it has points, carries a 自评得分),
    reported_sum (those scores added, rescaled like the total), itemised_total, over_itemised (some
    category itemises more than its weight), has_reported_grade, grade_matches.
    Fields: total, total_raw, grade, reported_total, reported_sum, sum_gap, reported_grade,
    expected_grade (the grade of the reported total), scheme (its id); `batch` and `k` for a
    message written as a function."""

    scope = "project"

    def __init__(self, batch: ScoredBatch) -> None:
        super().__init__(batch)
        self.project = np.nonzero(batch.live)[0]
        self.order = np.zeros(len(self.project), dtype=np.int64)
        self.facts = [batch.projects[k] for k in self.project.tolist()]

    @cached_property
    def total(self) -> np.ndarray:
        return self.batch.total[self.project]

    @cached_property
    def total_raw(self) -> np.ndarray:
        return self.batch.total_raw[self.project]

    @cached_property
    def reported_total(self) -> np.ndarray:
        return np.array([math.nan if p.reported_total is None else p.reported_total for p in self.facts])

    @cached_property
    def has_reported_total(self) -> np.ndarray:
        return ~np.isnan(self.reported_total)

    @cached_property
    def _row_sums(self) -> tuple[np.ndarray, np.ndarray]:
        """Per project: applicable rows without a 自评得分, and the sum of those with one."""
        b = self.batch
        rows = b.live[b.owner] & b.columns.applicable
        reported = b.column("reported")[rows]
        owner = b.owner[rows]
        missing = np.bincount(owner, weights=np.isnan(reported), minlength=len(b))
        sums = np.zeros(len(b))
        np.add.at(sums, owner, np.nan_to_num(reported))
        return missing[self.project], sums[self.project]

    @cached_property
    def parts_complete(self) -> np.ndarray:
        missing, _ = self._row_sums
        budgets = [self.batch.budgets[k] for k in self.project.tolist()]
        budget_given = np.array([b.reported_score is not None or b.weight <= 0 for b in budgets], dtype=bool)  # type: ignore[union-attr]
        return (missing == 0) & budget_given

    @cached_property
    def reported_sum(self) -> np.ndarray:
        _, sums = self._row_sums
        budget = np.array([self.batch.budgets[k].reported_score or 0.0 for k in self.project.tolist()])  # type: ignore[union-attr]
        return (sums + budget) * self.batch.scale[self.project]

    @cached_property
    def itemised_total(self) -> np.ndarray:
        return np.array([sum(r) for r in self.batch.itemised[self.project].tolist()], dtype=np.float64)

    @cached_property
    def over_itemised(self) -> np.ndarray:
        weights = np.array([c.weight for c in self.scheme.categories], dtype=np.float64)
        return (itemisation_gap(weights, self.batch.itemised[self.project], self.scheme) < 0).any(axis=1)

    @cached_property
    def has_reported_grade(self) -> np.ndarray:
        return np.array([bool(p.reported_grade) for p in self.facts], dtype=bool)

    @cached_property
    def grade_matches(self) -> np.ndarray:
        graded = [
            (j, p) for j, p in enumerate(self.facts) if p.reported_grade and p.reported_total is not None
        ]
        expected = grades(np.array([p.reported_total for _, p in graded], dtype=np.float64), self.scheme)
        out = np.ones(len(self.facts), dtype=bool)
        for (j, p), name in zip(graded, expected, strict=True):
            out[j] = same_grade(p.reported_grade, name)  # type: ignore[arg-type]
        return out

    def fields(self, j: int) -> dict[str, Any]:
        k = int(self.project[j])
        p = self.facts[j]
        reported = p.reported_total
        reported_sum = float(self.reported_sum[j])
        return {
            "batch": self.batch,
            "k": k,
            "total": float(self.batch.total[k]),
            "total_raw": float(self.batch.total_raw[k]),
            "grade": self.batch.grade[k],
            "reported_total": reported,
            "reported_sum": reported_sum,
            "sum_gap": abs(reported - reported_sum) if reported is not None else None,
            "reported_grade": p.reported_grade,
            "expected_grade": grade(reported, self.scheme) if reported is not None else None,
            "scheme": self.scheme.id,
            "itemised_total": float(self.itemised_total[j]),
            "full_marks": FULL_MARKS,
        }


VIEWS: dict[str, type[View]] = {
    v.scope: v for v in (IndicatorRows, Budgets, BudgetItems, Contradictions, Categories, Projects)
}
