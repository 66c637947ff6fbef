"""Review (复核): recompute and list every inconsistency, with stable codes R001–R012 (SPEC).

Each finding names the numbers in Chinese, so an analyst can act on it without a calculator.
The review reads a Scorecard and never changes it: data flows scoring → review.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .quantities import format_number as fmt
from .rules.budget import TOLERANCE
from .rules.explain import pct, pts
from .rules.indicators import CLAMPED, NEGATIVE_ACTUAL, UNMEASURABLE, UNRECOGNISED
from .scoring import FULL_MARKS, Scorecard

ERROR, WARNING, INFO = "error", "warning", "info"
SCORE_TOLERANCE = 0.0051  # printed scores have two decimals: a gap under half a hundredth is rounding

#: Stable meanings (SPEC); the message of each finding says the specifics.
CODES = {
    "R001": "指标分值与一级指标分值或总分 100 不符",
    "R002": "自评指标得分与复核重算得分不一致",
    "R003": "自评总分不等于各项自评得分之和",
    "R004": "自评总分与复核重算总分不一致",
    "R005": "得分超过分值或为负数",
    "R006": "实际完成值达到目标但自评未得满分，且未说明原因",
    "R007": "完成值远超或远低于目标，且未说明偏差原因",
    "R008": "年度资金总额与分项资金不一致",
    "R009": "预算执行率偏低未说明原因，或超过 100%",
    "R010": "支出明细超出预算",
    "R011": "定量指标缺少度量单位，或指标值无法计量",
    "R012": "自评等级与自评总分不符",
}


@dataclass(slots=True, frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    subject: str = ""  # the indicator or budget row concerned, or "" for the project
    data: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "subject": self.subject,
            "title": CODES.get(self.code, ""),
        }


def _differs(a: float, b: float) -> bool:
    return abs(a - b) > SCORE_TOLERANCE


def _weights(card: Scorecard) -> list[Finding]:
    out = []
    for c in card.categories:
        if abs(c.itemised_weight - c.weight) > 1e-6:
            gap = c.weight - c.itemised_weight
            what = f"少 {fmt(gap)} 分（未细化部分无从计分）" if gap > 0 else f"多 {fmt(-gap)} 分"
            out.append(
                Finding(
                    "R001",
                    ERROR,
                    f"「{c.name}」方案分值 {fmt(c.weight)} 分，已细化指标分值合计 {fmt(c.itemised_weight)} 分，{what}",
                    c.name,
                    {"category": c.name, "weight": c.weight, "itemised": c.itemised_weight},
                )
            )
    itemised = sum(c.itemised_weight for c in card.categories)
    if abs(itemised - FULL_MARKS) > 1e-6 and any(
        c.itemised_weight > c.weight + 1e-6 for c in card.categories
    ):
        out.append(
            Finding(
                "R001", ERROR, f"全部指标分值合计 {fmt(itemised)} 分，应为 100 分", "", {"itemised": itemised}
            )
        )
    return out


def _indicator_findings(card: Scorecard) -> list[Finding]:
    out: list[Finding] = []
    oa = card.scheme.quantitative.over_achievement.threshold
    far = card.scheme.quantitative.far_below
    for s in card.indicators:
        ind, name = s.indicator, s.indicator.name
        r = ind.reported_score
        if r is not None and (r > ind.weight + 1e-9 or r < 0):
            out.append(
                Finding(
                    "R005",
                    ERROR,
                    f"「{name}」自评得分 {fmt(r)} 分，"
                    + (f"超过分值 {fmt(ind.weight)} 分" if r > ind.weight else "为负数"),
                    name,
                )
            )
        if r is not None and _differs(r, s.score):
            why = "（定性得分不在所定档次区间内）" if CLAMPED in s.flags else ""
            out.append(
                Finding(
                    "R002",
                    ERROR,
                    f"「{name}」自评得分 {fmt(r)} 分，复核重算 {pts(s.score)} 分{why}：{s.explanation.text}",
                    name,
                    {"reported": r, "recomputed": s.score},
                )
            )
        reason = ind.deviation_reason.strip()
        if (
            ind.is_quantitative
            and s.met
            and r is not None
            and r < ind.weight - SCORE_TOLERANCE
            and not reason
        ):
            out.append(
                Finding(
                    "R006",
                    WARNING,
                    f"「{name}」实际完成 {ind.actual.raw} 已达到目标 {ind.target.raw}，"
                    f"自评只得 {fmt(r)} 分（分值 {fmt(ind.weight)}），且未说明原因",
                    name,
                )
            )
        if ind.direction in ("≥", ">", "=") and s.completion is not None and not reason:
            if s.completion >= oa:
                out.append(
                    Finding(
                        "R007",
                        WARNING,
                        f"「{name}」完成率 {pct(s.completion)}，超过目标 {pct(oa - 1, 0)} 以上"
                        f"（目标可能设定偏低），未说明偏差原因",
                        name,
                        {"completion": s.completion},
                    )
                )
            elif s.completion < far:
                out.append(
                    Finding(
                        "R007",
                        WARNING,
                        f"「{name}」完成率仅 {pct(s.completion)}，远低于目标，未说明偏差原因",
                        name,
                        {"completion": s.completion},
                    )
                )
        if ind.is_quantitative and ind.target_value is not None and ind.unit is None:
            out.append(
                Finding(
                    "R011",
                    WARNING,
                    f"「{name}」为定量指标，但年度指标值「{ind.target.raw}」与度量单位均未写单位",
                    name,
                )
            )
        if UNMEASURABLE in s.flags:
            out.append(
                Finding(
                    "R011",
                    WARNING,
                    f"「{name}」为可计量指标（{ind.direction}），但{s.explanation.text.split('，')[0]}，"
                    "已按定性规则评分",
                    name,
                )
            )
        elif UNRECOGNISED in s.flags:
            out.append(
                Finding(
                    "R011",
                    WARNING,
                    f"「{name}」实际完成值「{ind.actual.raw}」无法判定完成情况：{s.explanation.text}",
                    name,
                )
            )
        if NEGATIVE_ACTUAL in s.flags:
            out.append(
                Finding("R011", WARNING, f"「{name}」实际完成值为负数（{ind.actual.raw}），按 0 计", name)
            )
    return out


def _budget_findings(card: Scorecard) -> list[Finding]:
    b, u, out = card.budget, card.budget.amount_unit, []
    for label, total, parts in b.contradictions:
        out.append(
            Finding(
                "R008",
                ERROR,
                f"年度资金总额的{label}为 {fmt(total)}{u}，而当年财政拨款、上年结转资金、其他资金"
                f"合计 {fmt(parts)}{u}，两者不一致；已按分项合计计分",
                "年度资金总额",
                {"column": label, "total_row": total, "sub_rows": parts},
            )
        )
    rule = card.scheme.budget_execution
    rate = b.execution_rate
    if rate is not None and rate > 1 + 1e-9:
        out.append(
            Finding(
                "R009",
                WARNING,
                f"预算执行率 {pct(rate, 2)}（{fmt(b.executed)}{u} ÷ {fmt(b.adjusted)}{u}），"
                "超过 100%，属异常",
                "预算执行率",
                {"rate": rate},
            )
        )
    elif (
        rate is not None
        and rule
        and rule.explain_below is not None
        and rate < rule.explain_below - 1e-9
        and not card.project.budget_note.strip()
    ):
        out.append(
            Finding(
                "R009",
                WARNING,
                f"预算执行率 {pct(rate, 2)}，低于 {pct(rule.explain_below, 0)}，未说明原因",
                "预算执行率",
                {"rate": rate},
            )
        )
    for item in b.items:
        if item.executed > item.adjusted + TOLERANCE:
            out.append(
                Finding(
                    "R010",
                    WARNING,
                    f"支出明细「{item.source}」执行 {fmt(item.executed)}{u}，"
                    f"超出全年预算 {fmt(item.adjusted)}{u} {fmt(item.executed - item.adjusted)}{u}",
                    item.source,
                    {"adjusted": item.adjusted, "executed": item.executed},
                )
            )
    r = b.reported_score
    if r is not None and b.weight > 0:
        if r > b.weight + 1e-9 or r < 0:
            out.append(
                Finding(
                    "R005",
                    ERROR,
                    f"预算执行率自评得分 {fmt(r)} 分，"
                    + (f"超过分值 {fmt(b.weight)} 分" if r > b.weight else "为负数"),
                    "预算执行率",
                )
            )
        if _differs(r, b.score):
            out.append(
                Finding(
                    "R002",
                    ERROR,
                    f"预算执行率自评得分 {fmt(r)} 分，复核重算 {pts(b.score)} 分：{b.explanation.text}",
                    "预算执行率",
                    {"reported": r, "recomputed": b.score},
                )
            )
    return out


def _total_findings(card: Scorecard, weight_findings: list[Finding]) -> list[Finding]:
    p, out = card.project, []
    reported = p.reported_total
    if reported is None:
        return out
    parts = [s.indicator.reported_score for s in card.indicators]
    budget_needed = card.budget.weight > 0
    if all(x is not None for x in parts) and (card.budget.reported_score is not None or not budget_needed):
        reported_sum = sum(parts) + (card.budget.reported_score or 0.0)  # type: ignore[arg-type]
        reported_sum *= card.scale
        if _differs(reported, reported_sum):
            out.append(
                Finding(
                    "R003",
                    ERROR,
                    f"自评总分 {fmt(reported)} 分，而各项自评得分之和为 {pts(reported_sum)} 分，"
                    f"相差 {pts(abs(reported - reported_sum))} 分",
                    "",
                    {"reported": reported, "sum": reported_sum},
                )
            )
    if _differs(reported, card.total):
        gap = reported - card.total
        msg = (
            f"自评总分 {fmt(reported)} 分，复核重算 {pts(card.total)} 分（{card.grade}），"
            f"{'高' if gap > 0 else '低'} {pts(abs(gap))} 分"
        )
        missing = [
            (f.data["category"], f.data["weight"], f.data["itemised"])
            for f in weight_findings
            if "category" in f.data and f.data["weight"] > f.data["itemised"]
        ]  # type: ignore[operator]
        if missing:
            lost = sum(wt - it for _, wt, it in missing)  # type: ignore[operator]
            desc = "；".join(f"「{n}」方案分值 {fmt(wt)} 分而只细化了 {fmt(it)} 分" for n, wt, it in missing)  # type: ignore[arg-type]
            full = card.total + lost * card.scale  # type: ignore[operator]
            msg += f"。差额主要来自未细化的分值：{desc}，未细化的 {fmt(lost)} 分无从计分"  # type: ignore[arg-type]
            msg += f"；若这部分按满分计入，总分为 {pts(full)} 分"
            rest = reported - full
            msg += "，与自评总分一致" if not _differs(rest, 0) else f"，与自评总分仍差 {pts(abs(rest))} 分"
        diffs = [
            s
            for s in card.indicators
            if s.indicator.reported_score is not None and _differs(s.indicator.reported_score, s.score)
        ]
        if diffs:
            d = sum(s.indicator.reported_score - s.score for s in diffs)  # type: ignore[operator]
            msg += f"；另有 {len(diffs)} 项指标自评得分与重算不一致，合计差 {d:+.2f} 分"
        if card.budget.weight > 0 and card.budget.reported_score is None:
            msg += f"（预算执行率未填自评得分，按重算 {pts(card.budget.score)} 分计）"
        out.append(Finding("R004", ERROR, msg, "", {"reported": reported, "recomputed": card.total}))
    if p.reported_grade:
        expected = card.scheme.grade_for(reported)
        if p.reported_grade.strip().rstrip("秀好等") != expected and p.reported_grade.strip() != expected:
            out.append(
                Finding(
                    "R012",
                    ERROR,
                    f"自评等级「{p.reported_grade}」与自评总分 {fmt(reported)} 分不符，"
                    f"按方案 {card.scheme.id} 应为「{expected}」",
                    "",
                    {"expected": expected},
                )
            )
    return out


def review(card: Scorecard) -> list[Finding]:
    weights = _weights(card)
    findings = weights + _budget_findings(card) + _indicator_findings(card) + _total_findings(card, weights)
    return sorted(findings, key=lambda f: f.code)
