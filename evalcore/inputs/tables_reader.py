"""Portfolio tables: a folder with `projects`, `budget` and `indicators` as CSV or Parquet,
keyed by `project_id` — how a budget system exports a whole year.

Tables are held as Arrow tables (compact: a 100,000-project province is a few hundred MB of
Python objects but only its file size in Arrow) with every CSV column read as text, nothing
guessed (`001` stays `001`). Budget and indicator rows are reordered once so that each project's
rows are contiguous and in the order of the projects table; projects are then materialised as
Python rows a chunk at a time (`raw_projects(start, stop)`), which bounds memory and lets
chunks be scored in parallel. A problem in one project's rows stops that project only; a missing
table or column stops the folder, since no project can be read without it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InputError, Where
from ..fields import (
    BUDGET_FIELDS,
    INDICATOR_INPUT_FIELDS,
    PROJECT_AND_NARRATIVE_FIELDS,
    PROJECT_FIELDS,
    TABLE_BUDGET,
    TABLE_INDICATORS,
    TABLE_PROJECTS,
    Field,
    by_key,
    header_index,
)
from .records import RawProject, RawRow
from .table_files import read_table_file
from .table_layout import table_file

_ID_SPELLINGS = ("project_id", "项目编号", "项目代码", "项目id")


def _norm(name: object) -> str:
    return "".join(str(name).split()).replace("（", "(").replace("）", ")").lower()


def _id_text(v: object) -> str | None:
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))  # pandas writes an integer id column holding a NaN as floats: 1.0 is id 1
    return str(v).strip()


def _id_column(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """project_id as text in every table, so the three tables agree on what an id is."""
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return column
    return pa.chunked_array([pa.array([_id_text(v) for v in column.to_pylist()], type=pa.string())])


class _Table:
    """One table with its columns mapped to canonical keys."""

    def __init__(self, path: Path, fields: tuple[Field, ...], keyed: bool) -> None:
        self.path, self.file = path, str(path)
        raw, rownum = read_table_file(path)  # blank lines dropped, Excel apostrophes undone
        index = header_index(fields)
        keys: list[str] = []
        columns: dict[str, str] = {}
        arrays = []
        for name, column in zip(raw.column_names, raw.columns, strict=True):
            norm = _norm(name)
            key = "project_id" if keyed and norm in _ID_SPELLINGS else index.get(norm)
            if key and key not in columns:
                keys.append(key)
                columns[key] = str(name)
                arrays.append(column)
        required = [f for f in fields if f.required]
        if keyed:
            required.insert(0, Field("project_id", "project_id"))
        for f in required:
            if f.key not in columns:
                raise InputError(
                    Where(self.file, row=1, field=f.label),
                    f"缺少「{f.key}」列",
                    f"表头含 {f.key} 或「{f.label}」",
                )
        if "project_id" in keys:
            arrays[keys.index("project_id")] = _id_column(arrays[keys.index("project_id")])
        self.keys, self.columns = keys, columns
        table = pa.table(arrays, names=keys)
        self.table, self.rownum = table, rownum

    def __len__(self) -> int:
        return self.table.num_rows

    def ids(self) -> list[str]:
        return [("" if v is None else v.strip()) for v in self.table.column("project_id").to_pylist()]

    def group_by(self, positions: dict[str, int], n: int, in_order: list[str] | None = None) -> np.ndarray:
        """Reorder rows so each project's rows are contiguous, in project order (stable), and
        return the boundaries: rows of project i are [bounds[i], bounds[i+1]); ids unknown to the
        projects table (position n) come next, then ids it repeats (position n + 1). `in_order`
        is every position's id when each holds one: an export whose distinct ids are exactly
        those, in that order, needs no lookup per id."""
        column = self.table.column("project_id")  # text, see _id_column
        encoded = pc.dictionary_encode(
            column, null_encoding="encode"
        ).combine_chunks()  # a null id is an orphan
        labels = encoded.dictionary.to_pylist()
        if in_order is not None and labels == in_order:
            mapped = np.arange(len(labels), dtype=np.int64)
        else:
            mapped = np.fromiter(
                (positions.get("" if v is None else v.strip(), n) for v in labels),
                dtype=np.int64,
                count=len(labels),
            )
        codes = encoded.indices.to_numpy(zero_copy_only=False) if len(labels) else np.zeros(0, np.int64)
        row_pos = mapped[codes] if len(labels) else np.full(len(self), n, dtype=np.int64)
        if len(row_pos) > 1 and not np.all(
            row_pos[1:] >= row_pos[:-1]
        ):  # exports are usually in order already
            order = np.argsort(row_pos, kind="stable")
            self.table = self.table.take(pa.array(order))
            self.rownum = self.rownum[order]
            row_pos = row_pos[order]
        return np.searchsorted(row_pos, np.arange(n + 3), side="left")

    def rows(self, start: int, stop: int) -> list[RawRow]:
        part = self.table.slice(start, stop - start).to_pydict()
        keys, file, columns = self.keys, self.file, self.columns
        numbers = self.rownum[start:stop].tolist()
        return (
            [
                RawRow(dict(zip(keys, values, strict=True)), file, None, r, columns)
                for r, values in zip(numbers, zip(*part.values(), strict=True), strict=True)
            ]
            if part
            else []
        )


class TablePortfolio:
    """The three tables of one folder, indexed by project, read lazily a chunk at a time."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        paths = {stem: table_file(folder, stem) for stem in (TABLE_PROJECTS, TABLE_BUDGET, TABLE_INDICATORS)}
        for stem, p in paths.items():
            if p is None:
                raise InputError(
                    Where(str(folder / f"{stem}.csv")), f"缺少表格 {stem}", f"{stem}.csv 或 {stem}.parquet"
                )
        self.projects = _Table(paths[TABLE_PROJECTS], PROJECT_AND_NARRATIVE_FIELDS, keyed=False)  # type: ignore[arg-type]
        if "project_id" not in self.projects.columns:
            raise InputError(
                Where(self.projects.file, row=1, field="项目编号"),
                "缺少「project_id」列",
                "表头含 project_id 或「项目编号」",
            )
        self.budget = _Table(paths[TABLE_BUDGET], BUDGET_FIELDS, keyed=True)  # type: ignore[arg-type]
        self.indicators = _Table(paths[TABLE_INDICATORS], INDICATOR_INPUT_FIELDS, keyed=True)  # type: ignore[arg-type]
        ids = self.projects.ids()
        self.errors: list[InputError] = []
        positions: dict[str, int] = {}
        repeats: dict[str, list[int]] = {}
        for i, pid in enumerate(ids):
            if pid in positions:
                repeats.setdefault(pid, [positions[pid]]).append(i)
            elif pid:
                positions[pid] = i
        n = len(ids)
        # A repeated id makes its budget and indicator rows impossible to attribute: none of its
        # copies is scored, and one error says so at the first repeat.
        self.skipped: set[int] = set()
        for pid, where in repeats.items():
            self.skipped.update(where)
            del positions[pid]
            rows = [int(self.projects.rownum[i]) for i in where]
            self.errors.append(
                InputError(
                    Where(
                        self.projects.file,
                        row=rows[1],
                        column=self.projects.columns["project_id"],
                        field="项目编号",
                    ),
                    f"项目编号「{pid}」在 projects 表中重复（第 {'、'.join(map(str, rows))} 行），无法区分各自的预算与指标行，"
                    "这些项目均未评分",
                    "唯一的项目编号",
                    project_id=pid,
                )
            )
        self._n = n
        grouping = {**positions, **dict.fromkeys(repeats, n + 1)}  # repeated ids: kept apart, not orphans
        in_order = ids if len(positions) == n else None  # every project has its own, non-blank id
        self.budget_bounds = self.budget.group_by(grouping, n, in_order)
        self.indicator_bounds = self.indicators.group_by(grouping, n, in_order)
        for table, bounds in ((self.budget, self.budget_bounds), (self.indicators, self.indicator_bounds)):
            start, stop = int(bounds[n]), int(bounds[n + 1])
            if stop > start:
                orphans = table.rows(start, stop)
                unknown = sorted({str(r.values.get("project_id") or "").strip() for r in orphans})
                first = orphans[0]
                self.errors.append(
                    InputError(
                        Where(first.file, row=first.row, column=first.columns.get("project_id")),
                        f"{len(orphans)} 行的 project_id 在 projects 表中不存在（{'、'.join(u or '空' for u in unknown[:5])}"
                        f"{' 等' if len(unknown) > 5 else ''}）",
                        "projects 表中已有的项目编号",
                        project_id=unknown[0] or None,
                    )
                )

    def __len__(self) -> int:
        return self._n

    def project_where(self, position: int) -> Where:
        """Where the project_id of the project at `position` sits (as RawRow.where would say)."""
        t = self.projects
        return Where(
            t.file,
            None,
            int(t.rownum[position]),
            t.columns.get("project_id"),
            field=by_key(PROJECT_FIELDS)["project_id"].label,
        )

    def raw_projects(self, start: int = 0, stop: int | None = None) -> Iterator[RawProject]:
        stop = self._n if stop is None else min(stop, self._n)
        if start >= stop:
            return
        facts = self.projects.rows(start, stop)
        b0, b1 = int(self.budget_bounds[start]), int(self.budget_bounds[stop])
        i0, i1 = int(self.indicator_bounds[start]), int(self.indicator_bounds[stop])
        budget, indicators = self.budget.rows(b0, b1), self.indicators.rows(i0, i1)
        for k, row in enumerate(facts):
            p = start + k
            if p in self.skipped:
                continue
            pid = str(row.values.get("project_id") or "").strip()
            yield RawProject(
                row,
                budget[int(self.budget_bounds[p]) - b0 : int(self.budget_bounds[p + 1]) - b0],
                indicators[int(self.indicator_bounds[p]) - i0 : int(self.indicator_bounds[p + 1]) - i0],
                str(self.folder),
                Where(self.budget.file, field=f"project_id={pid}"),
                Where(self.indicators.file, field=f"project_id={pid}"),
            )
