"""The one scoring engine: a batch of projects under one scheme, column by column.

Every carrier comes here: one project from a workbook is a batch of one, a folder of YAML files a
batch of many, a chunk of a province's portfolio tables a batch of a thousand (OpenFisca runs one
person as a vector of length one). The engine
- scores each distinct indicator row once (`rows.RowStore`, by `rules.score_row`) and gathers
  every row's figures as NumPy columns;
- scores each project's budget execution (`rules.budget.score_budget`);
- adds the scores into the scheme's categories in input order (budget first), drops
  not-applicable rows and rescales (`rules.totals.not_applicable_scale`), rounds the official total
  and grades it (`rules.totals`).
Nothing here decides a score: every number comes from a rule. Findings are computed over the
same columns by `evalcore.review`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError, Where
from ..model import IndicatorColumns, Project
from ..rules.budget import BudgetScore, score_budget
from ..rules.outcome import MISSING_ACTUAL, IndicatorScore
from ..rules.totals import (
    capped_total,
    category_points,
    grades,
    itemisation_gap,
    not_applicable_scale,
    official_total,
)
from ..schemes import Scheme
from .cards import CategoryScore, Scorecard
from .rows import FLAG_BIT, RowStore, row_store


@dataclass
class ScoredBatch:
    """Scores of a batch of projects under one scheme. Per row (input order, every project's rows
    together): the store entry and its figures; per project × category: itemised weight and score;
    per project: budget, dropped weight, scale, totals, grade. `errors[k]` holds why project k
    could not be scored, and `unread` the projects with a row the carrier's reader refused (the
    carrier says where); their rows are left out of every column that adds up."""

    scheme: Scheme
    projects: list[Project]
    columns: IndicatorColumns
    live: np.ndarray  # bool[n]: scored (not left out, not in error)
    budgets: list[BudgetScore | None]
    store: RowStore
    ids: np.ndarray  # int64[rows]: entry in the store
    owner: np.ndarray  # int64[rows]: the row's project
    category: np.ndarray  # int64[rows]: index in scheme.categories (-1: none)
    itemised: np.ndarray  # float[n, categories]
    earned: np.ndarray  # float[n, categories]
    dropped: np.ndarray  # float[n]: weight of not-applicable rows
    scale: np.ndarray  # float[n]
    total_raw: np.ndarray  # float[n]
    total: np.ndarray  # float[n]
    grade: list[str]
    errors: dict[int, InputError] = field(default_factory=dict)
    unread: set[int] = field(default_factory=set)  # projects with a row the carrier could not read
    earned_raw: np.ndarray | None = (
        None  # float[n, categories]: before an over-itemised category is brought to its weight
    )
    unscored: np.ndarray | None = None  # float[n]: weight of applicable rows left unscored (实际完成值未填)

    def __len__(self) -> int:
        return len(self.projects)

    def rows_of(self, k: int) -> range:
        b = self.columns.bounds
        return range(int(b[k]), int(b[k + 1]))

    def column(self, name: str) -> np.ndarray:
        """A store column (score, weight, reported, completion, met, …) gathered for every row."""
        return getattr(self.store, name)[self.ids]

    def card(self, k: int) -> Scorecard:
        """Project k as a Scorecard."""
        if k in self.errors:
            raise self.errors[k]
        scheme, budget = self.scheme, self.budgets[k]
        assert budget is not None
        gaps = itemisation_gap(
            np.array([c.weight for c in scheme.categories]), self.itemised[k], scheme
        ).tolist()
        raw = (self.earned if self.earned_raw is None else self.earned_raw)[k].tolist()
        cats = [
            CategoryScore(c.name, c.weight, i, e, unitemised=g, earned_raw=r)
            for c, i, e, g, r in zip(
                scheme.categories, self.itemised[k].tolist(), self.earned[k].tolist(), gaps, raw, strict=True
            )
        ]
        if budget.category is not None:
            cats[[c.name for c in cats].index(budget.category)].budget_weight = budget.weight
        scored, dropped = [], []
        store, rows = self.store, self.columns.rows
        applicable = self.columns.applicable
        for i in self.rows_of(k):
            ind = rows.indicator(i)
            cat = cats[int(self.category[i])]
            if not applicable[i]:
                cat.not_applicable.append(ind)
                dropped.append(ind)
                continue
            o = store.outcome(int(self.ids[i]))
            s = IndicatorScore(
                ind, cat.name, ind.weight, o.score, o.completion, o.explanation, o.level, o.met, o.flags
            )
            cat.indicators.append(s)
            scored.append(s)
        return Scorecard(
            self.projects[k],
            scheme,
            budget,
            cats,
            scored,
            dropped,
            float(self.scale[k]),
            float(self.total_raw[k]),
            float(self.total[k]),
            self.grade[k],
            0.0 if self.unscored is None else float(self.unscored[k]),
        )


def score_batch(
    projects: Sequence[Project | None],
    columns: IndicatorColumns,
    scheme: Scheme,
    live: np.ndarray | None = None,
    budgets: Sequence[BudgetScore | None] | None = None,
) -> ScoredBatch:
    """Score `projects` (their facts and budget rows) with their indicator rows `columns` under
    `scheme`. Projects where `live` is False are left out (their rows are neither scored nor
    added: a carrier marks so the projects it could not read, and leaves None in their place);
    `budgets` may hold budget scores already computed."""
    n = len(projects)
    live = np.ones(n, dtype=bool) if live is None else live.copy()
    owner = np.repeat(np.arange(n, dtype=np.int64), np.diff(columns.bounds))
    store = row_store(scheme, columns.space)
    ids = _row_ids(projects, columns, scheme, store, owner, live)
    unread = set(np.unique(owner[ids < 0]).tolist())  # a row whose cells the carrier's reader refused
    live[list(unread)] = False
    ids[ids < 0] = 0
    category, errors = _categories(projects, columns, scheme, owner, live)
    for k in errors:
        live[k] = False
    if budgets is None:
        budgets = [
            score_budget(p, scheme) if ok else None for p, ok in zip(projects, live.tolist(), strict=True)
        ]
    else:
        budgets = list(budgets)

    # the form's arithmetic: each category adds its budget points first, then its rows as read
    ncat = len(scheme.categories)
    itemised, earned = np.zeros((n, ncat)), np.zeros((n, ncat))
    names = {c.name: j for j, c in enumerate(scheme.categories)}
    placed = [
        (k, names[b.category], b.weight, b.score)
        for k, b in enumerate(budgets)
        if b and b.category is not None
    ]
    if placed:
        at, cat, weights, scores = (np.array(v) for v in zip(*placed, strict=True))
        keep = live[at]
        np.add.at(itemised, (at[keep], cat[keep]), weights[keep])
        np.add.at(earned, (at[keep], cat[keep]), scores[keep])
    counted = live[owner]
    weight, score = store.weight[ids], store.score[ids]
    np.add.at(itemised, (owner[counted], category[counted]), weight[counted])
    scored = counted & columns.applicable
    np.add.at(earned, (owner[scored], category[scored]), score[scored])
    off = counted & ~columns.applicable
    dropped = np.bincount(owner[off], weights=weight[off], minlength=n).astype(np.float64)
    missing = scored & ((store.flags[ids] & FLAG_BIT[MISSING_ACTUAL]) != 0)
    unscored = np.bincount(owner[missing], weights=weight[missing], minlength=n).astype(np.float64)
    earned_raw = earned
    earned = category_points(earned, itemised, scheme)
    scale = not_applicable_scale(dropped)
    total_raw = capped_total(np.array([sum(r) for r in earned.tolist()], dtype=np.float64) * scale)
    total = official_total(total_raw, scheme)
    return ScoredBatch(
        scheme, list(projects), columns, live, budgets, store, ids, owner, category, itemised, earned, dropped, scale,
        total_raw, total, grades(total, scheme), errors, unread, earned_raw, unscored,
    )  # fmt: skip


def _row_ids(
    projects: Sequence[Project | None], columns: IndicatorColumns, scheme: Scheme, store: RowStore, owner: np.ndarray,
    live: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """Each row's store entry: the distinct (cells, year) pairs among the rows of live projects are
    looked up once (scored when new); rows of projects left out point at the blank entry 0."""
    ids = np.zeros(len(columns), dtype=np.int64)
    rows = np.nonzero(live[owner])[0]
    if len(rows) == 0:
        return ids
    years = np.array([p.year if p is not None else 0 for p in projects], dtype=np.int64)[owner[rows]]
    year_values, year_codes = np.unique(years, return_inverse=True)
    cells = columns.cells[rows]
    code = cells * len(year_values) + year_codes.reshape(-1)
    _, first, group = np.unique(code, return_index=True, return_inverse=True)
    firsts = first.tolist()
    distinct = [int(c) for c in cells[first].tolist()]
    keys, rows_of = columns.keys, columns.distinct
    found = store.ids(
        [keys[c] for c in distinct], lambda j: rows_of[distinct[j]], years[firsts].tolist(), scheme
    )
    ids[rows] = found[group.reshape(-1)]
    return ids


def _categories(
    projects: Sequence[Project],
    columns: IndicatorColumns,
    scheme: Scheme,
    owner: np.ndarray,
    live: np.ndarray,
) -> tuple[np.ndarray, dict[int, InputError]]:
    """Each row's category in the scheme; a project with a 一级指标 the scheme does not know
    cannot be scored (an InputError at its first such row)."""
    index = {c.name: j for j, c in enumerate(scheme.categories)}
    of_value = []
    for v in columns.level1_values:
        c = scheme.category_for(v)
        of_value.append(-1 if c is None else index[c.name])
    category = np.array(of_value, dtype=np.int64)[columns.level1] if len(columns) else np.zeros(0, np.int64)
    errors: dict[int, InputError] = {}
    for i in np.nonzero((category < 0) & live[owner])[0].tolist():
        k = int(owner[i])
        if k in errors:
            continue
        ind = columns.rows.indicator(i)
        names = "、".join(x.name for x in scheme.categories)
        project = projects[k]
        assert project is not None
        # a row read from portfolio tables carries no place: the carrier locates it again
        where = ind.where.at("level1", "一级指标") if ind.where else Where(project.origin, field="一级指标")
        errors[k] = InputError(
            where,
            f"一级指标「{ind.level1}」不属于评分方案 {scheme.id}",
            f"{names} 之一",
            project_id=project.project_id,
        )
    return np.where(category < 0, 0, category), errors
