"""One project's sheet of the export: the standard 项目支出绩效自评表 laid out as the printed form
(DOMAIN.md «The standard form»), and the reader that gets its figures back.

Title, 项目名称 / 主管部门 / 实施单位, the budget block, 年度总体目标, the indicator block with 一级/二级指标
merged down their runs, the 总分 row, and the review findings below. Wherever the form has a 得分
column, the recomputed score (复核得分), the reported one (自评得分) and their difference stand side
by side; each 复核得分 cell carries its explanation as a cell note. Every value goes in through
`cells.put` (formula-safe); `read_form` restores text as it was.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable

from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..evaluation import Evaluation
from ..fields import EVALUATION_TYPE_LABELS
from ..findings import titles
from ..model import BudgetRow, Indicator
from ..rules import IndicatorScore
from ..schemes import ReviewRules
from ..vocabulary import FUNDING_SOURCES, TOTAL_SOURCE
from .cells import put, restore_cell
from .formats import excel_money_format, project_decimals, project_money
from .xlsx_common import (
    BOLD,
    BORDER,
    CENTER,
    DIFF_FONT,
    DIFF_LABEL,
    HEADER_FILL,
    LABEL_FILL,
    LEFT,
    NOT_APPLICABLE,
    RATE,
    RIGHT,
    SCORE,
    SUMMARY_SHEET,
    TITLE_FONT,
    WEIGHT,
    difference,
    link,
    print_setup,
)

__all__ = ["form_sheet", "read_form"]

_SEVERITY = {"error": "错误", "warning": "提示", "info": "说明"}


#: The form's columns A..K. The budget block and the indicator block use them differently, as on paper.
COLS = 11
WIDTHS = (12, 20, 16, 24, 16, 16, 11, 11, 11, 13, 40)
_BUDGET_HEADERS = (
    "资金来源",
    "年初预算数",
    "全年预算数(A)",
    "全年执行数(B)",
    "分值",
    "执行率(B/A)",
    "复核得分",
    "自评得分",
    DIFF_LABEL,
    "计算过程",
)
_INDICATOR_HEADERS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "复核得分",
    "自评得分",
    DIFF_LABEL,
    "偏差原因分析及改进措施",
)
#: Beside the indicator block, right of the printed columns: what the form itself does not print
#: but the project has, so that the sheet reads back as the same project (`inputs.national_form`).
_INDICATOR_EXTRA = (("指标性质", 10), ("度量单位", 10))
_ALL_WIDTHS = (*WIDTHS, *(w for _, w in _INDICATOR_EXTRA))
LINE_HEIGHT = 15.0  # points per wrapped line (11 pt text)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines(text: object, width: float) -> int:
    """Wrapped lines `text` needs in a cell `width` characters wide (CJK counted double)."""
    if text is None or text == "":
        return 1
    usable = max(1.0, width - 1)
    return sum(max(1, math.ceil(_display_width(part) / usable)) for part in str(text).split("\n"))


class _Form:
    """Writes one project's form top to bottom; `row` is the next free row."""

    def __init__(self, ws: Worksheet, review: ReviewRules) -> None:
        self.ws = ws
        self.review = review  # what counts as a difference is the scheme's, as in the review
        self.row = 1
        self.heights: dict[int, int] = {}  # row -> wrapped lines needed
        self.spacers: set[int] = set()  # blank rows between blocks: no borders

    def cell(
        self,
        row: int,
        col: int,
        value: object,
        fmt: str | None = None,
        *,
        span: int = 1,
        down: int = 1,
        style: str = "value",
    ):  # type: ignore[no-untyped-def]
        """One value (through safe_cell), merged over `span` columns and `down` rows, styled."""
        c = put(self.ws, row, col, value, fmt)
        if span > 1 or down > 1:
            self.ws.merge_cells(
                start_row=row, start_column=col, end_row=row + down - 1, end_column=col + span - 1
            )
        if style == "header":
            c.font, c.fill, c.alignment = BOLD, HEADER_FILL, CENTER
        elif style == "label":
            c.font, c.fill, c.alignment = BOLD, LABEL_FILL, CENTER
        elif style == "text":
            c.alignment = LEFT
        elif isinstance(value, int | float) and not isinstance(value, bool):
            c.alignment = RIGHT
        else:
            c.alignment = CENTER
        if isinstance(value, str) and down == 1:
            width = sum(_ALL_WIDTHS[col - 1 : col - 1 + span])
            self.heights[row] = max(self.heights.get(row, 1), _lines(value, width))
        return c

    def finish(self) -> None:
        ws = self.ws
        last = self.row - 1
        for row in ws.iter_rows(min_row=2, max_row=last, max_col=COLS):
            for c in row:  # every cell of the form, merged ones included, so merged blocks get borders
                if c.row not in self.spacers:
                    c.border = BORDER
        for col, width in enumerate(_ALL_WIDTHS, start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
        for r, lines in self.heights.items():
            if lines > 1:
                ws.row_dimensions[r].height = LINE_HEIGHT * lines + 4
        print_setup(ws, f"A1:{get_column_letter(COLS)}{last}")


def _score_note(text: str) -> Comment:
    note = Comment(text, "evalcore")
    note.width = 300
    note.height = 40 + 18 * (_display_width(text) // 36 + 1)
    return note


def _budget_block(f: _Form, ev: Evaluation) -> None:
    p, b = ev.project, ev.card.budget
    u, money = p.amount_unit, project_money(p)
    amount = excel_money_format(u, project_decimals(p))
    has_rule = ev.scheme.budget_execution is not None
    lines: list[tuple[str, BudgetRow | None, str]] = []  # (label, row, role)
    if b.total_row is not None:
        lines.append((TOTAL_SOURCE, b.total_row, "total"))
    else:
        lines.append((TOTAL_SOURCE, None, "total"))
    for source in FUNDING_SOURCES:  # the form's three rows, blank when not given
        for r in [r for r in b.funding if r.source == source] or [None]:
            lines.append((("其中：" if len(lines) == 1 else "") + source, r, "funding"))
    lines += [(r.source, r, "item") for r in b.items]

    top = f.row
    f.cell(top, 1, f"项目资金（{u}）", down=len(lines) + 1, style="label")
    for col, label in enumerate(_BUDGET_HEADERS, start=2):
        f.cell(top, col, label, style="header")
    for k, (label, r, role) in enumerate(lines, start=1):
        row = top + k
        f.cell(row, 2, label, style="label" if role != "item" else "text")
        if role == "total" and r is None:  # no 年度资金总额 row given: the form still has one, from the parts
            amounts: tuple[float | None, ...] = (b.initial, b.adjusted, b.executed)
        elif r is None:
            amounts = (None, None, None)
        else:
            amounts = (r.initial, r.adjusted, r.executed)
        for col, value in zip((3, 4, 5), amounts, strict=True):
            f.cell(row, col, value, amount)
        _, adjusted, executed = amounts
        rate = executed / adjusted if adjusted and executed is not None and adjusted > 0 else None
        if role == "total":
            f.cell(row, 6, b.weight if has_rule else "—", WEIGHT)
            f.cell(row, 7, rate if rate is not None else "—", RATE)
            score = f.cell(row, 8, b.score if has_rule else "—", SCORE)
            score.comment = _score_note(b.explanation.text)
            f.cell(row, 9, b.reported_score, SCORE)
            diff = difference(b.reported_score, b.score if has_rule else None)
            _diff_cell(f, row, 10, diff)
            f.cell(row, 11, b.explanation.text, style="text")
        else:
            f.cell(row, 6, None)
            f.cell(
                row, 7, rate if r is not None and rate is not None else ("—" if r is not None else None), RATE
            )
            f.cell(row, 8, None)
            f.cell(row, 9, r.reported_score if r is not None else None, SCORE)
            f.cell(row, 10, None)
            note = None
            if role == "item":
                note = "支出明细"
                if r is not None and b.overspent(r):
                    note = f"支出明细：超出预算 {money(r.executed - r.adjusted)}{u}"
            f.cell(row, 11, note, style="text")
    f.row = top + len(lines) + 1
    if p.budget_note:
        f.cell(f.row, 1, "预算执行说明", style="label")
        f.cell(f.row, 2, p.budget_note, span=COLS - 1, style="text")
        f.row += 1


def _diff_cell(f: _Form, row: int, col: int, diff: float | None) -> None:
    c = f.cell(row, col, diff, SCORE)
    if diff is not None and f.review.scores_differ(diff, 0.0):
        c.font = DIFF_FONT


def _goals_block(f: _Form, ev: Evaluation) -> None:
    p = ev.project
    top = f.row
    f.cell(top, 1, "年度总体目标", down=2, style="label")
    f.cell(top, 2, "预期目标", span=5, style="header")
    f.cell(top, 7, "实际完成情况", span=5, style="header")
    f.cell(top + 1, 2, p.goal_planned or None, span=5, style="text")
    f.cell(top + 1, 7, p.goal_actual or None, span=5, style="text")
    f.row = top + 2


def _ordered(ev: Evaluation) -> list[tuple[Indicator, IndicatorScore | None]]:
    """Every indicator in input order (the form's order), the not-applicable ones without a score."""
    c = ev.card
    position = {id(i): n for n, i in enumerate(c.project.indicators)}

    def place(i: Indicator) -> int:
        if id(i) in position:
            return position[id(i)]
        return c.project.indicators.index(i) if i in c.project.indicators else len(position)

    pairs: list[tuple[Indicator, IndicatorScore | None]] = [(s.indicator, s) for s in c.indicators]
    pairs += [(i, None) for i in c.not_applicable]
    return sorted(pairs, key=lambda t: place(t[0]))  # stable: ties keep scored-then-not-applicable order


def _runs(items: list, key: Callable[[object], object]) -> list[tuple[int, int]]:
    """(start, length) of each run of consecutive items sharing key(item)."""
    runs: list[tuple[int, int]] = []
    for k, item in enumerate(items):
        if runs and key(items[runs[-1][0]]) == key(item):
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((k, 1))
    return runs


def _indicator_block(f: _Form, ev: Evaluation) -> None:
    c, p = ev.card, ev.project
    ordered = _ordered(ev)
    top = f.row
    f.cell(top, 1, "绩效指标", down=len(ordered) + 1, style="label")
    for col, label in enumerate(_INDICATOR_HEADERS, start=2):
        f.cell(top, col, label, style="header")
    for col, (label, _) in enumerate(_INDICATOR_EXTRA, start=COLS + 1):
        f.cell(top, col, label, style="header").border = BORDER
    first = top + 1
    for start, length in _runs(ordered, lambda t: t[0].level1):  # merged down their runs, as on paper
        f.cell(first + start, 2, ordered[start][0].level1, down=length)
    for start, length in _runs(ordered, lambda t: (t[0].level1, t[0].level2)):
        f.cell(first + start, 3, ordered[start][0].level2, down=length)
    for k, (i, s) in enumerate(ordered):
        row = first + k
        f.cell(row, 4, i.name, style="text")
        f.cell(row, 5, i.target.raw)
        f.cell(row, 6, i.actual.raw)
        f.cell(row, 7, s.weight if s is not None else i.weight, WEIGHT)
        if s is not None:
            score = f.cell(row, 8, s.score, SCORE)
            score.comment = _score_note(f"{s.explanation.rule}：{s.explanation.text}")
        else:
            score = f.cell(row, 8, NOT_APPLICABLE)
            score.comment = _score_note("不适用，剔除后按百分制折算")
        f.cell(row, 9, i.reported_score, SCORE)
        _diff_cell(f, row, 10, difference(i.reported_score, s.score if s is not None else None))
        f.cell(row, 11, i.deviation_reason or None, style="text")
        f.cell(row, COLS + 1, i.direction).border = BORDER
        f.cell(row, COLS + 2, i.unit or None).border = BORDER
    row = first + len(ordered)
    f.cell(row, 1, "总分", span=6, style="label")
    f.cell(row, 7, 100, WEIGHT).font = BOLD
    total = f.cell(row, 8, c.total, SCORE)
    total.font = BOLD
    f.cell(row, 9, p.reported_total, SCORE).font = BOLD
    _diff_cell(f, row, 10, difference(p.reported_total, c.total))
    grades = f"等级：复核 {c.grade}；自评 {p.reported_grade or '—'}"
    if c.scale != 1:
        grades += f"（不适用指标剔除后按百分制折算，× {c.scale:.4f}）"
    f.cell(row, 11, grades, style="text")
    f.cell(row + 1, 1, "自评等级", style="label")
    f.cell(row + 1, 2, p.reported_grade, span=COLS - 1)
    f.row = row + 2


def _findings_block(f: _Form, ev: Evaluation) -> None:
    f.spacers.add(f.row)
    f.row += 1
    top = f.row
    f.cell(top, 1, f"复核发现（{len(ev.findings)} 项）", span=COLS, style="header")
    if not ev.findings:
        f.cell(
            top + 1,
            1,
            "复核未发现问题：指标分值、各项得分、总分、等级与预算数据相互一致。",
            span=COLS,
            style="text",
        )
        f.row = top + 2
        return
    for col, label, span in ((1, "代码", 1), (2, "级别", 1), (3, "类别", 2), (5, "说明", 7)):
        f.cell(top + 1, col, label, span=span, style="header")
    for k, finding in enumerate(ev.findings, start=top + 2):
        f.cell(k, 1, finding.code)
        f.cell(k, 2, _SEVERITY.get(finding.severity, finding.severity))
        f.cell(k, 3, titles().get(finding.code, ""), span=2, style="text")
        f.cell(k, 5, finding.message, span=7, style="text")
    f.row = top + 2 + len(ev.findings)


def form_sheet(ws: Worksheet, ev: Evaluation) -> None:
    """Write one evaluation's form into the (empty) sheet `ws`."""
    p, c = ev.project, ev.card
    f = _Form(ws, ev.scheme.review)
    title = f.cell(1, 1, f"项目支出绩效自评表（{p.year}年度）", span=COLS)
    title.font, title.alignment = TITLE_FONT, CENTER
    ws.row_dimensions[1].height = 32
    f.cell(2, 1, "项目编号", style="label")
    f.cell(2, 2, p.project_id, span=2, style="text")
    f.cell(2, 4, "评价类型", style="label")
    f.cell(2, 5, EVALUATION_TYPE_LABELS.get(p.evaluation_type, p.evaluation_type))
    f.cell(2, 6, "评分方案", style="label")
    f.cell(2, 7, c.scheme.id, span=2)
    f.cell(2, 9, "金额单位", style="label")
    f.cell(2, 10, p.amount_unit)
    back = f.cell(2, 11, "返回汇总表")
    link(back, SUMMARY_SHEET)
    f.cell(3, 1, "项目名称", style="label")
    f.cell(3, 2, p.name, span=10, style="text")
    f.cell(4, 1, "主管部门", style="label")
    f.cell(4, 2, p.department, span=4, style="text")
    f.cell(4, 6, "实施单位", span=2, style="label")
    f.cell(4, 8, p.unit, span=4, style="text")
    f.row = 5
    _budget_block(f, ev)
    _goals_block(f, ev)
    _indicator_block(f, ev)
    _findings_block(f, ev)
    f.finish()


# ------------------------------------------------------------------------------------------ read back


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _find_row(ws: Worksheet, col: int, text: str, start: int = 1) -> int | None:
    for r in range(start, ws.max_row + 1):
        if ws.cell(row=r, column=col).value == text:
            return r
    return None


def read_form(ws: Worksheet) -> dict[str, object]:
    """A form's figures read back: project_id, the 年度资金总额 line, the indicators, the totals."""
    out: dict[str, object] = {"project_id": restore_cell(ws.cell(row=2, column=2).value)}
    head = _find_row(ws, 3, _BUDGET_HEADERS[1])
    if head is not None:
        v = [ws.cell(row=head + 1, column=col).value for col in range(1, COLS + 1)]
        out["budget"] = {
            "initial": _number(v[2]),
            "adjusted": _number(v[3]),
            "executed": _number(v[4]),
            "weight": _number(v[5]),
            "execution_rate": _number(v[6]),
            "score": _number(v[7]),
            "reported_score": _number(v[8]),
        }
    head = _find_row(ws, 4, _INDICATOR_HEADERS[2])
    indicators: list[dict[str, object]] = []
    if head is not None:
        above: dict[str, object] = {}
        for r in range(head + 1, ws.max_row + 1):
            v = [ws.cell(row=r, column=col).value for col in range(1, COLS + 1)]
            if v[0] == "总分":
                out["total"], out["reported_total"] = _number(v[7]), _number(v[8])
                break
            for key, col in (("level1", 1), ("level2", 2)):  # merged down: empty below the run's first row
                if v[col] is not None:
                    above[key] = restore_cell(v[col])
            indicators.append(
                {
                    "level1": above.get("level1"),
                    "level2": above.get("level2"),
                    "name": restore_cell(v[3]),
                    "target": restore_cell(v[4]),
                    "actual": restore_cell(v[5]),
                    "weight": _number(v[6]),
                    "score": _number(v[7]),
                    "applicable": v[7] != NOT_APPLICABLE,
                    "reported_score": _number(v[8]),
                    "deviation_reason": restore_cell(v[10]) or "",
                }
            )
    out["indicators"] = indicators
    return out
