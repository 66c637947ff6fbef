"""附表 项目支出绩效自评表: the standard form of one evaluation, laid out as the printed form.

The project report (`report.py`) shows it as its last section: the budget block with the funding
rows, 年度总体目标, the indicator block with 一级/二级指标 merged down their runs, and the total.
Every value is read from the evaluation; input text is escaped by the HTML builder.
"""

from __future__ import annotations

from ..evaluation import Evaluation
from ..quantities import format_number as fmt
from .formats import project_money, rate
from .html import Cell, Fragment, Markup, join, table

__all__ = ["standard_form"]


def standard_form(ev: Evaluation) -> Fragment:
    """附表 项目支出绩效自评表 as printed: project, budget block, goals, indicators merged by level, total."""
    p, c, b = ev.project, ev.card, ev.card.budget
    u, money = p.amount_unit, project_money(p)
    H = lambda text, **kw: Cell(text, header=True, **kw)  # noqa: E731
    rows: list[list[object]] = [
        [H("项目名称"), Cell(p.name, colspan=8)],
        [H("主管部门"), Cell(p.department, colspan=3), H("实施单位"), Cell(p.unit, colspan=4)],
    ]
    budget_rows = ([b.total_row] if b.total_row else []) + b.funding
    span = len(budget_rows) + (1 if b.total_row is None else 0) + 1
    rows.append(
        [
            H(f"项目资金（{u}）", rowspan=span),
            H(""),
            H("年初预算数"),
            H("全年预算数(A)"),
            H("全年执行数(B)"),
            H("分值"),
            H("执行率(B/A)"),
            H("得分"),
            H("自评得分"),
        ]
    )
    if b.total_row is None:  # the form always has a total line: computed from the sub-rows
        rows.append(
            [
                H(f"年度资金总额（{b.basis}）"),
                money(b.initial),
                money(b.adjusted),
                money(b.executed),
                fmt(b.weight),
                rate(b.execution_rate),
                f"{b.score:.2f}",
                fmt(b.reported_score) if b.reported_score is not None else "—",
            ]
        )
    for n, r in enumerate(budget_rows):
        is_total = r is b.total_row
        label = r.source if is_total or n > (0 if b.total_row is None else 1) else f"其中：{r.source}"
        rows.append(
            [
                H(label),
                money(r.initial),
                money(r.adjusted),
                money(r.executed),
                fmt(b.weight) if is_total else "—",
                rate(r.executed / r.adjusted if r.adjusted > 0 else None),
                f"{b.score:.2f}" if is_total else "—",
                fmt(r.reported_score) if r.reported_score is not None else "—",
            ]
        )
    rows.append([H("年度总体目标", rowspan=2), H("预期目标", colspan=4), H("实际完成情况", colspan=4)])
    rows.append([Cell(p.goal_planned, colspan=4), Cell(p.goal_actual, colspan=4)])
    inds = [s for s in c.indicators]
    rows.append(
        [
            H("绩效指标", rowspan=len(inds) + len(c.not_applicable) + 1),
            H("一级指标"),
            H("二级指标"),
            H("三级指标"),
            H("年度指标值"),
            H("实际完成值"),
            H("分值"),
            H("得分"),
            H("偏差原因分析及改进措施"),
        ]
    )
    ordered = sorted(
        [(s.indicator, s) for s in inds] + [(i, None) for i in c.not_applicable],
        key=lambda t: c.project.indicators.index(t[0]),
    )

    def run_length(k: int, key) -> int:  # consecutive rows sharing key(row), from row k
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
            i.target.raw,
            i.actual.raw,
            fmt(i.weight),
            f"{s.score:.2f}" if s else "不适用",
            i.deviation_reason,
        ]
        rows.append(row)
    rows.append([H("总分", colspan=6), fmt(100), c.total_text, f"等级：{c.grade}"])
    caption = f"项目支出绩效自评表（{p.year}年度）"
    return Fragment(
        join(
            [
                Markup('<div class="wide">'),
                table(None, rows, cls="form", caption=caption),
                Markup("</div>"),
            ]
        ),
        caption,
    )
