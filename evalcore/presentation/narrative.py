"""Sentences written from the data: per-category paragraphs, the overall conclusion (综合评价结论)
and suggestions for using the result (结果应用建议).

These are rules, not prose: each sentence exists because a number crossed a line, and says the
number. Per 财预〔2020〕10号 evaluation results feed next year's budget: 优/良 keep support,
中/差 adjust or cut; low execution suggests trimming the budget to what is spent. Next year's
budget gets one piece of advice, decided once by `budget_decision`, so the suggestions never say
both 「核减下年度预算」 and 「保持预算安排」.
"""

from __future__ import annotations

from ..evaluation import Evaluation
from ..quantities import format_number as fmt
from ..rules import IndicatorScore
from ..scoring import CategoryScore
from ..vocabulary import EXCELLENT, FAIR, GOOD, POOR, UPWARD
from .formats import project_money, project_phrase

LOW_EXECUTION = 0.9
BUDGET_CUT_NOTICE = 0.1  # 全年预算 below 年初 by more than this: say the rate flatters
CUT, KEEP, ADJUST = "核减", "保持", "调整"  # what next year's budget is advised to do


def budget_decision(execution_rate: float | None, grade: str) -> str | None:
    """Next year's budget advice, one decision from the execution rate and the grade:

    - 核减 (cut) when the rate is under 90% (money was asked for and not spent) or the grade is 差,
      whatever else holds: a good score does not justify money the project did not use;
    - else 保持 (keep) when the grade is 优 or 良 (the rate, when known, is then at least 90%);
    - else 调整 (adjust: scale down and put right) when the grade is 中;
    - else None: a grade outside 优良中差 (a scheme of one's own) is left to the local rules.
    An unknown rate (no budget rows) decides nothing: the grade alone does."""
    if (execution_rate is not None and execution_rate < LOW_EXECUTION) or grade == POOR:
        return CUT
    if grade in (EXCELLENT, GOOD):
        return KEEP
    if grade == FAIR:
        return ADJUST
    return None


def _pct(x: float, d: int = 1) -> str:
    return f"{x * 100:.{d}f}%"


def _names(items: list[IndicatorScore], limit: int = 3) -> str:
    shown = "、".join(f"「{s.indicator.name}」" for s in items[:limit])
    return shown + (f"等 {len(items)} 项" if len(items) > limit else "")


def unmet(card_indicators: list[IndicatorScore]) -> list[IndicatorScore]:
    return [s for s in card_indicators if s.met is False]


def category_paragraph(cat: CategoryScore, unit_weight_note: bool = True) -> str:
    if not cat.indicators and not cat.budget_weight:
        if cat.not_applicable:
            return f"{cat.name}：方案分值 {fmt(cat.weight)} 分，所列指标均不适用，按百分制折算。"
        return f"{cat.name}：方案分值 {fmt(cat.weight)} 分，但未细化任何三级指标，该部分无从计分（得 0 分）。"
    rate = cat.score / cat.weight if cat.weight else 0.0
    text = f"{cat.name}：方案分值 {fmt(cat.weight)} 分，得 {cat.score:.2f} 分，得分率 {_pct(rate)}。"
    if cat.budget_weight:
        text += f"其中预算执行率 {fmt(cat.budget_weight)} 分。"
    if cat.indicators:
        missed = unmet(cat.indicators)
        n = len(cat.indicators)
        if not missed:
            text += f"{n} 项三级指标全部达成目标。"
        else:
            detail = "、".join(
                f"「{s.indicator.name}」"
                + (f"（完成 {_pct(s.completion)}）" if s.completion is not None else "")
                for s in missed[:4]
            )
            text += (
                f"{n} 项三级指标中 {n - len(missed)} 项达成目标，未达成的有 {detail}"
                + (f" 等 {len(missed)} 项" if len(missed) > 4 else "")
                + "。"
            )
    if cat.not_applicable:
        text += f"另有 {len(cat.not_applicable)} 项指标不适用，已剔除并按百分制折算。"
    if unit_weight_note and cat.unitemised > 0:
        text += (
            f"该类只细化了 {fmt(cat.itemised_weight)} 分，未细化的 {fmt(cat.weight - cat.itemised_weight)} 分"
            "无从计分。"
        )
    elif cat.unitemised < 0:
        text += f"该类指标分值合计 {fmt(cat.itemised_weight)} 分，超过方案分值 {fmt(cat.weight)} 分。"
    return text


