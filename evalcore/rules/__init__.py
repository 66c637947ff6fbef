"""The rulebook: every scoring rule defined once, by name, with its Chinese title, formula and
explanation templates beside the code that applies it (`RULES` lists them).

- `budget`: 预算执行率 (budget execution);
- `indicators`: 正向 / 等于 / 零目标 / 反向（线性、比例）/ 时限 / 定性 rules for one row, caps, whole points;
- `totals`: not-applicable rescaling (按百分制折算), the official total's rounding, grades.

Every number in a formula comes from the scheme; every result carries an `Explanation` (inputs,
formula, Chinese text with the numbers) so a report can show why, not just how much.
"""

from .budget import BudgetScore, score_budget
from .explain import Explanation, round_half_up
from .indicators import IndicatorScore, Outcome, score_indicator, score_row
from .rule import RULES, Rule
from .totals import grade

__all__ = [
    "RULES",
    "BudgetScore",
    "Explanation",
    "IndicatorScore",
    "Outcome",
    "Rule",
    "grade",
    "round_half_up",
    "score_budget",
    "score_indicator",
    "score_row",
]
