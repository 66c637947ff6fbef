"""Write project dicts (the YAML shape) to every carrier the readers accept.

A project dict holds the project fields at top level under their canonical keys, plus `budget` and
`indicators`, lists of row dicts. The same dict can go to YAML, a workbook, or portfolio tables, so
synthetic data, the sample data and round-trip tests all exercise the real input path. Header labels
come only from `evalcore.fields`, so whatever we write is what the readers recognise.

Output is deterministic (no timestamps in workbooks, fixed zip entry dates): regenerating sample
data with the same inputs yields byte-identical files, which keeps the repository diff-able and lets
`batch` skip unchanged projects.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ..fields import (
    BUDGET_FIELDS,
    INDICATOR_FIELDS,
    NARRATIVE_KEYS,
    PROJECT_AND_NARRATIVE_FIELDS,
    PROJECT_FIELDS,
    PROJECT_SHEET_HEADERS,
    SHEET_BUDGET,
    SHEET_INDICATORS,
    SHEET_PROJECT,
    SURVEY_FIELDS,
    TABLE_BUDGET,
    TABLE_INDICATORS,
    TABLE_PROJECTS,
    Field,
)

#: Workbook document properties and zip entry dates are pinned so output is byte-reproducible.
FIXED_TIMESTAMP = dt.datetime(2024, 1, 1, 0, 0, 0)
_ZIP_DATE = (2024, 1, 1, 0, 0, 0)

PROJECT_KEYS = tuple(f.key for f in PROJECT_FIELDS)
BUDGET_KEYS = tuple(f.key for f in BUDGET_FIELDS)
INDICATOR_KEYS = tuple(f.key for f in INDICATOR_FIELDS)
SURVEY_KEYS = tuple(f.key for f in SURVEY_FIELDS)

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_BOOL_TEXT = {True: "是", False: "否"}


# ---------------------------------------------------------------- values


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Pause the cyclic GC while building millions of small rows: it finds no cycles here, and
    its repeated full scans of a growing heap would double the time of a 100,000-project run."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def cell_value(value: object) -> object:
    """One value as a carrier should hold it: integral floats as ints, booleans as 是/否, NaN as empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _BOOL_TEXT[value]
    if isinstance(value, float):
        if value != value:
            return None
        if value.is_integer() and abs(value) < 1e15:
            return int(value)
    return value


def ordered_project(project: dict) -> dict:
    """The project dict with keys in field order and empty values dropped (the YAML shape)."""

    def ordered(row: dict, keys: tuple[str, ...]) -> dict:
        out = {k: cell_value(row[k]) for k in keys if row.get(k) is not None}
        out.update(
            (k, cell_value(v))
            for k, v in row.items()
            if k not in out and k not in keys and v is not None and not isinstance(v, list | dict)
        )
        return {k: v for k, v in out.items() if v is not None and v != ""}

    result = ordered(project, (*PROJECT_KEYS, *NARRATIVE_KEYS))
    result["budget"] = [ordered(r, BUDGET_KEYS) for r in project.get("budget") or []]
    result["indicators"] = [
        ordered(r, (*INDICATOR_KEYS, *SURVEY_KEYS)) for r in project.get("indicators") or []
    ]
    return result


# ---------------------------------------------------------------- YAML


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Text on several lines (立项背景 …) as a `|` block, as a person writes it, not one quoted line."""


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


_Dumper.add_representer(str, _text)
_YAML_DUMPER = _Dumper


def yaml_text(project: dict) -> str:
    """Rows come out as one flow mapping per line, like the hand-written seed file."""
    return yaml.dump(
        ordered_project(project),
        Dumper=_YAML_DUMPER,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=None,
        width=1_000_000,
    )


def write_yaml(project: dict, path: Path) -> None:
    """Write one project as a UTF-8 YAML file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml_text(project), encoding="utf-8")


# ---------------------------------------------------------------- workbook


