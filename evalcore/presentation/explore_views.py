"""The explorer's views: pure functions of a (filtered) `Portfolio` → HTML fragments and PNG charts.

Each view returns a tuple of `Part`s (trusted HTML built here, or a PNG); it reads its numbers from
`evalcore.explore.Portfolio` (variance, summary: nothing is re-scored), draws its charts with
`evalcore.presentation.charts.explore`, and escapes every string from the input through the HTML
builder. No widget here: `explore_widgets.Explorer` calls these and puts the parts in its panes,
and a test or a script can call them directly.

- `departments_view`: where the money went and where it did not: per department (per project when
  one department is selected) the executed part of 全年预算, the unspent gap and any overspend, and
  the variance table;
- `rates_view`: the distribution of project 执行率 per department (box: quartiles; whiskers:
  1.5 IQR; every project a dot);
- `items_view`: the line items (支出明细) and projects with the largest unspent gap among the
  under-executed (执行率 < 90%), and the largest overspends;
- `scatter_view`: 复核得分 against 执行率, coloured by grade;
- the drill-down: `department_projects_view` (a department's projects) and `project_view` (one
  project's card and indicators).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..explore import UNDER_EXECUTED, Portfolio, describe_filters
from .cards import VARIANCE_HEAD, evaluation_card, variance_rows
from .charts.explore import RATE_CAP, money_chart, rates_chart, scatter_chart
from .charts.text import clean
from .explore_narrative import gap_sentence, rates_lead, rates_sentence
from .explore_outliers import RULES, marked_html, rate_marks, scatter_marks
from .explore_parts import Content, Part, card_note, html_part
from .explore_sort import SortKey, sort_table
from .formats import money, rate, score
from .html import Cell, Markup, header_cells, num_cell, table, tag
from .palette import grade_colour

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "RENDERERS",
    "SECTIONS",
    "Content",
    "Part",
    "card_note",
    "department_projects_view",
    "departments_view",
    "empty_view",
    "html_part",
    "items_view",
    "project_view",
    "rates_view",
    "scatter_view",
]

SECTIONS = {
    "departments": "钱花在哪里，没花出去的在哪里",
    "rates": "各部门预算执行率分布",
    "items": "执行不足与超支最多的支出明细",
    "scatter": "复核得分与预算执行率",
}
TOP = 12  # rows of each "largest" table
MAX_BARS = 40  # departments (or projects) in a bar chart; the rest are counted in its note
MAX_DRILL_ROWS = 60  # projects listed for one department


# ------------------------------------------------------------------------------------------ views


def _headline(view: Portfolio) -> str:
    s = view.summary()
    return (
        f"{describe_filters(view.filters)}：{s['projects']} 个项目，全年预算 {money(s['adjusted'])} 万元，"  # type: ignore[arg-type]
        f"执行 {money(s['executed'])} 万元，差额 {money(s['gap'])} 万元，执行率 {rate(s['execution_rate'])}"
    )  # type: ignore[arg-type]


def empty_view(section: str, view: Portfolio) -> Content:
    """A section that says no project matches the view's filters."""
    return (
        html_part(
            section,
            [card_note(f"{describe_filters(view.filters)}：没有符合条件的项目。")],
            "没有符合条件的项目",
        ),
    )


