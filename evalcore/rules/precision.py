"""The precision a form prints its scores at: whole points, one decimal or two. A reported score is
compared with ours rounded the way the form rounds (19.3 printed for 19.33 on a one-decimal form is
right; 7 for 7.46 on a form that prints whole points is right), so a printing convention is
recognised once for the form and not flagged row by row, while a real difference stays one.
DOMAIN.md, Real forms: "whole-point rounding of every score (7.46 → 7: a convention, recognise it
for the form)".
"""

from __future__ import annotations

import numpy as np

from .explain import round_half_up
from .rule import define

PRINTED_PRECISION = define(
    "printed_precision",
    "按表上精度比较",
    "表上得分的小数位数（整数、一位或两位小数）即本表的计分精度；复核得分按该精度四舍五入后再与自评得分比较",
    reference="DOMAIN.md Real forms：整分取整是惯例，按表识别一次，不逐项提示",
    recognised="本表自评得分均按{precision}填写，复核按{precision}比较（例：「{name}」重算 {score}，按{precision}为 {rounded}）",
)

PRECISION_NAMES = {0: "整数分", 1: "一位小数", 2: "两位小数"}
MAX_DECIMALS = 2


def decimals_of(values: np.ndarray) -> np.ndarray:
    """How many decimals each printed score shows (0, 1 or 2; NaN counts as 0)."""
    x = np.nan_to_num(np.asarray(values, dtype=np.float64))
    whole = np.abs(x - np.round(x)) < 1e-7
    tenth = np.abs(x * 10 - np.round(x * 10)) < 1e-6
    return np.where(whole, 0, np.where(tenth, 1, MAX_DECIMALS))


def as_printed(score: np.ndarray, decimals: np.ndarray) -> np.ndarray:
    """Our score rounded half up to the form's precision (element by element)."""
    out = np.asarray(score, dtype=np.float64).copy()
    for d in (0, 1):
        at = decimals == d
        if at.any():
            out[at] = round_half_up(out[at], d)
    return out
