"""The explorer's 历史比较 and 横向比较: pure functions of a `Portfolio` → HTML parts and a PNG chart.

A reviewer reading one year's form asks what the project's earlier years said and how it stands
among its peers that year. `Portfolio.history`, `Portfolio.peers`, the R016–R019 findings and
`Portfolio.ambiguous` (all from `evalcore.explore`) answer that; this module only lays them out in
Chinese, escaping every string from the input through the HTML builder, and draws one small chart
with the package's chart style and shipped CJK font (`charts.base.render`). No widget here:
`explore_history_panel.HistoryPanel` puts these parts in its panes, and a test or a script can
call them directly.

- `history_view`: one project's line of years (the table of 全年预算, 执行数, 执行率, 得分, 等级 by
  year; the chart; its indicators year by year; the R016–R019 findings of its line) and its
  横向比较 in the chosen year (rank and percentile in its department and among projects of the
  same kind);
- `ambiguous_view`: projects left unmatched across years because a match by name was ambiguous.
"""

from __future__ import annotations

import math

import numpy as np

from ..explore import UNDER_EXECUTED, Portfolio
from ..findings import titles
from ..quantities import format_number
from .charts.history import draw_history_chart, history_chart
from .explore_parts import Content, Part, card_note, html_part
from .formats import money, rate, score
from .html import header_cells, num_cell, table, tag

__all__ = [
    "HISTORY_CODES",
    "HISTORY_HEAD",
    "PEER_HEAD",
    "ambiguous_view",
    "draw_history_chart",
    "history_chart",
    "history_view",
]

HISTORY_CODES = ("R016", "R017", "R018", "R019")  # the findings only two years together show
HISTORY_HEAD = [
    "年度",
    "项目编号",
    "项目名称",
    "全年预算（万元）",
    "执行数（万元）",
    "执行率",
    "得分",
    "等级",
]
PEER_HEAD = ["比较范围", "范围", "指标", "本项目", "项目数", "排名", "百分位", "中位数"]
INDICATOR_HEAD = ["指标", "年度", "目标值", "实际值", "得分"]
AMBIGUOUS_HEAD = ["年度", "项目编号", "实施单位", "项目名称", "原因"]


def _wan(x: float | None) -> str:
    """An amount in 万元 with two decimals, as the tables of the explorer print them."""
    return money(x, decimals=2)


def _value(x: object, unit: str | None) -> str:
    """A target or actual of the history table: a number with its unit, else the text as written."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if isinstance(x, int | float | np.integer | np.floating) and not isinstance(x, bool):
        return format_number(float(x)) + (unit or "")
    return str(x)


# ------------------------------------------------------------------------------------------ views


def _indicator_rows(portfolio: Portfolio, h: object) -> list[list[object]]:
    """One row per indicator and year, indicators in order of first appearance; a year without the
    indicator is left out. Units come from that year's indicator rows."""
    units: dict[tuple[int, str], str | None] = {}
    for year, pid in zip(h["年度"], h["project_id"], strict=True):  # type: ignore[index]
        inds = portfolio.indicators_of(str(pid), int(year))
        for name, unit in zip(inds["name"], inds["unit"], strict=True):
            units[(int(year), str(name))] = unit
    names = [c[: -len("·目标")] for c in h.columns if c.endswith("·目标")]  # type: ignore[attr-defined]
    rows: list[list[object]] = []
    for name in names:
        for k in range(len(h)):  # type: ignore[arg-type]
            year = int(h["年度"].iat[k])  # type: ignore[index]
            if (year, name) not in units:
                continue
            unit = units[(year, name)]
            rows.append(
                [
                    name,
                    f"{year}",
                    _value(h[f"{name}·目标"].iat[k], unit),  # type: ignore[index]
                    _value(h[f"{name}·实际"].iat[k], unit),  # type: ignore[index]
                    num_cell(score(h[f"{name}·得分"].iat[k])),  # type: ignore[index]
                ]
            )
    return rows


def _peer_rows(portfolio: Portfolio, project_id: str, year: int) -> list[list[object]]:
    rows: list[list[object]] = []
    for r in portfolio.peers(project_id, year).to_dict("records"):
        as_rate = r["指标"] == "执行率"
        shown = rate if as_rate else score
        ranked = r["排名"] is not None and r["排名"] == r["排名"]
        rows.append(
            [
                r["比较范围"],
                r["范围"],
                r["指标"],
                num_cell(shown(r["本项目"])),
                num_cell(str(r["项目数"])),
                num_cell(f"{int(r['排名'])} / {r['项目数']}" if ranked else "—"),
                num_cell(rate(r["百分位"] / 100, 1)),
                num_cell(shown(r["中位数"])),
            ]
        )
    return rows