def conclusion(ev: Evaluation) -> list[str]:
    c, p = ev.card, ev.project
    name = p.name if str(p.year) in p.name else f"{p.name}（{p.year}年度）"
    out = [f"{project_phrase(name)}复核得分 {c.total_text} 分，评价等级为「{c.grade}」。"]
    out += performance(ev)
    if p.reported_total is not None:
        gap = p.reported_total - c.total
        if c.scheme.review.scores_differ(p.reported_total, c.total):
            out.append(
                f"单位自评 {fmt(p.reported_total)} 分{('（' + p.reported_grade + '）') if p.reported_grade else ''}，"
                f"比复核结果{'高' if gap > 0 else '低'} {abs(gap):.2f} 分，差异原因见“复核发现”。"
            )
        else:
            out.append(f"单位自评 {fmt(p.reported_total)} 分，与复核结果一致。")
    errors = sum(1 for f in ev.findings if f.severity == "error")
    out.append(
        f"复核发现 {len(ev.findings)} 项问题（其中错误 {errors} 项）。" if ev.findings else "复核未发现问题。"
    )
    return out


def performance(ev: Evaluation) -> list[str]:
    """What the project achieved, in both documents' conclusions: its budget execution and its
    indicators (the reviewer's lines — the self-score gap, the findings tally — are `conclusion`'s)."""
    c, p, b = ev.card, ev.project, ev.card.budget
    u, money = p.amount_unit, project_money(p)
    out: list[str] = []
    if b.execution_rate is not None:
        out.append(
            f"全年预算 {money(b.adjusted)}{u}，执行 {money(b.executed)}{u}，预算执行率 {_pct(b.execution_rate, 2)}"
            f"，得 {b.score:.2f} 分（分值 {fmt(b.weight)}）。"
        )
    n = len(c.indicators)
    missed = unmet(c.indicators)
    if n:
        out.append(
            f"共 {n} 项适用的三级指标，{n - len(missed)} 项达成目标"
            + (f"，{_names(missed)}未达成。" if missed else "，全部达成。")
        )
    return out


def suggestions(ev: Evaluation) -> list[str]:
    """结果应用建议: one line per problem found, then the one advice on next year's budget."""
    c, b = ev.card, ev.card.budget
    codes = {f.code for f in ev.findings}
    out: list[str] = []
    if b.above_budget:
        out.append(
            f"执行数超过全年预算（执行率 {_pct(b.execution_rate, 2)}）：建议核实超支原因，规范预算调整程序。"
        )
    if b.initial > 0 and b.adjusted < b.initial * (1 - BUDGET_CUT_NOTICE) and b.initial_rate is not None:
        out.append(
            f"全年预算较年初预算调减 {_pct(1 - b.adjusted / b.initial)}，按年初预算口径执行率仅 "
            f"{_pct(b.initial_rate, 2)}：建议提高预算编制的准确性。"
        )
    overspent = [i for i in b.items if b.overspent(i)]
    if overspent:
        out.append(
            "支出明细"
            + "、".join(f"「{i.source}」" for i in overspent[:3])
            + " 超出预算：建议核查超支事项并在下年度预算中据实安排。"
        )
    missed = unmet(c.indicators)
    if missed:
        out.append(
            f"{_names(missed)}未达成年度目标：建议分析原因、落实整改措施，并在下年度绩效目标中合理设定。"
        )
    high = [
        s
        for s in c.indicators
        if s.completion is not None
        and s.indicator.direction in UPWARD
        and s.completion >= c.scheme.quantitative.over_achievement.threshold
    ]
    if high:
        out.append(
            f"{_names(high)}完成值超过目标 {_pct(c.scheme.quantitative.over_achievement.threshold - 1, 0)} 以上："
            "目标可能设定偏低，建议下年度提高目标值。"
        )
    if "R001" in codes:
        out.append(
            "绩效指标分值与方案不符（部分分值未细化或合计不为 100 分）：建议按方案分值完整细化三级指标。"
        )
    if codes & {"R002", "R003", "R004", "R005", "R012"}:
        out.append("自评得分存在计算或填报错误：建议按复核结果更正自评表，并加强自评质量审核。")
    if "R008" in codes:
        out.append("预算执行表中年度资金总额与分项资金不一致：建议核对预算执行数据。")
    if "R011" in codes:
        out.append("部分指标缺少度量单位或无法计量：建议补充单位、细化量化指标，使目标可衡量。")
    out += _history_advice(ev)
    out.append(_budget_advice(ev))
    return out


