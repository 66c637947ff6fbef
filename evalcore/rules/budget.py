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
from .outcome import cap, whole_points
from .rule import EPS, define

_COLUMNS = (("initial", "年初预算数"), ("adjusted", "全年预算数"), ("executed", "全年执行数"))

BUDGET_EXECUTION = define(
    "budget_execution",
    "预算执行率",
    "全年执行数 ÷ 全年预算数；分值 × min(执行率, 100%)",
    reference="财预〔2020〕10号 附件1；DOMAIN.md Budget execution（按全年预算数，不按年初）",
    scored="{executed} ÷ {adjusted} = {rate}{capped}；{weight} × {counted} = {score}",
    capped="（超过 100% 按 100% 计）",
    below_floor="{executed} ÷ {adjusted} = {rate}，低于下限 {floor}；{weight} × {floor_score} = {score}",
    no_budget="全年预算数为 {adjusted}，无法计算执行率；得 0 分",
    not_scored="本方案不单列预算执行率分值；执行率仅作展示",
    shown_only="{executed} ÷ {adjusted} = {rate}；本方案不单列预算执行率分值；执行率仅作展示",
    basis="按{basis}计算：{text}",
)


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
    tolerance: float = 0.0  # the scheme's amount tolerance, in this budget's amount unit
    # (column label, value on the first total row, value on another total row, where each is) for
    # each column in which a second 年度资金总额/合计 row disagrees with the first (R008)
    duplicate_totals: list[tuple[str, float, float, str, str]] = field(default_factory=list)

    @property
    def above_budget(self) -> bool:
        """Executed more than the 全年预算数: an anomaly (R009), scored at 100%."""
        return self.execution_rate is not None and self.execution_rate > 1 + EPS

    def same_amount(self, a: float, b: float) -> bool:
        """Two amounts of this budget that are the same at the scheme's tolerance."""
        return abs(a - b) <= self.tolerance

    @property
    def sole_source(self) -> BudgetRow | None:
        """The one funding source that paid everything (its 全年预算数 and 全年执行数 are the total's):
        the total and it are one line, not two, wherever the budget is drawn or tabled."""
        if len(self.funding) != 1:
            return None
        f = self.funding[0]
        same = self.same_amount(f.adjusted, self.adjusted) and self.same_amount(f.executed, self.executed)
        return f if same else None

    def overspent(self, row: BudgetRow) -> bool:
        """A row that spent more than its 全年预算数 (beyond the tolerance): R010 for a line item."""
        return row.executed > row.adjusted + self.tolerance


def _blank(row: BudgetRow) -> bool:
    """A funding row printed with no amounts (read as zeros)."""
    return not row.initial_given and row.adjusted == 0 and row.executed == 0


def _sums(rows: list[BudgetRow]) -> tuple[float, float, float]:
    return (sum([r.initial for r in rows]), sum([r.adjusted for r in rows]), sum([r.executed for r in rows]))


def score_budget(project: Project, scheme: Scheme) -> BudgetScore:
    rows = project.budget
    total_row: BudgetRow | None = None
    funding: list[BudgetRow] = []
    items: list[BudgetRow] = []
    others: list[BudgetRow] = []  # total rows after the first: a form prints one
    for r in rows:  # one pass: this runs once per project of a provincial portfolio
        if r.role == ROLE_FUNDING:
            funding.append(r)
        elif r.role == ROLE_TOTAL:
            if total_row is None:
                total_row = r
            else:
                others.append(r)
        else:
            items.append(r)
    if funding and _blank(funding[0]) and all(_blank(r) for r in funding):
        funding = []  # the printed form's empty 上年结转资金 / 其他资金 lines: no sub-rows given
    contradictions: list[tuple[str, float, float]] = []
    tolerance = scheme.review.amount_tolerance.in_unit(project.amount_unit)
    duplicates = _duplicate_totals(rows, total_row, others, tolerance) if others else []
    if funding:
        sums = _sums(funding)
        if total_row is not None:
            # a blank 年初 defaults to 全年: not a contradiction anyone wrote
            check_initial = total_row.initial_given and all(r.initial_given for r in funding)
            for (attr, label), given, summed in zip(
                _COLUMNS, (total_row.initial, total_row.adjusted, total_row.executed), sums, strict=True
            ):
                if (attr != "initial" or check_initial) and abs(given - summed) > tolerance:
                    contradictions.append((label, given, summed))
        # sub-rows that hold no money (the form left them at 0) do not overrule a total row that does
        if total_row is not None and (not contradictions or (sums[1] <= tolerance < total_row.adjusted)):
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
    executed_text, adjusted_text = with_unit(executed, u), with_unit(adjusted, u)
    if rule is None:
        score = 0.0
        case = "not_scored" if rate is None else "shown_only"
        text = BUDGET_EXECUTION.text(
            case, {"executed": executed_text, "adjusted": adjusted_text, "rate": pct(rate or 0.0, 2)}
        )
    elif rate is None:
        score, text = 0.0, BUDGET_EXECUTION.text("no_budget", {"adjusted": adjusted_text})
    elif rule.floor is not None and rate < rule.floor:
        below_floor = True
        score = weight * rule.floor_score
        text = BUDGET_EXECUTION.text(
            "below_floor",
            {
                "executed": executed_text,
                "adjusted": adjusted_text,
                "rate": pct(rate, 2),
                "floor": pct(rule.floor, 0),
                "weight": w(weight),
                "floor_score": pct(rule.floor_score, 0),
                "score": pts(score),
            },
        )
    else:
        score = weight * min(rate, 1.0)
        text = BUDGET_EXECUTION.text(
            "scored",
            {
                "executed": executed_text,
                "adjusted": adjusted_text,
                "rate": pct(rate, 2),
                "capped": BUDGET_EXECUTION.templates["capped"] if rate > 1 else "",
                "weight": w(weight),
                "counted": pct(min(rate, 1.0), 2),
                "score": pts(score),
            },
        )
    if basis != "年度资金总额" and rows:
        text = BUDGET_EXECUTION.text("basis", {"basis": basis, "text": text})
    inputs = {
        "initial": initial,
        "adjusted": adjusted,
        "executed": executed,
        "weight": weight,
        "basis": basis,
    }
    expl = Explanation(BUDGET_EXECUTION.title, BUDGET_EXECUTION.formula, text, inputs)
    score = cap(score, weight)
    if scheme.rounding.whole_points:
        score, expl = whole_points(score, weight, expl)
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
        score,
        rule.category if rule else None,
        expl,
        u,
        total_row,
        funding,
        items,
        contradictions,
        reported,
        below_floor,
        tolerance,
        duplicates,
    )


def _duplicate_totals(
    rows: list[BudgetRow], first: BudgetRow | None, others: list[BudgetRow], tolerance: float
) -> list[tuple[str, float, float, str, str]]:
    """Columns in which a later total row disagrees with the first (the first is scored). Each row is
    named by its place in the block as printed (第 1 行「年度资金总额」), the same from any carrier."""
    out = []
    assert first is not None

    def place(row: BudgetRow) -> str:
        n = next(i for i, r in enumerate(rows) if r is row) + 1
        return f"预算执行第 {n} 行"

    for other in others:
        for attr, label in _COLUMNS:
            a, b = getattr(first, attr), getattr(other, attr)
            if abs(a - b) > tolerance:
                out.append((label, a, b, place(first), place(other)))
    return out
