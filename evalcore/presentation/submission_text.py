"""The sentences of the submitted 绩效评价报告 that are written from the evaluation by rules.

Two kinds, kept apart because the analyst must be able to tell them apart:
- **statements of the form's own numbers** (资金使用情况, the paragraph per indicator, 评分结果):
  every figure is read from the input or computed by the rulebook, so they are printed as they are;
- **drafts** for the narrative fields the input left empty (立项背景, 存在的问题, 改进措施, …): a
  draft says only what the evaluation shows (a rate under 90%, an unmet indicator, a target set too
  low, a weight off the scheme, a line item over budget) or asks for what only the unit knows. It
  never invents a fact, and the document marks it 【草稿】 for the analyst to edit.

Per-indicator paragraphs follow the seed report: what was reached, with its numbers, then
「根据评分标准，该项指标得N分」 with the computation in brackets so a reader can check it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..evaluation import Evaluation
from ..model import SurveyBasis
from ..quantities import format_number as fmt
from ..rules import IndicatorScore
from ..rules.budget import BudgetScore
from ..rules.survey import survey_interval
from ..scoring import CategoryScore
from ..vocabulary import DOWNWARD, UPWARD
from .formats import money

LOW_EXECUTION = 0.9  # DOMAIN: execution under 90% is the line reviewers draw


def pct(x: float, d: int = 2) -> str:
    return f"{x * 100:.{d}f}%"


def points(x: float) -> str:
    """A score as the seed prints it: 7.3, 4.9, 10 (two decimals at most, trailing zeros dropped)."""
    return fmt(round(x + 0.0, 2))


def amount(x: float, unit: str) -> str:
    return f"{money(x, unit)}{unit}"


# -- statements -------------------------------------------------------------------------------------
def funds_statement(b: BudgetScore) -> str:
    """资金使用情况 from the budget rows, as the seed writes it (预算安排60万元 … 实际支出53万元)."""
    u = b.amount_unit
    text = f"项目年初预算 {amount(b.initial, u)}，全年预算 {amount(b.adjusted, u)}，全年执行 {amount(b.executed, u)}"
    if b.execution_rate is not None:
        text += f"，预算执行率 {pct(b.execution_rate)}"
    text += "。"
    if b.funding:
        parts = [f"{r.source} {amount(r.adjusted, u)}" for r in b.funding if r.adjusted]
        if parts:
            text += "资金来源为" + "、".join(parts) + "。"
    if b.items:
        over = [r for r in b.items if b.overspent(r)]
        text += f"支出明细 {len(b.items)} 项" + (
            "，其中"
            + "、".join(
                f"「{r.source}」支出 {amount(r.executed, u)}，超出预算 {amount(r.executed - r.adjusted, u)}"
                for r in over
            )
            + "。"
            if over
            else "，均在预算之内。"
        )
    if b.basis != "年度资金总额":
        text += f"执行率按{b.basis}计算。"
    return text


def budget_paragraph(b: BudgetScore) -> str:
    """The 预算执行率 paragraph of 三、绩效评价指标分析."""
    u = b.amount_unit
    if b.execution_rate is None:
        return f"全年预算数为 0，无法计算预算执行率。根据评分标准，该项指标得{points(b.score)}分。"
    text = (
        f"全年预算数 {amount(b.adjusted, u)}，全年执行数 {amount(b.executed, u)}，"
        f"预算执行率 {pct(b.execution_rate)}。"
    )
    return text + f"根据评分标准，该项指标得{points(b.score)}分（{b.explanation.text}）。"


def indicator_paragraph(s: IndicatorScore, unit_text: str = "") -> str:
    """What an indicator reached, with its numbers, and its points — one paragraph, as the seed."""
    ind = s.indicator
    target, actual = ind.target.raw.strip(), ind.actual.raw.strip()
    parts: list[str] = []
    if not actual:
        parts.append(f"年度指标值为{target or '（未填写）'}，实际完成值未填写，该项指标不计分。")
        return "".join(parts)
    if ind.direction == "时限":
        parts.append(f"年度指标值为{target}，实际完成情况为{actual}")
        parts.append("，按时完成。" if s.met else "，未按时完成。" if s.met is False else "。")
    elif ind.direction == "定性":
        parts.append(f"年度指标值为「{target}」，实际完成情况为「{actual}」")
        parts.append(f"，评定为「{s.level}」。" if s.level else "。")
    elif s.completion is not None and ind.direction in DOWNWARD:
        parts.append(f"年度指标值为{target}（上限），实际为{actual}")
        parts.append("，控制在目标以内。" if s.met else f"，超出目标 {pct(s.completion - 1, 1)}。")
    elif s.completion is not None:
        parts.append(f"年度指标值为{target}，实际完成{actual}，完成率 {pct(s.completion, 1)}")
        parts.append("，达到年度目标。" if s.met else "，未达到年度目标。")
    else:
        parts.append(f"年度指标值为{target}，实际完成{actual}。")
    explanation = s.explanation.text
    if ind.survey_basis is not None:  # the basis once, in the report's words, not again in the explanation
        parts.append(survey_note(ind.survey_basis))
        said = s.explanation.inputs.get("survey")
        if isinstance(said, str) and explanation.startswith(said):
            explanation = explanation[len(said) :].lstrip("。")
    if ind.deviation_reason.strip():
        parts.append(f"偏差原因：{ind.deviation_reason.strip().rstrip('。')}。")
    parts.append(f"根据评分标准，该项指标得{points(s.score)}分（{explanation}）。")
    return "".join(parts)


def survey_note(basis: SurveyBasis) -> str:
    """「（问卷调查：有效问卷 60 份，满意率 90.0%，95% 置信区间 79.9%–95.3%）」 under a 满意度 indicator."""
    low, high = survey_interval(basis)
    return f"（问卷调查：有效问卷 {basis.valid} 份，满意率 {pct(basis.rate, 1)}，95% 置信区间 {pct(low, 1)}–{pct(high, 1)}）"


def category_heading(cat: CategoryScore) -> str:
    return f"{cat.name}（{fmt(cat.weight)}分）"


# -- drafts -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """A problem the evaluation shows, and the measure that answers it."""

    kind: str
    problem: str
    measure: str


def problems(ev: Evaluation) -> list[Problem]:
    """存在的问题 drafted from the evaluation: each one exists because a number crossed a line."""
    c, b, p = ev.card, ev.card.budget, ev.project
    u = p.amount_unit
    out: list[Problem] = []
    if b.execution_rate is not None and b.execution_rate < LOW_EXECUTION:
        out.append(
            Problem(
                "execution",
                f"预算执行率偏低。全年预算 {amount(b.adjusted, u)}，执行 {amount(b.executed, u)}，执行率 {pct(b.execution_rate)}，"
                f"低于 90%，{amount(b.adjusted - b.executed, u)} 未支出，预算编制与实际支出需求存在差距。",
                "提高预算编制的准确性，按实际支出需求编制下年度预算；加强预算执行进度管理，定期分析执行情况，及时调整。",
            )
        )
    if b.above_budget:
        out.append(
            Problem(
                "above",
                f"执行数超过全年预算：执行 {amount(b.executed, u)}，全年预算 {amount(b.adjusted, u)}。",
                "核实超支原因，严格按预算执行，确需调整的按程序办理预算调整。",
            )
        )
    over = [r for r in b.items if b.overspent(r)]
    if over:
        names = "、".join(f"「{r.source}」" for r in over[:3]) + (
            f"等 {len(over)} 项" if len(over) > 3 else ""
        )
        out.append(
            Problem(
                "items",
                f"成本把控不严格。支出明细{names}支出超出预算，未能在预算金额内完成。",
                "加强成本控制，对超出预算的支出事项事前审批；下年度据实编列明细预算。",
            )
        )
    unmet = [s for s in c.indicators if s.met is False]
    if unmet:
        names = "、".join(
            f"「{s.indicator.name}」"
            + (
                f"（完成率 {pct(s.completion, 1)}）"
                if s.completion is not None and s.indicator.direction in UPWARD
                else ""
            )
            for s in unmet[:4]
        ) + (f"等 {len(unmet)} 项" if len(unmet) > 4 else "")
        out.append(
            Problem(
                "unmet",
                f"部分绩效目标未完成。{names}未达到年度指标值。",
                "逐项分析未完成原因，落实整改责任和时限；下年度结合实际合理设定目标并加强过程跟踪。",
            )
        )
    threshold = c.scheme.quantitative.over_achievement.threshold
    high = [
        s
        for s in c.indicators
        if s.completion is not None and s.indicator.direction in UPWARD and s.completion >= threshold
    ]
    if high:
        names = "、".join(f"「{s.indicator.name}」（完成率 {pct(s.completion, 1)}）" for s in high[:4])
        out.append(
            Problem(
                "low_target",
                f"目标值设定偏低。{names}实际完成值超过年度指标值 {pct(threshold - 1, 0)} 以上。",
                "依据历史完成情况和工作计划科学设定绩效目标，适当提高目标值。",
            )
        )
    off = [cat for cat in c.categories if abs(cat.unitemised) > c.scheme.review.weight_tolerance.value]
    if off:
        parts = [
            f"{cat.name}方案分值 {fmt(cat.weight)} 分，指标细化 {fmt(cat.itemised_weight)} 分" for cat in off
        ]
        out.append(
            Problem(
                "weights",
                "绩效指标分值与评分方案不符：" + "；".join(parts) + "。",
                "按评分方案的分值完整细化三级指标，使各级指标分值合计与方案一致。",
            )
        )
    unmeasurable = [s for s in c.indicators if not s.indicator.actual.raw.strip()]
    if unmeasurable or c.unscored_weight:
        out.append(
            Problem(
                "unmeasured",
                f"部分指标未填写实际完成值（{len(unmeasurable)} 项），无法评价其完成情况。",
                "完善绩效运行监控和数据采集，如实填报每项指标的实际完成值。",
            )
        )
    if p.reported_total is not None and c.scheme.review.scores_differ(p.reported_total, c.total):
        out.append(
            Problem(
                "self_score",
                f"自评得分不准确。单位自评 {fmt(p.reported_total)} 分，按评分标准复核为 {c.total_text} 分。",
                "严格按评分标准开展自评，逐项核对得分和合计，加强自评质量审核。",
            )
        )
    return out


def experience_draft(ev: Evaluation) -> list[str]:
    """经验做法: only what the numbers support (targets met, a budget spent as planned)."""
    c, b = ev.card, ev.card.budget
    out: list[str] = []
    met = [s for s in c.indicators if s.met]
    if c.indicators and len(met) == len(c.indicators):
        out.append(f"绩效目标全部完成：{len(met)} 项三级指标均达到年度指标值。")
    elif met:
        out.append(f"{len(c.indicators)} 项三级指标中 {len(met)} 项达到年度指标值。")
    if b.execution_rate is not None and LOW_EXECUTION <= b.execution_rate <= 1 + 1e-9:
        out.append(f"预算执行较好，执行率 {pct(b.execution_rate)}。")
    out.append("（请补充项目实施中行之有效的做法，如组织保障、制度建设、过程管理等。）")
    return out