def _history_advice(ev: Evaluation) -> list[str]:
    """What the 历史比较 (R016–R019, found by a batch or the explorer over several years) asks of
    next year: the indicators named, no codes (the submitted report carries none)."""
    by_code: dict[str, list[str]] = {}
    for f in ev.findings:
        by_code.setdefault(f.code, []).append(f.subject)
    out: list[str] = []
    if "R016" in by_code:
        out.append(
            f"{_quoted(by_code['R016'])}本年目标不高于上年实际完成值（目标设定偏低）：建议以上年实际水平为基础设定下年度目标。"
        )
    if "R017" in by_code:
        out.append("预算执行率连续两年低于 90%：建议核减下年度预算，核查资金闲置原因。")
    if "R018" in by_code:
        out.append(f"{_quoted(by_code['R018'])}连续两年未完成：建议重新论证指标和实施方式，落实整改。")
    if "R019" in by_code:
        out.append("全年预算较上年增加而得分下降：建议评估新增资金的使用绩效，下年度预算安排与绩效挂钩。")
    return out


def _quoted(names: list[str], limit: int = 3) -> str:
    shown = "、".join(f"「{n}」" for n in names[:limit] if n)
    return shown + (f"等 {len(names)} 项" if len(names) > limit else "")


def _budget_advice(ev: Evaluation) -> str:
    """The one sentence on next year's budget, as `budget_decision` decides, with its reasons."""
    c, p, b = ev.card, ev.project, ev.card.budget
    rate, grade = b.execution_rate, c.grade
    decision = budget_decision(rate, grade)
    low = rate is not None and rate < LOW_EXECUTION
    rate_text = "" if rate is None else f"预算执行率 {_pct(rate, 2)}"
    if decision == CUT:
        reasons = [
            f"{rate_text}，低于 {_pct(LOW_EXECUTION, 0)}" if low else "",
            "绩效较差" if grade == POOR else "",
        ]
        text = f"{'，'.join(r for r in reasons if r)}：建议结合实际支出需求核减下年度预算"
        if low:
            text += f"（本年实际执行 {project_money(p)(b.executed)}{p.amount_unit}），并加快支出进度"
        if grade == POOR:
            text += "；必要时暂停该项目，组织专项整改"
        return text + "。"
    lead = "、".join(
        x
        for x in ({EXCELLENT: "绩效优秀", GOOD: "绩效良好", FAIR: "绩效一般"}.get(grade, ""), rate_text)
        if x
    )
    if decision == KEEP:
        tail = (
            "建议继续予以支持，保持预算安排。"
            if grade == EXCELLENT
            else "建议保持预算安排，同时针对上述问题加以改进。"
        )
        return f"{lead}：{tail}"
    if decision == ADJUST:
        return f"{lead}：建议调整下年度预算规模，并限期整改。"
    return f"评价等级「{grade}」：请按本地绩效结果应用办法处理。"
