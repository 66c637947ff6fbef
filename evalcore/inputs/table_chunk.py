"""A chunk of a portfolio's tables read column by column, for the scoring engine.

`TablePortfolio.raw_projects` materialises a Python row object per cell row, which for a
province's 300,000 indicator rows costs more than scoring them. This reader takes projects
[start, stop) of the tables straight from their Arrow columns: every column is dictionary-encoded,
so each distinct cell (and each distinct set of scored cells: 指标性质, 年度指标值, 实际完成值, 度量单位,
分值, 自评得分) is read once by the same cell readers the row-by-row path uses
(`indicator_cells.indicator_cells`, `records.budget_row`, `records.project_facts`, `indicator_cells.applicable_cell`)
— one validation, whichever way a project is read.

A project with a cell those readers refuse is marked for the row-by-row path (`REFERENCE`), which
reports the problem with its file, row and column (a scored cell is read when the engine first
meets its row: the engine leaves such a project `unread`, and the same path takes it); projects whose id the projects table repeats
are skipped (`SKIPPED`), as `raw_projects` skips them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..fields import NARRATIVE_KEYS
from ..model import NO_NARRATIVE, Indicator, IndicatorColumns, Project
from .cells import CellProblem, cell_text, is_blank_cell, required_text
from .indicator_cells import COST, DETAIL, applicable_cell, indicator_cells, is_cost_name, is_detail_name
from .records import budget_row_from, parsed_budget_cell, project_facts, read_narrative
from .tables_reader import TablePortfolio

READ, REFERENCE, SKIPPED = 0, 1, 2
_FACTS = (
    "project_id", "name", "department", "unit", "year", "evaluation_type", "scheme", "amount_unit", "goal_planned",
    "goal_actual", "reported_total", "reported_grade", "budget_note", "function_class",
)  # fmt: skip
_BUDGET = ("source", "initial", "adjusted", "executed", "reported_score")
_SCORED = ("direction", "target", "actual", "unit", "weight", "reported_score")
_NARRATIVE = frozenset(NARRATIVE_KEYS)
_STRIPPED = 4  # the first four scored cells are read stripped, 分值 and 自评得分 as given


class Coded:
    """One column of a table slice, dictionary-encoded: a code per row and the distinct values."""

    def __init__(self, table: pa.Table, key: str, start: int, n: int) -> None:
        if key not in table.column_names or n == 0:
            self.codes, self.values = np.zeros(n, dtype=np.int64), [""]
            return
        encoded = pc.dictionary_encode(table.column(key).slice(start, n).combine_chunks())
        self.codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        self.values: list[str] = encoded.dictionary.to_pylist()

    def stripped(self) -> list[str]:
        """The distinct values as records reads them (text columns: stripped; see `eligible`)."""
        return [v.strip() for v in self.values]

    def spread(self, read: Callable[[str], object]) -> list:
        """read() of each distinct value, then one per row."""
        table = [read(v) for v in self.values]
        return list(map(table.__getitem__, self.codes.tolist()))


def eligible(portfolio: TablePortfolio) -> bool:
    """Text columns without nulls (every CSV; Parquet written as text). Typed Parquet columns are
    read row by row, which knows how to print a float cell. Narrative columns (立项背景 …) may be
    anything: they are read cell by cell with the row-by-row reader (`_narratives`), so a Parquet
    export leaving them null costs the portfolio nothing."""
    return not _names_surveys(portfolio) and all(
        pa.types.is_string(c.type) and c.null_count == 0
        for t in (portfolio.projects, portfolio.budget, portfolio.indicators)
        for key, c in zip(t.table.column_names, t.table.columns, strict=True)
        if t is not portfolio.projects or key not in _NARRATIVE
    )


def _names_surveys(portfolio: TablePortfolio) -> bool:
    """Whether a row names a questionnaire (问卷文件): those tables are read row by row, which reads
    the files. The column is usually absent, and then this costs nothing."""
    table = portfolio.indicators.table
    if "survey" not in table.column_names:
        return False
    values = pc.utf8_trim_whitespace(pc.cast(pc.fill_null(table.column("survey"), ""), pa.string()))
    return bool(pc.any(pc.not_equal(values, "")).as_py())


def combine(columns: list[np.ndarray], sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Rows with equal codes in every column share a group: (first row of each group, group per row)."""
    code = np.zeros(len(columns[0]), dtype=np.int64)
    span = 1
    for col, size in zip(columns, sizes, strict=True):
        if span * max(size, 1) >= 1 << 62:  # keep the mixed-radix code inside int64
            _, code = np.unique(code, return_inverse=True)
            span = int(code.max()) + 1 if len(code) else 1
        code = code * max(size, 1) + col
        span *= max(size, 1)
    _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def _readable(read: Callable[[str, str], object], values: list[str], key: str) -> np.ndarray:
    """Whether records' reader takes each distinct value of a column."""
    out = np.ones(len(values), dtype=bool)
    for j, v in enumerate(values):
        try:
            read(v, key)
        except CellProblem:
            out[j] = False
    return out