def departments_view(view: Portfolio, sort: SortKey = None) -> Content:
    """Where the money went and where it did not."""
    if not len(view):
        return empty_view("departments", view)
    dv = view.variance("department")
    s = view.summary()
    parts: list[object] = [card_note(_headline(view))]
    sentence = gap_sentence(dv, view.variance("project"))
    if sentence:
        parts.append(tag("p", sentence))
    if s["overspent"]:
        parts.append(
            tag(
                "p",
                f"{s['overspent']} 个项目执行数超过全年预算（超支），见下表与第三部分。",
                class_="ec-over",
            )
        )
    single = len(dv) == 1
    if single:
        pv = view.variance("project").sort_values(
            ["全年", "project_id"], ascending=[False, True], kind="stable"
        )
        shown = pv.head(MAX_BARS)
        note = f"{dv['department'].iloc[0]}的项目，按全年预算由多到少" + (
            f"；另有 {len(pv) - MAX_BARS} 个项目未画出" if len(pv) > MAX_BARS else ""
        )
        png = money_chart(
            list(shown["name"]),
            shown["全年"].to_numpy(),
            shown["执行"].to_numpy(),
            "各项目全年预算的执行情况",
            clean(note),
        )
        rows = [
            [
                r.name,
                r.project_id,
                num_cell(money(r.全年)),
                num_cell(money(r.执行), "num ec-over" if r.overspent else "num"),
                num_cell(money(r.差额)),
                num_cell(rate(r.执行率), "num ec-under" if r.under_executed else "num"),
                r.grade,
            ]
            for r in sort_table(shown.head(TOP * 2), sort).itertuples(index=False)
        ]
        tbl = table(
            header_cells(["项目", "编号", "全年预算", "全年执行", "差额", "执行率", "等级"], 2),
            rows,
            cls="ec-t",
        )
    else:
        shown = dv.head(MAX_BARS)
        note = "按全年预算由多到少" + (
            f"；另有 {len(dv) - MAX_BARS} 个部门未画出" if len(dv) > MAX_BARS else ""
        )
        png = money_chart(
            list(shown["department"]),
            shown["全年"].to_numpy(),
            shown["执行"].to_numpy(),
            "各主管部门全年预算的执行情况",
            note,
        )
        tbl = table(header_cells(VARIANCE_HEAD, 1), variance_rows(sort_table(dv, sort), MAX_BARS), cls="ec-t")
    head = html_part("departments", parts, _headline(view))
    chart = Part("png", png, "各主管部门（或项目）全年预算：已执行、未执行（差额）与超支")
    tail = html_part(
        "departments-table",
        [
            tag("h4", "预算执行偏差（万元）"),
            tbl,
            card_note(
                "差额 = 全年预算 − 全年执行（正数为未执行，负数为超支）；"
                f"执行率低于 {rate(UNDER_EXECUTED, 0)} 标为偏低。"
            ),
        ],
        "预算执行偏差表",
    )
    return (head, chart, tail)


def rates_view(view: Portfolio) -> Content:
    """The distribution of project execution rates per department."""
    pv = view.variance("project")
    pv = pv[pv["执行率"].notna()]
    if not len(pv):
        return empty_view("rates", view)
    g = pv.groupby("department", sort=False)["执行率"]
    q = g.quantile([0.25, 0.5, 0.75]).unstack()
    q.columns = ["q1", "med", "q3"]
    iqr = q["q3"] - q["q1"]
    bounds = (
        pv[["department", "执行率"]]
        .join((q["q1"] - 1.5 * iqr).rename("lo_fence"), on="department")
        .join((q["q3"] + 1.5 * iqr).rename("hi_fence"), on="department")
    )
    inside = bounds[
        (bounds["执行率"] >= bounds["lo_fence"] - 1e-12) & (bounds["执行率"] <= bounds["hi_fence"] + 1e-12)
    ]
    w = inside.groupby("department", sort=False)["执行率"].agg(["min", "max"])
    q = q.join(w).sort_values(["med", "q1"], kind="stable")
    rest = max(0, len(q) - MAX_BARS)
    q = q.head(MAX_BARS)
    order = {d: k for k, d in enumerate(q.index)}
    shown = pv[pv["department"].isin(order)]
    ys = shown["department"].map(order).to_numpy(dtype=float)
    # fixed seed: the same view, the same dots
    jitter = (np.random.default_rng(0).random(len(ys)) - 0.5) * 0.5
    n_low = int((pv["执行率"] < UNDER_EXECUTED).sum())
    clipped = int((pv["执行率"] > RATE_CAP).sum())
    note = f"{rates_lead(q)}；{len(pv)} 个项目，{n_low} 个低于 {UNDER_EXECUTED:.0%}"
    if clipped:
        note += f"；{clipped} 个高于 {RATE_CAP:.0%}，画在右缘"
    if rest:
        note += f"；另有 {rest} 个部门未画出"
    missing = len(view) - len(pv)
    if missing:
        note += f"；{missing} 个项目全年预算为 0，没有执行率"
    stats = q[["q1", "med", "q3", "min", "max"]].to_numpy()
    out, marks = rate_marks(pv, shown, ys + jitter)  # the outliers, labelled and listed below
    png = rates_chart(list(q.index), stats, shown["执行率"].to_numpy(), ys + jitter, note, marks)
    text = rates_sentence(q, pv["执行率"])
    return (
        html_part("rates", [card_note(_headline(view)), tag("p", text)], text),
        Part("png", png, "各主管部门项目预算执行率分布：箱线与散点"),
        html_part("rates-marked", [marked_html(out, RULES["rates"])], "图中标注的项目"),
    )


