"""One project's scores as objects, for a reader that holds one project: a report, a notebook card,
the Excel form. The engine computes a whole batch as columns (`ScoredBatch`); `ScoredBatch.card(k)`
lays project k out as a `Scorecard`, so a card and the columns can never disagree."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Indicator, Project
from ..rules.budget import BudgetScore
from ..rules.outcome import IndicatorScore
from ..rules.totals import total_text
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
    earned_raw: float | None = (
        None  # the rows' points before an over-itemised category is brought to its weight
    )

    @property
    def brought_to_weight(self) -> bool:
        """Itemised beyond its weight, so its points were scaled (or capped) to the weight."""
        return self.earned_raw is not None and abs(self.earned_raw - self.score) > 1e-9


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
    unscored_weight: float = 0.0  # weight of applicable rows left unscored because 实际完成值 is blank

    @property
    def total_text(self) -> str:
        """The total as every page shows it: `80.13`, or `10.00（90 分指标未填完成值，未计分）`."""
        return total_text(self.total, self.unscored_weight)

    @property
    def sum_of_parts(self) -> float:
        return sum(c.score for c in self.categories)
