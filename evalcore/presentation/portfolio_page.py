"""The portfolio index page (项目总览) of a batch: every project, the headline figures, each
year's departments compared, distributions by department, and the projects whose report could not
be made.

`notebooks/portfolio.ipynb` only calls `open_index(reports_dir)` and the sections of the
`IndexPage` it returns; `evalcore batch` exports that notebook to `<out>/index.html`
(`evalcore.pipeline.portfolio`). The figures come from `portfolio_index.PortfolioIndex` (what the
batch wrote), the charts from `charts.portfolio`: this module only lays them out. Each section
returns a `Fragment`; every string from the input or the manifest is escaped by
`evalcore.presentation.html`.

The table sorts and filters in the browser with a small script that the page template
(`templates/evalcore-index`) carries: this module only writes what it reads, as data attributes
(`data-v` for a cell's sort value, `data-dept`, `data-year`, `data-grade` and `data-search` on a
row). Rows come year by year, and the headline gives each year's figures apart.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..findings import titles
from ..rules.totals import total_text
from ..vocabulary import GRADE_NAMES
from .charts.portfolio import (
    departments_by_score,
    execution_vs_score,
    findings_by_code,
    grades_by_department,
    score_histogram,
)
from .department_compare import comparison_section
from .formats import local_time, money, rate, score
from .html import Fragment, Markup, img_png, join, tag
from .portfolio_index import (
    FAILED,
    INVALID,
    PortfolioIndex,
    YearFigures,
    number,
    one_line,
    to_wan,
    where_file,
    year_label,
    year_of,
)
from .provenance import report_time

__all__ = ["TITLE", "IndexPage", "open_index"]

TITLE = "项目支出绩效评价 · 项目总览"
GRADE_CLASS = dict(zip(GRADE_NAMES, ("grade-y", "grade-l", "grade-d", "grade-c"), strict=True))
STATUS_LABELS = {FAILED: "报告生成失败", INVALID: "输入无效"}


def _sort_value(x: float | None, digits: int = 6) -> str:
    return "" if x is None else f"{x:.{digits}f}".rstrip("0").rstrip(".")


class IndexPage:
    """The sections of the index page over one `PortfolioIndex`, in the order the notebook shows them."""

    title = TITLE

    def __init__(self, index: PortfolioIndex) -> None:
        self.index = index

    def header(self) -> Fragment:
        h = self.index.headline_figures()
        bits = []
        if h.years:
            bits.append(f"{_years(h.years)}年度")
        bits.append(f"{h.projects} 个项目")
        bits.append(f"{h.departments} 个主管部门")
        if h.failed or h.invalid:
            bits.append(f"{h.failed + h.invalid} 个未生成报告")
        bits.append(f"生成时间 {local_time(report_time())}")
        html = join([tag("h1", self.title), tag("p", " · ".join(bits), class_="subtitle")])
        return Fragment(html, f"{self.title}（{' · '.join(bits[:-1])}）")

    def headline(self) -> Fragment:
        """The headline figures, one block per evaluation year (amounts are never added across
        years: see `portfolio_index`), then what did not get a report, over the whole batch."""
        h = self.index.headline_figures()
        failed_total = h.failed + h.invalid
        failed_note: object = (
            "全部生成"
            if not failed_total
            else join(
                [f"报告失败 {h.failed} · 输入无效 {h.invalid} · ", tag("a", "查看原因", href="#pf-failures")]
            )
        )
        blocks = [self._year_block(y) for y in h.by_year]
        failed = _stat("failed", "未生成报告", failed_total, failed_note, cls="bad" if failed_total else "ok")
        html = join([*blocks, tag("div", failed, class_="stats batch")])
        text = "；".join(
            f"{year_label(y.year)}：{y.projects} 个项目，全年预算 {money(y.adjusted)} 万元，"
            f"执行 {money(y.executed)} 万元，执行率 {rate(y.execution_rate)}，平均得分 {score(y.mean_score)}"
            for y in h.by_year
        )
        return Fragment(html, f"{text or '没有项目'}；未生成报告 {failed_total} 个")

    def _year_block(self, y: YearFigures) -> Markup:
        """One year's figures: projects, budget, executed, rate, mean score, grades, findings."""
        grade_parts = [tag("span", f"{g} {n}", class_=GRADE_CLASS.get(g)) for g, n in y.grades.items()]
        departments = len({str(r.get("department") or "") for r in self.index.rows if year_of(r) == y.year})
        stats = [
            _stat("projects", "项目数", y.projects, f"{departments} 个主管部门"),
            _stat("adjusted", "全年预算（万元）", money(y.adjusted)),
            _stat("executed", "全年执行（万元）", money(y.executed)),
            _stat("execution_rate", "预算执行率", rate(y.execution_rate), "Σ执行数 ÷ Σ全年预算数"),
            _stat("mean_score", "平均复核得分", score(y.mean_score)),
            _stat(
                "grades", "等级分布", join(grade_parts, Markup(" · ")) if grade_parts else "—", cls="grades"
            ),
            _stat(
                "with_findings",
                "有复核发现的项目",
                y.with_findings,
                rate(y.with_findings / y.projects, 1) + " 的项目" if y.projects else "",
            ),
        ]
        return tag(
            "section",
            join([tag("h3", year_label(y.year)), tag("div", join(stats), class_="stats")]),
            class_="year",
            data_year="" if y.year is None else y.year,
        )

    def comparison(self) -> Fragment:
        """部门横向比较: each year's departments side by side (`department_compare`)."""
        return comparison_section(self.index)

    #: (header, sort as, right-aligned): "num" cells sort by their `data-v` as numbers (the grade by
    #: its rank in the bands), "text" cells by `data-v` or their text, in Chinese collation order.
    COLUMNS: tuple[tuple[str, str, bool], ...] = (
        ("项目", "text", False),
        ("主管部门", "text", False),
        ("年度", "num", False),
        ("全年预算（万元）", "num", True),
        ("执行率", "num", True),
        ("复核得分", "num", True),
        ("等级", "num", False),
        ("自评得分", "num", True),
        ("复核发现", "num", True),
    )

    def table(self) -> Fragment:
        if not self.index.rows:
            return Fragment(tag("p", "没有可列出的项目。", class_="callout"), "没有项目")
        head = join(
            tag(
                "th",
                tag("button", label, type="button", class_="sort", data_col=i, data_type=kind),
                scope="col",
                aria_sort="none",
                class_="num" if right else None,
            )
            for i, (label, kind, right) in enumerate(self.COLUMNS)
        )
        body = join(self._row(r) for r in self.index.rows)
        depts = self.index.departments()
        years = self.index.years()
        grades = [g for g in self.index.grade_order if any(str(r.get("grade")) == g for r in self.index.rows)]
        controls = tag(
            "div",
            join(
                [
                    tag(
                        "label",
                        join(
                            [
                                "查找 ",
                                _void(
                                    "input",
                                    type="search",
                                    id="pf-q",
                                    autocomplete="off",
                                    placeholder="项目名称、编号、部门或发现代码",
                                ),
                            ]
                        ),
                    ),
                    tag(
                        "label",
                        join(
                            [
                                "主管部门 ",
                                tag(
                                    "select",
                                    join(
                                        [tag("option", "全部", value="")]
                                        + [tag("option", d, value=d) for d in depts]
                                    ),
                                    id="pf-dept",
                                ),
                            ]
                        ),
                    ),
                    tag(
                        "label",
                        join(
                            [
                                "年度 ",
                                tag(
                                    "select",
                                    join(
                                        [tag("option", "全部", value="")]
                                        + [tag("option", year_label(y), value=_year_value(y)) for y in years]
                                    ),
                                    id="pf-year",
                                ),
                            ]
                        ),
                    ),
                    tag(
                        "label",
                        join(
                            [
                                "等级 ",
                                tag(
                                    "select",
                                    join(
                                        [tag("option", "全部", value="")]
                                        + [tag("option", g, value=g) for g in grades]
                                    ),
                                    id="pf-grade",
                                ),
                            ]
                        ),
                    ),
                    tag(
                        "span",
                        f"共 {len(self.index.rows)} 个项目",
                        id="pf-count",
                        class_="count",
                        aria_live="polite",
                    ),
                ]
            ),
            id="pf-filters",
            class_="filters",
            hidden="hidden",
        )
        note = tag(
            "p",
            "按年度排列，可按年度筛选；点击表头排序；金额为全年预算数，以元填报的项目已折算为万元。"
            "项目名称链接到各自的绩效评价报告，其后是复核底稿（及 Word、PDF）。",
            class_="note",
        )
        table = join(
            [
                Markup('<table class="data portfolio" id="pf-table">'),
                Markup("<thead><tr>"),
                head,
                Markup("</tr></thead><tbody>"),
                body,
                Markup("</tbody></table>"),
            ]
        )
        return Fragment(
            join([controls, note, tag("div", table, class_="scroll")]), f"{len(self.index.rows)} 个项目"
        )

    def _row(self, r: dict) -> Markup:
        unit = r.get("amount_unit")
        adjusted = to_wan(r.get("adjusted"), unit)
        execution_rate, total, reported = (
            number(r.get("execution_rate")),
            number(r.get("total")),
            number(r.get("reported_total")),
        )
        findings = int(number(r.get("findings")) or 0)
        codes = " ".join(str(r.get("finding_codes") or "").split())
        grade = "" if r.get("grade") is None else str(r.get("grade"))
        dept = str(r.get("department") or "")
        year = year_of(r)
        name, pid = str(r.get("name") or ""), str(r.get("project_id") or "")
        ok = r.get("status") != FAILED
        sheet = self.index.href(r.get("html")) if ok else None
        files = r.get("report") if ok and isinstance(r.get("report"), dict) else {}
        href = self.index.href(files.get("html")) or sheet  # the 绩效评价报告; an older run: its worksheet
        if href:
            title = tag("a", name or pid, href=href, class_="report")
        else:
            why = "报告生成失败" if r.get("status") == FAILED else "报告缺失"
            title = join([tag("span", name or pid), " ", tag("span", why, class_="badge bad")])
        links = [
            tag("a", label, href=link, class_="doc")
            for label, link in (
                ("复核底稿", sheet if sheet != href else None),
                ("Word", self.index.href(files.get("docx"))),
                ("PDF", self.index.href(files.get("pdf"))),
            )
            if link
        ]
        name_cell = join(
            [
                title,
                tag("span", pid, class_="pid"),
                *([tag("span", join(links, " · "), class_="docs")] if links else []),
            ]
        )
        reported_grade = r.get("reported_grade")
        cells = [
            tag("td", name_cell, data_v=name, class_="name"),
            tag("td", dept),
            tag("td", "" if year is None else str(year), data_v=_year_value(year)),
            tag("td", money(adjusted), data_v=_sort_value(adjusted), class_="num"),
            tag("td", rate(execution_rate), data_v=_sort_value(execution_rate, 8), class_="num"),
            tag(
                "td",
                _total_text(total, number(r.get("unscored_weight"))),
                data_v=_sort_value(total),
                class_="num",
            ),
            tag(
                "td",
                grade,
                data_v=str(self.index.grade_order.index(grade)) if grade in self.index.grade_order else "",
                class_=GRADE_CLASS.get(grade),
            ),
            tag(
                "td",
                join(
                    [
                        score(reported),
                        tag("span", f"（{reported_grade}）", class_="muted")
                        if reported_grade not in (None, "")
                        else "",
                    ]
                ),
                data_v=_sort_value(reported),
                class_="num",
            ),
            tag(
                "td",
                join([str(findings), tag("span", codes, class_="codes") if codes else ""]),
                data_v=str(findings),
                class_="num",
                title=_code_titles(codes) or None,
            ),
        ]
        search = " ".join([name, pid, dept, codes, grade]).lower()
        return tag(
            "tr",
            join(cells),
            data_dept=dept,
            data_year=_year_value(year),
            data_grade=grade,
            data_search=search,
        )

    def charts(self) -> Fragment:
        if not self.index.rows:
            return Fragment(tag("p", "没有可绘制的项目。", class_="note"), "没有图表")
        parts: list[Markup] = []
        for png, alt in (
            (score_histogram(self.index), "复核得分分布直方图，按等级着色，背景为等级分数段"),
            (grades_by_department(self.index), "各主管部门项目等级构成堆叠条形图"),
            (execution_vs_score(self.index), "预算执行率与复核得分散点图，按等级着色"),
            (departments_by_score(self.index), "各主管部门平均复核得分排名图"),
            (findings_by_code(self.index), "复核发现按代码统计的项目数条形图"),
        ):
            if png is not None:
                parts.append(img_png(png, alt))
        if not any((number(r.get("findings")) or 0) > 0 for r in self.index.rows):
            parts.append(tag("p", "复核未发现问题：没有需要按代码统计的发现。", class_="callout ok"))
        return Fragment(join(parts), f"{len(parts)} 张图")

    def failures(self) -> Fragment:
        bad = self.index.failures_list()
        if not bad:
            html = tag("p", "没有失败或输入无效的项目：每个项目都已生成报告。", class_="callout ok")
            return Fragment(tag("div", html, id="pf-failures"), "没有失败的项目")
        rows = []
        for m in bad:
            status = str(m.get("status"))
            pid = m.get("project_id") or ""
            who = m.get("name") or (Path(where_file(m)).name if where_file(m) else "")
            log = self.index.failed_notebook(m)
            rows.append(
                Markup("<tr>")
                + join(
                    [
                        tag("td", STATUS_LABELS.get(status, status), class_=f"status status-{status}"),
                        tag("td", pid or "—"),
                        tag("td", who or "—"),
                        tag("td", m.get("department") or "—"),
                        tag("td", one_line(m.get("error")), class_="reason"),
                        tag("td", tag("a", "执行记录", href=log) if log else "—"),
                    ]
                )
                + Markup("</tr>")
            )
        head = join(
            tag("th", h, scope="col")
            for h in ("状态", "项目编号", "项目名称 / 文件", "主管部门", "原因", "执行记录")
        )
        table = join(
            [
                Markup('<table class="data failures">'),
                Markup("<thead><tr>"),
                head,
                Markup("</tr></thead><tbody>"),
                join(rows),
                Markup("</tbody></table>"),
            ]
        )
        n_failed = sum(1 for m in bad if m.get("status") == FAILED)
        advice = []
        if len(bad) - n_failed:
            advice.append("输入无效的项目须改正输入文件")
        if n_failed:
            advice.append("报告生成失败的项目可先查看执行记录")
        intro = tag(
            "p",
            f"{len(bad)} 个项目未生成报告：报告生成失败 {n_failed} 个，输入无效 {len(bad) - n_failed} 个。"
            f"{'，'.join(advice)}，再重新运行 evalcore batch（只重做未完成的项目）；其余项目不受影响。",
            class_="callout",
        )
        return Fragment(tag("div", join([intro, table]), id="pf-failures"), f"{len(bad)} 个项目未生成报告")


