"""横向比较 on the portfolio index: each evaluation year's 主管部门 side by side, and each one's
position against the city-wide figures of that year.

Why a module of its own: the page (`portfolio_page`) only lays out sections, and this section has
figures of its own to decide (ranks, markers) that tests check without a kernel. The sums come from
`PortfolioIndex.totals` — the same 元 → 万元 conversion, Σ executed ÷ Σ adjusted and grade order as
the headline — so a department's row and the year's headline cannot disagree on how they add up.

Decisions, said once here and on the page:
- years apart, in the page's order (earliest first, rows without a year last), because amounts of
  different years are different money and are never added;
- every summary row counts, a project whose report failed to render included (it was scored: its
  figures are in `summary.json`); an input that could not be read or scored has no row;
- ranks are among the year's departments that have the figure: 1 is the best, equal figures share
  the better rank (1, 2, 2, 4); figures are compared as the page prints them (two decimals), so two
  departments that read the same rank the same; an execution rate above 100% ranks as 100%, as the
  budget rule scores it (`rules.budget`: 超过 100% 按 100% 计);
- a department is marked when its rate is under `UNDER_EXECUTED` (the product's 90% line, from
  `explore.columns`, importable without pandas) or its mean score below the year's city-wide mean
  (the mean over the year's projects, as the headline shows it), both as printed;
- a year with a single department still gets its table (its figures are worth reading), with a
  sentence saying there is nothing to rank against.
The table is not sortable: the page's script (`templates/evalcore-index/portfolio.js`) sorts only
the project table. Rows are in department order, as the project table's department filter lists them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..explore.columns import UNDER_EXECUTED
from .formats import amount_decimals, money, rate, score
from .html import Fragment, Markup, join, tag
from .portfolio_index import PortfolioIndex, Totals, YearFigures, year_label, year_of

__all__ = [
    "CITY",
    "DepartmentFigures",
    "YearComparison",
    "compare_departments",
    "comparison_section",
    "competition_ranks",
]

CITY = "全市合计"
NO_DEPARTMENT = "（未填写主管部门）"
UNDER_LABEL = f"执行率低于 {rate(UNDER_EXECUTED, 0)}"
BELOW_MEAN_LABEL = "平均得分低于全市"


@dataclass(frozen=True)
class DepartmentFigures:
    """One department's figures in one year, and its position among that year's departments."""

    department: str
    totals: Totals
    rate_rank: int | None  # None: no budget, so no rate to rank
    score_rank: int | None  # None: no scored project
    under_executed: bool
    below_city_mean: bool


@dataclass(frozen=True)
class YearComparison:
    """A year's departments (in department order) and the year's city-wide figures they are set against."""

    year: int | None
    city: YearFigures
    departments: tuple[DepartmentFigures, ...]


def competition_ranks(values: Sequence[float | None]) -> list[int | None]:
    """Ranks with the highest value first and ties sharing the better rank (1, 2, 2, 4): a reader
    sees two equal figures placed equally, and the next one placed after as many as are ahead."""
    present = [v for v in values if v is not None]
    return [None if v is None else 1 + sum(1 for w in present if w > v) for v in values]


def _printed(x: float | None, scale: float = 1.0) -> float | None:
    """A figure as the page prints it (two decimals; rates as percentages), so comparisons agree
    with what a reader sees."""
    return None if x is None else float(f"{x * scale:.2f}")


def _rate_key(x: float | None) -> float | None:
    return _printed(None if x is None else min(x, 1.0), 100)


def _below(x: float | None, line: float | None) -> bool:
    """x is under the line (both as printed); a missing figure is under nothing."""
    return x is not None and line is not None and x < line


def compare_departments(index: PortfolioIndex) -> list[YearComparison]:
    """Each year's departments with their totals, ranks and markers (see the module docstring)."""
    under_line = _printed(UNDER_EXECUTED, 100)  # 90.0, not 0.9 × 100 = 90.00000000000001
    out = []
    for city in index.by_year():
        rows = [r for r in index.rows if year_of(r) == city.year]
        names = sorted({str(r.get("department") or "") for r in rows})
        totals = [index.totals(r for r in rows if str(r.get("department") or "") == d) for d in names]
        rate_ranks = competition_ranks([_rate_key(t.execution_rate) for t in totals])
        score_ranks = competition_ranks([_printed(t.mean_score) for t in totals])
        city_mean = _printed(city.mean_score)
        out.append(
            YearComparison(
                year=city.year,
                city=city,
                departments=tuple(
                    DepartmentFigures(
                        department=d,
                        totals=t,
                        rate_rank=rr,
                        score_rank=sr,
                        under_executed=_below(_printed(t.execution_rate, 100), under_line),
                        below_city_mean=_below(_printed(t.mean_score), city_mean),
                    )
                    for d, t, rr, sr in zip(names, totals, rate_ranks, score_ranks, strict=True)
                ),
            )
        )
    return out


