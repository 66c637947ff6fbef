"""Figures and titles as people read them on every page: amounts, rates and scores with a dash for
a missing value (None or NaN, as pandas gives it), and the report's title. One implementation for
the cards, the explorer, the portfolio index, the project report, the charts and the Excel export,
so the same figure (and the same title) reads the same everywhere.

**Money.** An amount is printed with thousands separators and the decimals its form printed: a
form that writes 1429.197 万元 is shown 1,429.197, never rounded to 1,429.20 (that would change a
figure the unit reported). Amounts in 万元 (and the other multiples, 千元 … 亿元) get at least two
decimals, as every 自评表 prints them, and at most six (万元 to the 分: nothing finer exists);
amounts in 元 get none when the form's amounts are whole and two (角分) when not. One project's
pages pass the decimals of all its amounts (`project_money`), so its tables' columns line up; a
table of many projects (the index, the explorer) shows each figure as its own form printed it, and
a sum carries the decimals of its parts.

**Times.** Every time shown to a person is Beijing time (Asia/Shanghai), labelled so: a report
generated at 07:04 UTC says 「2026-12-06 15:04（北京时间）」, the hour its reader lived. Fields for
machines (JSON) stay ISO 8601 with their offset.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol
from zoneinfo import ZoneInfo

__all__ = [
    "BEIJING",
    "amount_decimals",
    "excel_money_format",
    "local_time",
    "money",
    "project_decimals",
    "project_money",
    "project_phrase",
    "rate",
    "report_title",
    "score",
]

YUAN = "元"
MIN_DECIMALS = 2  # 万元 as every form prints it
MAX_DECIMALS = 6  # 万元 to the 分
#: The time zone of every time a person reads (the tzdata package supplies it where the system
#: has no time-zone database, e.g. Windows).
BEIJING = ZoneInfo("Asia/Shanghai")


def _missing(x: float | None) -> bool:
    return x is None or x != x


def amount_decimals(values: Iterable[float | None]) -> int:
    """The most decimals any of the amounts carries (0–6), read after rounding to six places so
    float noise (0.1 + 0.2) counts as what was written."""
    most = 0
    for x in values:
        if not _missing(x):
            text = f"{abs(float(x)):.{MAX_DECIMALS}f}".rstrip("0")  # type: ignore[arg-type]
            most = max(most, len(text.partition(".")[2]))
    return most


def _decimals(unit: str | None, carried: int) -> int:
    """The rule, once: 元 → 0 or 2; any other money unit (万元 …) → the carried decimals within 2–6."""
    if unit == YUAN:
        return 0 if carried == 0 else MIN_DECIMALS
    return min(MAX_DECIMALS, max(MIN_DECIMALS, carried))


def money(x: float | None, unit: str | None = "万元", decimals: int | None = None) -> str:
    """An amount with thousands separators and the form's decimals (see the module docstring):
    `money(1429.197)` → 1,429.197, `money(1883)` → 1,883.00, `money(12345, "元")` → 12,345.
    `decimals` is what the amounts of the table carry (`amount_decimals`); None reads it from x."""
    if _missing(x):
        return "—"
    d = _decimals(unit, amount_decimals([x]) if decimals is None else decimals)
    return f"{round(float(x), d) + 0.0:,.{d}f}"  # type: ignore[arg-type]  # + 0.0: no -0.00


class _Amounts(Protocol):
    initial: float
    adjusted: float
    executed: float


class _Budgeted(Protocol):
    amount_unit: str
    budget: Sequence[_Amounts]


def project_decimals(project: _Budgeted) -> int:
    """The decimals one project's amounts carry: its budget rows' (totals, differences and sums of
    those rows carry no more)."""
    return amount_decimals(x for r in project.budget for x in (r.initial, r.adjusted, r.executed))


def project_money(project: _Budgeted) -> Callable[[float | None], str]:
    """`money` for one project's pages: its unit and `project_decimals`, so every amount of its
    report, form, card and charts reads alike."""
    unit, decimals = project.amount_unit, project_decimals(project)
    return lambda x: money(x, unit, decimals)


def excel_money_format(unit: str | None, decimals: int | None = None) -> str:
    """The same rule as an Excel number format: 万元 shows two decimals, and up to six when the cell
    has them (#,##0.00####); 元 shows none when the amounts are whole (`decimals` 0), else two."""
    if unit == YUAN:
        return "#,##0" if decimals == 0 else "#,##0.00"
    return "#,##0." + "0" * MIN_DECIMALS + "#" * (MAX_DECIMALS - MIN_DECIMALS)


def rate(x: float | None, d: int = 2) -> str:
    """A ratio as a percentage with `d` decimals: 0.9312 → 93.12%."""
    return "—" if _missing(x) else f"{x * 100:.{d}f}%"  # type: ignore[operator]


def score(x: float | None) -> str:
    """A score with two decimals: 87.5 → 87.50."""
    return "—" if _missing(x) else f"{x:.2f}"


def local_time(t: dt.datetime, seconds: bool = False) -> str:
    """A moment as a person reads it: Beijing time, labelled, 「2026-12-06 15:04（北京时间）」. A naive
    time is taken as UTC (what the package records)."""
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return t.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M" + (":%S" if seconds else "")) + "（北京时间）"


class _Named(Protocol):
    department: str
    name: str


#: A project name ending in this word already says what it is: no second 项目 after it.
PROJECT_WORD = "项目"


def project_phrase(name: str) -> str:
    """「{项目名称}项目」 as a title or a sentence says it, without doubling 项目 when the name already
    ends in it (「…信息化建设项目」 stays as written). Only 项目 is looked at: a name ending in 专项 or
    资金 (「…专项资金」) names money, not a project, and reads 「…专项资金项目」 as finance bureaus
    print it."""
    name = name.strip()
    return name if name.endswith(PROJECT_WORD) else name + PROJECT_WORD


def report_title(project: _Named) -> str:
    """「{主管部门}关于{项目名称}项目绩效评价报告」 (`project_phrase`: no 「…项目项目…」): one rule for
    the report, its Word and PDF copies and every page that names the report."""
    return f"{project.department}关于{project_phrase(project.name)}绩效评价报告"