def open_index(reports_dir: str | os.PathLike[str]) -> IndexPage:
    """What `notebooks/portfolio.ipynb` calls first: the folder (as given, else relative to the
    repository root, as for the evaluation notebook) read as an index, and Chinese charts set up."""
    from .charts import setup_fonts
    from .notebook import resolve_input

    setup_fonts()
    return IndexPage(PortfolioIndex.from_folder(resolve_input(reports_dir)))


def _stat(key: str, label: str, value: object, note: object = "", cls: str = "") -> Markup:
    """One headline figure: label, value, an optional note; `data-stat` names it for tests and CSS."""
    return tag(
        "div",
        join(
            [
                tag("div", label, class_="label"),
                tag("div", value, class_="value"),
                tag("div", note, class_="note") if note != "" else "",
            ]
        ),
        class_=f"stat {cls}".strip(),
        data_stat=key,
    )


def _year_value(year: int | None) -> str:
    """A year as the table's filter and sort read it (`data-year`, `data-v`): "" when missing."""
    return "" if year is None else str(year)


def _void(name: str, **attrs: object) -> Markup:
    """A void element (no content, no end tag); attribute values escaped."""
    return Markup(str(tag(name, "", **attrs)).removesuffix(f"></{name}>") + ">")


def _years(years: Sequence[int]) -> str:
    if len(years) == 1:
        return str(years[0])
    if list(years) == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}—{years[-1]}"
    return "、".join(str(y) for y in years)


def _code_titles(codes: str) -> str:
    return "；".join(f"{c} {titles()[c]}" if c in titles() else c for c in codes.split())


def _total_text(total: float | None, unscored: float | None) -> str:
    """A total as the index shows it: with the weight left unscored for blank actuals, if any."""
    if total is None or not unscored:
        return score(total)
    return total_text(total, unscored)