def history_view(portfolio: Portfolio, project_id: str, year: int | None = None) -> Content:
    """One project's years side by side, the findings only two years show, and where it stands
    among its peers in `year` (default: its latest year). `portfolio` is the whole portfolio (its
    history and peers are the whole portfolio's, whatever a view's filters)."""
    ev = portfolio.project(project_id, year)
    year = ev.project.year
    h = portfolio.history(project_id)
    years = [int(y) for y in h["年度"]]
    head = f"{ev.project.name}（{project_id}）：{len(years)} 个年度（{'、'.join(map(str, years))}）"
    rows = [
        [
            tag("b", f"{y}") if y == year else f"{y}",
            r.project_id,
            r.项目名称,
            num_cell(_wan(r.全年预算)),
            num_cell(_wan(r.执行数)),
            num_cell(rate(r.执行率), "num ec-under" if r.执行率 < UNDER_EXECUTED else "num"),
            num_cell(score(r.得分)),
            r.等级,
        ]
        for y, r in zip(years, h.itertuples(index=False), strict=True)
    ]
    parts: list[object] = [
        tag("h4", head),
        table(header_cells(HISTORY_HEAD, 3), rows, cls="ec-t ec-history"),
        card_note(
            "历年按项目编号、项目对照文件或「实施单位 + 去掉年度的项目名称」匹配；金额单位：万元，"
            f"执行率 = 执行数 ÷ 全年预算，低于 {UNDER_EXECUTED:.0%} 标为偏低；加粗为所选年度。"
        ),
    ]
    if len(years) == 1:
        parts.append(card_note("该项目在本组合中只有一个年度，没有可比较的历年数据。"))
    main = html_part("history", parts, head)
    chart = history_chart(
        years,
        h["全年预算"].tolist(),
        h["执行数"].tolist(),
        [None if r != r else float(r) for r in h["执行率"]],
        h["得分"].tolist(),
        f"{ev.project.name}：历年预算执行与复核得分",
        year,
    )
    png = Part("png", chart, f"{ev.project.name}历年全年预算、执行数、执行率与复核得分")
    ind_rows = _indicator_rows(portfolio, h)
    indicators = html_part(
        "history-indicators",
        [
            tag("h4", "历年绩效指标（按指标名称对应）"),
            table(header_cells(INDICATOR_HEAD, 4), ind_rows, cls="ec-t")
            if ind_rows
            else card_note("没有绩效指标。"),
        ],
        f"历年绩效指标 {len(ind_rows)} 行",
    )
    title = titles()
    found = [
        [f"{y}", f.code, title.get(f.code, ""), f.message]
        for y, pid in zip(years, h["project_id"], strict=True)
        for f in portfolio.project(str(pid), y).findings
        if f.code in HISTORY_CODES
    ]
    findings = html_part(
        "history-findings",
        [
            tag("h4", f"跨年度复核发现（{HISTORY_CODES[0]}–{HISTORY_CODES[-1]}，共 {len(found)} 条）"),
            table(header_cells(["年度", "编号", "问题", "说明"], 9), found, cls="ec-t")
            if found
            else card_note(
                "没有跨年度复核发现（目标设定偏低、连续两年执行率偏低、同一指标连续两年未完成、预算增加而得分下降）。"
            ),
        ],
        f"跨年度复核发现 {len(found)} 条",
    )
    peers = html_part(
        "peers",
        [
            tag("h4", f"横向比较：{year} 年度"),
            table(header_cells(PEER_HEAD, 3), _peer_rows(portfolio, project_id, year), cls="ec-t"),
            card_note(
                "同类项目：二级指标设置相同的项目（全市）。排名 1 为最高；百分位为不高于本项目的项目所占比例；"
                "全年预算为 0 的项目没有执行率，不参与执行率的比较。"
            ),
        ],
        f"横向比较 {year} 年度",
    )
    return (main, png, indicators, findings, peers)


def ambiguous_view(portfolio: Portfolio) -> Content:
    """Projects left unmatched across years (a match by name was ambiguous): listed, not guessed,
    with what to do. Nothing when every project was matched or stands alone."""
    amb = portfolio.ambiguous
    if not len(amb):
        return ()
    rows = [[f"{r.year}", r.project_id, r.unit, r.name, r.reason] for r in amb.itertuples(index=False)]
    head = f"未能跨年度匹配的项目（{len(rows)} 个，不作猜测）"
    return (
        html_part(
            "ambiguous",
            [
                tag("h4", head),
                table(header_cells(AMBIGUOUS_HEAD, 9), rows, cls="ec-t"),
                card_note(
                    "同一年度有多个同单位、同名称的项目时，无法判断哪一个延续上一年度；"
                    "如确为同一项目，请写入项目对照文件（CSV 列 from,to：原项目编号,现项目编号），"
                    "以参数 lineage_path 传入。"
                ),
            ],
            head,
        ),
    )