def _item_rows(df: pd.DataFrame, amount: str) -> list[list[object]]:
    return [
        [
            r.department,
            r.name,
            r.item,
            num_cell(money(r.全年)),
            num_cell(money(r.执行)),
            num_cell(money(getattr(r, amount))),
            num_cell(rate(r.执行率, 1)),
        ]
        for r in df.itertuples(index=False)
    ]


def _project_rows(df: pd.DataFrame, amount: str) -> list[list[object]]:
    return [
        [
            r.department,
            r.name,
            r.project_id,
            num_cell(money(r.全年)),
            num_cell(money(r.执行)),
            num_cell(money(getattr(r, amount))),
            num_cell(rate(r.执行率, 1)),
            r.grade,
        ]
        for r in df.itertuples(index=False)
    ]


def items_view(view: Portfolio, sort: SortKey = None) -> Content:
    """The largest unspent gaps among the under-executed, and the largest overspends: line items,
    then projects."""
    if not len(view):
        return empty_view("items", view)
    iv = view.variance("item")
    pv = view.variance("project")
    under_i = iv[iv["under_executed"]].nlargest(TOP, "差额")
    over_i = iv[iv["overspent"]].assign(超支=lambda d: d["执行"] - d["全年"]).nlargest(TOP, "超支")
    under_p = pv[pv["under_executed"]].nlargest(TOP, "差额")
    over_p = pv[pv["overspent"]].assign(超支=lambda d: d["执行"] - d["全年"]).nlargest(TOP, "超支")
    item_head = header_cells(["主管部门", "项目", "支出明细", "全年预算", "全年执行", "{}", "执行率"], 3)
    proj_head = header_cells(["主管部门", "项目", "编号", "全年预算", "全年执行", "{}", "执行率", "等级"], 3)

    def block(
        title: str, df: pd.DataFrame, total: int, head: list[Cell], amount: str, rows_of, none: str
    ) -> list[object]:  # type: ignore[no-untyped-def]
        h = [
            Cell(
                c.value.replace("{}", "差额（未执行）" if amount == "差额" else "超支金额"),
                class_=c.attrs.get("class_"),
            )
            for c in head
        ]
        if not total:
            return [tag("h4", title), card_note(none)]
        more = f"（共 {total} 个，列出最大的 {min(TOP, total)} 个）"
        return [tag("h4", title + more), table(h, rows_of(sort_table(df, sort), amount), cls="ec-t")]

    n_items = int(iv.shape[0])
    parts: list[object] = [card_note(_headline(view) + f"；支出明细 {n_items} 条。金额单位：万元。")]
    parts += block(
        f"执行率低于 {UNDER_EXECUTED:.0%}、未执行金额最大的支出明细",
        under_i,
        int(iv["under_executed"].sum()),
        item_head,
        "差额",
        _item_rows,
        "没有执行率偏低的支出明细。",
    )
    parts += block(
        "超支最多的支出明细",
        over_i,
        int(iv["overspent"].sum()),
        item_head,
        "超支",
        _item_rows,
        "没有超支的支出明细。",
    )
    parts += block(
        f"执行率低于 {UNDER_EXECUTED:.0%}、未执行金额最大的项目",
        under_p,
        int(pv["under_executed"].sum()),
        proj_head,
        "差额",
        _project_rows,
        "没有执行率偏低的项目。",
    )
    parts += block(
        "超支最多的项目",
        over_p,
        int(pv["overspent"].sum()),
        proj_head,
        "超支",
        _project_rows,
        "没有超支的项目。",
    )
    return (
        html_part(
            "items",
            parts,
            f"执行不足 {int(iv['under_executed'].sum())} 条、超支 {int(iv['overspent'].sum())} 条支出明细",
        ),
    )


