"""Score one project under one scheme: budget execution, every indicator, categories, total, grade.

Full precision inside; the scheme's rounding applies to the official total (and to each score
when the scheme rounds to whole points). Not-applicable indicators are dropped and the total is
rescaled to 100 (按百分制折算).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .errors import InputError
from .model import Indicator, Project
from .quantities import format_number
from .rules import BudgetScore, Explanation, IndicatorScore, round_half_up, score_budget, score_indicator
from .schemes import Scheme

FULL_MARKS = 100.0


@dataclass(slots=True)
class CategoryScore:
    name: str
    weight: float  # the scheme's weight for the category
    itemised_weight: float  # what the form itemises: indicator weights (+ budget weight if it sits here)
    score: float
    indicators: list[IndicatorScore] = field(default_factory=list)
    not_applicable: list[Indicator] = field(default_factory=list)
    budget_weight: float = 0.0


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


def _whole(score: float, weight: float, explanation: Explanation) -> tuple[float, Explanation]:
    """Whole-point rounding (a scheme option): never above the weight, and said in the explanation."""
    rounded = min(round_half_up(score), weight)
    if abs(rounded - score) < 1e-9:
        return score, explanation
    return rounded, replace(explanation, text=f"{explanation.text}；按整分取整为 {format_number(rounded)}")


def score_project(project: Project, scheme: Scheme) -> Scorecard:
    """Raises InputError if an indicator's 一级指标 belongs to no category of the scheme."""
    whole = scheme.rounding.whole_points
    budget = score_budget(project, scheme)
    if whole:
        budget.score, budget.explanation = _whole(budget.score, budget.weight, budget.explanation)
    cats = {c.name: CategoryScore(c.name, c.weight, 0.0, 0.0) for c in scheme.categories}
    if budget.category is not None:
        cat = cats[budget.category]
        cat.itemised_weight += budget.weight
        cat.budget_weight = budget.weight
        cat.score += budget.score
    scored: list[IndicatorScore] = []
    not_applicable: list[Indicator] = []
    for ind in project.indicators:
        c = scheme.category_for(ind.level1)
        if c is None:
            names = "、".join(x.name for x in scheme.categories)
            where = ind.where.at("level1", "一级指标") if ind.where else None
            raise InputError(
                where,
                f"一级指标「{ind.level1}」不属于评分方案 {scheme.id}",
                f"{names} 之一",  # type: ignore[arg-type]
                project_id=project.project_id,
            )
        cat = cats[c.name]
        cat.itemised_weight += ind.weight
        if not ind.applicable:
            cat.not_applicable.append(ind)
            not_applicable.append(ind)
            continue
        s = score_indicator(ind, ind.weight, scheme, project.year)
        s.category = c.name
        if whole:
            s.score, s.explanation = _whole(s.score, s.weight, s.explanation)
        cat.indicators.append(s)
        cat.score += s.score
        scored.append(s)
    na_weight = sum(i.weight for i in not_applicable)
    scale = FULL_MARKS / (FULL_MARKS - na_weight) if 0 < na_weight < FULL_MARKS else 1.0
    categories = list(cats.values())
    total_raw = sum(c.score for c in categories) * scale
    total = round_half_up(total_raw, scheme.rounding.decimals)
    return Scorecard(
        project,
        scheme,
        budget,
        categories,
        scored,
        not_applicable,
        scale,
        total_raw,
        total,
        scheme.grade_for(total),
    )
