"""The sections of one project's evaluation report, in the order of a real 绩效评价报告.

`notebooks/evaluation.ipynb` only calls these: every number it shows comes from here (and so
from `evalcore.evaluation`), so the notebook and the CLI cannot disagree. Each section returns a
`Fragment` (text/html output); all input text is escaped by `evalcore.presentation.html`.
"""

from __future__ import annotations

import os

from ..errors import InputError, Where
from ..evaluation import Evaluation, evaluate
from ..fields import EVALUATION_TYPE_LABELS
from ..findings import titles
from ..inputs import load_paths
from ..model import BudgetRow
from ..quantities import format_number as fmt
from ..rules.totals import FULL_MARKS
from ..schemes import Scheme
from . import document_html, narrative, report_form, submission
from .chart_cache import chart, history_chart
from .comparison import Comparison
from .document import Document
from .formats import project_money, rate, report_title
from .html import Cell, Fragment, Markup, esc, img_png, join, table, tag
from .provenance import provenance_table

_SEVERITY = {"error": "错误", "warning": "提示", "info": "说明"}


def _p(text: str, cls: str | None = None) -> Markup:
    return tag("p", text, class_=cls)


def _ul(items: list[str], cls: str | None = None) -> Markup:
    return tag("ul", join(tag("li", i) for i in items), class_=cls)


