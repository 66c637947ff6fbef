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

import codecs
import csv
import os
import sys
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import InputError, Where
from ..fields import (
    BUDGET_FIELDS,
    INDICATOR_FIELDS,
    PROJECT_FIELDS,
    TABLE_BUDGET,
    TABLE_INDICATORS,
    TABLE_PROJECTS,
    Field,
    by_key,
    header_index,
)
from .encoding import decode_bytes
from .records import RawProject, RawRow
from .table_layout import is_table_folder, table_file

_ID_SPELLINGS = ("project_id", "项目编号", "项目代码", "项目id")


def _norm(name: object) -> str:
    return "".join(str(name).split()).replace("（", "(").replace("）", ")").lower()


def _read_csv(path: Path) -> pa.Table:
    """UTF-8 (with or without BOM) goes to Arrow as it is, and Arrow's own UTF-8 check decides: a
    file that is not valid UTF-8 is decoded (GBK/GB18030, see encoding.py) and read again. So a
    large UTF-8 export is never decoded into one Python string."""
    data = path.read_bytes()
    body = data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
    if not body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            header = body.split(b"\n", 1)[0].decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            try:
                return _arrow_csv(path, body, header)
            except pa.ArrowInvalid:  # not UTF-8 (any other problem is an InputError already)
                pass
    try:
        text, _ = decode_bytes(data)
    except UnicodeDecodeError:
        raise InputError(Where(str(path)), "无法识别文件编码", "UTF-8 或 GBK/GB18030 编码的 CSV") from None
    header = text.split("\n", 1)[0]
    return _arrow_csv(path, text.encode("utf-8"), header)


def _arrow_csv(path: Path, data: bytes, header: str) -> pa.Table:
    """Every column as text; raises ArrowInvalid for bytes that are not UTF-8."""
    names = next(csv.reader([header.rstrip("\r")]), [])
    if not any(n.strip() for n in names):
        raise InputError(Where(str(path), row=1), "表格为空或缺少表头", "第 1 行为表头")
    try:
        return pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(use_threads=True, block_size=1 << 22),
            parse_options=pacsv.ParseOptions(ignore_empty_lines=False),  # keep line numbers true
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except pa.ArrowTypeError as exc:
        raise InputError(Where(str(path)), f"无法读取表格（{str(exc).splitlines()[0]}）", "规范的 CSV 表格") from None
    except pa.ArrowInvalid as exc:
        if "utf8" in str(exc).lower() or "utf-8" in str(exc).lower():
            raise
        raise InputError(Where(str(path)), f"无法读取表格（{str(exc).splitlines()[0]}）", "规范的 CSV 表格") from None


_PREFETCHED: dict[Path, Future[pa.Table]] = {}


def prefetch(paths: Iterable[str | os.PathLike[str]]) -> None:
    """Start reading the tables of every table folder among `paths` in a background thread.

    Arrow parses CSV without holding the GIL, so the read overlaps whatever the caller imports
    or prepares next (`score --json` imports the rules meanwhile). The folder is then opened as
    usual; `_read_table` takes the prefetched result (or its InputError) instead of reading again."""
    files = [f for given in paths if is_table_folder(Path(given))
             for stem in (TABLE_PROJECTS, TABLE_BUDGET, TABLE_INDICATORS)
             if (f := table_file(Path(given), stem)) is not None and f not in _PREFETCHED]
    if not files:
        return
    futures: dict[Path, Future[pa.Table]] = {f: Future() for f in files}
    _PREFETCHED.update(futures)

    def read() -> None:
        for f, future in futures.items():
            try:
                future.set_result(_read_table_now(f))
            except BaseException as exc:  # handed to the reader, which raises it in its own thread
                future.set_exception(exc)

    threading.Thread(target=read, name="evalcore-prefetch", daemon=True).start()


def arrow_without_pandas() -> None:
    """pyarrow imports pandas (0.2 s, a sixth of scoring 20,000 projects) the first time it builds
    an array, only to recognise DataFrames; `score --json` never has one. Let that first check
    fail, then allow pandas again. Only for a process that will not convert Arrow to pandas."""
    if "pandas" in sys.modules:
        return
    sys.meta_path.insert(0, _RefusePandas)  # type: ignore[arg-type]
    try:
        pa.array([0])
    finally:
        sys.meta_path.remove(_RefusePandas)  # type: ignore[arg-type]


