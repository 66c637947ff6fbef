"""The files of a portfolio table folder read into Arrow, and read early.

Every CSV column is read as text, nothing guessed (`001` stays `001`); blank lines are kept by the
parser so that row numbers stay true, then dropped; the apostrophe Excel-safe writers put before
`=8个` is taken off. What comes out is the file's table and the file row of each table row.

This module imports only Arrow (Parquet, charset detection and the rest of the package when a
file needs them), so `score --json` can start parsing in a background thread (`prefetch`) while
the rules import: Arrow parses without holding the GIL.
"""

from __future__ import annotations

import codecs
import csv
import mmap
import os
import sys
import threading
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from ..errors import InputError, Where
from ..fields import TABLE_BUDGET, TABLE_INDICATORS, TABLE_PROJECTS
from .table_layout import is_table_folder, table_file

_HEAD = 1 << 16  # bytes read to find the header line; the rest goes to Arrow from the file itself


class TableFile(NamedTuple):
    table: pa.Table
    rownum: np.ndarray  # the file row (1-based, header = 1) of each table row


def read_table_file(path: Path) -> TableFile:
    """The table of one CSV or Parquet file (raises InputError for a file that cannot be read)."""
    future = _PREFETCHED.pop(path, None)
    if future is not None:
        return future.result()
    return _read_now(path)


def _read_now(path: Path) -> TableFile:
    return _finish(_parse(path))


def _parse(path: Path) -> TableFile | pa.Table:
    """The part of reading that runs in Arrow without the GIL: a Parquet file's TableFile, or a
    CSV's raw table (which _finish tidies)."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq  # only for Parquet folders

        try:
            table = pq.read_table(path)
        except (pa.ArrowInvalid, OSError) as exc:
            raise InputError(
                Where(str(path)), f"无法读取 Parquet（{str(exc).splitlines()[0]}）", "Parquet 表格"
            ) from None
        return TableFile(table, np.arange(2, table.num_rows + 2, dtype=np.int64))
    return _read_csv(path)


def _finish(parsed: TableFile | pa.Table) -> TableFile:
    return parsed if isinstance(parsed, TableFile) else _tidy(parsed)


def _read_csv(path: Path) -> pa.Table:
    """UTF-8 (with or without BOM) goes to Arrow straight from the file, and Arrow's own UTF-8
    check decides: a file that is not valid UTF-8 is decoded (GBK/GB18030, see encoding.py) and
    read again. So a large UTF-8 export is never copied or decoded in Python."""
    try:
        with path.open("rb") as fh:
            head = fh.read(_HEAD)
    except OSError as exc:
        raise InputError(
            Where(str(path)), f"无法读取文件（{exc.strerror or exc}）", "可读取的 CSV 文件"
        ) from None
    body = head[len(codecs.BOM_UTF8) :] if head.startswith(codecs.BOM_UTF8) else head
    end = body.find(b"\n")
    if end >= 0 and not body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            header = body[:end].decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            try:
                return _arrow_csv(path, str(path), header, _has_quote(path))
            except pa.ArrowInvalid:  # not UTF-8 (any other problem is an InputError already)
                pass
    from .encoding import decode_bytes  # charset detection only for files that need it

    data = path.read_bytes()
    try:
        text, _ = decode_bytes(data)
    except UnicodeDecodeError:
        raise InputError(Where(str(path)), "无法识别文件编码", "UTF-8 或 GBK/GB18030 编码的 CSV") from None
    return _arrow_csv(path, pa.BufferReader(text.encode("utf-8")), text.split("\n", 1)[0], '"' in text)


def _has_quote(path: Path) -> bool:
    """Whether the file holds a double quote anywhere (one memchr over the mapped file): only a
    quoted value can hold a line break, and reading that way costs Arrow ~15% more."""
    with path.open("rb") as fh:
        try:
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                return mapped.find(b'"') >= 0
        except ValueError:  # an empty file cannot be mapped
            return False


def _arrow_csv(path: Path, source: str | pa.BufferReader, header: str, quoted: bool) -> pa.Table:
    """Every column as text; raises ArrowInvalid for bytes that are not UTF-8. `quoted`: the file
    has quoted values, which may hold line breaks (a goal written on several lines in Excel)."""
    names = next(csv.reader([header.rstrip("\r")]), [])
    if not any(n.strip() for n in names):
        raise InputError(Where(str(path), row=1), "表格为空或缺少表头", "第 1 行为表头")
    try:
        return pacsv.read_csv(
            source,
            # 1 MB blocks: a budget table of a few MB is parsed on both cores too (4 MB took one)
            read_options=pacsv.ReadOptions(use_threads=True, block_size=1 << 20),
            parse_options=pacsv.ParseOptions(ignore_empty_lines=False, newlines_in_values=quoted),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowTypeError as exc:
        raise InputError(
            Where(str(path)), f"无法读取表格（{str(exc).splitlines()[0]}）", "规范的 CSV 表格"
        ) from None
    except pa.ArrowInvalid as exc:
        if "utf8" in str(exc).lower() or "utf-8" in str(exc).lower():
            raise
        raise InputError(
            Where(str(path)), f"无法读取表格（{str(exc).splitlines()[0]}）", "规范的 CSV 表格"
        ) from None


def _tidy(raw: pa.Table) -> TableFile:
    """Undo Excel-safe apostrophes and drop the blank lines the parser kept for numbering."""
    import pyarrow.compute as pc  # imported here, in the reading thread, off the start-up path

    columns = list(raw.columns)
    quoted = [i for i, c in enumerate(columns) if _may_be_quoted(c)]
    if quoted:  # Arrow's kernels release the GIL: a thread a column (each is ~8 ms a million cells)
        with ThreadPoolExecutor(len(quoted), thread_name_prefix="evalcore-unquote") as pool:
            for i, column in zip(quoted, pool.map(_unquote, [columns[i] for i in quoted]), strict=True):
                columns[i] = column
    table = pa.table(columns, names=raw.column_names) if raw.num_columns else raw
    rownum = np.arange(2, table.num_rows + 2, dtype=np.int64)
    if not table.num_rows or not table.num_columns:
        return TableFile(table, rownum)
    # a blank line is "" in every column, so the first column finds the only candidates
    candidates = pc.equal(table.column(0), "")
    if not pc.any(candidates).as_py():
        return TableFile(table, rownum)
    blank = candidates
    for col in table.columns[1:]:
        blank = pc.and_(blank, pc.equal(col, ""))
    keep = pc.invert(blank).combine_chunks()
    if pc.all(keep).as_py():
        return TableFile(table, rownum)
    return TableFile(table.filter(keep), rownum[np.asarray(keep.to_numpy(zero_copy_only=False), dtype=bool)])


def _may_be_quoted(column: pa.ChunkedArray) -> bool:
    """Whether some cell of the column starts with an apostrophe (most columns have none at all)."""
    import pyarrow.compute as pc

    return (
        pa.types.is_string(column.type)
        and _contains(column, b"'")
        and pc.any(pc.starts_with(column, "'")).as_py()
    )


def _unquote(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Undo the apostrophe that keeps `=8个` from becoming a formula in Excel (exact inverse of
    presentation.cells.safe_cell): only before = + - @ tab CR. For a column _may_be_quoted."""
    import pyarrow.compute as pc

    return pc.replace_substring_regex(column, r"^'([=+\-@\t\r])", r"\1")