def scatter_view(view: Portfolio, bands: Sequence[tuple[str, float]]) -> Content:
    """Each project a point: 执行率 against 复核得分, coloured by grade."""
    p = view.projects
    has = p["execution_rate"].notna().to_numpy()
    if not has.any():
        return empty_view("scatter", view)
    rates, totals, grades = (
        p["execution_rate"].to_numpy()[has],
        p["total"].to_numpy()[has],
        p["grade"].to_numpy()[has],
    )
    order = list(view.grade_order)
    groups = []
    for g in [*order, *sorted(set(grades) - set(order))]:
        sel = grades == g
        if sel.any():
            groups.append((g, grade_colour(g, order), rates[sel], totals[sel]))
    note = f"{int(has.sum())} 个项目；虚线为执行率 {UNDER_EXECUTED:.0%} 与 100%，横线为等级分数线"
    if (rates > RATE_CAP).any():
        note += f"；{int((rates > RATE_CAP).sum())} 个项目执行率高于 {RATE_CAP:.0%}，画在右缘"
    if (~has).any():
        note += f"；{int((~has).sum())} 个项目全年预算为 0，未画出"
    low = rates < UNDER_EXECUTED
    text = (
        f"执行率低于 {UNDER_EXECUTED:.0%} 的 {int(low.sum())} 个项目平均得分 {score(float(totals[low].mean())) if low.any() else '—'}，"
        f"其余 {int((~low).sum())} 个平均 {score(float(totals[~low].mean())) if (~low).any() else '—'}。"
    )
    out, marks = scatter_marks(view)  # the notable projects, labelled and listed below
    return (
        html_part("scatter", [card_note(_headline(view)), tag("p", text)], text),
        Part("png", scatter_chart(groups, bands, note, marks), "复核得分与预算执行率散点图，按等级着色"),
        html_part("scatter-marked", [marked_html(out, RULES["scatter"])], "图中标注的项目"),
    )


RENDERERS: dict[str, Callable[..., Content]] = {
    "departments": departments_view,
    "rates": rates_view,
    "items": items_view,
    "scatter": scatter_view,
}


def department_projects_view(view: Portfolio, department: str, sort: SortKey = None) -> Content:
    """The drill-down's middle level: one department's projects."""
    pv = view.variance("project")
    pv = pv[pv["department"] == department].sort_values(
        ["全年", "project_id"], ascending=[False, True], kind="stable"
    )
    if not len(pv):
        return (html_part("drill-department", [card_note("没有符合条件的项目。")], "没有项目"),)
    findings = view.projects.set_index("project_id")["findings"]
    pv = sort_table(pv.assign(findings=pv["project_id"].map(findings).fillna(0)), sort)
    rows = [
        [
            r.name,
            r.project_id,
            num_cell(money(r.全年)),
            num_cell(money(r.执行), "num ec-over" if r.overspent else "num"),
            num_cell(money(r.差额)),
            num_cell(rate(r.执行率), "num ec-under" if r.under_executed else "num"),
            num_cell(score(r.total)),
            r.grade,
            num_cell(str(int(r.findings))),
        ]
        for r in pv.head(MAX_DRILL_ROWS).itertuples(index=False)
    ]
    adjusted, executed = float(pv["全年"].sum()), float(pv["执行"].sum())
    head = (
        f"{department}：{len(pv)} 个项目，全年预算 {money(adjusted)} 万元，执行 {money(executed)} 万元，"
        f"执行率 {rate(executed / adjusted if adjusted > 0 else None)}"
    )
    parts: list[object] = [
        tag("h4", head),
        table(
            header_cells(
                ["项目", "编号", "全年预算", "全年执行", "差额", "执行率", "复核得分", "等级", "复核发现"], 2
            ),
            rows,
            cls="ec-t",
        ),
    ]
    if len(pv) > MAX_DRILL_ROWS:
        parts.append(
            card_note(f'列出全年预算最大的 {MAX_DRILL_ROWS} 个；完整的表：portfolio.variance("project")。')
        )
    return (html_part("drill-department", parts, head),)


def project_view(view: Portfolio, project_id: str, year: int | None = None, sort: SortKey = None) -> Content:
    """The drill-down's last level: one project's evaluation card and its indicators."""
    ev = view.project(project_id, year)
    inds = sort_table(view.indicators_of(project_id, year), sort)
    met_text = {True: "是", False: "否"}
    rows = [
        [
            r.level1,
            r.level2,
            r.name,
            r.target,
            r.actual,
            num_cell(f"{r.weight:g}"),
            num_cell("不适用" if not r.applicable else score(r.score)),
            num_cell(rate(r.completion, 1)),
            met_text.get(r.met, "—") if r.met is not None else "—",
            r.explanation,
        ]
        for r in inds.itertuples(index=False)
    ]
    ind_table = table(
        header_cells(
            [
                "一级指标",
                "二级指标",
                "指标",
                "目标值",
                "实际值",
                "分值",
                "得分",
                "完成率",
                "达到目标",
                "计算",
            ],
            5,
        ),
        rows,
        cls="ec-t",
    )
    card = Part("html", Markup(evaluation_card(ev, indicators=False)), f"{ev.project.name}（{project_id}）")
    return (
        card,
        html_part(
            "drill-indicators", [tag("h4", f"绩效指标（{len(rows)} 项）"), ind_table], f"{len(rows)} 项指标"
        ),
    )