class _RefusePandas:
    @staticmethod
    def find_spec(name: str, path: object = None, target: object = None) -> None:
        if name.partition(".")[0] == "pandas":
            raise ImportError("pandas is not needed to score")


def _read_table(path: Path) -> pa.Table:
    future = _PREFETCHED.pop(path, None)
    if future is not None:
        return future.result()
    return _read_table_now(path)


def _read_table_now(path: Path) -> pa.Table:
    if path.suffix == ".parquet":
        try:
            return pq.read_table(path)
        except (pa.ArrowInvalid, OSError) as exc:
            raise InputError(Where(str(path)), f"无法读取 Parquet（{str(exc).splitlines()[0]}）", "Parquet 表格") from None
    return _read_csv(path)


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


def _unquote(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Undo the apostrophe that keeps `=8个` from becoming a formula in Excel (exact inverse of
    presentation.cells.safe_cell): only before = + - @ tab CR."""
    if not pa.types.is_string(column.type) or not pc.any(pc.starts_with(column, "'")).as_py():
        return column  # the common case, checked without a regex
    return pc.replace_substring_regex(column, r"^'([=+\-@\t\r])", r"\1")


class _Table:
    """One table with its columns mapped to canonical keys."""

    def __init__(self, path: Path, fields: tuple[Field, ...], keyed: bool) -> None:
        self.path, self.file = path, str(path)
        raw = _read_table(path)
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
                raise InputError(Where(self.file, row=1, field=f.label), f"缺少「{f.key}」列",
                                 f"表头含 {f.key} 或「{f.label}」")
        if path.suffix != ".parquet":  # a CSV written for Excel marks formula-like text with ' (cells.safe_cell)
            arrays = [_unquote(a) for a in arrays]
        if "project_id" in keys:
            arrays[keys.index("project_id")] = _id_column(arrays[keys.index("project_id")])
        self.keys, self.columns = keys, columns
        table = pa.table(arrays, names=keys)
        rownum = np.arange(2, table.num_rows + 2, dtype=np.int64)  # file row of each table row
        if path.suffix != ".parquet" and table.num_rows:  # blank lines were kept for numbering: drop them
            blank = None
            for col in raw.columns:
                empty = pc.equal(col, "")
                blank = empty if blank is None else pc.and_(blank, empty)
            keep = pc.invert(blank).combine_chunks() if blank is not None else None
            if keep is not None and not pc.all(keep).as_py():
                table = table.filter(keep)
                rownum = rownum[np.asarray(keep.to_numpy(zero_copy_only=False), dtype=bool)]
        self.table, self.rownum = table, rownum

    def __len__(self) -> int:
        return self.table.num_rows

    def ids(self) -> list[str]:
        return [("" if v is None else v.strip()) for v in self.table.column("project_id").to_pylist()]

    def group_by(self, positions: dict[str, int], n: int) -> np.ndarray:
        """Reorder rows so each project's rows are contiguous, in project order (stable), and
        return the boundaries: rows of project i are [bounds[i], bounds[i+1]); ids unknown to the
        projects table (position n) come next, then ids it repeats (position n + 1)."""
        column = self.table.column("project_id")  # text, see _id_column
        encoded = pc.dictionary_encode(column, null_encoding="encode").combine_chunks()  # a null id is an orphan
        labels = encoded.dictionary.to_pylist()
        mapped = np.fromiter((positions.get("" if v is None else v.strip(), n) for v in labels), dtype=np.int64,
                             count=len(labels))
        codes = encoded.indices.to_numpy(zero_copy_only=False) if len(labels) else np.zeros(0, np.int64)
        row_pos = mapped[codes] if len(labels) else np.full(len(self), n, dtype=np.int64)
        if len(row_pos) > 1 and not np.all(row_pos[1:] >= row_pos[:-1]):  # exports are usually in order already
            order = np.argsort(row_pos, kind="stable")
            self.table = self.table.take(pa.array(order))
            self.rownum = self.rownum[order]
            row_pos = row_pos[order]
        return np.searchsorted(row_pos, np.arange(n + 3), side="left")

    def rows(self, start: int, stop: int) -> list[RawRow]:
        part = self.table.slice(start, stop - start).to_pydict()
        keys, file, columns = self.keys, self.file, self.columns
        numbers = self.rownum[start:stop].tolist()
        return [RawRow(dict(zip(keys, values, strict=True)), file, None, r, columns)
                for r, values in zip(numbers, zip(*part.values(), strict=True), strict=True)] if part else []


class TablePortfolio:
    """The three tables of one folder, indexed by project, read lazily a chunk at a time."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        paths = {stem: table_file(folder, stem) for stem in (TABLE_PROJECTS, TABLE_BUDGET, TABLE_INDICATORS)}
        for stem, p in paths.items():
            if p is None:
                raise InputError(Where(str(folder / f"{stem}.csv")), f"缺少表格 {stem}",
                                 f"{stem}.csv 或 {stem}.parquet")
        self.projects = _Table(paths[TABLE_PROJECTS], PROJECT_FIELDS, keyed=False)  # type: ignore[arg-type]
        if "project_id" not in self.projects.columns:
            raise InputError(Where(self.projects.file, row=1, field="项目编号"), "缺少「project_id」列",
                             "表头含 project_id 或「项目编号」")
        self.budget = _Table(paths[TABLE_BUDGET], BUDGET_FIELDS, keyed=True)  # type: ignore[arg-type]
        self.indicators = _Table(paths[TABLE_INDICATORS], INDICATOR_FIELDS, keyed=True)  # type: ignore[arg-type]
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
        self._skip: set[int] = set()
        for pid, where in repeats.items():
            self._skip.update(where)
            del positions[pid]
            rows = [int(self.projects.rownum[i]) for i in where]
            self.errors.append(InputError(
                Where(self.projects.file, row=rows[1], column=self.projects.columns["project_id"], field="项目编号"),
                f"项目编号「{pid}」在 projects 表中重复（第 {'、'.join(map(str, rows))} 行），无法区分各自的预算与指标行，"
                "这些项目均未评分", "唯一的项目编号", project_id=pid))
        self._n = n
        grouping = {**positions, **dict.fromkeys(repeats, n + 1)}  # repeated ids: kept apart, not orphans
        self._budget_bounds = self.budget.group_by(grouping, n)
        self._indicator_bounds = self.indicators.group_by(grouping, n)
        for table, bounds in ((self.budget, self._budget_bounds),
                              (self.indicators, self._indicator_bounds)):
            start, stop = int(bounds[n]), int(bounds[n + 1])
            if stop > start:
                orphans = table.rows(start, stop)
                unknown = sorted({str(r.values.get("project_id") or "").strip() for r in orphans})
                first = orphans[0]
                self.errors.append(InputError(
                    Where(first.file, row=first.row, column=first.columns.get("project_id")),
                    f"{len(orphans)} 行的 project_id 在 projects 表中不存在（{'、'.join(u or '空' for u in unknown[:5])}"
                    f"{' 等' if len(unknown) > 5 else ''}）", "projects 表中已有的项目编号",
                    project_id=unknown[0] or None))

    def __len__(self) -> int:
        return self._n

    def project_where(self, position: int) -> Where:
        """Where the project_id of the project at `position` sits (as RawRow.where would say)."""
        t = self.projects
        return Where(t.file, None, int(t.rownum[position]), t.columns.get("project_id"),
                     field=by_key(PROJECT_FIELDS)["project_id"].label)

    def raw_projects(self, start: int = 0, stop: int | None = None) -> Iterator[RawProject]:
        stop = self._n if stop is None else min(stop, self._n)
        if start >= stop:
            return
        facts = self.projects.rows(start, stop)
        b0, b1 = int(self._budget_bounds[start]), int(self._budget_bounds[stop])
        i0, i1 = int(self._indicator_bounds[start]), int(self._indicator_bounds[stop])
        budget, indicators = self.budget.rows(b0, b1), self.indicators.rows(i0, i1)
        for k, row in enumerate(facts):
            p = start + k
            if p in self._skip:
                continue
            pid = str(row.values.get("project_id") or "").strip()
            yield RawProject(
                row,
                budget[int(self._budget_bounds[p]) - b0:int(self._budget_bounds[p + 1]) - b0],
                indicators[int(self._indicator_bounds[p]) - i0:int(self._indicator_bounds[p + 1]) - i0],
                str(self.folder),
                Where(self.budget.file, field=f"project_id={pid}"),
                Where(self.indicators.file, field=f"project_id={pid}"))
