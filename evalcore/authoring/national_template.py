"""`evalcore template OUT.xlsx --layout national`: an empty 项目支出绩效自评表 laid out as printed.

One form sheet (labels as on paper, merged cells, 一级指标 pre-filled for the self-evaluation
scheme, a 指标性质 drop-down) and a 说明 sheet. It is read back by `inputs.national_form` once filled:
everything is found by its label, so a department may add indicator rows inside the block.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..vocabulary import DIRECTIONS
from .writers import save_workbook

FORM_SHEET = "项目支出绩效自评表"
GUIDE_SHEET = "说明"
#: Blank indicator rows per 一级指标 of the self-evaluation scheme (产出 50 · 效益 30 · 满意度 10).
INDICATOR_ROWS = (("产出指标", 6), ("效益指标", 4), ("满意度指标", 2))
COLUMNS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "指标性质",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
)
WIDTHS = (14, 12, 16, 22, 10, 16, 16, 8, 8, 36)
WIDTH = len(COLUMNS) + 1  # the block label in column A

GUIDE_LINES = (
    "项目支出绩效自评表（国家格式）· 填写说明",
    "1. 一个工作表填写一个项目；多个项目可复制本工作表，每张各填一个项目。「说明」工作表不会被读取。",
    "2. 各栏按标签读取，不按位置：请勿修改「项目名称」「全年预算数」「三级指标」「总分」等标签文字；"
    "指标行不够时可在绩效指标区域内插入行。",
    "3. 年度填四位数字（如 2024）；项目编号在全部项目中唯一，如 jc-jyj-2024-0001。金额单位为万元。",
    "4. 预算执行：年度资金总额及其中各资金来源，全年预算数、全年执行数必填；没有的资金来源留空。",
    "5. 指标性质从下拉列表选择（≥ > = ≤ < 定性 时限），也可留空并在年度指标值中写明，如 ≥95%。",
    "6. 年度指标值、实际完成值连同单位填写，如 ≥200人次、230人次、≥95%、2024年12月31日前。",
    "7. 分值之和：产出指标 50、效益指标 30、满意度指标 10，加预算执行率 10，共 100 分。"
    "「其中：」明细行可不填分值（不单独计分）。",
    "8. 总分行填写自评总分，自评等级填 优（≥90）/ 良（≥80）/ 中（≥60）/ 差（<60）。",
)

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LABEL = PatternFill("solid", fgColor="F2F2F2")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


class _Writer:
    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws

    def put(self, r: int, c: int, value: object = None, *, span: int = 1, down: int = 1, label: bool = False):  # type: ignore[no-untyped-def]
        cell = self.ws.cell(row=r, column=c, value=value)
        if span > 1 or down > 1:
            self.ws.merge_cells(start_row=r, start_column=c, end_row=r + down - 1, end_column=c + span - 1)
        cell.alignment = _CENTER if label else _LEFT
        if label:
            cell.font, cell.fill = Font(bold=True), _LABEL
        return cell


def _form(ws: Worksheet) -> None:
    w = _Writer(ws)
    title = w.put(1, 1, FORM_SHEET, span=WIDTH, label=True)
    title.font, title.fill = Font(bold=True, size=16), PatternFill()
    w.put(2, 1, "单位：万元", span=WIDTH)
    w.put(3, 1, "项目名称", label=True)
    w.put(3, 2, span=WIDTH - 1)
    w.put(4, 1, "主管部门", label=True)
    w.put(4, 2, span=4)
    w.put(4, 6, "实施单位", label=True)
    w.put(4, 7, span=WIDTH - 6)
    w.put(5, 1, "项目编号", label=True)
    w.put(5, 2, span=4)
    w.put(5, 6, "年度", label=True)
    w.put(5, 7, span=WIDTH - 6)
    # budget block
    sources = ("年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金")
    top = 6
    w.put(top, 1, "项目资金（万元）", down=len(sources) + 1, label=True)
    w.put(top, 2, span=2, label=True)
    for k, h in enumerate(("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")):
        w.put(top, 4 + k, h, label=True)
    w.put(top, 10, "说明", label=True)
    for k, source in enumerate(sources, start=1):
        w.put(top + k, 2, source, span=2, label=True)
        w.put(top + k, 7, 10 if k == 1 else "—", label=k != 1)
        if k != 1:
            w.put(top + k, 9, "—", label=True)
    # goals
    g = top + len(sources) + 1
    w.put(g, 1, "年度总体目标", down=2, label=True)
    w.put(g, 2, "预期目标", span=5, label=True)
    w.put(g, 7, "实际完成情况", span=WIDTH - 6, label=True)
    w.put(g + 1, 2, span=5)
    w.put(g + 1, 7, span=WIDTH - 6)
    ws.row_dimensions[g + 1].height = 60
    # indicators
    h = g + 2
    n = sum(k for _, k in INDICATOR_ROWS)
    w.put(h, 1, "绩效指标", down=n + 1, label=True)
    for k, label in enumerate(COLUMNS, start=2):
        w.put(h, k, label, label=True)
    r = h + 1
    for level1, rows in INDICATOR_ROWS:
        w.put(r, 2, level1, down=rows, label=True)
        r += rows
    dv = DataValidation(type="list", formula1='"' + ",".join(DIRECTIONS) + '"', allow_blank=True)
    dv.add(f"E{h + 1}:E{h + n}")
    ws.add_data_validation(dv)
    for row in ws.iter_rows(min_row=h + 1, max_row=h + n, min_col=6, max_col=7):
        for cell in row:
            cell.number_format = "@"  # `=8个`, `≥90%` stay as typed, not a formula or a fraction
    total = h + n + 1
    w.put(total, 1, "总分", span=7, label=True)
    w.put(total, 8, 100, label=True)
    w.put(total, 9)
    w.put(total, 10)
    w.put(total + 1, 1, "自评等级", label=True)
    w.put(total + 1, 2, span=WIDTH - 1)
    for row in ws.iter_rows(min_row=3, max_row=total + 1, max_col=WIDTH):
        for cell in row:
            cell.border = _BORDER
    w.put(total + 2, 1, "填表人：", span=3)
    w.put(total + 2, 5, "联系电话：", span=3)
    for k, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[chr(ord("A") + k - 1)].width = width
    ws.row_dimensions[1].height = 30


def national_template_workbook() -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = FORM_SHEET
    _form(ws)
    guide = wb.create_sheet(GUIDE_SHEET)
    for r, line in enumerate(GUIDE_LINES, start=1):
        cell = guide.cell(row=r, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if r == 1:
            cell.font = Font(bold=True, size=14)
    guide.column_dimensions["A"].width = 110
    return wb


def write_national_template(path: Path) -> None:
    save_workbook(national_template_workbook(), Path(path))
