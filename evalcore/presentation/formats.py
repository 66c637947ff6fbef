"""Figures and titles as people read them on every page: amounts, rates and scores with a dash for
a missing value (None or NaN, as pandas gives it), and the report's title. One implementation for
the cards, the explorer, the portfolio index and the project report, so the same figure (and the
same title) reads the same everywhere."""

from __future__ import annotations

from typing import Protocol

__all__ = ["money", "rate", "report_title", "score"]


def money(x: float | None) -> str:
    """An amount with thousands separators and two decimals: 28,027.00."""
    return "—" if x is None or x != x else f"{x:,.2f}"


def rate(x: float | None, d: int = 2) -> str:
    """A ratio as a percentage with `d` decimals: 0.9312 → 93.12%."""
    return "—" if x is None or x != x else f"{x * 100:.{d}f}%"


def score(x: float | None) -> str:
    """A score with two decimals: 87.5 → 87.50."""
    return "—" if x is None or x != x else f"{x:.2f}"


class _Named(Protocol):
    department: str
    name: str


#: A project name ending in this word already says what it is: no second 项目 after it.
PROJECT_WORD = "项目"


def report_title(project: _Named) -> str:
    """「{主管部门}关于{项目名称}项目绩效评价报告」, without doubling 项目 when the name already ends in
    it (「…信息化建设项目」 gives 「…信息化建设项目绩效评价报告」). Only 项目 is looked at: a name ending
    in 专项 or 资金 (「…专项资金」) names money, not a project, and reads 「…专项资金项目绩效评价报告」
    as finance bureaus print it."""
    name = project.name.strip()
    return f"{project.department}关于{name}{'' if name.endswith(PROJECT_WORD) else PROJECT_WORD}绩效评价报告"