class _Scored:
    """The scored cells of each distinct row, read by `indicator_cells.indicator_cells` when first asked for
    (the engine asks only for rows its store has not met; a refused row reads as None)."""

    def __init__(self, keys: list[tuple]) -> None:
        self.keys = keys
        self.read: dict[int, Indicator | None] = {}  # a row asked for again (a card, a message) is read once

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, c: int) -> Indicator | None:
        out = self.read.get(c, self)
        if out is self:
            try:
                out = indicator_cells(*self.keys[c])
            except CellProblem:
                out = None
            self.read[c] = out
        return out  # type: ignore[return-value]


class _Rows:
    """Row i of the chunk as an Indicator, names included (for cards and messages: few rows). It
    holds the columns it reads, not the chunk: scoring makes no reference cycles (a score worker
    runs without the cyclic collector)."""

    def __init__(self, cells: np.ndarray, distinct: list, applicable: np.ndarray, names: list[tuple]) -> None:
        self.cells, self.distinct, self.applicable, self.names = cells, distinct, applicable, names

    def indicator(self, i: int) -> Indicator:
        proto = self.distinct[int(self.cells[i])]
        level1, level2, name, reason = (values[int(codes[i])] for codes, values in self.names)
        return Indicator(
            level1, level2, name, proto.direction, proto.target, proto.actual, proto.unit, proto.weight,
            proto.target_value, proto.actual_value, proto.reported_score, reason, bool(self.applicable[i]),
            None, proto.readings, proto.detail,
        )  # fmt: skip