def _display_width(value: object) -> int:
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def set_cell(ws: Worksheet, row: int, column: int, value: object) -> None:
    """Numbers stay numbers; text stays text, even `=8个`, which openpyxl would take for a formula."""
    value = cell_value(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"


def style_header(ws: Worksheet, columns: int) -> None:
    """Bold, shaded header row frozen in place, as on the forms departments already use."""
    for col in range(1, columns + 1):
        cell = ws.cell(row=1, column=col)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.freeze_panes = "A2"


def fit_columns(ws: Worksheet, minimum: int = 8, maximum: int = 60) -> None:
    """Widths from the widest cell (CJK counted double), capped; long text wraps instead."""
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                widths[cell.column] = max(widths.get(cell.column, 0), _display_width(cell.value))
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = max(minimum, min(maximum, width + 2))
        if width > maximum:
            for (cell,) in ws.iter_rows(min_col=col, max_col=col, min_row=2):
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_table_sheet(ws: Worksheet, fields: tuple[Field, ...], rows: Iterable[dict]) -> None:
    for col, f in enumerate(fields, start=1):
        set_cell(ws, 1, col, f.label)
    for r, row in enumerate(rows, start=2):
        for col, f in enumerate(fields, start=1):
            set_cell(ws, r, col, row.get(f.key))
    style_header(ws, len(fields))


def write_project_sheet(ws: Worksheet, project: dict) -> None:
    for col, header in enumerate(PROJECT_SHEET_HEADERS, start=1):
        set_cell(ws, 1, col, header)
    for r, f in enumerate(PROJECT_AND_NARRATIVE_FIELDS, start=2):  # narrative rows always listed
        set_cell(ws, r, 1, f.label)
        ws.cell(row=r, column=1).font = HEADER_FONT
        set_cell(ws, r, 2, project.get(f.key))
    style_header(ws, 2)


def project_workbook(project: dict) -> Workbook:
    """The three-sheet workbook (项目信息 / 预算执行 / 绩效指标) for one project."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_PROJECT
    write_project_sheet(ws, project)
    write_table_sheet(wb.create_sheet(SHEET_BUDGET), BUDGET_FIELDS, project.get("budget") or [])
    indicators = project.get("indicators") or []
    surveyed = any("survey" in r for r in indicators)  # 问卷文件 / 问卷题目 only when a row names one
    fields = (*INDICATOR_FIELDS, *SURVEY_FIELDS) if surveyed else INDICATOR_FIELDS
    write_table_sheet(wb.create_sheet(SHEET_INDICATORS), fields, indicators)
    for sheet in wb.worksheets:
        fit_columns(sheet)
    return wb


def save_workbook(wb: Workbook, path: Path) -> None:
    """Save with pinned timestamps: openpyxl's own save stamps `modified` and zip dates with now()."""
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP
    wb.properties.creator = "evalcore"
    raw = io.BytesIO()
    archive = zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)
    ExcelWriter(wb, archive).save()  # closes the archive
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())


def write_workbook(project: dict, path: Path) -> None:
    """Write one project as the .xlsx form departments fill in."""
    save_workbook(project_workbook(project), path)


# ---------------------------------------------------------------- portfolio tables


def _table_columns(projects: Iterable[dict]) -> dict[str, tuple[tuple[str, ...], list[list]]]:
    """Row lists for the three tables; child tables carry project_id first to key them."""
    p_rows: list[list] = []
    b_rows: list[list] = []
    i_rows: list[list] = []
    told: dict[int, list] = {}  # row → narrative cells, for the projects that give any
    surveyed: dict[int, list] = {}  # indicator row → questionnaire cells, for the rows that name one
    cv, plain, narrative = cell_value, _PLAIN, _NARRATIVE  # hot loop: text, ints and blanks pass through
    for p in projects:
        pid = p.get("project_id")
        p_rows.append([v if (v := p.get(k)).__class__ in plain else cv(v) for k in PROJECT_KEYS])
        if not narrative.isdisjoint(p):
            told[len(p_rows) - 1] = [cv(p.get(k)) for k in NARRATIVE_KEYS]
        for r in p.get("budget") or ():
            b_rows.append([pid, *[v if (v := r.get(k)).__class__ in plain else cv(v) for k in BUDGET_KEYS]])
        for r in p.get("indicators") or ():
            i_rows.append(
                [pid, *[v if (v := r.get(k)).__class__ in plain else cv(v) for k in INDICATOR_KEYS]]
            )
            if "survey" in r:
                surveyed[len(i_rows) - 1] = [cv(r.get(k)) for k in SURVEY_KEYS]
    project_keys = PROJECT_KEYS
    if told:  # narrative columns only when some project has a narrative: a plain export stays as it was
        project_keys = (*PROJECT_KEYS, *NARRATIVE_KEYS)
        blank = [None] * len(NARRATIVE_KEYS)
        for r, row in enumerate(p_rows):
            row.extend(told.get(r, blank))
    indicator_keys = INDICATOR_KEYS
    if surveyed:  # 问卷文件 / 问卷题目 only when some row names a questionnaire, as the narrative
        indicator_keys = (*INDICATOR_KEYS, *SURVEY_KEYS)
        blank = [None] * len(SURVEY_KEYS)
        for r, row in enumerate(i_rows):
            row.extend(surveyed.get(r, blank))
    return {
        TABLE_PROJECTS: (project_keys, p_rows),
        TABLE_BUDGET: (("project_id", *BUDGET_KEYS), b_rows),
        TABLE_INDICATORS: (("project_id", *indicator_keys), i_rows),
    }


