"""A portfolio as pandas DataFrames, for exploring budget variance (预算执行偏差) in a notebook.

`load_portfolio(path)` scores and reviews everything under the path through `evaluate_paths` (the
same entry point as `evalcore score`, so every number equals `score --json`) and lays the results
out column-wise in one pass over the evaluations:

- `projects`: one row per scored project (facts, budget figures, total, grade, self-reported
  total and grade, number of findings);
- `indicators`: every indicator row, applicable ones first as in `score --json`;
- `budget`: every budget row (role total / funding / item);
- `findings`: every review finding (project_id, code, severity, message …);
- `errors`: inputs that could not be read or scored, one row each (every other project is scored).

Amounts are in 万元 in every table: a project filed in 元 is divided by 10,000 (its `amount_unit`
column says how it was filed), so sums across projects mean something. Rates are unit-free.

`variance(by=...)` gives 年初 / 全年 / 执行 / 差额 (全年 − 执行: positive is money not spent) /
执行率 (执行 ÷ 全年) per department, project or line item, with the flags `overspent`
(执行 > 全年) and `under_executed` (执行率 < 90%). `filter(...)` returns a view of the same
portfolio selected by boolean masks: nothing is re-read or re-scored, and the view's tables are
cut only when first asked for.

pandas is imported when a portfolio is loaded, not when `evalcore` is: the command line and the
report kernels never pay for it.

One job per module: `tables` builds the tables from the evaluations, `portfolio` is the view
(filter, summary, an evaluation), `variance` computes the budget variance, `columns` names the
columns and the lines; for a portfolio of several years `lineage` matches projects across years,
`history` adds R016–R019 and lays out `Portfolio.history`, `peers` the groups of `Portfolio.peers`,
`filters` checks `Portfolio.filter`'s values and warns (`FilterWarning`) when one selects nothing. `load_portfolio` ties them together here; the names below are the API.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TypeVar

from ..evaluation import evaluate_paths
from ..schemes import Scheme
from .columns import UNDER_EXECUTED, VARIANCE_COLUMNS
from .filters import FilterWarning
from .history import history_findings
from .lineage import LineageError, base_name, match_years, read_lineage, read_mapping
from .portfolio import Portfolio, describe_filters
from .tables import build_tables

P = TypeVar("P", bound=Portfolio)

__all__ = [
    "UNDER_EXECUTED",
    "VARIANCE_COLUMNS",
    "FilterWarning",
    "LineageError",
    "Portfolio",
    "base_name",
    "describe_filters",
    "load_portfolio",
    "match_years",
    "read_mapping",
]


def load_portfolio(
    path: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    scheme: Scheme | str | None = None,
    lineage: str | os.PathLike[str] | Mapping[str, str] | None = None,
    *,
    portfolio_class: type[P] = Portfolio,  # type: ignore[assignment]
) -> P:
    """Read, score and review every project under `path` (a file, a folder, a table folder, or a
    list of them) through `evaluate_paths`. Inputs that cannot be used are kept in `errors`.

    The portfolio may hold several years: one 项目编号 may come once per year (twice in one year is
    an input error naming both files). Projects are matched across years (`lineage.match_years`)
    by id, by the optional `lineage` mapping (a YAML or CSV file, or a dict, of `from id → to id`
    for renamed projects) and by unit and name without the year; then R016–R019 are added to the
    later year's findings. Without `lineage`, a 项目对照.csv/.yaml under the data folders is that
    mapping (`read_lineage`). Raises LineageError for a mapping that cannot be used.

    `portfolio_class` is the class of the portfolio and of its views: a subclass adds what this
    package may not (the presentation's `evalcore.load_portfolio` gives views a `to_excel`)."""
    paths = [path] if isinstance(path, str | os.PathLike) else list(path)
    run = evaluate_paths(paths, scheme, per_year=True)
    mapping = read_lineage(paths, lineage, run.skipped)
    evs = run.evaluations
    projs = [ev.project for ev in evs]
    lines = match_years(
        [p.project_id for p in projs],
        [p.unit for p in projs],
        [p.name for p in projs],
        [p.year for p in projs],
        mapping,
    )
    history_findings(evs, lines)
    return portfolio_class(build_tables(evs, run.errors, tuple(str(p) for p in paths), lines))
