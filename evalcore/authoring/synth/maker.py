"""The random draws of one portfolio and the indicator rows they make: weights split from the
scheme's points, quantitative rows that fall short with a score that prints exactly, deadlines,
costs, benefits and satisfaction.

Every draw goes through one `Maker`, in a fixed order, so the same seed gives the same portfolio.
"""

from __future__ import annotations

import math
import random

from ...inputs.indicator_cells import indicator_cells
from ...rules.indicators import score_row
from ...vocabulary import DOWNWARD
from ..catalog import (
    REASONS_COST,
    REASONS_COUNT,
    REASONS_LATE,
    REASONS_OVER,
    REASONS_QUALITATIVE,
    REASONS_RATE,
    REASONS_SATISFACTION,
)
from .draft import Ind
from .form import Form
from .numbers import fmt, in_cents, nice, parse_spec, printed

#: Below this execution rate a note explains why (several provinces ask at 90%); a scheme that sets
#: `budget_execution.explain_below` asks at its own rate.
EXPLAIN_BELOW = 0.9
CANDIDATES = 100_000  # candidate rows whose answer is kept
LEVEL2_BENEFIT = {
    "社会": "社会效益指标",
    "经济": "经济效益指标",
    "生态": "生态效益指标",
    "可持续": "可持续影响指标",
}


