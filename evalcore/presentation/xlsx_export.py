"""`evalcore export PATH... --xlsx OUT.xlsx`: the standard 项目支出绩效自评表 as an Excel workbook.

- Sheet 汇总 first: one row per project (the figures of `score --json`), each 项目编号 a link to the
  project's sheet; number formats 0.00 / 0.00%, frozen header, autofilter, print setup.
- Then one sheet per project, laid out as the printed form (`xlsx_form`), recomputed and reported
  scores side by side.
- A sheet 输入问题 lists the inputs that could not be used, when there are any.

Numbers are written unrounded, as `score --json` gives them (the total is the scheme's rounded total);
the number formats do the rounding for the eye, so `read_export` gets the very scores back.

Every value goes into a cell through `cells.put`, i.e. through `cells.safe_cell`: text from input that
begins with = + - @ is stored as text with a leading apostrophe, never as a formula (see
`evalcore.presentation.cells` for why that form). Output is byte-deterministic (`writers.save_workbook`)
and appears atomically.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..authoring.writers import save_workbook
from ..evaluation import Evaluation
from .cells import put, restore_cell
from .formats import excel_money_format, project_decimals
from .xlsx_common import (
    AMOUNT,
    BOLD,
    BORDER,
    CENTER,
    DIFF_FONT,
    DIFF_LABEL,
    ERRORS_SHEET,
    HEADER_FILL,
    LEFT_TOP,
    RATE,
    SCORE,
    SUMMARY_SHEET,
    difference,
    link,
    print_setup,
)
from .xlsx_form import form_sheet, read_form

__all__ = [
    "ERRORS_SHEET",
    "SUMMARY_COLUMNS",
    "SUMMARY_SHEET",
    "export_workbook",
    "export_workbook_object",
    "read_export",
    "sheet_names",
    "summary_values",
]

# ------------------------------------------------------------------------------------------ summary

#: (key, header, width, number format) of the 汇总 sheet, in order.
SUMMARY_COLUMNS: tuple[tuple[str, str, int, str | None], ...] = (
    ("project_id", "项目编号", 22, None),
    ("name", "项目名称", 40, None),
    ("department", "主管部门", 26, None),
    ("year", "年度", 7, "0"),
    ("scheme", "评分方案", 11, None),
    ("amount_unit", "金额单位", 9, None),
    ("adjusted", "全年预算数", 14, AMOUNT),
    ("executed", "全年执行数", 14, AMOUNT),
    ("execution_rate", "执行率", 10, RATE),
    ("total", "复核得分", 10, SCORE),
    ("unscored_weight", "未计分分值", 10, SCORE),
    ("grade", "等级", 7, None),
    ("reported_total", "自评得分", 10, SCORE),
    ("reported_grade", "自评等级", 9, None),
    ("difference", DIFF_LABEL, 12, SCORE),
    ("finding_codes", "复核发现", 30, None),
)


def summary_values(ev: Evaluation) -> dict[str, object]:
    """One 汇总 row: the same figures as the project's `score --json` record."""
    c, p, b = ev.card, ev.project, ev.card.budget
    return {
        "project_id": p.project_id,
        "name": p.name,
        "department": p.department,
        "year": p.year,
        "scheme": c.scheme.id,
        "amount_unit": p.amount_unit,
        "adjusted": b.adjusted,
        "executed": b.executed,
        "execution_rate": b.execution_rate,
        "total": c.total,
        "unscored_weight": c.unscored_weight,
        "grade": c.grade,
        "reported_total": p.reported_total,
        "reported_grade": p.reported_grade,
        "difference": difference(p.reported_total, c.total),
        "finding_codes": " ".join(sorted({f.code for f in ev.findings})),
    }


def _summary_sheet(ws: Worksheet, evaluations: list[Evaluation], sheets: list[str]) -> None:
    for col, (_, label, width, _fmt) in enumerate(SUMMARY_COLUMNS, start=1):
        cell = put(ws, 1, col, label)
        cell.font, cell.fill, cell.alignment, cell.border = BOLD, HEADER_FILL, CENTER, BORDER
        ws.column_dimensions[get_column_letter(col)].width = width
    for r, (ev, sheet) in enumerate(zip(evaluations, sheets, strict=True), start=2):
        values = summary_values(ev)
        # a project in 元 shows whole 元 as its form does; one in 万元 is AMOUNT
        amount = excel_money_format(ev.project.amount_unit, project_decimals(ev.project))
        for col, (key, _, _, fmt) in enumerate(SUMMARY_COLUMNS, start=1):
            cell = put(ws, r, col, values[key], amount if fmt == AMOUNT else fmt)
            cell.border = BORDER
            if (
                key == "difference"
                and values[key] is not None
                and ev.scheme.review.scores_differ(values[key], 0.0)
            ):
                cell.font = DIFF_FONT
        link(ws.cell(row=r, column=1), sheet)
    last = max(1, len(evaluations) + 1)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(SUMMARY_COLUMNS))}{last}"
    ws.row_dimensions[1].height = 30
    print_setup(ws, f"A1:{get_column_letter(len(SUMMARY_COLUMNS))}{last}")
    ws.print_title_rows = "1:1"


