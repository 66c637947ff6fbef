"""The 绩效评价报告 an analyst submits, built as a `Document` from one evaluation.

In the order of the seed report (../shared/DOMAIN.md "The submitted report"): 一、项目基本情况 ·
二、绩效评价工作情况 · 三、绩效评价指标分析 · 四、综合评价结论 · 五、结果应用建议 · 六、主要经验及做法、存在
的问题和改进措施 · 附表. The narrative parts come from the input (`Project.narrative`); where one is
empty, a draft is written by the rules in `submission_text.py` and marked as a draft. Nothing here
is for the reviewer: no finding codes, hashes or versions (those are in the 复核底稿).

The same `Document` is written as HTML (the notebook, `document_html.py`), Word
(`document_docx.py`) and PDF (Chromium printing the HTML), so the three cannot disagree.
"""

from __future__ import annotations

from ..evaluation import Evaluation
from ..fields import EVALUATION_TYPE_LABELS
from ..quantities import format_number as fmt
from ..rules import IndicatorScore
from . import formats
from . import narrative as conclusions
from . import submission_annex as annex
from . import submission_text as st
from .comparison import Comparison
from .document import Document, Figure, Heading, PageBreak, Paragraph, Section, Table
from .formats import rate

CHINESE_NUMERALS = "一二三四五六七八九十"


def ordinal(k: int) -> str:
    """1 → 一, 11 → 十一 (headings of a report rarely go further)."""
    if k <= 10:
        return CHINESE_NUMERALS[k - 1]
    return "十" + CHINESE_NUMERALS[k - 11] if k < 20 else str(k)


def report_title(ev: Evaluation) -> str:
    """「南昌市市场监督管理局关于2019年度综治信访项目绩效评价报告」 (the shared rule, formats.report_title)."""
    return formats.report_title(ev.project)


def _narrative(ev: Evaluation, key: str) -> str:
    n = getattr(ev.project, "narrative", None)
    return (getattr(n, key, "") or "").strip() if n is not None else ""


def _given_or_draft(ev: Evaluation, key: str, label: str, draft: list[str]) -> list[Paragraph]:
    """The input's own text for a narrative field, paragraph by paragraph; else the rule draft."""
    text = _narrative(ev, key)
    if text:
        paras = [t.strip() for t in text.split("\n") if t.strip()]
        return [Paragraph(paras[0], label=label)] + [Paragraph(t) for t in paras[1:]]
    return [Paragraph(draft[0], label=label, draft=True)] + [Paragraph(t, draft=True) for t in draft[1:]]


