"""Budget execution (预算执行率): rate = 全年执行数 ÷ 全年预算数 (the adjusted budget, not 年初);
score = weight × min(rate, 1), or the scheme's floor score below its floor.

The basis is the 年度资金总额 row unless it contradicts the funding sub-rows (当年财政拨款 /
上年结转资金 / 其他资金): then the sub-rows are summed and the contradiction is kept for review.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import ROLE_FUNDING, ROLE_TOTAL, BudgetRow, Project
from ..quantities import with_unit
from ..schemes import Scheme
from .explain import Explanation, pct, pts, w

_COLUMNS = (("initial", "年初预算数"), ("adjusted", "全年预算数"), ("executed", "全年执行数"))
TOLERANCE = 0.005  # half a cent of the amount unit: below it two amounts are the same


@dataclass(slots=True)
class BudgetScore:
    basis: str  # 年度资金总额 | 资金来源分项合计 | 支出明细合计
    initial: float
    adjusted: float
    executed: float
    execution_rate: float | None  # executed ÷ adjusted
    initial_rate: float | None  # executed ÷ initial, shown beside: a mid-year cut flatters the rate
    weight: float
    score: float
    category: str | None
    explanation: Explanation
    amount_unit: str
    total_row: BudgetRow | None = None
    funding: list[BudgetRow] = field(default_factory=list)
    items: list[BudgetRow] = field(default_factory=list)
    # (column label, value on the 年度资金总额 row, sum of the sub-rows) for each contradiction
    contradictions: list[tuple[str, float, float]] = field(default_factory=list)
    reported_score: float | None = None
    below_floor: bool = False


def _sums(rows: list[BudgetRow]) -> tuple[float, float, float]:
    return (sum([r.initial for r in rows]), sum([r.adjusted for r in rows]), sum([r.executed for r in rows]))


def score_budget(project: Project, scheme: Scheme) -> BudgetScore:
    rows = project.budget
    total_row: BudgetRow | None = None
    funding: list[BudgetRow] = []
    items: list[BudgetRow] = []
    for r in rows:  # one pass: this runs once per project of a provincial portfolio
        if r.role == ROLE_FUNDING:
            funding.append(r)
        elif r.role == ROLE_TOTAL:
            total_row = total_row or r
        else:
            items.append(r)
    contradictions: list[tuple[str, float, float]] = []
    if funding:
        sums = _sums(funding)
        if total_row is not None:
            # a blank 年初 defaults to 全年: not a contradiction anyone wrote
            check_initial = total_row.initial_given and all(r.initial_given for r in funding)
            for (attr, label), given, summed in zip(
                _COLUMNS, (total_row.initial, total_row.adjusted, total_row.executed), sums, strict=True
            ):
                if (attr != "initial" or check_initial) and abs(given - summed) > TOLERANCE:
                    contradictions.append((label, given, summed))
        if total_row is not None and not contradictions:
            basis, (initial, adjusted, executed) = (
                "年度资金总额",
                (total_row.initial, total_row.adjusted, total_row.executed),
            )
        else:
            basis, (initial, adjusted, executed) = "资金来源分项合计", sums
    elif total_row is not None:
        basis, (initial, adjusted, executed) = (
            "年度资金总额",
            (total_row.initial, total_row.adjusted, total_row.executed),
        )
    else:
        basis, (initial, adjusted, executed) = "支出明细合计", _sums(items)
    rate = executed / adjusted if adjusted > 0 else None
    initial_rate = executed / initial if initial > 0 else None
    rule = scheme.budget_execution
    weight = rule.weight if rule else 0.0
    u = project.amount_unit
    below_floor = False
    if rule is None:
        score, text = 0.0, "本方案不单列预算执行率分值；执行率仅作展示"
        if rate is not None:
            text = f"{with_unit(executed, u)} ÷ {with_unit(adjusted, u)} = {pct(rate, 2)}；" + text
    elif rate is None:
        score, text = 0.0, f"全年预算数为 {with_unit(adjusted, u)}，无法计算执行率；得 0 分"
    elif rule.floor is not None and rate < rule.floor:
        below_floor = True
        score = weight * rule.floor_score
        text = (
            f"{with_unit(executed, u)} ÷ {with_unit(adjusted, u)} = {pct(rate, 2)}，低于下限 {pct(rule.floor, 0)}；"
            f"{w(weight)} × {pct(rule.floor_score, 0)} = {pts(score)}"
        )
    else:
        score = weight * min(rate, 1.0)
        capped = "（超过 100% 按 100% 计）" if rate > 1 else ""
        text = (
            f"{with_unit(executed, u)} ÷ {with_unit(adjusted, u)} = {pct(rate, 2)}{capped}；"
            f"{w(weight)} × {pct(min(rate, 1.0), 2)} = {pts(score)}"
        )
    if basis != "年度资金总额" and rows:
        text = f"按{basis}计算：" + text
    formula = "全年执行数 ÷ 全年预算数；分值 × min(执行率, 100%)"
    expl = Explanation(
        "预算执行率",
        formula,
        text,
        {"initial": initial, "adjusted": adjusted, "executed": executed, "weight": weight, "basis": basis},
    )
    reported = total_row.reported_score if total_row is not None else None
    if reported is None:
        reported = next((r.reported_score for r in rows if r.reported_score is not None), None)
    return BudgetScore(
        basis,
        initial,
        adjusted,
        executed,
        rate,
        initial_rate,
        weight,
        min(max(score, 0.0), weight),
        rule.category if rule else None,
        expl,
        u,
        total_row,
        funding,
        items,
        contradictions,
        reported,
        below_floor,
    )