class ProjectReport:
    """One project's report. Build it with `ProjectReport.from_path(project_path, scheme)`."""

    def __init__(self, evaluation: Evaluation, source: str, comparison: Comparison | None = None) -> None:
        self.ev = evaluation
        #: 历史比较/横向比较 from a batch's context (None: a report made alone, with nothing to compare)
        self.comparison = comparison
        if comparison is not None:  # R016–R019: only the batch, seeing every year, could find them
            evaluation.findings.extend(comparison.finding_objects())
        self.card = evaluation.card
        self.project = evaluation.project
        self.source = source
        self._document: Document | None = None
        #: every amount of the report in the project's unit and decimals (formats.project_money)
        self.money = project_money(self.project)

    @classmethod
    def from_path(
        cls,
        project_path: str | os.PathLike[str],
        scheme: Scheme | str | None = None,
        project_id: str | None = None,
        context: str | os.PathLike[str] | None = None,
    ) -> ProjectReport:
        """Exactly one project: a project file, or one `project_id` of a portfolio; `context` the
        batch's comparison file for it (presentation/comparison.py). Raises InputError."""
        result = load_paths([project_path])
        if result.errors:
            raise result.errors[0]
        projects = result.projects
        if project_id is not None:
            projects = [p for p in projects if p.project_id == project_id]
        if len(projects) != 1:
            raise InputError(
                Where(str(project_path)),
                f"包含 {len(projects)} 个项目",
                "恰好一个项目（或用 project_id 指定其中一个）",
            )
        comparison = Comparison.read(context) if context else None
        return cls(evaluate(projects[0], scheme), str(project_path), comparison)

    # -- title --------------------------------------------------------------------------------
    @property
    def title(self) -> str:
        """The shared title rule (`formats.report_title`), so the report, the Word and PDF copies
        and the index never spell one project's title two ways."""
        return report_title(self.project)

    # -- the 绩效评价报告 (for submission): one document, shown section by section --------------
    @property
    def document(self) -> Document:
        """The submitted report as a format-free document, with this project's charts."""
        if self._document is None:
            charts = {kind: chart(kind, self.ev) for kind in ("category", "budget")}
            if self.comparison is not None and self.comparison.has_history:
                charts["history"] = history_chart(self.comparison.history)
            self._document = submission.submission(self.ev, charts, self.comparison)
        return self._document

    def part(self, key: str) -> Fragment:
        """One part of the 绩效评价报告 for a notebook cell: "title" or a section key
        (basic, work, analysis, conclusion, application, lessons, annex)."""
        if key == "title":
            return document_html.title_html(self.document)
        return document_html.section_html(self.document.section(key))

    def header(self) -> Fragment:
        p, c = self.project, self.card
        kind = EVALUATION_TYPE_LABELS.get(p.evaluation_type, p.evaluation_type)
        html = join(
            [
                tag("h1", self.title),
                tag(
                    "p",
                    f"{kind} · {p.year}年度 · 评分方案 {c.scheme.id}（{c.scheme.title}）",
                    class_="subtitle",
                ),
            ]
        )
        return Fragment(html, self.title)

    # -- 一、项目基本情况 -------------------------------------------------------------------------
    def basic_info(self) -> Fragment:
        p, b = self.project, self.card.budget
        u = p.amount_unit
        facts = table(
            None,
            [
                [Cell("项目名称", header=True), Cell(p.name, colspan=3)],
                [Cell("项目编号", header=True), p.project_id, Cell("评价年度", header=True), p.year],
                [Cell("主管部门", header=True), p.department, Cell("实施单位", header=True), p.unit],
                [
                    Cell("评价类型", header=True),
                    EVALUATION_TYPE_LABELS.get(p.evaluation_type, p.evaluation_type),
                    Cell("评分方案", header=True),
                    f"{self.card.scheme.id} {self.card.scheme.title}",
                ],
            ],
            cls="facts",
        )
        rows = self._budget_rows()
        budget = table(
            [
                f"资金来源（{u}）",
                "年初预算数",
                "全年预算数(A)",
                "全年执行数(B)",
                "执行率(B/A)",
                "按年初口径执行率",
            ],
            rows,
            cls="data budget",
        )
        note = ""
        if b.basis != "年度资金总额":
            note = f"注：执行率按{b.basis}计算。"
        goals = table(
            ["年度总体目标 · 预期目标", "实际完成情况"],
            [[p.goal_planned or "（未填写）", p.goal_actual or "（未填写）"]],
            cls="data goals",
        )
        parts = [tag("h3", "（一）项目概况"), facts, tag("h3", "（二）资金投入和使用情况"), budget]
        if note:
            parts.append(_p(note, "note"))
        parts += [tag("h3", "（三）年度总体目标"), goals]
        return Fragment(join(parts), "项目基本情况")

    def _budget_rows(self) -> list[list[object]]:
        b = self.card.budget
        rows: list[list[object]] = []

        def line(
            label: str, r: BudgetRow | None, initial: float, adjusted: float, executed: float
        ) -> list[object]:
            return [
                label,
                self.money(initial),
                self.money(adjusted),
                self.money(executed),
                rate(executed / adjusted if adjusted > 0 else None),
                rate(executed / initial if initial > 0 else None),
            ]

        if b.total_row is not None:
            r = b.total_row
            rows.append(line("年度资金总额", r, r.initial, r.adjusted, r.executed))
        else:
            rows.append(line(f"年度资金总额（{b.basis}）", None, b.initial, b.adjusted, b.executed))
        for i, r in enumerate(b.funding):
            rows.append(line(("其中：" if i == 0 else "") + r.source, r, r.initial, r.adjusted, r.executed))
        return rows

    # -- 二、评分总览 ---------------------------------------------------------------------------
    def overview(self) -> Fragment:
        c, p = self.card, self.project
        big = join(
            [
                Markup('<div class="scorebox">'),
                tag("div", "复核得分", class_="label"),
                tag("div", c.total_text, class_="total"),
                tag(
                    "div",
                    c.grade,
                    class_=f"grade grade-{'yldc'['优良中差'.index(c.grade)] if c.grade in '优良中差' else 'x'}",
                ),
                Markup("</div>"),
            ]
        )
        boxes = [big]
        if p.reported_total is not None:
            boxes.append(
                join(
                    [
                        Markup('<div class="scorebox reported">'),
                        tag("div", "单位自评", class_="label"),
                        tag("div", fmt(p.reported_total), class_="total"),
                        tag("div", "超过满分 100，不予采用", class_="label")
                        if p.reported_total > FULL_MARKS
                        else Markup(""),
                        tag("div", p.reported_grade or "—", class_="grade"),
                        Markup("</div>"),
                    ]
                )
            )
        parts = [Markup('<div class="scores">'), *boxes, Markup("</div>")]
        r004 = next((f for f in self.ev.findings if f.code == "R004"), None)
        if r004 is not None:
            parts.append(_p(f"两者的差异：{r004.message}", "callout"))
        elif p.reported_total is not None:
            parts.append(_p("单位自评得分与复核得分一致。", "callout ok"))
        rows = [
            [
                k.name,
                fmt(k.weight),
                fmt(k.itemised_weight),
                f"{k.score:.2f}",
                rate(k.score / k.weight if k.weight else None, 1),
            ]
            for k in c.categories
        ]
        total_row = [
            "合计",
            fmt(sum(k.weight for k in c.categories)),
            fmt(sum(k.itemised_weight for k in c.categories)),
            f"{c.sum_of_parts:.2f}",
            "",
        ]
        rows.append(total_row)
        if c.scale != 1:
            rows.append(
                [f"不适用指标剔除后按百分制折算（× {c.scale:.4f}）", "", "", f"{c.total_raw:.2f}", ""]
            )
        parts.append(
            table(["一级指标", "方案分值", "已细化分值", "得分", "得分率"], rows, cls="data categories")
        )
        parts.append(img_png(chart("category", self.ev), "各一级指标得分与分值对比图"))
        return Fragment(join(parts), f"复核得分 {c.total_text} {c.grade}")

    # -- 三、指标分析 ---------------------------------------------------------------------------
    def indicators(self) -> Fragment:
        c = self.card
        rows = []
        for s in c.indicators:
            i = s.indicator
            completion = rate(s.completion, 1) if s.completion is not None else (s.level or "—")
            rows.append(
                [
                    i.level1,
                    i.level2,
                    i.name,
                    i.direction,
                    i.target.raw,
                    i.actual.raw,
                    completion,
                    fmt(s.weight),
                    f"{s.score:.2f}",
                    "" if i.reported_score is None else fmt(i.reported_score),
                    Cell(
                        join(
                            [
                                tag("span", s.explanation.rule, class_="rule"),
                                Markup("<br>"),
                                esc(s.explanation.text),
                            ]
                        ),
                        class_="explain",
                    ),
                    i.deviation_reason,
                ]
            )
        for i in c.not_applicable:
            rows.append(
                [
                    i.level1,
                    i.level2,
                    i.name,
                    i.direction,
                    i.target.raw,
                    i.actual.raw,
                    "不适用",
                    fmt(i.weight),
                    "—",
                    "" if i.reported_score is None else fmt(i.reported_score),
                    "不适用，剔除后按百分制折算",
                    i.deviation_reason,
                ]
            )
        parts = [
            Markup('<div class="wide">'),
            table(
                [
                    "一级指标",
                    "二级指标",
                    "三级指标",
                    "性质",
                    "年度指标值",
                    "实际完成值",
                    "完成率/等级",
                    "分值",
                    "得分",
                    "自评得分",
                    "计算过程",
                    "偏差原因分析及改进措施",
                ],
                rows,
                cls="data indicators",
            ),
            Markup("</div>"),
        ]
        png = chart("completion", self.ev)
        if png is not None:
            parts.append(img_png(png, "定量指标完成率图（正向指标虚线为目标 100%，反向指标虚线为上限）"))
        parts.append(tag("h3", "分类分析"))
        for cat in c.categories:
            if cat.budget_weight and not cat.indicators and not cat.not_applicable:
                continue  # the budget-execution category has its own section
            parts.append(_p(narrative.category_paragraph(cat)))
        return Fragment(join(parts), f"{len(c.indicators)} 项指标")

    # -- 四、预算执行与偏差 -----------------------------------------------------------------------
    def budget(self) -> Fragment:
        b, u = self.card.budget, self.project.amount_unit
        parts = [_p(f"预算执行率 = 全年执行数 ÷ 全年预算数：{b.explanation.text}。")]
        if b.initial_rate is not None and not b.same_amount(b.initial, b.adjusted):
            parts.append(
                _p(
                    f"年初预算 {self.money(b.initial)}{u}，全年预算 {self.money(b.adjusted)}{u}；按年初口径执行率为 "
                    f"{rate(b.initial_rate)}。",
                    "note",
                )
            )
        for label, total, parts_sum in b.contradictions:
            parts.append(
                _p(
                    f"年度资金总额的{label}为 {self.money(total)}{u}，与分项合计 {self.money(parts_sum)}{u} 不一致，"
                    "已按分项合计计分。",
                    "callout",
                )
            )
        parts.append(tag("h3", "按资金来源"))
        parts.append(
            table(
                [
                    f"资金来源（{u}）",
                    "年初预算数",
                    "全年预算数",
                    "全年执行数",
                    "差额（执行 − 预算）",
                    "执行率",
                ],
                [self._variance_row(r) for r in ([b.total_row] if b.total_row else []) + b.funding]
                or [["（未分资金来源）", "", "", "", "", ""]],
                cls="data variance",
            )
        )
        parts.append(tag("h3", "按支出明细"))
        if b.items:
            parts.append(
                table(
                    [
                        f"支出明细（{u}）",
                        "年初预算数",
                        "全年预算数",
                        "全年执行数",
                        "差额（执行 − 预算）",
                        "执行率",
                    ],
                    [self._variance_row(r) for r in b.items],
                    cls="data variance",
                )
            )
            over = [r for r in b.items if b.overspent(r)]
            if over:
                parts.append(
                    _ul(
                        [
                            f"「{r.source}」执行 {self.money(r.executed)}{u}，"
                            f"超出预算 {self.money(r.executed - r.adjusted)}{u}"
                            f"（{rate(r.executed / r.adjusted) if r.adjusted > 0 else '预算为 0'}）"
                            for r in over
                        ],
                        "overspent",
                    )
                )
            else:
                parts.append(_p("各项支出明细均未超出预算。"))
        else:
            parts.append(_p("未填报支出明细。"))
        png = chart("budget", self.ev)
        if png is not None:
            parts.append(img_png(png, "预算与执行对比图"))
        return Fragment(join(parts), f"执行率 {rate(b.execution_rate)}")

    def _variance_row(self, r: BudgetRow) -> list[object]:
        diff = r.executed - r.adjusted
        over = self.card.budget.overspent(r)
        return [
            r.source,
            self.money(r.initial),
            self.money(r.adjusted),
            self.money(r.executed),
            Cell(f"{'+' if diff > 0 else ''}{self.money(diff)}", class_="over" if over else None),
            rate(r.executed / r.adjusted if r.adjusted > 0 else None),
        ]

    # -- 五、历史比较与横向比较 ------------------------------------------------------------------------
    def comparison_section(self) -> Fragment:
        """The blocks the 绩效评价报告 shows (the same tables, chart and sentences)."""
        c = self.comparison
        if c is None:
            return Fragment(
                _p(
                    "本报告单独生成，未与其他年度或其他项目比较；用 evalcore batch 处理整个数据文件夹时，"
                    "本节列出历史比较与横向比较。",
                    "callout",
                ),
                "未比较",
            )
        png = history_chart(c.history) if c.has_history else None
        blocks = [
            tag("h3", "历史比较"),
            *(document_html.block_html(b) for b in c.history_blocks(1, png, "图　历年预算执行与得分")),
            tag("h3", "横向比较"),
            *(document_html.block_html(b) for b in c.peer_blocks(3 if c.has_history else 1)),
        ]
        return Fragment(join(blocks), "历史比较与横向比较")

    # -- 六、复核发现 ---------------------------------------------------------------------------
    def findings(self) -> Fragment:
        if not self.ev.findings:
            return Fragment(
                _p("复核未发现问题：指标分值、各项得分、总分、等级与预算数据相互一致。", "callout ok"), "无"
            )
        rows = [
            [
                f.code,
                Cell(_SEVERITY.get(f.severity, f.severity), class_=f"sev-{f.severity}"),
                titles().get(f.code, ""),
                f.message,
            ]
            for f in self.ev.findings
        ]
        return Fragment(
            table(["代码", "级别", "类别", "说明"], rows, cls="data findings"), f"{len(rows)} 项发现"
        )

    # -- 七、综合评价结论 / 八、结果应用建议 ------------------------------------------------------------
    def conclusion(self) -> Fragment:
        return Fragment(join(_p(s) for s in narrative.conclusion(self.ev)), "综合评价结论")

    def suggestions(self) -> Fragment:
        items = narrative.suggestions(self.ev)
        return Fragment(tag("ol", join(tag("li", s) for s in items)), "结果应用建议")

    # -- 附表 项目支出绩效自评表 ----------------------------------------------------------------------
    def standard_form(self) -> Fragment:
        return report_form.standard_form(self.ev)

    # -- provenance -------------------------------------------------------------------------------
    def provenance(self) -> Fragment:
        return provenance_table(self.card.scheme, self.source)
