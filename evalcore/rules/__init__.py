"""Scoring rules: pure functions from one model object and a scheme to a score with its explanation.

Every number in a formula comes from the scheme; every result carries an `Explanation` (inputs,
formula, Chinese text with the numbers) so a report can show why, not just how much.
"""

from .budget import BudgetScore, score_budget
from .explain import Explanation, round_half_up
from .indicators import IndicatorScore, score_indicator

__all__ = ["BudgetScore", "Explanation", "IndicatorScore", "round_half_up", "score_budget", "score_indicator"]