class Submission:
    """Builds the document section by section; `charts` are PNG bytes by kind (optional)."""

    def __init__(
        self,
        ev: Evaluation,
        charts: dict[str, bytes | None] | None = None,
        comparison: Comparison | None = None,
    ) -> None:
        self.ev, self.card, self.project = ev, ev.card, ev.project
        self.charts = charts or {}
        self.comparison = comparison  # None: made alone, nothing to compare (no such subsections)
        self._figures = 0

    def figure(self, kind: str, caption: str) -> list[Figure]:
        png = self.charts.get(kind)
        if not png:
            return []
        self._figures += 1
        return [Figure(png, f"图{self._figures}　{caption}")]

    # -- the document -----------------------------------------------------------------------------
    def document(self) -> Document:
        p = self.project
        kind = EVALUATION_TYPE_LABELS.get(p.evaluation_type, p.evaluation_type)
        doc = Document(report_title(self.ev), f"{p.unit}　{p.year}年度{kind}")
        doc.sections = [
            self.basic(),
            self.work(),
            self.analysis(),
            self.conclusion(),
            self.application(),
            self.lessons(),
            self.annex(),
        ]
        return doc

    # -- 一、项目基本情况 -------------------------------------------------------------------------
    def basic(self) -> Section:
        ev, p, b = self.ev, self.project, self.card.budget
        s = Section("basic", [Heading(1, "一、项目基本情况"), Heading(2, "（一）项目概况")])
        facts = f"{p.year}年度，{p.unit}实施{p.name}，主管部门为{p.department}。"
        s.add(
            *_given_or_draft(
                ev,
                "background",
                "1.立项背景。",
                [facts + "（请补充立项背景：政策依据、需求和拟解决的问题。）"],
            )
        )
        purpose = [f"项目年度总体目标：{p.goal_planned}" if p.goal_planned else "（请填写立项目的。）"]
        s.add(*_given_or_draft(ev, "purpose", "2.立项目的。", purpose))
        outputs = [i for i in self.card.indicators if i.indicator.level1.startswith("产出")]
        content = (
            "项目主要内容包括："
            + "；".join(f"{i.indicator.name}（{i.indicator.target.raw}）" for i in outputs[:8])
            + "。"
            if outputs
            else "（请填写项目内容。）"
        )
        s.add(*_given_or_draft(ev, "content", "3.项目内容。", [content]))
        s.add(Paragraph(st.funds_statement(b), label="4.资金使用情况。"))
        funds = _narrative(ev, "funds_use")
        if funds:
            s.add(*[Paragraph(t) for t in funds.split("\n") if t.strip()])
        s.add(self._budget_table())
        if (
            len(self.card.budget.funding) + len(self.card.budget.items) > 1
        ):  # one source: the table says it all
            s.add(*self.figure("budget", "资金预算与执行情况"))
        manage = [
            f"项目由{p.unit}负责实施，{p.department}主管。（请补充组织管理情况：职责分工、管理制度、过程监控。）"
        ]
        s.add(*_given_or_draft(ev, "management", "5.组织管理情况。", manage))
        s.add(*_given_or_draft(ev, "basis", "6.项目依据。", ["（请列出立项所依据的政策文件。）"]))
        s.add(Heading(2, "（二）项目绩效目标"))
        s.add(Paragraph(p.goal_planned or "（自评表未填写年度总体目标。）", label="1.总目标。"))
        targets = "；".join(
            f"{i.indicator.name}{i.indicator.target.raw}"
            for i in self.card.indicators
            if i.indicator.target.raw
        )
        s.add(
            Paragraph(
                f"年度绩效指标：{targets}。" if targets else "（未填写年度指标。）", label="2.年度目标。"
            )
        )
        c = self.card
        met = [x for x in c.indicators if x.met]
        done = f"{len(c.indicators)} 项三级指标中 {len(met)} 项达到年度指标值。"
        s.add(
            Paragraph(
                ((p.goal_actual.rstrip("。") + "。") if p.goal_actual else "") + done, label="3.完成情况。"
            )
        )
        return s

    def _budget_table(self) -> Table:
        b, u = self.card.budget, self.project.amount_unit
        money = formats.project_money(self.project)
        rows = []
        sole = b.sole_source  # one source paid everything: one line, as the chart draws it
        lines = ([b.total_row] if b.total_row else []) + ([] if sole else b.funding) + b.items
        if b.total_row is None:
            rows.append(
                [
                    f"合计（{b.basis}）",
                    money(b.initial),
                    money(b.adjusted),
                    money(b.executed),
                    rate(b.execution_rate),
                ]
            )
        for r in lines:
            ratio = r.executed / r.adjusted if r.adjusted > 0 else None
            rows.append([r.source, money(r.initial), money(r.adjusted), money(r.executed), rate(ratio)])
        if sole is not None:
            rows[0][0] += f"（全部为{sole.source}）"
        return Table(
            f"表1　项目资金使用情况（{u}）",
            [["资金来源", "年初预算数", "全年预算数", "全年执行数", "执行率"]],
            rows,
            align=["left", "right", "right", "right", "right"],
            widths=[3, 2, 2, 2, 1.5],
        )

    # -- 二、绩效评价工作情况 -------------------------------------------------------------------
    def work(self) -> Section:
        ev, sc = self.ev, self.card.scheme
        s = Section("work", [Heading(1, "二、绩效评价工作情况"), Heading(2, "（一）绩效评价目的")])
        s.add(
            *_given_or_draft(
                ev,
                "eval_purpose",
                "",
                [
                    "了解项目资金使用和绩效目标完成情况，总结经验、发现问题，为改进管理和安排以后年度预算提供依据。"
                ],
            )
        )
        s.add(Heading(2, "（二）绩效评价原则和依据、评价指标体系、评价方法"))
        refs = "；".join(f"{r}" for r in sc.references) if sc.references else ""
        s.add(
            *_given_or_draft(
                ev,
                "principles",
                "1.评价原则和依据。",
                [f"依据{refs}。" if refs else "（请填写评价依据的文件。）"],
            )
        )
        weights = "、".join(f"{c.name}（{fmt(c.weight)}分）" for c in sc.categories)
        s.add(
            Paragraph(
                f"按评分方案「{sc.title}」设置指标体系，包括{weights}，满分 100 分；"
                "各三级指标的分值、评分标准和得分见附表1。",
                label="2.评价指标体系。",
            )
        )
        s.add(
            *_given_or_draft(
                ev,
                "eval_method",
                "3.评价方法。",
                [
                    "采用比较法，将各项指标的实际完成值与年度指标值逐项比较，按评分标准计分；预算执行率按全年执行数除以全年预算数计算。"
                ],
            )
        )
        s.add(Heading(2, "（三）绩效评价工作过程"))
        s.add(
            *_given_or_draft(
                ev,
                "eval_process",
                "",
                ["（请填写评价工作过程：组织分工、资料收集、核实、评分和报告撰写的时间安排。）"],
            )
        )
        return s

    # -- 三、绩效评价指标分析 -------------------------------------------------------------------
    def analysis(self) -> Section:
        c, b = self.card, self.card.budget
        s = Section("analysis", [Heading(1, "三、绩效评价指标分析")])
        k = 0
        for cat in c.categories:
            if not cat.indicators and not cat.budget_weight and not cat.not_applicable:
                if cat.weight:
                    k += 1
                    s.add(Heading(2, f"（{ordinal(k)}）{st.category_heading(cat)}"))
                    s.add(
                        Paragraph(
                            f"本类方案分值 {fmt(cat.weight)} 分，自评表未细化三级指标，无从计分（得 0 分）。"
                        )
                    )
                continue
            k += 1
            s.add(Heading(2, f"（{ordinal(k)}）{st.category_heading(cat)}"))
            if cat.budget_weight:
                s.add(Paragraph(st.budget_paragraph(b), label=f"预算执行率（{fmt(b.weight)}分）。"))
            groups: dict[str, list[IndicatorScore]] = {}
            for x in cat.indicators:
                groups.setdefault(x.indicator.level2 or "其他", []).append(x)
            for n, (level2, items) in enumerate(groups.items(), 1):
                weight = sum(x.weight for x in items)
                s.add(Heading(3, f"{n}.{level2}（{fmt(weight)}分）"))
                for m, x in enumerate(items, 1):
                    s.add(
                        Paragraph(
                            st.indicator_paragraph(x),
                            label=f"（{m}）{x.indicator.name}（{fmt(x.weight)}分）。",
                        )
                    )
            for i in cat.not_applicable:
                s.add(Paragraph(f"「{i.name}」不适用，已剔除，按百分制折算。"))
            if cat.unitemised > c.scheme.review.weight_tolerance.value:
                s.add(
                    Paragraph(
                        f"本类方案分值 {fmt(cat.weight)} 分，自评表只细化了 {fmt(cat.itemised_weight)} 分，"
                        f"未细化的 {fmt(cat.unitemised)} 分无从计分。"
                    )
                )
            elif cat.brought_to_weight:
                s.add(
                    Paragraph(
                        f"本类指标分值合计 {fmt(cat.itemised_weight)} 分，超过方案分值 {fmt(cat.weight)} 分，"
                        f"得分按比例折算为 {st.points(cat.score)} 分。"
                    )
                )
            s.add(Paragraph(f"本类合计得{st.points(cat.score)}分。"))
        return s

    # -- 四、综合评价结论 ------------------------------------------------------------------------
    def conclusion(self) -> Section:
        c, p = self.card, self.project
        s = Section("conclusion", [Heading(1, "四、综合评价结论"), Heading(2, "（一）评分结果")])
        s.add(Paragraph(f"按评分标准逐项计分，本项目得分 {c.total_text} 分，评价等级为「{c.grade}」。"))
        rows = [
            [
                cat.name,
                fmt(cat.weight),
                st.points(cat.score),
                rate(cat.score / cat.weight if cat.weight else None, 1),
            ]
            for cat in c.categories
        ]
        rows.append(["合计", "100", c.total_text, c.grade])
        s.add(
            Table(
                "表2　评分结果",
                [["一级指标", "分值", "得分", "得分率"]],
                rows,
                align=["left", "right", "right", "right"],
                widths=[4, 1.5, 2.5, 1.5],
            )
        )
        s.add(*self.figure("category", "各一级指标得分与分值"))
        if p.reported_total is not None:
            if c.scheme.review.scores_differ(p.reported_total, c.total):
                s.add(Paragraph(self._why_totals_differ()))
            else:
                s.add(Paragraph(f"单位自评得分 {fmt(p.reported_total)} 分，与按评分标准计算的结果一致。"))
        s.add(Heading(2, "（二）主要结论"))
        for line in conclusions.performance(self.ev):  # the reviewer's lines stay in the 复核底稿
            s.add(Paragraph(line))
        c = self.comparison
        if c is not None:  # 历史比较法、横向比较法 (tables 表3 on: 表1 and 表2 come before)
            s.add(Heading(2, "（三）历史比较"))
            caption = "历年预算执行与得分"
            figure = self.figure("history", caption)
            s.add(
                *c.history_blocks(3, figure[0].png if figure else None, figure[0].caption if figure else None)
            )
            s.add(Heading(2, "（四）横向比较"))
            s.add(*c.peer_blocks(5 if c.has_history else 3))
        return s

    def _why_totals_differ(self) -> str:
        c, p = self.card, self.project
        reasons: list[str] = []
        for cat in c.categories:
            if cat.unitemised > c.scheme.review.weight_tolerance.value:
                reasons.append(
                    f"{cat.name}方案分值 {fmt(cat.weight)} 分只细化了 {fmt(cat.itemised_weight)} 分，未细化的 {fmt(cat.unitemised)} 分无从计分"
                )
            elif cat.brought_to_weight:
                reasons.append(f"{cat.name}指标分值合计超过方案分值，按比例折算")
        diffs = [
            x
            for x in c.indicators
            if x.indicator.reported_score is not None
            and c.scheme.review.scores_differ(x.indicator.reported_score, x.score)
        ]
        if diffs:
            reasons.append(
                "、".join(
                    f"「{x.indicator.name}」自评 {fmt(x.indicator.reported_score)} 分、按标准 {st.points(x.score)} 分"
                    for x in diffs[:4]
                )
            )
        reported_sum = sum(x.indicator.reported_score or 0 for x in c.indicators)
        text = (
            f"单位自评得分 {fmt(p.reported_total)} 分{('（' + p.reported_grade + '）') if p.reported_grade else ''}，"
            f"按评分标准计算为 {c.total_text} 分，相差 {abs(p.reported_total - c.total):.2f} 分。"
        )
        if reasons:
            text += "差异在于：" + "；".join(reasons) + "。"
        elif abs(reported_sum + (c.budget.reported_score or 0) - p.reported_total) > 0.05:
            text += "自评总分与各项自评得分之和不一致。"
        return text

    # -- 五、结果应用建议 ------------------------------------------------------------------------
    def application(self) -> Section:
        s = Section("application", [Heading(1, "五、结果应用建议")])
        for line in conclusions.suggestions(self.ev):
            s.add(Paragraph(line))
        return s

    # -- 六、经验、问题和措施 -------------------------------------------------------------------
    def lessons(self) -> Section:
        ev = self.ev
        s = Section("lessons", [Heading(1, "六、主要经验及做法、存在的问题和改进措施")])
        s.add(Heading(2, "（一）主要经验及做法"))
        s.add(*_given_or_draft(ev, "experience", "", st.experience_draft(ev)))
        found = st.problems(ev)
        s.add(Heading(2, "（二）存在的问题"))
        drafts = [f"{n}.{x.problem}" for n, x in enumerate(found, 1)] or ["评价中未发现需要列出的问题。"]
        s.add(*_given_or_draft(ev, "problems", "", drafts))
        s.add(Heading(2, "（三）改进措施"))
        measures = [f"{n}.{x.measure}" for n, x in enumerate(found, 1)] or ["（请填写改进措施。）"]
        s.add(*_given_or_draft(ev, "measures", "", measures))
        return s

    # -- 附表 -----------------------------------------------------------------------------------
    def annex(self) -> Section:
        s = Section("annex", [PageBreak(), Heading(1, "附表")])
        s.add(annex.scoring_table(self.card))
        s.add(PageBreak())
        s.add(*annex.self_form(self.card))
        return s


def submission(
    ev: Evaluation, charts: dict[str, bytes | None] | None = None, comparison: Comparison | None = None
) -> Document:
    """The 绩效评价报告 of one evaluation (with 历史比较 and 横向比较 when a batch gave a comparison)."""
    return Submission(ev, charts, comparison).document()
