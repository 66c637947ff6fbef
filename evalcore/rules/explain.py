"""Explanations as data, the one rounding rule (half up, as accountants round) and the number
formats every explanation and finding uses."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from ..quantities import format_number


@dataclass(slots=True)
class Explanation:
    """Why a score is what it is. Treat as immutable: one is shared by every row alike (not declared
    frozen because a frozen dataclass's __init__ is three times as slow, once per distinct row)."""

    rule: str  # the rule applied, named as a reviewer would: 正向指标 按完成比例计分
    formula: str  # the formula in words: 分值 × 实际值 ÷ 目标值
    text: str  # the computation with the numbers: 146人次 ÷ 200人次 = 73.0%；10 × 73.0% = 7.30
    inputs: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"rule": self.rule, "formula": self.formula, "text": self.text, "inputs": self.inputs}


Number = TypeVar("Number", float, np.ndarray)


def round_half_up(x: Number, decimals: int = 0) -> Number:
    """0.125 → 0.13, 2.5 → 3: what people expect on a form (Python's round() rounds half to even).
    The tiny epsilon absorbs binary noise such as 8.825 stored as 8.82499999. Takes a number or,
    element by element with the same arithmetic, a NumPy array (the engine rounds a batch's totals)."""
    if isinstance(x, np.ndarray):
        factor = 10.0**decimals
        with np.errstate(over="ignore", invalid="ignore"):
            scaled = np.abs(x) * factor
            rounded = np.copysign(np.floor(scaled + 0.5 + 1e-9), x) / factor
        return np.where(np.isfinite(scaled), rounded, x)
    if not math.isfinite(x):
        return x
    factor = 10.0**decimals
    scaled = abs(x) * factor
    if scaled == math.inf:  # beyond a float's range once scaled: there is no fraction left to round
        return x
    return math.copysign(math.floor(scaled + 0.5 + 1e-9), x) / factor


def pct(ratio: float, decimals: int = 1) -> str:
    if decimals == 1:  # the common cases (indicators, budget rates), without a nested format spec
        return f"{ratio * 100:.1f}%"
    if decimals == 2:
        return f"{ratio * 100:.2f}%"
    return f"{ratio * 100:.{decimals}f}%"


def pct_of(ratio: float, weight: float, score: float) -> str:
    """The ratio as shown in `weight × ratio = score`, with enough decimals for the product shown
    to equal the score shown (20 × 87.7% would print 17.54 for a score of 17.53)."""
    target = pts(score)
    for d in (1, 2, 3, 4):
        shown = round(ratio * 100, d)
        if pts(weight * shown / 100) == target:
            return f"{shown:.{d}f}%"
    return f"{ratio * 100:.4f}%"


def pts(x: float) -> str:
    """Points with two decimals, rounded half up like every score on the form (10 × 6.25% = 0.63;
    Python's format would print 0.62, rounding the exact binary 0.625 half to even)."""
    if 0.0 < x < 1e300:  # a positive score, the usual case: round_half_up(x, 2) with no sign to carry
        return f"{math.floor(x * 100.0 + 0.5 + 1e-9) / 100.0:.2f}"
    if not math.isfinite(x) or abs(x) * 100.0 == math.inf:  # as round_half_up leaves it
        return f"{x:.2f}"
    return f"{math.copysign(math.floor(abs(x) * 100.0 + 0.5 + 1e-9), x) / 100.0:.2f}"  # round_half_up(x, 2), inlined


def w(weight: float) -> str:
    return format_number(weight)