NOTE = (
    "各年度分别比较，金额不跨年度相加；以元填报的项目已折算为万元。预算执行率 = 部门各项目 Σ执行数 ÷ "
    "Σ全年预算数（不是各项目执行率的平均）；得分为复核得分，报告生成失败的项目按其复核得分计入，"
    "输入无效的项目未评分，不计入。排名在同一年度的主管部门之间，1 为最好；数值相同（按两位小数）者并列，"
    "取较好的名次；执行率超过 100% 按 100% 排名。"
    f"执行率低于 {rate(UNDER_EXECUTED, 0)} 或平均得分低于全市平均时在“提示”中标出；末行为全市合计。"
)


def comparison_section(index: PortfolioIndex) -> Fragment:
    """The 部门横向比较 section: a note, then one table per year."""
    years = compare_departments(index)
    if not years:
        return Fragment(tag("p", "没有可比较的项目。", class_="callout"), "没有项目")
    grades = list(index.grade_order)
    parts: list[Markup] = [tag("p", NOTE, class_="note")]
    for y in years:
        single = (
            [tag("p", "本年度只有 1 个主管部门，没有可以比较的其他部门；排名仅列出。", class_="note")]
            if len(y.departments) == 1
            else []
        )
        parts.append(
            tag(
                "section",
                join(
                    [tag("h3", year_label(y.year)), *single, tag("div", _table(y, grades), class_="scroll")]
                ),
                class_="dept-compare",
                data_year="" if y.year is None else y.year,
            )
        )
    text = "；".join(f"{year_label(y.year)} {len(y.departments)} 个主管部门" for y in years)
    return Fragment(join(parts), text)


def _table(y: YearComparison, grades: list[str]) -> Markup:
    places = amount_decimals(
        x for t in [y.city, *(d.totals for d in y.departments)] for x in (t.adjusted, t.executed)
    )

    g = len(grades)

    def th(label: str, col: int, kind: str = "num", **attrs: object) -> Markup:
        """A header that sorts its column (the page's script: `data-col` is the body cell's index)."""
        button = tag("button", label, type="button", class_="sort", data_col=col, data_type=kind)
        return tag("th", button, scope="col", aria_sort="none", **attrs)

    span = {"rowspan": 2}
    first = [
        th("主管部门", 0, "text", **span),
        th("项目数", 1, class_="num", **span),
        th("全年预算（万元）", 2, class_="num", **span),
        th("执行数（万元）", 3, class_="num", **span),
        th("预算执行率", 4, class_="num", **span),
        th("平均得分", 5, class_="num", **span),
        th("得分中位数", 6, class_="num", **span),
        tag("th", "等级分布", scope="colgroup", colspan=g),
        th("复核发现数", 7 + g, class_="num", **span),
        th("执行率排名", 8 + g, class_="num", **span),
        th("平均得分排名", 9 + g, class_="num", **span),
        tag("th", "提示", scope="col", **span),
    ]
    second = [th(name, 7 + k, class_="num") for k, name in enumerate(grades)]
    head = Markup("<thead><tr>") + join(first) + Markup("</tr><tr>") + join(second) + Markup("</tr></thead>")
    body = join(
        tag(
            "tr",
            join(
                [
                    tag("td", d.department or NO_DEPARTMENT, class_="dept"),
                    *_figures(d.totals, grades, places),
                    _num(_rank(d.rate_rank), d.rate_rank),
                    _num(_rank(d.score_rank), d.score_rank),
                    tag("td", join(_markers(d), " ")),
                ]
            ),
            data_dept=d.department,
        )
        for d in y.departments
    )
    foot = tag(
        "tr",
        join(
            [
                tag("th", CITY, scope="row"),
                *_figures(y.city, grades, places),
                _num("—"),
                _num("—"),
                tag("td", "比较基准"),
            ]
        ),
        class_="city",
    )
    return join(
        [
            Markup('<table class="data dept-compare">'),
            head,
            tag("tbody", body),
            tag("tfoot", foot),
            Markup("</table>"),
        ]
    )


def _figures(t: Totals, grades: list[str], places: int) -> list[Markup]:
    """The cells a department row and the city-wide row share, in header order; amounts with the
    decimals of the year's table (`places`), so a column lines up."""
    return [
        _num(t.projects, t.projects),
        _num(money(t.adjusted, decimals=places), t.adjusted),
        _num(money(t.executed, decimals=places), t.executed),
        _num(rate(t.execution_rate), t.execution_rate),
        _num(score(t.mean_score), t.mean_score),
        _num(score(t.median_score), t.median_score),
        *[_num(t.grades.get(g, 0), t.grades.get(g, 0)) for g in grades],
        _num(t.findings, t.findings),
    ]


def _markers(d: DepartmentFigures) -> list[Markup]:
    marks = [(d.under_executed, UNDER_LABEL), (d.below_city_mean, BELOW_MEAN_LABEL)]
    return [tag("span", label, class_="badge bad") for on, label in marks if on]


def _num(value: object, sort: float | None = None) -> Markup:
    """A number cell: its text as printed, its raw value in `data-v` for the sort ("" sorts last)."""
    return tag("td", value, class_="num", data_v="" if sort is None else repr(float(sort)))


def _rank(r: int | None) -> str:
    return "—" if r is None else str(r)
