"""Scopes of the 预算执行 block: each scored project's budget execution (`budget`), its line items
(`budget_item`) and the columns in which its 年度资金总额 row contradicts its funding rows
(`contradiction`)."""

from __future__ import annotations

import math
from functools import cached_property
from typing import Any

import numpy as np

from ..scoring import ScoredBatch
from .view import View


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
    its funding rows (当年财政拨款, 上年结转资金, 其他资金) beyond the scheme's amount tolerance, or a
    second total row disagrees with the first — the budget rule found these when it chose what to
    score. Columns: total_row, sub_rows (for a second total row: its value), second_total.
    Fields: column (年初预算数 / 全年预算数 / 全年执行数), total_row, sub_rows, unit, first_row and
    other_row (where the two total rows are)."""

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
                basis = "分项合计" if b.basis == "资金来源分项合计" else b.basis
                self.found.append((*c, b.amount_unit, "sub_rows", basis, ""))
            for n, (label, first, other, at_first, at_other) in enumerate(b.duplicate_totals):
                project.append(k)
                order.append(len(b.contradictions) + n)
                self.found.append((label, first, other, b.amount_unit, "second_total", at_first, at_other))
        self.project = np.array(project, dtype=np.int64)
        self.order = np.array(order, dtype=np.int64)

    @cached_property
    def second_total(self) -> np.ndarray:
        """The contradiction is between two total rows, not a total row and its sub-rows."""
        return np.array([c[4] == "second_total" for c in self.found], dtype=bool)

    @cached_property
    def total_row(self) -> np.ndarray:
        return np.array([c[1] for c in self.found], dtype=np.float64)

    @cached_property
    def sub_rows(self) -> np.ndarray:
        return np.array([c[2] for c in self.found], dtype=np.float64)

    def subject(self, j: int) -> str:
        return "年度资金总额"

    def fields(self, j: int) -> dict[str, Any]:
        column, total, parts, unit, _, first, other = self.found[j]
        return {
            "column": column, "total_row": total, "sub_rows": parts, "unit": unit, "first_row": first,
            "other_row": other,
        }  # fmt: skip