class TableChunk:
    """Projects [start, stop) of a portfolio: `projects[k]` (facts and budget rows; None unless
    `state[k]` is READ), and every indicator row of the chunk as `columns` (space "table")."""

    def __init__(self, portfolio: TablePortfolio, start: int, stop: int) -> None:
        self.portfolio, self.start, self.n = portfolio, start, stop - start
        n = self.n
        self.state = np.zeros(n, dtype=np.int8)
        for p in portfolio.skipped:
            if start <= p < stop:
                self.state[p - start] = SKIPPED
        self.projects: list[Project | None] = self._facts()
        self._budgets()
        self._indicators()
        for k in np.nonzero(self.state != READ)[0].tolist():
            self.projects[k] = None

    def _refer(self, k: int) -> None:
        if self.state[k] == READ:
            self.state[k] = REFERENCE

    # -- facts and budget: per project --------------------------------------------------------------

    def _facts(self) -> list[Project | None]:
        table = self.portfolio.projects.table
        present = [k for k in _FACTS if k in table.column_names]
        data = table.select(present).slice(self.start, self.n).to_pydict()
        rows = zip(*(data.get(k) or [""] * self.n for k in _FACTS), strict=True)
        origin = str(self.portfolio.folder)
        out: list[Project | None] = []
        for k, values in enumerate(rows):
            if self.state[k] != READ:
                out.append(None)
                continue
            cells = dict(zip(_FACTS, values, strict=True))
            try:
                project = project_facts(cells.get)
            except CellProblem:
                self._refer(k)
                out.append(None)
                continue
            project.origin = origin
            out.append(project)
        self._narratives(out)
        return out

    def _narratives(self, projects: list[Project | None]) -> None:
        """立项背景 … 改进措施 from the columns the table has (none: nothing is read), each cell as
        `records.read_narrative` reads it on the row-by-row path."""
        table = self.portfolio.projects.table
        present = [k for k in NARRATIVE_KEYS if k in table.column_names]
        if not present:
            return
        data = table.select(present).slice(self.start, self.n).to_pydict()
        for k, project in enumerate(projects):
            if project is None:
                continue
            cells = {key: values[k] for key, values in data.items()}
            try:
                narrative = read_narrative(cells.get)
            except CellProblem:  # not on text columns; the row-by-row path would say so
                self._refer(k)
                continue
            if narrative is not NO_NARRATIVE:
                project.narrative = narrative

    def _budgets(self) -> None:
        """Budget rows by `records.budget_row_from`, each distinct cell read once."""
        bounds = self.portfolio.budget_bounds[self.start : self.start + self.n + 1].astype(np.int64)
        b0, b1 = int(bounds[0]), int(bounds[-1])
        table = self.portfolio.budget.table
        source, *numbers = (Coded(table, key, b0, b1 - b0) for key in _BUDGET)
        sources = source.spread(str.strip)
        parsed = [c.spread(lambda v, j=j: parsed_budget_cell(v, j)) for j, c in enumerate(numbers)]
        blank = [c.spread(is_blank_cell) for c in numbers[:3]]
        blank_rows = [a and b and c for a, b, c in zip(*blank, strict=True)]
        edges = (bounds - b0).tolist()
        for k, project in enumerate(self.projects):
            if project is None:
                continue
            lo, hi = edges[k], edges[k + 1]
            if hi == lo:  # 没有预算执行数据: the row-by-row path says so
                self._refer(k)
                continue
            try:
                project.budget = [
                    budget_row_from(
                        sources[r], blank_rows[r], parsed[0][r], parsed[1][r], parsed[2][r], parsed[3][r]
                    )
                    for r in range(lo, hi)
                ]
            except CellProblem:
                self._refer(k)

    # -- indicators: per distinct cell ----------------------------------------------------------------

    def _indicators(self) -> None:
        n = self.n
        bounds = self.portfolio.indicator_bounds[self.start : self.start + n + 1].astype(np.int64)
        i0, rows = int(bounds[0]), int(bounds[-1] - bounds[0])
        table = self.portfolio.indicators.table
        scored = [Coded(table, key, i0, rows) for key in _SCORED]
        self.coded = {
            key: Coded(table, key, i0, rows)
            for key in ("level1", "level2", "name", "deviation_reason", "applicable")
        }
        self.texts = {key: c.stripped() for key, c in self.coded.items() if key != "applicable"}
        owner = np.repeat(np.arange(n, dtype=np.int64), np.diff(bounds))
        for k in np.nonzero(np.diff(bounds) == 0)[0].tolist():  # 没有绩效指标
            self._refer(k)

        # what the names say about reading the cells (成本指标, 其中 detail rows): indicator_cells.row_context
        cost = [np.array([is_cost_name(v) for v in self.texts[k]], dtype=bool) for k in ("level1", "level2")]
        detail = np.array([is_detail_name(v) for v in self.texts["name"]], dtype=bool)
        context = (
            (cost[0][self.coded["level1"].codes] | cost[1][self.coded["level2"].codes]) * COST
            + detail[self.coded["name"].codes] * DETAIL
        ).astype(np.int64)

        # the scored cells of each distinct row (with its context), read once
        first, group = (
            combine(
                [*(c.codes for c in scored), context], [*(len(c.values) for c in scored), (COST | DETAIL) + 1]
            )
            if rows
            else (np.zeros(0, np.int64), np.zeros(0, np.int64))
        )
        values = [
            np.array(c.stripped() if m < _STRIPPED else c.values, dtype=object)[c.codes[first]].tolist()
            for m, c in enumerate(scored)
        ]
        keys = list(zip(*values, context[first].tolist(), strict=True))
        distinct = _Scored(keys)  # read when the scoring engine meets a row for the first time

        # per row: 一级指标 and 三级指标 filled in, 是否适用 readable
        level1, name, reason = self.texts["level1"], self.texts["name"], self.texts["deviation_reason"]
        applicable = self.coded["applicable"]
        readable, applies = [], []
        for v in applicable.values:
            try:
                applies.append(applicable_cell(cell_text(v)))
                readable.append(True)
            except CellProblem:
                applies.append(False)
                readable.append(False)
        row_bad = (
            ~_readable(required_text, level1, "level1")[self.coded["level1"].codes]
            | ~_readable(required_text, name, "name")[self.coded["name"].codes]
            | ~np.array(readable, dtype=bool)[applicable.codes]
        )
        for k in np.unique(owner[row_bad]).tolist():
            self._refer(k)
        cells = group.astype(np.int64)
        applies_row = np.array(applies, dtype=bool)[applicable.codes]
        names = [
            (self.coded[k].codes, self.texts[k]) for k in ("level1", "level2", "name", "deviation_reason")
        ]
        self.columns = IndicatorColumns(
            bounds - bounds[0],
            cells,
            distinct,  # type: ignore[arg-type]  # read on first use; None where a cell was refused
            keys,
            "table",
            self.coded["level1"].codes,
            level1,
            applies_row,
            np.array([bool(v) for v in reason], dtype=bool)[self.coded["deviation_reason"].codes],
            _Rows(cells, distinct, applies_row, names),
        )

    def text(self, key: str, i: int) -> str:
        """The stripped text of a name cell (level1, level2, name, deviation_reason) of row i."""
        return self.texts[key][int(self.coded[key].codes[i])]
