"""One project's scores as objects, for a reader that holds one project: a report, a notebook card,
the Excel form. The engine computes a whole batch as columns (`ScoredBatch`); `ScoredBatch.card(k)`
lays project k out as a `Scorecard`, so a card and the columns can never disagree."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Indicator, Project
from ..rules.budget import BudgetScore
from ..rules.outcome import IndicatorScore
from ..schemes import Scheme


@dataclass(slots=True)
class CategoryScore:
    name: str
    weight: float  # the scheme's weight for the category
    itemised_weight: float  # what the form itemises: indicator weights (+ budget weight if it sits here)
    score: float
    indicators: list[IndicatorScore] = field(default_factory=list)
    not_applicable: list[Indicator] = field(default_factory=list)
    budget_weight: float = 0.0
    unitemised: float = 0.0  # weight the form did not itemise (negative: itemised beyond the weight)


@dataclass(slots=True)
class Scorecard:
    project: Project
    scheme: Scheme
    budget: BudgetScore
    categories: list[CategoryScore]
    indicators: list[IndicatorScore]  # in input order, applicable ones
    not_applicable: list[Indicator]
    scale: float  # 100 ÷ (100 − not-applicable weight); 1 when all apply
    total_raw: float  # full precision
    total: float  # the scheme's official (rounded) total
    grade: str

    @property
    def sum_of_parts(self) -> float:
        return sum(c.score for c in self.categories)
