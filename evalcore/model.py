"""The one model of a project every carrier loads into: facts, budget rows, indicator rows.

Plain slotted dataclasses, not pydantic: a provincial portfolio holds hundreds of thousands of
indicator rows and these objects are built in the hot path. Validation happens once, in
`evalcore.inputs.records`, which is the only place that constructs them from raw input.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import Where
from .quantities import Quantity

QUANTITATIVE = ("≥", ">", "=", "≤", "<")
QUALITATIVE = "定性"
DEADLINE = "时限"
DIRECTIONS = (*QUANTITATIVE, QUALITATIVE, DEADLINE)

#: Budget row roles. The total row and the three funding rows form the standard form's budget
#: block; anything else is a line item (a single event, a purchase) that breaks the same money down.
ROLE_TOTAL = "total"
ROLE_FUNDING = "funding"
ROLE_ITEM = "item"
TOTAL_SOURCE = "年度资金总额"
FUNDING_SOURCES = ("当年财政拨款", "上年结转资金", "其他资金")


@dataclass(slots=True)
class BudgetRow:
    source: str
    role: str
    initial: float
    adjusted: float
    executed: float
    reported_score: float | None = None
    where: Where | None = None
    initial_given: bool = True  # False when 年初预算数 was blank (then it defaults to 全年预算数)


@dataclass(slots=True)
class Indicator:
    level1: str
    level2: str
    name: str
    direction: str  # one of DIRECTIONS
    target: Quantity
    actual: Quantity
    unit: str | None  # the resolved unit both sides are expressed in (after conversion)
    weight: float
    target_value: float | None = None  # numeric target in `unit` (quantitative only)
    actual_value: float | None = None  # numeric actual converted into `unit`
    reported_score: float | None = None
    deviation_reason: str = ""
    applicable: bool = True
    where: Where | None = None

    @property
    def is_quantitative(self) -> bool:
        return self.direction in QUANTITATIVE


@dataclass(slots=True)
class Project:
    project_id: str
    name: str
    department: str
    unit: str
    year: int
    evaluation_type: str  # self | department | finance
    scheme: str | None  # scheme id named by the input, or None for the type's default
    amount_unit: str  # 万元 | 元
    goal_planned: str = ""
    goal_actual: str = ""
    reported_total: float | None = None
    reported_grade: str | None = None
    budget_note: str = ""
    budget: list[BudgetRow] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    origin: str = ""  # the file (or table folder) it was read from
    where: Where | None = None  # its project_id cell
    scheme_where: Where | None = None  # its 评分方案 cell