def _contains(column: pa.ChunkedArray, byte: bytes) -> bool:
    """Whether byte occurs anywhere in the column's string data: one memchr-speed scan of each
    chunk's data buffer (a tenth of what a per-value kernel costs), possibly a false positive."""
    for chunk in column.chunks:
        data = chunk.buffers()[2]
        if data is not None and byte in data.to_pybytes():
            return True
    return False


_PREFETCHED: dict[Path, Future[TableFile]] = {}


def prefetch(paths: Iterable[str | os.PathLike[str]]) -> None:
    """Start reading the tables of every table folder among `paths` in a background thread.

    The read overlaps whatever the caller imports or prepares next (`score --json` imports the
    rules meanwhile). The folder is then opened as usual; `read_table_file` takes the prefetched
    result (or its InputError) instead of reading again."""
    files = [
        f
        for given in paths
        if is_table_folder(Path(given))
        for stem in (TABLE_PROJECTS, TABLE_BUDGET, TABLE_INDICATORS)
        if (f := table_file(Path(given), stem)) is not None and f not in _PREFETCHED
    ]
    if not files:
        return
    futures: dict[Path, Future[TableFile]] = {f: Future() for f in files}
    _PREFETCHED.update(futures)

    def read() -> None:
        # Every file is parsed before any is tidied: tidying imports pyarrow.compute and runs
        # Python, which waits for the GIL while the main thread imports the rules; parsing does not.
        parsed: dict[Path, TableFile | pa.Table] = {}
        for f, future in futures.items():
            try:
                parsed[f] = _parse(f)
            except BaseException as exc:  # handed to the reader, which raises it in its own thread
                future.set_exception(exc)
        for f, table in parsed.items():
            try:
                futures[f].set_result(_finish(table))
            except BaseException as exc:
                futures[f].set_exception(exc)

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