def _errors_sheet(ws: Worksheet, errors: Iterable[object]) -> None:
    headers = (("项目编号", 20), ("文件", 40), ("工作表", 12), ("行", 6), ("列/路径", 18), ("说明", 90))
    for col, (label, width) in enumerate(headers, start=1):
        cell = put(ws, 1, col, label)
        cell.font, cell.fill, cell.alignment, cell.border = BOLD, HEADER_FILL, CENTER, BORDER
        ws.column_dimensions[get_column_letter(col)].width = width
    r = 1
    for r, err in enumerate(errors, start=2):
        d = err.as_dict() if hasattr(err, "as_dict") else {"message": str(err)}  # type: ignore[union-attr]
        where = d.get("where") or {}
        place = where.get("column") or where.get("path")
        row = (
            d.get("project_id"),
            where.get("file"),
            where.get("sheet"),
            where.get("row"),
            place,
            d["message"],
        )
        for col, value in enumerate(row, start=1):
            cell = put(ws, r, col, value)
            cell.border, cell.alignment = BORDER, LEFT_TOP
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:F{r}"
    print_setup(ws, f"A1:F{r}")


# ------------------------------------------------------------------------------------------ sheet names

_SHEET_BAD = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
SHEET_NAME_MAX = 31  # Excel's limit, in UTF-16 code units


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, limit: int) -> str:
    while _utf16_len(text) > limit:
        text = text[:-1]
    return text


def _clean_sheet_name(text: str) -> str:
    name = _SHEET_BAD.sub("_", unicodedata.normalize("NFC", text)).strip().strip("'")
    name = _cut(name, SHEET_NAME_MAX).strip().strip("'")
    if not name or name.casefold() == "history":  # Excel reserves History
        name = f"_{name}" if name else "项目"
    return name


def sheet_names(ids: Iterable[object], reserved: Iterable[str] = (SUMMARY_SHEET, ERRORS_SHEET)) -> list[str]:
    """Valid, unique sheet names from project ids: ≤31 characters, none of []:*?/\\, not starting or
    ending with an apostrophe; a clash (Excel compares names case-insensitively) gets ~2, ~3, …"""
    used = {r.casefold() for r in reserved}
    out = []
    for pid in ids:
        base = _clean_sheet_name("" if pid is None else str(pid))
        name, n = base, 1
        while name.casefold() in used:
            n += 1
            suffix = f"~{n}"
            name = _cut(base, SHEET_NAME_MAX - len(suffix)).rstrip("'") + suffix
        used.add(name.casefold())
        out.append(name)
    return out


def _sheet_from_location(location: str | None) -> str | None:
    if not location or "!" not in location:
        return None
    ref = location.rsplit("!", 1)[0]
    if ref.startswith("'") and ref.endswith("'"):
        ref = ref[1:-1].replace("''", "'")
    return ref


# ------------------------------------------------------------------------------------------ entry points


def export_workbook_object(evaluations: Iterable[Evaluation], errors: Iterable[object] = ()) -> Workbook:
    """The export as an openpyxl Workbook (the CLI and tests may want it without a file)."""
    evaluations = list(evaluations)
    errors = list(errors)
    wb = Workbook()
    summary = wb.active
    summary.title = SUMMARY_SHEET
    sheets = sheet_names(ev.project.project_id for ev in evaluations)
    _summary_sheet(summary, evaluations, sheets)
    for ev, name in zip(evaluations, sheets, strict=True):
        form_sheet(wb.create_sheet(name), ev)
    if errors:
        _errors_sheet(wb.create_sheet(ERRORS_SHEET), errors)
    return wb


def export_workbook(
    evaluations: Iterable[Evaluation], path: str | os.PathLike[str], errors: Iterable[object] = ()
) -> Path:
    """Write the 汇总 sheet and one standard form per project (and 输入问题 when `errors`) to `path`,
    atomically and byte-deterministically. Returns the path."""
    path = Path(path)
    wb = export_workbook_object(evaluations, errors)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        save_workbook(wb, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


# ------------------------------------------------------------------------------------------ read back


def read_export(path: str | os.PathLike[str]) -> dict[str, dict[str, object]]:
    """Read an export back: {project_id: the 汇总 row's values, `sheet`, and from the project's form
    `budget` (the 年度资金总额 line), `indicators` (each with its 复核得分 `score` and 自评得分
    `reported_score`), `total` and `reported_total`}. Text is returned as it was before `safe_cell`."""
    wb = load_workbook(path)
    try:
        ws = wb[SUMMARY_SHEET]
        header = [c.value for c in ws[1]]
        columns = {key: header.index(label) for key, label, _, _ in SUMMARY_COLUMNS if label in header}
        out: dict[str, dict[str, object]] = {}
        for row in ws.iter_rows(min_row=2):
            record = {key: restore_cell(row[i].value) for key, i in columns.items()}
            if record.get("project_id") is None:
                continue
            link = row[columns.get("project_id", 0)].hyperlink
            sheet = _sheet_from_location(link.location if link is not None else None)
            record["sheet"] = sheet
            if sheet in wb.sheetnames:
                form = read_form(wb[sheet])
                form.pop("project_id", None)
                record["form_total"] = form.pop("total", None)
                record["form_reported_total"] = form.pop("reported_total", None)
                record.update(form)
            out[str(record["project_id"])] = record
        return out
    finally:
        wb.close()
