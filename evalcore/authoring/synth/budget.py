"""The budget block of a draft: rows in 万元 built in whole 元, the execution rate, the budget note,
and the budget defects (total_row_zeros, item_overspent, execution_over_100), which are built with
the rows.
"""

from __future__ import annotations

import math

from ..catalog import BUDGET_NOTES, GENERIC_ITEMS, Kind
from .maker import Maker
from .numbers import fmt

YUAN_PER_WAN = 10_000


def _split_yuan(total: int, shares: list[float], quantum: int = 1000) -> list[int]:
    """Split an amount into parts that are multiples of `quantum` 元 and add up exactly."""
    units = total // quantum
    s = sum(shares)
    parts = [int(units * x / s) for x in shares[:-1]]
    parts.append(units - sum(parts))
    return [p * quantum for p in parts]


def budget_rows(
    m: Maker, defect: str | None, with_items: bool, kind: Kind
) -> tuple[list[dict], float, float, str]:
    """Budget rows in 万元 built in whole 元, so rows add up exactly and the execution rate is a whole
    number of thousandths. Its 自评得分 is the engine's, written once the project is scored.

    Returns rows, adjusted and executed totals (万元), and a budget note.
    """
    wan = min(3000.0, max(10.0, math.exp(m.rng.gauss(math.log(120), 1.1))))
    adjusted = round(wan, 1) if wan < 100 else float(round(wan))
    adj_y = round(adjusted * 10) * 1000
    r = m.random()
    if defect == "execution_over_100":
        k = m.rng.randint(101, 108) * 10
    elif defect == "item_overspent":  # keeps the largest item able to absorb the overspend
        k = m.rng.randint(900, 1000)
    elif r < 0.38:
        k = 1000
    elif r < 0.85:
        k = m.rng.randint(850, 999)
    elif r < 0.97:
        k = m.rng.randint(700, 849)
    else:
        k = m.rng.randint(450, 699)
    if m.random() < 0.2:
        ini_y = round(adj_y / m.uniform(0.8, 1.25) / 1000) * 1000
    else:
        ini_y = adj_y
    sources = [("当年财政拨款", 1.0)]
    if m.random() < 0.2:
        sources.append(("上年结转资金", m.uniform(0.05, 0.35)))
    if m.random() < 0.05:
        sources.append(("其他资金", m.uniform(0.05, 0.2)))
    shares = [s for _, s in sources][::-1]  # the fiscal grant last: it takes the remainder
    names = [n for n, _ in sources][::-1]
    adj_parts = _split_yuan(adj_y, shares)
    extra = ini_y - adj_y  # a mid-year adjustment lands on the fiscal grant
    ini_parts = [*adj_parts[:-1], adj_parts[-1] + extra]
    if ini_parts[-1] < 0:
        ini_parts = _split_yuan(ini_y, shares)

    def row(source: str, ini: int, adj: int, exe: int) -> dict:
        return {
            "source": source,
            "initial": ini / YUAN_PER_WAN,
            "adjusted": adj / YUAN_PER_WAN,
            "executed": exe / YUAN_PER_WAN,
        }

    exe_y = adj_y * k // 1000
    total = row("年度资金总额", ini_y, adj_y, exe_y)
    if defect == "total_row_zeros":
        total.update(initial=0.0, adjusted=0.0, executed=0.0)
    rows = [total]
    rows += [
        row(n, i, a, a * k // 1000)
        for n, i, a in zip(names[::-1], ini_parts[::-1], adj_parts[::-1], strict=True)
    ]
    if with_items:
        pool = kind.items if len(kind.items) >= 2 else GENERIC_ITEMS
        count = min(len(pool), m.rng.randint(2, 4))
        names_i = m.rng.sample(pool, count)
        shares_i = [m.uniform(0.5, 2.0) for _ in names_i]
        a_items = _split_yuan(adj_y, shares_i)
        i_items = _split_yuan(ini_y, shares_i)
        e_items = [a * k // 1000 for a in a_items]
        if defect == "item_overspent":  # the smallest item overspends, the largest gives way: total unchanged
            by_size = sorted(range(count), key=lambda x: (a_items[x], x))
            small, large = by_size[0], by_size[-1]
            over = max(100, int(a_items[small] * m.uniform(0.05, 0.25)) // 100 * 100)
            delta = a_items[small] + over - e_items[small]
            e_items[small] += delta
            e_items[large] -= delta
        rows += [row(n, i, a, e) for n, i, a, e in zip(names_i, i_items, a_items, e_items, strict=True)]
    note = ""
    if k <= round(1000 * m.explain_below):  # at exactly the rate too
        note = m.choice(BUDGET_NOTES)
    if ini_y != adj_y and m.random() < 0.5:
        change = (adj_y - ini_y) / YUAN_PER_WAN
        verb = "调增" if change > 0 else "调减"
        note = f"年中根据项目实际需要{verb}预算{fmt(abs(change))}万元。" + note
    return rows, adj_y / YUAN_PER_WAN, exe_y / YUAN_PER_WAN, note
