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

from .budget_scope import BudgetItems, Budgets, Contradictions
from .indicator_scope import IndicatorRows
from .project_scope import Categories, Projects
from .view import View

VIEWS: dict[str, type[View]] = {
    v.scope: v for v in (IndicatorRows, Budgets, BudgetItems, Contradictions, Categories, Projects)
}

__all__ = [
    "VIEWS",
    "BudgetItems",
    "Budgets",
    "Categories",
    "Contradictions",
    "IndicatorRows",
    "Projects",
    "View",
]