class Maker:
    """All the random draws for one portfolio, in one place so the stream order is fixed."""

    def __init__(self, seed: int, year: int, form: Form) -> None:
        self.rng = random.Random(seed)
        self.year = year
        self.form = form
        #: met actuals stay under the scheme's over-achievement line (beyond it a reason is due)
        self.over_line = form.scheme.quantitative.over_achievement.threshold
        rule = form.scheme.budget_execution
        self.explain_below = (
            EXPLAIN_BELOW if rule is None or rule.explain_below is None else rule.explain_below
        )
        self.random = self.rng.random
        self.uniform = self.rng.uniform
        self.choice = self.rng.choice
        self.candidates: dict[tuple, bool] = {}

    def prints_short(self, direction: str, target: str, actual: str, unit: str, weight: int) -> bool:
        """Whether a candidate row falls short with a score that prints exactly (two decimals): the
        row scored by the rulebook, its cells read as a reader reads them back. Portfolios try the
        same candidates again and again (满意度 ≥90% at 5 or 10 points …), so answers are kept."""
        key = (direction, target, actual, unit, weight)
        answer = self.candidates.get(key)
        if answer is None:
            if len(self.candidates) >= CANDIDATES:
                self.candidates.clear()
            cells = indicator_cells(direction, target, actual, unit, weight, None)
            out = score_row(cells, self.form.scheme, self.year)
            answer = self.candidates[key] = not out.met and in_cents(out.score)
        return answer

    # ---------------------------------------------------------- weights

    def split(self, total: int, importances: list[float]) -> list[int]:
        """Integer weights summing to `total`, roughly proportional to importance, each ≥ 2."""
        raw = [imp * self.uniform(0.75, 1.3) for imp in importances]
        s = sum(raw)
        exact = [total * r / s for r in raw]
        parts = [max(2, int(e)) for e in exact]
        order = sorted(range(len(parts)), key=lambda i: parts[i] - exact[i])
        i = 0
        while sum(parts) < total:
            parts[order[i % len(parts)]] += 1
            i += 1
        while sum(parts) > total:
            j = max(range(len(parts)), key=lambda k: parts[k])
            parts[j] -= 1
        return parts

    # ---------------------------------------------------------- quantitative

    def shortfall(
        self,
        direction: str,
        target_text: str,
        target: float,
        unit: str,
        resolution: float,
        weight: int,
        low: float,
    ) -> float | None:
        """An actual between about `low` × target and target, on the resolution's grid, that falls
        short and whose score by the rulebook has exactly two decimals (so the printed score is the
        recomputed one, and printed and recomputed totals agree to the cent)."""
        t = round(target / resolution)
        start = int(t * self.uniform(low, 0.98))
        for m in (*range(start, max(int(t * (low - 0.05)), 1), -1), *range(start + 1, t)):
            actual = m * resolution
            if self.prints_short(direction, target_text, f"{fmt(actual)}{unit}", unit, weight):
                return actual
        return None

    def overrun(
        self, direction: str, target_text: str, target: float, unit: str, weight: int
    ) -> float | None:
        """An actual 5–30% over a ≤ target whose score by the rulebook has exactly two decimals."""
        first = self.rng.randint(5, 30)
        for k in (*range(first, 31), *range(5, first)):
            actual = target * (1 + k / 100)
            if self.prints_short(direction, target_text, f"{fmt(actual)}{unit}", unit, weight):
                return actual
        return None

    def quantitative(
        self,
        name: str,
        level2: str,
        direction: str,
        target: float,
        unit: str,
        weight: int,
        resolution: float,
        p_short: float,
        reasons: tuple[str, ...],
        hi: float = 1.2,
        cap: float | None = None,
        show_cmp: bool = True,
    ) -> Ind:
        reason = ""
        target_text = f"{direction if show_cmp else ''}{fmt(target)}{unit}"
        short: float | None = None
        if direction == "=" and target == 0:
            actual, kind, met = 0.0, "zero", True
        elif direction in DOWNWARD:
            kind = "reverse"
            if self.random() < p_short:
                short = self.overrun(direction, target_text, target, unit, weight)
            if short is not None:
                actual, met = short, False
                reason = self.choice(reasons)
            else:
                t_units = round(target / resolution)
                actual, met = self.rng.randint(max(1, int(t_units * 0.4)), t_units) * resolution, True
        else:
            kind = "rate" if unit == "%" else "count"
            # counts miss by up to ~40%; rates (合格率, 满意度) rarely by more than a few points
            low = 0.85 if kind == "rate" else 0.62
            if self.random() < p_short:
                short = self.shortfall(direction, target_text, target, unit, resolution, weight, low)
            if short is not None:
                actual, met = short, False
                reason = self.choice(reasons).format(year=self.year)
            elif direction == "=":
                actual, met = target, True
            elif self.random() < 0.03 and cap is None:
                line = self.over_line
                actual, met = math.ceil(target * self.uniform(line, line + 0.3)), True
                reason = REASONS_OVER[0]
            else:
                top = target * min(hi, self.over_line - 0.01)
                if cap is not None:
                    top = min(top, cap)
                lo_units, hi_units = round(target / resolution), math.floor(top / resolution + 1e-9)
                actual, met = self.rng.randint(lo_units, max(lo_units, hi_units)) * resolution, True
        row = {
            "level1": "",
            "level2": level2,
            "name": name,
            "direction": direction,
            "target": target_text,
            "actual": f"{fmt(actual)}{unit}",
            "unit": unit,
            "weight": weight,
        }
        if reason:
            row["deviation_reason"] = reason
        return Ind(row, kind, met)

    def from_spec(self, spec: str, level2: str, weight: int, p_short: float, reasons: tuple[str, ...]) -> Ind:
        name, target_spec = spec.split("|")
        direction, text, target, unit = parse_spec(target_spec)
        if "." in text or (direction in DOWNWARD and target < 2):
            resolution = 0.01
        else:
            resolution = 0.1 if unit == "%" else 1
        cap = 100.0 if unit == "%" and direction not in DOWNWARD else None
        return self.quantitative(
            name, level2, direction, target, unit, weight, resolution, p_short, reasons, hi=1.25, cap=cap
        )

    def count(self, spec: str, weight: int) -> Ind:
        parts = spec.split("|")
        name, unit, lo, hi = parts[0], parts[1], float(parts[2]), float(parts[3])
        direction = parts[4] if len(parts) > 4 else "≥"
        target = nice(lo * (hi / lo) ** self.random())
        return self.quantitative(
            name,
            "数量指标",
            direction,
            target,
            unit,
            weight,
            1,
            0.08,
            REASONS_COUNT,
            show_cmp=self.random() < 0.7,
        )

    # ---------------------------------------------------------- other rules

    def deadline(self, short: str, weight: int) -> Ind:
        year = self.year
        month = 12 if self.random() < 0.85 else self.choice((10, 11))
        day = 31 if month in (10, 12) else 30
        target = f"{year}年{month}月{day}日前"
        reason = ""
        if self.random() < 0.015:
            actual = f"{year + 1}年{self.rng.randint(1, 3)}月{self.rng.randint(1, 28)}日完成"
            met = False
            reason = REASONS_LATE[0]
        else:
            met = True
            r = self.random()
            if r < 0.2:
                actual = "按期完成"
            elif r < 0.35:
                actual = f"{target}完成"
            else:
                actual = f"{year}年{month - self.rng.randint(0, 2)}月{self.rng.randint(1, 28)}日完成"
        row = {
            "level1": "",
            "level2": "时效指标",
            "name": f"{short}完成时间",
            "direction": "时限",
            "target": target,
            "actual": actual,
            "weight": weight,
        }
        if reason:
            row["deviation_reason"] = reason
        return Ind(row, "deadline", met)

    def cost(self, short: str, weight: int, adjusted: float, executed: float) -> Ind:
        name = self.choice(("项目总成本", "项目支出控制在预算内", f"{short}成本控制"))
        row = {
            "level1": "",
            "level2": "成本指标",
            "name": name,
            "direction": "≤",
            "target": f"≤{fmt(adjusted)}万元",
            "actual": f"{fmt(executed)}万元",
            "unit": "万元",
            "weight": weight,
        }
        met = executed <= adjusted
        if not met:  # only the over-100% defect gets here; the overrun is a multiple of 1%
            row["deviation_reason"] = REASONS_COST[0]
        return Ind(row, "cost", met)

    def benefit(self, spec: str, weight: int) -> Ind:
        group, name, target = spec.split("|")
        level2 = LEVEL2_BENEFIT[group]
        if target[0] in "≥≤=":
            return self.from_spec(f"{name}|{target}", level2, weight, 0.06, REASONS_RATE)
        row = {
            "level1": "",
            "level2": level2,
            "name": name,
            "direction": "定性",
            "target": target,
            "actual": self.form.achieved,
            "weight": weight,
        }
        if self.random() < 0.05:
            # 部分达成: the unit scores itself inside the scheme's band for the level (the rule keeps it)
            lo, hi = self.form.partial_band
            point = lo + (hi - lo) * self.choice((0, 0.5, 0.75))
            row.update(actual=self.form.partial, reported_score=printed(weight * point))
            row["deviation_reason"] = REASONS_QUALITATIVE[0]
            return Ind(row, "qualitative", False)
        return Ind(row, "qualitative", True)

    def satisfaction(self, name: str, weight: int) -> Ind:
        target = self.choice((85, 90, 90, 95))
        return self.quantitative(
            name,
            "服务对象满意度指标",
            "≥",
            target,
            "%",
            weight,
            0.1,
            0.12,
            REASONS_SATISFACTION,
            hi=1.2,
            cap=100.0,
        )
