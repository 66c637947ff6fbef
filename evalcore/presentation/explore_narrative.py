"""The explorer's narrative sentences: what a section says in words about the (filtered) view.

A sentence that ranks (「…占 x%」, 「中位数最低的部门」) only says something when there is something
to rank: with one department selected, or when three rows or fewer hold the whole amount, a share
is always 100% and a ranking of one row is no ranking. These functions say what is true of the view
instead (the department's own figures, or where each amount lies), so `explore_views` stays a list
of sections and the rules can be tested apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..explore import UNDER_EXECUTED
from .formats import money, rate

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["gap_sentence", "rates_lead", "rates_sentence"]

TOP_NAMED = 3  # rows named in a sentence


def gap_sentence(department_variance: pd.DataFrame, project_variance: pd.DataFrame) -> str | None:
    """Where the unspent part of 全年预算 lies: among departments, or among the projects of the one
    department shown. Three rows or fewer holding it all are each named with their amount (a share
    would read 100%); more are ranked by the share of the largest three. None: nothing unspent."""
    single = len(department_variance) == 1
    rows = project_variance if single else department_variance
    label = "name" if single else "department"
    gap = rows["差额"].clip(lower=0)
    total = float(gap.sum())
    if total <= 0:
        return None
    holders = rows.assign(g=gap)[gap > 0].sort_values("g", ascending=False, kind="stable")
    whose = f"{department_variance['department'].iat[0]}未执行的" if single else "未执行的"
    if len(holders) == 1:
        return f"{whose} {money(total)} 万元全部在{holders[label].iat[0]}。"
    if len(holders) <= TOP_NAMED:
        parts = "、".join(
            f"{n}（{money(g)} 万元）" for n, g in zip(holders[label], holders["g"], strict=True)
        )
        return f"{whose} {money(total)} 万元分布在{parts}。"
    top = holders.head(TOP_NAMED)
    kind = "个项目" if single else "个部门"
    return (
        f"{whose} {money(total)} 万元中，{'、'.join(top[label])} 占 {rate(float(top['g'].sum()) / total, 1)}"
        f"（共 {len(holders)} {kind}有未执行金额）。"
    )


def rates_sentence(quartiles: pd.DataFrame, rates: pd.Series) -> str:
    """The words above the box plot: with several departments, the three of lowest median 执行率;
    with one, its own median, quartiles and count below the threshold (ranking one row says nothing).
    `quartiles` is indexed by department with columns q1, med, q3 (lowest median first); `rates`
    holds the projects' 执行率."""
    if len(quartiles) == 1:
        dept, row = quartiles.index[0], quartiles.iloc[0]
        low = int((rates < UNDER_EXECUTED).sum())
        return (
            f"{dept} {len(rates)} 个项目的执行率中位数 {rate(float(row['med']), 1)}，"
            f"四分位区间 {rate(float(row['q1']), 1)}–{rate(float(row['q3']), 1)}，"
            f"{low} 个低于 {UNDER_EXECUTED:.0%}。"
        )
    worst = quartiles.head(TOP_NAMED)
    return "执行率中位数最低的部门：" + "、".join(
        f"{d}（{rate(m, 1)}）" for d, m in zip(worst.index, worst["med"], strict=True)
    )


def rates_lead(quartiles: pd.DataFrame) -> str:
    """How the box plot's note begins: its order, or the one department it shows."""
    if len(quartiles) == 1:
        return f"{quartiles.index[0]}的项目执行率"
    return "由执行率中位数最低的部门起"
