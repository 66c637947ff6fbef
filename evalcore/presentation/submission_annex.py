"""The 附表 of the submitted report: the scoring table (附表1, recomputed) and the unit's own
项目支出绩效自评表 (附表2, as filed: its own scores and total). Rows keep the form's order, and
一级/二级 cells are merged as the printed form merges them."""

from __future__ import annotations

from ..model import Indicator
from ..quantities import format_number as fmt
from ..rules import IndicatorScore
from ..scoring import Scorecard
from . import submission_text as st
from .document import Table
from .formats import project_money, rate


def scoring_table(card: Scorecard) -> Table:
    """附表1 绩效评价指标体系及评分表: each row's weight, its scoring rule in words and its points."""
    c, b = card, card.budget
    rows: list[list[str]] = []
    spans: list[tuple[int, int, int, int]] = []
    if b.weight:
        rows.append(
            [
                b.category or "预算执行率",
                "预算执行率",
                "预算执行率",
                fmt(b.weight),
                b.explanation.formula,
                st.points(b.score),
            ]
        )
    ordered = ordered_rows(card)
    start = len(rows)
    for i, x in ordered:
        rows.append(
            [
                i.level1,
                i.level2,
                i.name,
                fmt(i.weight),
                x.explanation.formula if x else "不适用，剔除后按百分制折算",
                st.points(x.score) if x else "—",
            ]
        )
    spans += runs(rows, start, 0, 1)  # header row counts: body starts at 1
    spans += runs(rows, start, 1, 1, parent=0)
    rows.append(["合计", "", "", "100", "", c.total_text])
    spans.append((len(rows), 0, 1, 3))
    return Table(
        "附表1　绩效评价指标体系及评分表",
        [["一级指标", "二级指标", "三级指标", "分值", "评分标准", "得分"]],
        rows,
        align=["left", "left", "left", "right", "left", "right"],
        widths=[2, 2.2, 3.5, 1, 4.5, 1.2],
        spans=spans,
    )


def ordered_rows(card: Scorecard) -> list[tuple[Indicator, IndicatorScore | None]]:
    """The form's rows in its own order, each with its score (None: not applicable)."""
    c = card
    scored = {id(x.indicator): x for x in c.indicators}
    return [
        (i, scored.get(id(i)))
        for i in c.project.indicators
        if id(i) in scored or any(i is n for n in c.not_applicable)
    ]


def self_form(card: Scorecard) -> list[Table]:
    """附表2 as the unit filed it: its own scores and total (the recomputed ones are in 附表1)."""
    p, b, u = card.project, card.budget, card.project.amount_unit
    money = project_money(p)
    head = Table(
        f"附表2　项目支出绩效自评表（{p.year}年度，单位自评）",
        [],
        [
            ["项目名称", p.name, "主管部门", p.department],
            ["实施单位", p.unit, "项目编号", p.project_id],
            [f"全年预算数（{u}）", money(b.adjusted), f"全年执行数（{u}）", money(b.executed)],
            [
                "预算执行率",
                rate(b.execution_rate),
                "预算执行率自评得分",
                fmt(b.reported_score) if b.reported_score is not None else "未填",
            ],
            ["年度总体目标", p.goal_planned or "—", "实际完成情况", p.goal_actual or "—"],
        ],
        align=["left", "left", "left", "left"],
        widths=[2, 4, 2, 4],
    )
    rows: list[list[str]] = []
    for i, _ in ordered_rows(card):
        rows.append(
            [
                i.level1,
                i.level2,
                i.name,
                i.target.raw,
                i.actual.raw,
                fmt(i.weight),
                fmt(i.reported_score) if i.reported_score is not None else "未填",
                i.deviation_reason,
            ]
        )
    spans = runs(rows, 0, 0, 1) + runs(rows, 0, 1, 1, parent=0)
    total = fmt(p.reported_total) if p.reported_total is not None else "未填"
    grade = p.reported_grade or "未填"
    rows.append(["自评总分", "", "", "", "", "100", total, f"自评等级：{grade}"])
    spans.append((len(rows), 0, 1, 5))
    body = Table(
        "",
        [
            [
                "一级指标",
                "二级指标",
                "三级指标",
                "年度指标值",
                "实际完成值",
                "分值",
                "自评得分",
                "偏差原因分析及改进措施",
            ]
        ],
        rows,
        align=["left", "left", "left", "left", "left", "right", "right", "left"],
        widths=[1.6, 1.8, 3, 2, 2, 1, 1.2, 3],
        spans=spans,
        note="注：本表为单位填报的自评得分；按评分标准计算的得分见附表1。",
    )
    return [head, body]


def runs(
    rows: list[list[str]], start: int, col: int, offset: int, parent: int | None = None
) -> list[tuple[int, int, int, int]]:
    """Vertical merges of equal consecutive cells in column `col` (and the same `parent` column),
    as the printed form merges 一级/二级; the merged cells after the first are blanked."""
    spans = []
    k = start
    while k < len(rows):
        n = 1
        while (
            k + n < len(rows)
            and rows[k + n][col] == rows[k][col]
            and (parent is None or rows[k + n][parent] == rows[k][parent] or rows[k + n][parent] == "")
            and rows[k][col]
        ):
            n += 1
        if n > 1:
            spans.append((k + offset, col, n, 1))
            for j in range(k + 1, k + n):
                rows[j][col] = ""
        k += n
    return spans
