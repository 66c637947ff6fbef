"""Portfolio tables: a folder with `projects`, `budget` and `indicators` as CSV or Parquet,
keyed by `project_id` — how a budget system exports a whole year.

Tables are read column-wise with pandas (everything as text, nothing guessed), then grouped by
project. A problem in one project's rows stops that project only; a missing table or column
stops the folder, since no project can be read without it.
"""

from __future__ import annotations

import io
from collections import defaultdict
from pathlib import Path

import pandas as pd

from ..errors import InputError, Where
from ..fields import (
    BUDGET_FIELDS,
    INDICATOR_FIELDS,
    PROJECT_FIELDS,
    TABLE_BUDGET,
    TABLE_INDICATORS,
    TABLE_PROJECTS,
    Field,
    header_index,
)
from .encoding import decode_bytes
from .records import RawProject, RawRow

SUFFIXES = (".csv", ".parquet")


def table_file(folder: Path, stem: str) -> Path | None:
    for suffix in SUFFIXES:
        p = folder / f"{stem}{suffix}"
        if p.is_file():
            return p
    return None


def is_table_folder(folder: Path) -> bool:
    return folder.is_dir() and table_file(folder, TABLE_PROJECTS) is not None


def _read_frame(path: Path) -> pd.DataFrame:
    file = str(path)
    try:
        if path.suffix == ".parquet":
            df = pd.read_parquet(path)
            return df.astype(object).where(df.notna(), None)
        text, _ = decode_bytes(path.read_bytes())
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except UnicodeDecodeError:
        raise InputError(Where(file), "无法识别文件编码", "UTF-8 或 GBK/GB18030 编码的 CSV") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, OSError) as exc:
        raise InputError(Where(file), f"无法读取表格（{str(exc).splitlines()[0]}）", "CSV 或 Parquet 表格") from None


def _columns(df: pd.DataFrame, path: Path, fields: tuple[Field, ...], keyed: bool) -> dict[str, list]:
    index = header_index(fields)
    cols: dict[str, list] = {}
    names: dict[str, str] = {}
    for name in df.columns:
        norm = "".join(str(name).split()).replace("（", "(").replace("）", ")").lower()
        key = "project_id" if norm in ("project_id", "项目编号", "项目代码") and keyed else index.get(norm)
        if key and key not in cols:
            cols[key] = df[name].tolist()
            names[key] = str(name)
    required = [f for f in fields if f.required]
    if keyed:
        required.insert(0, Field("project_id", "project_id"))
    for f in required:
        if f.key not in cols:
            raise InputError(Where(str(path), row=1, field=f.label), f"缺少「{f.key}」列",
                             f"表头含 {f.key} 或「{f.label}」")
    cols["__names__"] = [names]  # type: ignore[assignment]
    return cols


def _rows(path: Path, fields: tuple[Field, ...], keyed: bool) -> tuple[dict[str, list[RawRow]], list[RawRow]]:
    """Rows grouped by project_id, plus the list in file order."""
    df = _read_frame(path)
    cols = _columns(df, path, fields, keyed)
    names = cols.pop("__names__")[0]
    file = str(path)
    keys = list(cols)
    grouped: dict[str, list[RawRow]] = defaultdict(list)
    ordered: list[RawRow] = []
    for i, values in enumerate(zip(*cols.values(), strict=True)):
        data = dict(zip(keys, values, strict=True))
        pid = data.get("project_id")
        row = RawRow(data, file, None, i + 2, names)
        ordered.append(row)
        grouped[str(pid).strip() if pid is not None else ""].append(row)
    return grouped, ordered


def read_tables(folder: Path) -> tuple[list[RawProject], list[InputError]]:
    paths = {stem: table_file(folder, stem) for stem in (TABLE_PROJECTS, TABLE_BUDGET, TABLE_INDICATORS)}
    for stem, p in paths.items():
        if p is None:
            raise InputError(Where(str(folder / f"{stem}.csv")), f"缺少表格 {stem}", f"{stem}.csv 或 {stem}.parquet")
    _, projects = _rows(paths[TABLE_PROJECTS], PROJECT_FIELDS, keyed=False)  # type: ignore[arg-type]
    budget, _ = _rows(paths[TABLE_BUDGET], BUDGET_FIELDS, keyed=True)  # type: ignore[arg-type]
    indicators, _ = _rows(paths[TABLE_INDICATORS], INDICATOR_FIELDS, keyed=True)  # type: ignore[arg-type]
    raws: list[RawProject] = []
    errors: list[InputError] = []
    known: set[str] = set()
    for facts in projects:
        pid = str(facts.values.get("project_id") or "").strip()
        known.add(pid)
        raws.append(RawProject(facts, budget.get(pid, []), indicators.get(pid, []), str(folder),
                               Where(str(paths[TABLE_BUDGET]), field=f"project_id={pid}"),
                               Where(str(paths[TABLE_INDICATORS]), field=f"project_id={pid}")))
    for table, stem in ((budget, TABLE_BUDGET), (indicators, TABLE_INDICATORS)):
        for pid, rows in table.items():
            if pid not in known:
                r = rows[0]
                errors.append(InputError(Where(r.file, row=r.row, column=r.columns.get("project_id")),
                                         f"project_id「{pid}」在 projects 表中不存在（{stem} 表共 {len(rows)} 行）",
                                         "projects 表中已有的项目编号", project_id=pid or None))
    return raws, errors
