"""What the explorer's lists offer (issue #16): every department list labelled as the filter's is.

The filter's department Dropdown labels each department by its short name (「教育局」 for
「江城市教育局」, `explore_filters.department_options`), the largest 全年预算 of the whole portfolio
first. The drill-down's and 历史比较's department Dropdowns list only the departments the view keeps;
`department_choices` gives them the filter's labels and the filter's order, so one department reads
the same, and sits at the same place, in every list. The value stays the full name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ..explore import Portfolio
from .explore_filters import department_options

__all__ = ["department_choices", "grade_bands"]


def department_choices(all_names: Sequence[str], names: Sequence[str]) -> list[tuple[str, str]]:
    """(short label, full name) of the departments `names` holds, labelled and ordered as the
    filter labels and orders `all_names` (the whole portfolio's: a label computed from the view's
    few names alone would change with the filter — one department left keeps its full name)."""
    kept = set(names)
    listed = [o for o in department_options(all_names) if o[1] in kept]
    missing = [(n, n) for n in dict.fromkeys(names) if n not in {v for _l, v in listed}]
    return listed + missing


def grade_bands(portfolio: Portfolio) -> list[tuple[str, float]]:
    """(grade, lower bound) of the scheme most projects use: the bands the scatter draws."""
    p = portfolio.projects
    if not len(p):
        return []
    used = Counter(p["scheme"])
    scheme_id = used.most_common(1)[0][0]
    pid = p.loc[p["scheme"] == scheme_id, "project_id"].iloc[0]
    return [(g.name, float(g.min)) for g in portfolio.project(pid).scheme.grades]
