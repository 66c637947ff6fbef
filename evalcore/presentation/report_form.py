"""附表 项目支出绩效自评表: the standard form of one evaluation, laid out as the printed form.

The project report (`report.py`) shows it as its last section: the budget block with the funding
rows, 年度总体目标, the indicator block with 一级/二级指标 merged down their runs, and the total.
Every value is read from the evaluation; input text is escaped by the HTML builder.

Why two score columns: the form is the unit's own 自评表, so its 自评得分 column and 总分 row show
what the unit reported (90.1 for the seed), exactly as filed. The review's recomputation sits
beside it in a column of its own headed 复核得分, never in the unit's place: a reader comparing
the table with the form the unit filed sees the same figures, and the difference at a glance. The
budget block's 分值, 自评得分 and 复核得分 sit in the indicator block's columns (执行率 before 分值),
so each score column reads straight down to the 总分 row.

Every number is a `num` cell (right-aligned) and every numeric target or actual a `qty` cell, both
never broken inside (`white-space: nowrap` in `report.css`): a score cannot wrap into 「10.0/0」
nor a target into 「≥200人/次」 in a narrow column.
"""

from __future__ import annotations

from collections.abc import Callable

from ..evaluation import Evaluation
from ..model import Indicator
from ..quantities import Quantity
from ..quantities import format_number as fmt
from .formats import project_money, rate
from .html import Cell, Fragment, Markup, join, num_cell, table, tag

__all__ = ["REPORTED", "REVIEWED", "standard_form"]

REPORTED = "自评得分"  # the unit's own score, as filed
REVIEWED = "复核得分"  # the review's recomputation under the scheme
COLUMNS = 10  # label column + 一级, 二级, 三级, 年度指标值, 实际完成值, 分值, 自评得分, 复核得分, 偏差原因


def _head(text: str, **kw: object) -> Cell:
    return Cell(text, header=True, **kw)


def _score(x: float | None) -> Cell:
    """A score as the form prints it: the unit's as written (7.3), ours with two decimals."""
    return num_cell("—" if x is None else fmt(x))


def _value(q: Quantity) -> Cell:
    """A target or actual as written; a number with its unit (≥200人次, 70%) never wraps either."""
    return Cell(q.raw, class_="qty" if q.kind == "number" else None)


def standard_form(ev: Evaluation) -> Fragment:
    """附表 项目支出绩效自评表 as printed: project, budget block, goals, indicators merged by level,
    total; the unit's 自评得分 beside the 复核得分 (see the module docstring)."""
    p, c, b = ev.project, ev.card, ev.card.budget
    u, money = p.amount_unit, project_money(p)
    rows: list[list[object]] = [
        [_head("项目名称"), Cell(p.name, colspan=COLUMNS - 1)],
        [_head("主管部门"), Cell(p.department, colspan=4), _head("实施单位"), Cell(p.unit, colspan=4)],
    ]
    budget_rows = ([b.total_row] if b.total_row else []) + b.funding
    span = len(budget_rows) + (1 if b.total_row is None else 0) + 1
    rows.append(
        [
            _head(f"项目资金（{u}）", rowspan=span),
            _head(""),
            _head("年初预算数"),
            _head("全年预算数(A)"),
            _head("全年执行数(B)"),
            _head("执行率(B/A)"),
            _head("分值"),
            _head(REPORTED),
            _head(REVIEWED),
            Cell("", rowspan=span),  # the 偏差原因 column: blank beside the budget block
        ]
    )
    if b.total_row is None:  # the form always has a total line: computed from the sub-rows
        rows.append(
            [
                _head(f"年度资金总额（{b.basis}）"),
                num_cell(money(b.initial)),
                num_cell(money(b.adjusted)),
                num_cell(money(b.executed)),
                num_cell(rate(b.execution_rate)),
                num_cell(fmt(b.weight)),
                _score(b.reported_score),
                num_cell(f"{b.score:.2f}"),
            ]
        )
    for n, r in enumerate(budget_rows):
        is_total = r is b.total_row
        label = r.source if is_total or n > (0 if b.total_row is None else 1) else f"其中：{r.source}"
        rows.append(
            [
                _head(label),
                num_cell(money(r.initial)),
                num_cell(money(r.adjusted)),
                num_cell(money(r.executed)),
                num_cell(rate(r.executed / r.adjusted if r.adjusted > 0 else None)),
                num_cell(fmt(b.weight) if is_total else "—"),
                _score(r.reported_score),
                num_cell(f"{b.score:.2f}" if is_total else "—"),
            ]
        )
    rows.append(
        [_head("年度总体目标", rowspan=2), _head("预期目标", colspan=4), _head("实际完成情况", colspan=5)]
    )
    rows.append([Cell(p.goal_planned, colspan=4), Cell(p.goal_actual, colspan=5)])
    inds = list(c.indicators)
    rows.append(
        [
            _head("绩效指标", rowspan=len(inds) + len(c.not_applicable) + 1),
            _head("一级指标"),
            _head("二级指标"),
            _head("三级指标"),
            _head("年度指标值"),
            _head("实际完成值"),
            _head("分值"),
            _head(REPORTED),
            _head(REVIEWED),
            _head("偏差原因分析及改进措施"),
        ]
    )
    ordered = sorted(
        [(s.indicator, s) for s in inds] + [(i, None) for i in c.not_applicable],
        key=lambda t: c.project.indicators.index(t[0]),
    )

    def run_length(k: int, key: Callable[[Indicator], object]) -> int:  # rows sharing key(row), from k
        n = 1
        while k + n < len(ordered) and key(ordered[k + n][0]) == key(ordered[k][0]):
            n += 1
        return n

    for k, (i, s) in enumerate(ordered):
        row: list[object] = []
        if k == 0 or ordered[k - 1][0].level1 != i.level1:  # merged like the printed form
            row.append(Cell(i.level1, rowspan=run_length(k, lambda x: x.level1)))
        if k == 0 or (ordered[k - 1][0].level1, ordered[k - 1][0].level2) != (i.level1, i.level2):
            row.append(Cell(i.level2, rowspan=run_length(k, lambda x: (x.level1, x.level2))))
        row += [
            i.name,
            _value(i.target),
            _value(i.actual),
            num_cell(fmt(i.weight)),
            _score(i.reported_score),
            num_cell(f"{s.score:.2f}" if s else "不适用"),
            i.deviation_reason,
        ]
        rows.append(row)
    total = f"{c.total:.2f}"
    last = f"自评等级：{p.reported_grade or '—'}；复核等级：{c.grade}"
    if c.total_text != total:  # a total with unscored weight says so, outside the number's cell
        last = f"{REVIEWED} {c.total_text}；{last}"
    rows.append(
        [_head("总分", colspan=6), num_cell(fmt(100)), _score(p.reported_total), num_cell(total), last]
    )
    caption = f"项目支出绩效自评表（{p.year}年度）"
    note = (
        f"注：{REPORTED}为单位自评表所填（未填的以「—」表示）；{REVIEWED}为按评分方案 {c.scheme.id} "
        "复核计算的得分，差异见“复核发现”。"
    )
    return Fragment(
        join(
            [
                Markup('<div class="wide">'),
                table(None, rows, cls="form", caption=caption),
                tag("p", note, class_="note"),
                Markup("</div>"),
            ]
        ),
        caption,
    )
