"""National 项目支出绩效自评表 sheets for the tests, laid out as printed, written as real files in
every format the reader takes: `.xlsx`/`.xlsm` (openpyxl), `.xls` (xlwt) and `.ods` (odfpy), with
merged cells and percent-formatted numbers where the format has them.

`form(...)` builds one sheet from options (with or without 指标性质, 年初预算数, title lines, 项目编号,
merges, 总分 row …); `write_book(path, sheets)` writes a workbook of such sheets (or of plain sheets:
a 说明 sheet is a list of text lines).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter


@dataclass
class Sheet:
    name: str
    cells: dict[tuple[int, int], object] = field(default_factory=dict)  # (row, col), 1-based
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1 (1-based)
    percent: set[tuple[int, int]] = field(default_factory=set)
    row: int = 1  # next free row

    def put(
        self, r: int, c: int, value: object, *, span: int = 1, down: int = 1, percent: bool = False
    ) -> None:
        if value is not None:
            self.cells[(r, c)] = value
        if span > 1 or down > 1:
            self.merges.append((r, c, r + down - 1, c + span - 1))
        if percent:
            self.percent.add((r, c))

    def find(self, value: object) -> tuple[int, int]:
        return next(k for k, v in self.cells.items() if v == value)

    def ref(self, value: object) -> str:
        r, c = self.find(value)
        return f"{get_column_letter(c)}{r}"


#: (一级, 二级, 三级, 指标性质, 年度指标值, 实际完成值, 分值, 得分, 偏差原因); an actual that is a float
#: is written as a percent-formatted number, as Excel holds a typed `97%`.
INDICATORS: list[tuple] = [
    ("产出指标", "数量指标", "培训人次", "≥", "≥200人次", "230人次", 20, 20, None),
    ("产出指标", "质量指标", "培训合格率", "≥", "≥95%", 0.97, 15, 15, None),
    ("产出指标", "时效指标", "培训完成时间", "时限", "2021年12月31日前", "2021年11月30日", 15, 15, None),
    ("效益指标", "社会效益指标", "政策知晓率", "≥", "≥90%", "92%", 30, 30, None),
    ("满意度指标", "服务对象满意度指标", "参训人员满意度", "≥", "≥90%", "85%", 10, 9.44, "部分课程安排偏紧"),
]
BUDGET = [  # label, 年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分
    ("年度资金总额", 60, 60, 54, 10, 0.9, 9),
    ("其中：当年财政拨款", 60, 60, 54, "—", "—", "—"),
    ("上年结转资金", None, None, None, "—", "—", "—"),
    ("其他资金", "-", "-", "-", "—", "—", "—"),
]
GOAL_PLANNED = "全年开展业务培训10期，培训200人次，合格率不低于95%。"
GOAL_ACTUAL = "全年开展培训12期，培训230人次，合格率97%。"
REPORTED_TOTAL = 98.44


def form(
    name: str = "自评表",
    *,
    project_name: str = "2021年度基层业务培训",
    project_id: str | None = "jc-px-2021-001",
    year_line: bool = True,
    title: bool = True,
    unit_line: bool = True,
    direction: bool = True,
    initial: bool = True,
    merged: bool = True,
    total_row: bool = True,
    grade: str | None = "优",
    indicators: list[tuple] | None = None,
    budget: list[tuple] | None = None,
    footer: bool = True,
    drop: tuple[str, ...] = (),
) -> Sheet:
    """One 自评表 sheet. `drop` leaves out header cells (e.g. 全年执行数) to make a broken form."""
    s = Sheet(name)
    ind_cols = ["一级指标", "二级指标", "三级指标"]
    ind_cols += ["指标性质"] if direction else []
    ind_cols += ["年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    width = 1 + len(ind_cols)
    r = 1
    if title:
        s.put(r, 1, "项目支出绩效自评表", span=width)
        r += 1
    if year_line:
        s.put(r, 1, "（2021年度）", span=width)
        r += 1
    if unit_line:
        s.put(r, width, "单位：万元")
        r += 1
    s.put(r, 1, "项目名称")
    s.put(r, 2, project_name, span=width - 1)
    r += 1
    s.put(r, 1, "主管部门")
    s.put(r, 2, "江城市人力资源和社会保障局", span=3)
    s.put(r, 5, "实施单位")
    s.put(r, 6, "江城市职业技能培训中心", span=width - 5)
    r += 1
    if project_id is not None:
        s.put(r, 1, "项目编号")
        s.put(r, 2, project_id, span=width - 1)
        r += 1
    # the budget block: 项目资金（万元） merged down at the left, the row labels one column right
    rows = budget if budget is not None else BUDGET
    heads = (["年初预算数"] if initial else []) + ["全年预算数", "全年执行数", "分值", "执行率", "得分"]
    heads = [h for h in heads if h not in drop]
    s.put(r, 1, "项目资金（万元）", down=len(rows) + 1 if merged else 1)
    for k, h in enumerate(heads):
        s.put(r, 3 + k, h)
    for label, *amounts in rows:
        r += 1
        s.put(r, 2, label)
        values = amounts if initial else amounts[1:]
        for k, v in enumerate(values[: len(heads)]):
            s.put(r, 3 + k, v, percent=(heads[k] == "执行率" and isinstance(v, float)))
    r += 1
    # 年度总体目标
    s.put(r, 1, "年度总体目标", down=2 if merged else 1)
    half = (width - 1) // 2
    s.put(r, 2, "预期目标", span=half)
    s.put(r, 2 + half, "实际完成情况", span=width - 1 - half)
    s.put(r + 1, 2, GOAL_PLANNED, span=half)
    s.put(r + 1, 2 + half, GOAL_ACTUAL, span=width - 1 - half)
    r += 2
    # the indicator block
    rows = indicators if indicators is not None else INDICATORS
    head = r
    for k, h in enumerate(ind_cols):
        if h not in drop:
            s.put(r, 2 + k, h)
    col = {h: 2 + k for k, h in enumerate(ind_cols)}
    first = r + 1
    for n, (l1, l2, name3, sign, target, actual, weight, score, reason) in enumerate(rows):
        rr = first + n
        prev = rows[n - 1] if n else None
        if not merged or prev is None or prev[0] != l1:
            run = sum(1 for _ in _run(rows, n, lambda t: t[0]))
            s.put(rr, col["一级指标"], l1, down=run if merged else 1)
        if not merged or prev is None or (prev[0], prev[1]) != (l1, l2):
            run = sum(1 for _ in _run(rows, n, lambda t: (t[0], t[1])))
            s.put(rr, col["二级指标"], l2, down=run if merged else 1)
        s.put(rr, col["三级指标"], name3)
        if direction:
            s.put(rr, col["指标性质"], sign)
        s.put(rr, col["年度指标值"], target)
        s.put(rr, col["实际完成值"], actual, percent=isinstance(actual, float))
        s.put(rr, col["分值"], weight)
        s.put(rr, col["得分"], score)
        s.put(rr, col["偏差原因分析及改进措施"], reason)
    r = first + len(rows)
    s.put(head, 1, "绩效指标", down=(r - head) if merged else 1)
    if total_row:
        s.put(r, 1, "总分", span=col["分值"] - 1)
        s.put(r, col["分值"], 100)
        s.put(r, col["得分"], REPORTED_TOTAL)
        r += 1
    if grade is not None:
        s.put(r, 1, "自评等级")
        s.put(r, 2, grade)
        r += 1
    if footer:
        s.put(r, 1, "填表人：张三", span=3)
        s.put(r, 5, "联系电话：0791-1234567", span=3)
        r += 1
    s.row = r
    return s


def _run(rows: list[tuple], n: int, key):  # type: ignore[no-untyped-def]
    k = key(rows[n])
    for t in rows[n:]:
        if key(t) != k:
            return
        yield t


def notes(name: str = "说明", lines: tuple[str, ...] = ("填表说明", "1. 每个工作表填写一个项目。")) -> Sheet:
    s = Sheet(name)
    for r, line in enumerate(lines, start=1):
        s.put(r, 1, line)
    return s


# ------------------------------------------------------------------------------------------ writers


def write_book(path: Path, sheets: list[Sheet]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        _write_openpyxl(path, sheets)
    elif suffix == ".xls":
        _write_xls(path, sheets)
    elif suffix == ".ods":
        _write_ods(path, sheets)
    else:
        raise ValueError(suffix)
    return path


def _write_openpyxl(path: Path, sheets: list[Sheet]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name)
        for (r, c), v in sheet.cells.items():
            cell = ws.cell(row=r, column=c, value=v)
            if (r, c) in sheet.percent:
                cell.number_format = "0%" if float(v) * 100 == int(float(v) * 100) else "0.00%"
        for r0, c0, r1, c1 in sheet.merges:
            ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
    wb.save(path)


def _write_xls(path: Path, sheets: list[Sheet]) -> None:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    pct = xlwt.easyxf(num_format_str="0%")
    for sheet in sheets:
        ws = wb.add_sheet(sheet.name)
        anchors = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in sheet.merges}
        covered = {
            (r, c)
            for r0, c0, r1, c1 in sheet.merges
            for r in range(r0, r1 + 1)
            for c in range(c0, c1 + 1)
            if (r, c) != (r0, c0)
        }
        for (r, c), v in sheet.cells.items():
            if (r, c) in covered:
                continue
            style = pct if (r, c) in sheet.percent else xlwt.Style.default_style
            if (r, c) in anchors:
                r1, c1 = anchors[(r, c)]
                ws.write_merge(r - 1, r1 - 1, c - 1, c1 - 1, v, style)
            else:
                ws.write(r - 1, c - 1, v, style)
        for (r0, c0), (r1, c1) in anchors.items():
            if (r0, c0) not in sheet.cells:
                ws.merge(r0 - 1, r1 - 1, c0 - 1, c1 - 1)
    wb.save(str(path))


def _write_ods(path: Path, sheets: list[Sheet]) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for sheet in sheets:
        table = Table(name=sheet.name)
        anchors = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in sheet.merges}
        covered = {
            (r, c)
            for r0, c0, r1, c1 in sheet.merges
            for r in range(r0, r1 + 1)
            for c in range(c0, c1 + 1)
            if (r, c) != (r0, c0)
        }
        last_row = max((r for r, _ in sheet.cells), default=0)
        last_row = max([last_row, *(r1 for _, _, r1, _ in sheet.merges)])
        last_col = max([0, *(c for _, c in sheet.cells), *(c1 for _, _, _, c1 in sheet.merges)])
        for r in range(1, last_row + 1):
            tr = TableRow()
            for c in range(1, last_col + 1):
                if (r, c) in covered:
                    tr.addElement(CoveredTableCell())
                    continue
                v = sheet.cells.get((r, c))
                attrs: dict = {}
                if (r, c) in anchors:
                    down, span = anchors[(r, c)]
                    attrs.update(numberrowsspanned=down, numbercolumnsspanned=span)
                if v is None:
                    cell = TableCell(**attrs)
                elif isinstance(v, int | float):
                    kind = "percentage" if (r, c) in sheet.percent else "float"
                    cell = TableCell(valuetype=kind, value=str(v), **attrs)
                    cell.addElement(P(text=str(v)))
                else:
                    cell = TableCell(valuetype="string", **attrs)
                    cell.addElement(P(text=str(v)))
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))
