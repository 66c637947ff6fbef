"""Cards: what a notebook shows when a cell's value is a project, an evaluation or a portfolio.

`project_card`, `evaluation_card` and `portfolio_card` return HTML; `evalcore.presentation.display`
registers them with IPython, so evaluating `ev`, `ev.project` or a portfolio in a JupyterLab cell
shows a readable card instead of a dataclass dump (the classes themselves carry no display code).

Every string from the input (names, departments, sources, messages) goes through the escaping
builder of `evalcore.presentation.html`: a project named `<script>…</script>` is shown as that
text. Nothing here scores: every number is read from the evaluation or the portfolio. Nothing
heavier than markupsafe is imported: showing a card never loads matplotlib.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..evaluation import Evaluation, scheme_for
from ..explore import UNDER_EXECUTED, Portfolio, describe_filters
from ..findings import titles
from ..model import ROLE_FUNDING, ROLE_ITEM, ROLE_TOTAL, Project
from ..quantities import format_number
from .formats import money, project_money, rate, score
from .html import Markup, header_cells, join, num_cell, table, tag
from .palette import grade_colour

__all__ = [
    "SEVERITY",
    "STYLE",
    "VARIANCE_HEAD",
    "evaluation_card",
    "portfolio_card",
    "project_card",
    "variance_rows",
]

SEVERITY = {"error": "错误", "warning": "提示", "info": "说明"}  # as the project report says them
ROLE_LABELS = {ROLE_TOTAL: "合计", ROLE_FUNDING: "资金来源", ROLE_ITEM: "支出明细"}
TOP_DEPARTMENTS = 10
MAX_ERRORS = 5

STYLE = Markup(
    "<style>"
    ".ec-card{max-width:1120px;line-height:1.5;margin:.2em 0 .6em}"
    ".ec-card h3{margin:.1em 0 .1em;font-size:1.18em}"
    ".ec-card h4{margin:.8em 0 .2em;font-size:1em}"
    ".ec-card .ec-sub{color:#666;margin:0 0 .5em}"
    ".ec-card .ec-stats{display:flex;flex-wrap:wrap;gap:.45em 1.6em;margin:.3em 0 .7em}"
    ".ec-card .ec-l{color:#666;font-size:.82em}"
    ".ec-card .ec-v{font-size:1.2em;font-weight:600}"
    ".ec-card .ec-n{color:#666;font-size:.8em}"
    ".ec-card table.ec-t{border-collapse:collapse;margin:.2em 0 .6em;font-size:.9em}"
    ".ec-card table.ec-t th,.ec-card table.ec-t td{padding:.18em .6em;border-bottom:1px solid #e3e3e3;"
    "text-align:left;vertical-align:top}"
    ".ec-card table.ec-t th{background:#f5f7fa}"
    ".ec-card table.ec-t td.num,.ec-card table.ec-t th.num{text-align:right;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}"
    ".ec-card .ec-over{color:#c53030;font-weight:600}"
    ".ec-card .ec-under{color:#c05621}"
    ".ec-card .ec-note{color:#666;font-size:.85em;margin:.2em 0}"
    ".ec-card details summary{cursor:pointer;color:#2b6cb0}"
    "</style>"
)


# ------------------------------------------------------------------------------------------ values


def _stat(label: str, value: object, note: object = "", colour: str | None = None) -> Markup:
    return tag(
        "div",
        join(
            [
                tag("div", label, class_="ec-l"),
                tag("div", value, class_="ec-v", style=f"color:{colour}" if colour else None),
                tag("div", note, class_="ec-n") if note not in ("", None) else "",
            ]
        ),
        class_="ec-stat",
    )


def _card(parts: Iterable[object], kind: str) -> str:
    return str(join([STYLE, tag("div", join(parts), class_=f"ec-card ec-{kind}")]))


# ---------------------------------------------------------------------------------------- project


def _budget_table(project: Project, unit: str) -> Markup:
    # an overspend as the review judges one: by the amount tolerance of the scheme the project is scored under
    tolerance = scheme_for(project).review.amount_tolerance.in_unit(project.amount_unit)
    money = project_money(project)
    rows = []
    for r in project.budget:
        gap = r.adjusted - r.executed
        over = r.executed - r.adjusted > tolerance
        rows.append(
            [
                r.source,
                ROLE_LABELS.get(r.role, r.role),
                num_cell(money(r.initial)),
                num_cell(money(r.adjusted)),
                num_cell(money(r.executed), "num ec-over" if over else "num"),
                num_cell(money(gap)),
                num_cell(rate(r.executed / r.adjusted if r.adjusted > 0 else None)),
            ]
        )
    if not rows:
        return tag("p", "没有预算行。", class_="ec-note")
    return table(
        header_cells([f"资金来源 / 支出明细（{unit}）", "类别", "年初", "全年", "执行", "差额", "执行率"], 2),
        rows,
        cls="ec-t",
    )


def _facts_line(p: Project, extra: str = "") -> Markup:
    bits = [
        p.project_id,
        p.department,
        p.unit,
        f"{p.year}年度",
        *([extra] if extra else []),
        f"金额单位 {p.amount_unit}",
    ]
    return tag("p", " · ".join(str(b) for b in bits if b), class_="ec-sub")


def project_card(project: Project) -> str:
    """An unscored project as read: facts, budget rows, indicators."""
    p = project
    inds = [
        [
            i.level1,
            i.level2,
            i.name,
            i.direction,
            i.target.raw,
            i.actual.raw,
            num_cell(format_number(i.weight)),
        ]
        for i in p.indicators
    ]
    parts: list[object] = [
        tag("h3", p.name or p.project_id),
        _facts_line(p, f"评分方案 {p.scheme}" if p.scheme else ""),
        tag("h4", "预算执行"),
        _budget_table(p, p.amount_unit),
        tag(
            "details",
            join(
                [
                    tag("summary", f"绩效指标（{len(inds)} 项）"),
                    table(
                        header_cells(["一级指标", "二级指标", "指标", "方向", "目标值", "实际值", "分值"], 6),
                        inds,
                        cls="ec-t",
                    ),
                ]
            ),
        ),
        tag("p", "尚未评分：evalcore.evaluate(project) 给出得分、等级与复核发现。", class_="ec-note"),
    ]
    return _card(parts, "project")


# ------------------------------------------------------------------------------------- evaluation


def evaluation_card(ev: Evaluation, indicators: bool = True) -> str:
    """A scored project: total and grade, budget execution, categories, findings, indicators.

    `indicators=False` leaves the indicators out, for a page that lays them out itself right
    below the card (the explorer's drill-down, `explore_views.project_view`, shows them as an open
    table): the card then does not list every indicator a second time, collapsed, above them."""
    c, p, b = ev.card, ev.card.project, ev.card.budget
    amount = project_money(p)
    reported = "—" if p.reported_total is None else format_number(p.reported_total)
    if p.reported_grade:
        reported += f"（{p.reported_grade}）"
    stats = [
        _stat("复核得分", f"{c.total_text}（{c.grade}）", f"评分方案 {c.scheme.id}", grade_colour(c.grade)),
        _stat("自评得分", reported),
        _stat("预算执行率", rate(b.execution_rate), f"按{b.basis}"),
        _stat(f"全年预算（{p.amount_unit}）", amount(b.adjusted), f"年初 {amount(b.initial)}"),
        _stat(f"全年执行（{p.amount_unit}）", amount(b.executed), f"差额 {amount(b.adjusted - b.executed)}"),
        _stat("复核发现", len(ev.findings), "、".join(sorted({f.code for f in ev.findings})) or "无"),
    ]
    cats = [[k.name, num_cell(format_number(k.weight)), num_cell(score(k.score))] for k in c.categories]
    findings = [
        [f.code, SEVERITY.get(f.severity, f.severity), titles().get(f.code, ""), f.message]
        for f in ev.findings
    ]
    inds = [
        [
            s.indicator.level1,
            s.indicator.name,
            s.indicator.target.raw,
            s.indicator.actual.raw,
            num_cell(format_number(s.weight)),
            num_cell(score(s.score)),
            num_cell(rate(s.completion, 1)),
            s.explanation.text,
        ]
        for s in c.indicators
    ]
    inds += [
        [
            i.level1,
            i.name,
            i.target.raw,
            i.actual.raw,
            num_cell(format_number(i.weight)),
            num_cell("不适用"),
            num_cell("—"),
            "不适用，剔除后按百分制折算",
        ]
        for i in c.not_applicable
    ]
    parts: list[object] = [
        tag("h3", p.name or p.project_id),
        _facts_line(p),
        tag("div", join(stats), class_="ec-stats"),
        tag("h4", "评分"),
        table(header_cells(["一级指标", "分值", "得分"], 1), cats, cls="ec-t"),
        tag("h4", "预算执行"),
        _budget_table(p, p.amount_unit),
        tag("h4", f"复核发现（{len(findings)} 条）"),
        table(["代码", "级别", "含义", "说明"], findings, cls="ec-t")
        if findings
        else tag("p", "复核未发现问题。", class_="ec-note"),
    ]
    if indicators:
        parts.append(
            tag(
                "details",
                join(
                    [
                        tag("summary", f"绩效指标（{len(inds)} 项）"),
                        table(
                            header_cells(
                                ["一级指标", "指标", "目标值", "实际值", "分值", "得分", "完成率", "计算"], 4
                            ),
                            inds,
                            cls="ec-t",
                        ),
                    ]
                ),
            )
        )
    return _card(parts, "evaluation")


# -------------------------------------------------------------------------------------- portfolio


def variance_rows(df, limit: int | None = None) -> list[list[object]]:  # type: ignore[no-untyped-def]
    """Rows of a department variance table (Portfolio.variance("department")) as table cells."""
    rows = []
    for r in (df if limit is None else df.head(limit)).itertuples(index=False):
        d = r._asdict()
        rows.append(
            [
                d["department"],
                num_cell(str(d["projects"])),
                num_cell(money(d["年初"])),
                num_cell(money(d["全年"])),
                num_cell(money(d["执行"]), "num ec-over" if d["overspent"] else "num"),
                num_cell(money(d["差额"])),
                num_cell(rate(d["执行率"]), "num ec-under" if d["under_executed"] else "num"),
                num_cell(str(d["overspent_projects"])),
                num_cell(str(d["under_executed_projects"])),
            ]
        )
    return rows


VARIANCE_HEAD = [
    "主管部门",
    "项目数",
    "年初预算",
    "全年预算",
    "全年执行",
    "差额（未执行）",
    "执行率",
    "超支项目",
    "执行率偏低项目",
]


def portfolio_card(portfolio: Portfolio) -> str:
    """Headline figures and the departments with the largest 全年预算 (amounts in 万元)."""
    s = portfolio.summary()
    grades = s["grades"]
    grade_text = (
        join(
            [tag("span", f"{g} {n}", style=f"color:{grade_colour(g)}") for g, n in grades.items()],
            Markup(" · "),
        )
        if grades
        else "—"
    )  # type: ignore[attr-defined]
    years = s["years"]
    filters = {k: v for k, v in portfolio.filters.items() if k != "year"}  # the year is said first
    sub = [
        f"{'、'.join(map(str, years))}年度" if years else "",
        "来源 " + "、".join(portfolio.sources),
        describe_filters(filters),
    ]
    stats = [
        _stat("项目数", s["projects"], f"{s['departments']} 个主管部门"),
        _stat("年初预算（万元）", money(s["initial"])),  # type: ignore[arg-type]
        _stat("全年预算（万元）", money(s["adjusted"])),  # type: ignore[arg-type]
        _stat("全年执行（万元）", money(s["executed"])),  # type: ignore[arg-type]
        _stat("差额（万元）", money(s["gap"]), "全年预算 − 全年执行"),  # type: ignore[arg-type]
        _stat("总体执行率", rate(s["execution_rate"]), "Σ执行 ÷ Σ全年预算"),  # type: ignore[arg-type]
        _stat("平均复核得分", score(s["mean_score"])),  # type: ignore[arg-type]
        _stat("等级分布", grade_text),
        _stat("超支项目", s["overspent"], "执行 > 全年预算", "#c53030" if s["overspent"] else None),
        _stat("执行率偏低项目", s["under_executed"], f"执行率 < {rate(UNDER_EXECUTED, 0)}"),
        _stat("有复核发现的项目", s["with_findings"], f"共 {s['findings']} 条"),
        _stat(
            "输入错误",
            s["errors"],
            "未评分" if s["errors"] else "全部读入",
            "#c53030" if s["errors"] else None,
        ),
    ]
    dv = portfolio.variance("department")
    parts: list[object] = [
        tag("h3", "项目组合 · 预算执行"),
        tag("p", " · ".join(b for b in sub if b), class_="ec-sub"),
        tag("div", join(stats), class_="ec-stats"),
    ]
    if len(dv):
        parts += [
            tag("h4", "按主管部门（全年预算由多到少）"),
            table(header_cells(VARIANCE_HEAD, 1), variance_rows(dv, TOP_DEPARTMENTS), cls="ec-t"),
            tag(
                "p",
                f"共 {len(dv)} 个主管部门"
                + (f"，列出前 {TOP_DEPARTMENTS} 个" if len(dv) > TOP_DEPARTMENTS else "")
                + '；完整的表：portfolio.variance("department")，按项目、按支出明细：by="project"、by="item"。',
                class_="ec-note",
            ),
        ]
    else:
        parts.append(tag("p", "没有符合条件的项目。", class_="ec-note"))
    errors = portfolio.errors
    if len(errors):
        items = [tag("li", m) for m in errors["message"].head(MAX_ERRORS)]
        more = len(errors) - MAX_ERRORS
        parts += [
            tag("h4", f"输入错误（{len(errors)} 个，未评分）"),
            tag("ul", join(items)),
            tag("p", f"另有 {more} 个：见 portfolio.errors。", class_="ec-note") if more > 0 else "",
        ]
    return _card(parts, "portfolio")
