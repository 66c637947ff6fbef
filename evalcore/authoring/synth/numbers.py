"""Numbers as a form writes them and reads them back: typed amounts, printed scores, target specs.

Kept apart because every part of a draft writes numbers (indicator rows, budget rows, defects, the
scores), and they must all write them the same way for printed and recomputed figures to agree.
"""

from __future__ import annotations

import math

from ...rules.explain import round_half_up


def printed(score: float) -> float:
    """A score as a unit prints it on the form: two decimals, rounded half up."""
    return round_half_up(score, 2)


def in_cents(score: float) -> bool:
    """Whether a score prints exactly: it has two decimals (binary noise aside)."""
    return abs(score * 100 - round(score * 100)) < 1e-6


def fmt(x: float) -> str:
    """Numbers as a person types them: no trailing zeros, at most four decimals (元 in 万元)."""
    x = round(x, 4)
    if x == int(x):
        return str(int(x))
    return f"{x:.4f}".rstrip("0").rstrip(".")


def parse_spec(spec: str) -> tuple[str, str, float, str]:
    """`≥95%` → (≥, 95, %); `=0起` → (=, 0, 起)."""
    cmp = spec[0]
    i = 1
    while i < len(spec) and (spec[i].isdigit() or spec[i] == "."):
        i += 1
    return cmp, spec[1:i], float(spec[1:i]), spec[i:]


def nice(v: float) -> float:
    """Targets are round numbers: two significant digits (3472 → 3500), small counts as they are."""
    if v < 20:
        return max(1, round(v))
    step = 10 ** (int(math.log10(v)) - 1)
    return round(v / step) * step
