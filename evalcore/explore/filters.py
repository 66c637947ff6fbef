"""What `Portfolio.filter` accepts, and what it says when a filter selects nothing.

An analyst types filter values by hand in a notebook, often abbreviated (「人社局」 for
江城市人力资源和社会保障局) or of the wrong kind (`rate="90%"`). A silent empty view looks like an
answer ("no such projects"), so a value that matches nothing warns (`FilterWarning`) with the
nearest names of the portfolio, and a combination of existing values that leaves nothing warns
too; the empty view is still returned, so a program that loops over filters keeps going. A value
of the wrong type is a mistake, not an empty answer: it raises TypeError / ValueError saying, in
Chinese, what was expected.
"""

from __future__ import annotations

import difflib
import math
import numbers
import warnings
from collections.abc import Iterable

__all__ = [
    "FilterWarning",
    "check_names",
    "check_rate",
    "check_year",
    "nearest",
    "warn_empty",
    "warn_unknown",
]

SUGGESTIONS = 3


class FilterWarning(UserWarning):
    """A filter of `Portfolio.filter` that selects no project (the view returned is empty)."""


def _shown(value: object) -> str:
    return f"{value!r}（{type(value).__name__}）"


def check_names(value: object, label: str, example: str) -> set[str] | None:
    """The names a department or grade filter asks for: one text or a list of texts (None: no filter).
    Anything else is a TypeError: a number or a mapping would otherwise match nothing, silently."""
    if value is None:
        return None
    if isinstance(value, str):
        return {value}
    if isinstance(value, Iterable) and not isinstance(value, bytes | dict):
        items = list(value)
        bad = [v for v in items if not isinstance(v, str)]
        if not bad:
            return set(items)
        raise TypeError(f"{label}应为文字或文字的列表（如 {example}），其中的 {_shown(bad[0])} 不是文字")
    raise TypeError(f"{label}应为文字或文字的列表（如 {example}），而不是 {_shown(value)}")


def _bound(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"执行率的上下限应为小数或 None（如 rate=(0, 0.9) 表示 0%–90%，None 表示不限），而不是 {_shown(value)}"
        )
    bound = float(value)
    if math.isnan(bound):
        raise ValueError("执行率的上下限不能是 NaN：不限请写 None")
    return bound


def check_rate(rate: object) -> tuple[float | None, float | None] | None:
    """A rate filter as (lo, hi): two bounds, each a number (0.9 is 90%) or None for no bound."""
    if rate is None:
        return None
    if isinstance(rate, str) or not isinstance(rate, tuple | list) or len(rate) != 2:
        raise TypeError(
            "执行率范围应为两个数组成的 (下限, 上限)，如 rate=(0, 0.9) 表示 0%–90%、"
            f"rate=(None, 0.9) 表示 90% 及以下，而不是 {_shown(rate)}"
        )
    lo, hi = _bound(rate[0]), _bound(rate[1])
    if lo is not None and hi is not None and lo > hi:
        raise ValueError(f"执行率范围的下限 {lo:g} 大于上限 {hi:g}：应为 (下限, 上限)")
    return lo, hi


def check_year(year: object) -> int | None:
    """An evaluation year as an integer (2024); a text or a fraction is a TypeError."""
    if year is None:
        return None
    if isinstance(year, bool) or not isinstance(year, numbers.Integral):
        raise TypeError(f"评价年度应为整数（如 year=2024），而不是 {_shown(year)}")
    return int(year)


def _in_order(query: str, name: str) -> bool:
    """Every character of `query` appears in `name`, in order: 「人社局」 in 「江城市人力资源和社会保障局」."""
    rest = iter(name)
    return all(ch in rest for ch in query)


def nearest(query: str, names: Iterable[str], n: int = SUGGESTIONS) -> list[str]:
    """The names closest to `query`: those holding its characters in order (an abbreviation), the
    shortest first, then difflib's close matches (a typo)."""
    names = sorted(set(names))
    query = query.strip()
    abbreviated = sorted((m for m in names if query and _in_order(query, m)), key=lambda m: (len(m), m))
    similar = difflib.get_close_matches(query, names, n=n, cutoff=0.4)
    return list(dict.fromkeys([*abbreviated, *similar]))[:n]


def warn_unknown(label: str, unknown: Iterable[object], known: Iterable[object], empty: bool) -> None:
    """Warn once for the values of one filter that are in no project of the portfolio (`empty`:
    the view came out empty, which the message says first)."""
    known = [str(k) for k in known]
    lines = []
    for value in sorted(unknown, key=str):
        near = nearest(str(value), known)
        hint = (
            f"；相近的{label}：{'、'.join(near)}"
            if near
            else f"；本组合的{label}：{'、'.join(known[:10])}{'等' if len(known) > 10 else ''}"
        )
        lines.append(f"没有{label}为「{value}」的项目{hint}")
    if lines:
        warnings.warn(("筛选结果为空：" if empty else "") + "。".join(lines), FilterWarning, stacklevel=3)


def warn_empty(described: str, before: int) -> None:
    """Warn that filters whose values all exist leave no project together."""
    if before == 0:
        message = f"筛选结果为空：筛选前已没有项目（{described}）"
    else:
        message = f"筛选结果为空：没有同时满足「{described}」的项目（筛选前 {before} 个）"
    warnings.warn(message, FilterWarning, stacklevel=3)
