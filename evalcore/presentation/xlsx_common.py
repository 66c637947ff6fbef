"""What the export's sheets share: number formats, cell styles, the print set-up, links between
sheets and the 自评 − 复核 difference, so the 汇总 sheet and every project's form look and print alike."""

from __future__ import annotations

from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from .formats import excel_money_format

SUMMARY_SHEET = "汇总"
ERRORS_SHEET = "输入问题"

AMOUNT = excel_money_format("万元")  # the money rule of every page (formats.py) as an Excel format
SCORE = "0.00"
RATE = "0.00%"
WEIGHT = "General"  # weights as written: 10, 2.5
DIFF_LABEL = "差异（自评−复核）"
NOT_APPLICABLE = "不适用"

_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=16)
LINK_FONT = Font(color="0563C1", underline="single")
DIFF_FONT = Font(color="C00000", bold=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
LEFT_TOP = Alignment(horizontal="left", vertical="top", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")


def difference(reported: float | None, recomputed: float | None) -> float | None:
    """自评 − 复核, or None when either is missing."""
    if reported is None or recomputed is None:
        return None
    return round(reported - recomputed, 6)


def quote_sheet(name: str) -> str:
    """A sheet name as a formula or link reference writes it: 'name', apostrophes doubled."""
    return "'" + name.replace("'", "''") + "'"


def link(cell: Cell, sheet: str) -> None:
    """Make the cell a link to cell A1 of `sheet`, styled as a link."""
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{quote_sheet(sheet)}!A1")
    cell.font = LINK_FONT


def print_setup(ws: Worksheet, area: str) -> None:
    """A4 landscape, fitted to the page width (as many pages down as needed), page numbers."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.print_area = area
