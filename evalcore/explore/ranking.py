"""Where a project stands among others (横向比较): the one rule for rank and percentile, used by
`Portfolio.peers` (explore/peers.py) and by the reports' context (explore/context.py).

Rank 1 is the highest value, ties share the better rank; 百分位 is the share of the group (the
project included) whose value is at most the project's, in percent. An execution rate above 100%
ranks as 100%: spending more than the budget is no better than spending all of it (the budget rule
scores it so). The median shown beside them is of the values as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

EPS = 1e-12
RATE = "执行率"
FUNCTION_PREFIX, LEVEL2_PREFIX = "功能分类：", "二级指标："


def kind(function_class: str, level2: Iterable[str]) -> str:
    """A project's kind for 横向比较, which is its group's name too: its 功能分类 when the input
    gives one (「功能分类：2050202 小学教育」), else the set of 二级指标 it is evaluated on
    (「二级指标：数量指标、质量指标…」) — projects built on the same frame of indicators."""
    given = (function_class or "").strip()
    if given:
        return FUNCTION_PREFIX + given
    return LEVEL2_PREFIX + ("、".join(sorted(set(level2))) or "（无）")


def comparable(measure: str, values: np.ndarray) -> np.ndarray:
    """The values as they are ranked: execution rates capped at 100%."""
    import numpy as np

    return np.minimum(values, 1.0) if measure == RATE else values


def position(measure: str, values: np.ndarray, own: float) -> tuple[int, float]:
    """(rank, percentile) of `own` among `values` (which include it; no NaN)."""
    import numpy as np

    ranked = comparable(measure, values)
    mine = float(comparable(measure, np.asarray([own]))[0])
    return int((ranked > mine + EPS).sum()) + 1, 100.0 * float((ranked <= mine + EPS).sum()) / len(ranked)
