"""The product's findings R001–R021 (SPEC: stable codes), one entry each.

Each entry is the finding as a reviewer states it: what it looks at, when it is found, and what it
says, numbers included. Conditions read the scope's columns (`evalcore.findings.subjects`);
tolerances are the scheme's (`review:` in the scheme file).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..quantities import format_number as fmt
from ..rules.explain import pts
from ..rules.precision import as_printed
from ..rules.rule import EPS
from ..rules.totals import itemisation_gap
from .registry import ERROR, INFO, WARNING, Check, register
from .view import printed_decimals

REFERENCE = "SPEC.md Review findings；DOMAIN.md What reviewers find in real submitted forms"


def _r001_over(f: Mapping[str, Any]) -> str:
    """An over-itemised category says how its points were brought to its weight."""
    msg = f"「{f['category']}」方案分值 {fmt(f['weight'])} 分，已细化指标分值合计 {fmt(f['itemised'])} 分，多 {fmt(f['excess'])} 分"
    if f["over"] == "cap":
        return (
            msg
            + f"；该类得分 {pts(f['earned_raw'])} 分，以方案分值 {fmt(f['weight'])} 分为上限，计 {pts(f['earned'])} 分"
        )
    return (
        msg
        + f"；该类得分按比例折算：{pts(f['earned_raw'])} × {fmt(f['weight'])} ÷ {fmt(f['itemised'])} = {pts(f['earned'])} 分"
    )


register(
    "R001",
    "指标分值与一级指标分值或总分 100 不符",
    ERROR,
    checks=(
        Check(
            "category",
            lambda v, s: v.gap > 0,
            "「{category}」方案分值 {weight:n} 分，已细化指标分值合计 {itemised:n} 分，少 {gap:n} 分（未细化部分无从计分）",
            ("category", "weight", "itemised"),
        ),
        Check("category", lambda v, s: v.gap < 0, _r001_over, ("category", "weight", "itemised")),
        Check(
            "project",
            lambda v, s: (np.abs(v.itemised_total - 100) > v.weight_tolerance) & v.over_itemised,
            "全部指标分值合计 {itemised_total:n} 分，应为 100 分",
            ("itemised_total",),
        ),
        Check(
            "project",
            lambda v, s: v.has_unweighted,
            "{unweighted_count} 项指标未填分值，只列示、不计分：{unweighted_rows}",
            ("unweighted_count",),
        ),
    ),
    reference=REFERENCE,
)

register(
    "R002",
    "自评指标得分与复核重算得分不一致",
    ERROR,
    checks=(
        Check(
            "budget",
            lambda v, s: v.has_reported & (v.weight > 0) & v.differs_as_printed(v.reported, v.score),
            "预算执行率自评得分 {reported:n} 分，复核重算 {score:pts} 分：{explanation}",
            ("reported", "score"),
        ),
        Check(
            "indicator",
            lambda v, s: v.has_reported & v.differs_as_printed(v.reported, v.score) & ~v.clamped,
            "「{name}」自评得分 {reported:n} 分，复核重算 {score:pts} 分：{explanation}",
            ("reported", "score"),
        ),
        Check(
            "indicator",
            lambda v, s: v.has_reported & v.differs_as_printed(v.reported, v.score) & v.clamped,
            "「{name}」自评得分 {reported:n} 分，复核重算 {score:pts} 分（定性得分不在所定档次区间内）：{explanation}",
            ("reported", "score"),
        ),
    ),
    reference=REFERENCE,
)

register(
    "R003",
    "自评总分不等于各项自评得分之和",
    ERROR,
    scope="project",
    when=lambda v, s: v.has_reported_total & v.parts_complete & v.differs(v.reported_total, v.reported_sum),
    message="自评总分 {reported_total:n} 分，而各项自评得分之和为 {reported_sum:pts} 分，相差 {sum_gap:pts} 分",
    data=("reported_total", "reported_sum"),
    reference=REFERENCE,
)


def _r004(f: Mapping[str, Any]) -> str:
    """R004 says where the gap between the reported and the recomputed total comes from: weight the
    form never itemised (the seed: 10 效益 points), indicator scores that differ, a budget score
    left blank."""
    batch, k = f["batch"], f["k"]
    scheme = batch.scheme
    tol = scheme.review
    reported, total = f["reported_total"], f["total"]
    gap = reported - total
    msg = f"自评总分 {fmt(reported)} 分，复核重算 {pts(total)} 分（{f['grade']}），{'高' if gap > 0 else '低'} {pts(abs(gap))} 分"
    gaps = itemisation_gap(np.array([c.weight for c in scheme.categories]), batch.itemised[k], scheme)
    missing = [  # as R001 finds them
        (c.name, c.weight, it)
        for c, it, gap in zip(scheme.categories, batch.itemised[k].tolist(), gaps.tolist(), strict=True)
        if gap > 0
    ]
    if missing:
        lost = sum(wt - it for _, wt, it in missing)
        desc = "；".join(f"「{n}」方案分值 {fmt(wt)} 分而只细化了 {fmt(it)} 分" for n, wt, it in missing)
        full = total + lost * float(batch.scale[k])
        msg += f"。差额主要来自未细化的分值：{desc}，未细化的 {fmt(lost)} 分无从计分"
        msg += f"；若这部分按满分计入，总分为 {pts(full)} 分"
        if tol.scores_differ(reported, full):
            msg += f"，与自评总分仍差 {pts(abs(reported - full))} 分"
        else:
            msg += "，与自评总分一致"
    span = batch.rows_of(k)
    ids = batch.ids[span.start : span.stop][batch.columns.applicable[span.start : span.stop]]
    reported_rows, scores = batch.store.reported[ids], batch.store.score[ids]
    shown = as_printed(scores, np.full(len(scores), printed_decimals(batch)[k]))
    with np.errstate(invalid="ignore"):
        differ = ~np.isnan(reported_rows) & tol.scores_differ(reported_rows, shown)
    if differ.any():
        d = sum((reported_rows[differ] - scores[differ]).tolist())
        msg += f"；另有 {int(differ.sum())} 项指标自评得分与重算不一致，合计差 {d:+.2f} 分"
    budget = batch.budgets[k]
    if budget.weight > 0 and budget.reported_score is None:
        msg += f"（预算执行率未填自评得分，按重算 {pts(budget.score)} 分计）"
    return msg


register(
    "R004",
    "自评总分与复核重算总分不一致",
    ERROR,
    scope="project",
    when=lambda v, s: v.has_reported_total & v.differs_as_printed(v.reported_total, v.total),
    message=_r004,
    data=("reported_total", "total"),
    reference=REFERENCE,
)

register(
    "R005",
    "得分超过分值或为负数",
    ERROR,
    checks=(
        Check(
            "budget",
            lambda v, s: v.has_reported & (v.weight > 0) & (v.reported > v.weight + EPS),
            "预算执行率自评得分 {reported:n} 分，超过分值 {weight:n} 分",
        ),
        Check(
            "budget",
            lambda v, s: v.has_reported & (v.weight > 0) & (v.reported < 0),
            "预算执行率自评得分 {reported:n} 分，为负数",
        ),
        Check(
            "indicator",
            lambda v, s: v.has_reported & (v.reported > v.weight + EPS),
            "「{name}」自评得分 {reported:n} 分，超过分值 {weight:n} 分",
        ),
        Check(
            "indicator",
            lambda v, s: v.has_reported & (v.reported < 0),
            "「{name}」自评得分 {reported:n} 分，为负数",
        ),
        Check(
            "project",
            lambda v, s: v.has_reported_total & (v.reported_total > v.full_marks + EPS),
            "自评总分 {reported_total:n} 分，超过满分 {full_marks:n} 分",
        ),
    ),
    reference=REFERENCE,
)

register(
    "R006",
    "实际完成值达到目标但自评未得满分，且未说明原因",
    WARNING,
    scope="indicator",
    when=lambda v, s: (
        (v.quantitative | v.timed)
        & v.met
        & v.has_reported
        & (v.reported < v.weight - v.score_tolerance)
        & ~v.has_reason
    ),
    message="「{name}」实际完成 {actual} 已达到目标 {target}，自评只得 {reported:n} 分（分值 {weight:n}），且未说明原因",
    reference=REFERENCE,
)

register(
    "R007",
    "完成值远超或远低于目标，且未说明偏差原因",
    WARNING,
    checks=(
        Check(
            "indicator",
            lambda v, s: (
                v.upward
                & v.has_completion
                & ~v.has_reason
                & (v.completion >= s.quantitative.over_achievement.threshold)
            ),
            "「{name}」完成率 {completion:pct}，超过目标 {over_threshold:pct0} 以上（目标可能设定偏低），未说明偏差原因",
            ("completion",),
        ),
        Check(
            "indicator",
            lambda v, s: (
                v.upward & v.has_completion & ~v.has_reason & (v.completion < s.quantitative.far_below)
            ),
            "「{name}」完成率仅 {completion:pct}，远低于目标，未说明偏差原因",
            ("completion",),
        ),
    ),
    reference=REFERENCE,
)

register(
    "R008",
    "年度资金总额与分项资金不一致",
    ERROR,
    checks=(  # the budget rule found each one when it chose its basis
        Check(
            "contradiction",
            lambda v, s: ~v.second_total,
            "年度资金总额的{column}为 {total_row:n}{unit}，而当年财政拨款、上年结转资金、其他资金合计 {sub_rows:n}{unit}，两者不一致；已按{first_row}计分",
            ("column", "total_row", "sub_rows"),
        ),
        Check(
            "contradiction",
            lambda v, s: v.second_total,
            "预算执行有两行资金总额（{first_row}、{other_row}），{column}分别为 {total_row:n}{unit} 与 {sub_rows:n}{unit}，两者不一致；已按{first_row}计分，请核实",
            ("column", "total_row", "sub_rows"),
        ),
    ),
    reference=REFERENCE,
)

register(
    "R009",
    "预算执行率偏低未说明原因，或超过 100%",
    WARNING,
    checks=(
        Check(
            "budget",
            lambda v, s: v.above_budget,
            "预算执行率 {rate:pct2}（{executed:n}{unit} ÷ {adjusted:n}{unit}），超过 100%，属异常",
            ("rate",),
        ),
        Check(
            "budget",
            lambda v, s: v.has_rate & (v.rate < v.explain_below - EPS) & ~v.has_note,  # NaN: not required
            "预算执行率 {rate:pct2}，低于 {explain_below:pct0}，未说明原因",
            ("rate",),
        ),
    ),
    reference=REFERENCE,
)

register(
    "R010",
    "支出明细超出预算",
    WARNING,
    scope="budget_item",
    when=lambda v, s: v.overspent,
    message="支出明细「{source}」执行 {executed:n}{unit}，超出全年预算 {adjusted:n}{unit} {over:n}{unit}",
    data=("adjusted", "executed"),
    reference=REFERENCE,
)

register(
    "R011",
    "定量指标缺少度量单位，或指标值无法计量",
    WARNING,
    checks=(
        Check(
            "indicator",
            lambda v, s: v.no_unit,
            "「{name}」为定量指标，但年度指标值「{target}」与度量单位均未写单位",
        ),
        Check(
            "indicator",
            lambda v, s: v.unmeasurable,
            "「{name}」为可计量指标（{direction}），但{unmeasurable}，已按定性规则评分",
        ),
        Check(
            "indicator",
            lambda v, s: v.unrecognised & ~v.unmeasurable,
            "「{name}」实际完成值「{actual}」无法判定完成情况：{explanation}",
        ),
        Check("indicator", lambda v, s: v.negative_actual, "「{name}」实际完成值为负数（{actual}），按 0 计"),
        Check(
            "indicator",
            lambda v, s: v.missing_actual,
            "「{name}」实际完成值未填，不予计分（分值 {weight:n} 分）",
        ),
    ),
    reference=REFERENCE,
)

register(
    "R012",
    "自评等级与自评总分不符",
    ERROR,
    scope="project",
    when=lambda v, s: v.has_reported_total & v.has_reported_grade & ~v.grade_matches,
    message="自评等级「{reported_grade}」与自评总分 {reported_total:n} 分不符，按方案 {scheme} 应为「{expected_grade}」",
    data=("expected_grade",),
    reference=REFERENCE,
)

register(
    "R013",
    "指标性质未填，按年度指标值推定",
    INFO,
    scope="project",
    when=lambda v, s: v.has_inferred,
    message="{inferred_count} 项指标未填指标性质，已按年度指标值推定（推定结果见各项说明）：{inferred_rows}",
    data=("inferred_count",),
    reference="DOMAIN.md Real forms：多数省份的表没有指标性质列，按年度指标值推定并写明",
)

register(
    "R014",
    "指标性质与年度指标值的符号相反",
    ERROR,
    scope="indicator",
    when=lambda v, s: v.contradicted,
    message="「{name}」{readings}",
    reference="DOMAIN.md Real forms：指标性质 ≥ 而年度指标值 ≤200元，按年度指标值的符号计分",
)

register(
    "R015",
    "按推定的读法读取的数值",
    INFO,
    checks=(
        Check("indicator", lambda v, s: v.fraction | v.placed, "「{name}」{readings}"),
        Check("project", lambda v, s: v.has_readings, "{readings}"),
        Check(
            "project",
            lambda v, s: v.rounds_scores,
            "本表自评得分按{precision}填写，复核按{precision}比较（如「{rounded_name}」重算 {rounded_score:pts} 分，按{precision}为 {rounded_as_printed:n} 分）",
        ),
    ),
    reference="DOMAIN.md Real forms：0.93 按比例读作 93%；整分取整是惯例，按表识别一次",
)

# 历史比较: a project against its own previous year. No batch of one year can show these, so they
# have no checks here: `evalcore.explore.history` computes them over a portfolio of several years
# (the explorer's `load_portfolio`), and registering them here gives them their titles everywhere.
HISTORY = "evalcore.explore.history"
register(
    "R016", "目标设定偏低：年度目标不高于上年实际完成", WARNING, computed_by=HISTORY, reference=REFERENCE
)
register("R017", "预算执行率连续两年低于 90%", WARNING, computed_by=HISTORY, reference=REFERENCE)
register("R018", "同一指标连续两年未完成", WARNING, computed_by=HISTORY, reference=REFERENCE)
register("R019", "预算增加而得分下降", WARNING, computed_by=HISTORY, reference=REFERENCE)

register(
    "R020",
    "问卷：满意度背后的有效问卷不足 30 份",
    WARNING,
    scope="indicator",
    when=lambda v, s: v.survey_few,
    message="「{name}」{survey}",
    reference="DOMAIN.md Questionnaires：有效问卷不足 30 份，满意率不足以作为佐证",
)

register(
    "R021",
    "问卷：自评满意率在问卷 95% 置信区间之外",
    WARNING,
    scope="indicator",
    when=lambda v, s: v.survey_outside,
    message="「{name}」实际完成值「{actual}」与问卷不符：{survey}",
    reference="DOMAIN.md Questionnaires：满意率以 Wilson 法给出 95% 置信区间",
)