_PLAIN = frozenset({str, int, type(None)})
_NARRATIVE = frozenset(NARRATIVE_KEYS)
_KINDS = {f.key: f.kind for f in (*PROJECT_AND_NARRATIVE_FIELDS, *BUDGET_FIELDS, *INDICATOR_FIELDS)}


def _arrow_column(key: str, values: list):
    """Typed by the field's kind; a column that does not fit its kind is kept as text rather than lost."""
    import pyarrow as pa

    kind = _KINDS.get(key, "text")
    try:
        if kind == "number":
            return pa.array([None if v is None else float(v) for v in values], pa.float64())
        if kind == "int":
            return pa.array([None if v is None else int(v) for v in values], pa.int64())
    except (TypeError, ValueError):
        pass
    return pa.array([None if v is None else str(v) for v in values], pa.string())


def write_tables(projects: Iterable[dict], folder: Path, fmt: str = "csv", encoding: str = "utf-8") -> None:
    """Write a portfolio folder: projects, budget and indicators as .csv (in `encoding`) or .parquet."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be csv or parquet, not {fmt!r}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with bulk_allocation():
        tables = _table_columns(projects)
    from ..presentation.cells import FORMULA_TRIGGERS as triggers
    from ..presentation.cells import safe_cell as safe

    for stem, (header, rows) in tables.items():
        if fmt == "csv":
            with open(folder / f"{stem}.csv", "w", encoding=encoding, newline="") as fh:
                writer = csv.writer(fh, lineterminator="\n")
                writer.writerow(header)
                # text opened in Excel must not become a formula (`=8个`, `@SUM(…)`): the reader undoes it
                writer.writerows(
                    [
                        [safe(v) if v.__class__ is str and v[:1] in triggers else v for v in row]
                        for row in rows
                    ]
                )
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            columns = list(zip(*rows, strict=True)) if rows else [() for _ in header]
            table = pa.table({k: _arrow_column(k, list(col)) for k, col in zip(header, columns, strict=True)})
            pq.write_table(table, folder / f"{stem}.parquet")


# ---------------------------------------------------------------- one file per project

from .safe_names import safe_component  # noqa: E402  (re-exported: writers' public helper)


def _project_paths(projects: Iterable[dict], out: Path, ext: str) -> Iterator[tuple[dict, Path]]:
    used: set[str] = set()
    for p in projects:
        folder = safe_component(p.get("department") or "未分类")
        stem = safe_component(p.get("project_id"))
        candidate, n = f"{folder}/{stem}", 1
        while candidate.casefold() in used:  # two ids that sanitise alike must not overwrite each other
            n += 1
            candidate = f"{folder}/{stem}-{n}"
        used.add(candidate.casefold())
        yield p, out / f"{candidate}.{ext}"


def write_project_files(projects: Iterable[dict], out: Path, fmt: str = "yaml") -> list[Path]:
    """One file per project under `out/<department>/<project_id>.<yaml|xlsx>`; returns the paths."""
    writers = {"yaml": write_yaml, "xlsx": write_workbook}
    if fmt not in writers:
        raise ValueError(f"fmt must be yaml or xlsx, not {fmt!r}")
    write = writers[fmt]
    written = []
    for project, path in _project_paths(projects, Path(out), fmt):
        write(project, path)
        written.append(path)
    return written
