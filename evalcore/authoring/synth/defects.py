"""The defects reviewers meet in real forms, one per defective project: which review code should flag
each, and how each is made. Structural defects are built into the draft before it is scored;
reporting defects are written over the engine's scores afterwards."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from .draft import Draft, Ind
from .maker import Maker
from .numbers import fmt

#: Defect kinds → (the review code that should flag it, what it is). One defect per defective project.
DEFECTS: dict[str, tuple[str, str]] = {
    "weights_110": ("R001", "指标分值合计 110 分（某项产出指标多计 10 分）"),
    "under_itemised": ("R001", "效益指标细化不足：已细化分值少于 30 分"),
    "total_not_sum": ("R003", "自评总分不等于各项自评得分之和"),
    "total_differs": ("R004", "未达标指标按满分自评，自评总分高于正确总分"),
    "met_but_marked_down": ("R006", "实际值达到目标但自评未得满分，且未说明原因"),
    "total_row_zeros": ("R008", "年度资金总额一行为 0，资金只填在分项中"),
    "item_overspent": ("R010", "某项支出明细执行数超过其预算数"),
    "execution_over_100": ("R009", "预算执行率超过 100%"),
    "grade_mismatch": ("R012", "自评等级与自评总分不符"),
    "missing_unit": ("R011", "定量指标未写度量单位"),
    "score_above_weight": ("R005", "自评得分超过指标分值"),
}
DEFECT_RATE = 0.15
#: Built into the draft before it is scored, with the budget defects (total_row_zeros, item_overspent,
#: execution_over_100, built with the budget rows); the others are written over the scores afterwards.
STRUCTURAL = ("weights_110", "under_itemised", "total_differs", "missing_unit")


def _pick(rng: random.Random, inds: list[Ind], test: Callable[[Ind], bool]) -> Ind | None:
    candidates = [i for i in inds if test(i)]
    return rng.choice(candidates) if candidates else None


def build_defect(m: Maker, d: Draft, defect: str) -> str | None:
    """Build a structural defect into the clean draft, before it is scored; returns the defect, or
    None if it did not fit. (The budget defects are built with the budget rows.)"""
    inds = d.inds
    output, benefit, _ = m.form.names
    if defect == "weights_110":  # one 产出 row carries 10 points too many, and earns them
        i = _pick(m.rng, inds, lambda i: i.row["level1"] == output and i.met)
        if i is None:
            return None
        i.row["weight"] += 10
    elif defect == "under_itemised":
        i = _pick(m.rng, inds, lambda i: i.row["level1"] == benefit)
        if i is None or sum(1 for x in inds if x.row["level1"] == benefit) < 2:
            return None
        inds.remove(i)
    elif defect == "total_differs":  # an unmet row, its reason left out; full marks are reported later
        i = _pick(m.rng, inds, lambda i: not i.met and i.kind in ("count", "rate"))
        if i is None:  # make one fall short
            i = _pick(m.rng, inds, lambda i: i.kind == "count")
            if i is None:
                return None
            t = float(i.row["target"].lstrip("≥=").removesuffix(i.row["unit"]))
            i.row["actual"] = f"{fmt(max(1, math.floor(t * m.uniform(0.6, 0.9))))}{i.row['unit']}"
            i.met = False
        i.row.pop("deviation_reason", None)
        d.defect_row = i
    elif defect == "missing_unit":
        i = _pick(m.rng, inds, lambda i: i.kind == "count")
        if i is None:
            return None
        unit = i.row.pop("unit")
        i.row["target"] = i.row["target"].removesuffix(unit)
        i.row["actual"] = i.row["actual"].removesuffix(unit)
    return defect


def report_defect(rng: random.Random, d: Draft, defect: str) -> str | None:
    """Write a reporting defect over the scored draft's 自评得分; returns the defect, or None if it
    did not fit. (A wrong total or grade is written by `score.finish_draft`.)"""
    inds = d.inds
    if defect == "total_differs":
        i = d.defect_row
        assert i is not None
        i.row["reported_score"] = i.score = i.row["weight"]
    elif defect == "met_but_marked_down":
        i = _pick(
            rng,
            inds,
            lambda i: i.met and i.kind in ("count", "rate", "cost") and not i.row.get("deviation_reason"),
        )
        if i is None:
            return None
        i.row["reported_score"] = i.score = i.row["weight"] - rng.choice((0.5, 1, 1, 2))
    elif defect == "score_above_weight":
        i = _pick(rng, inds, lambda i: i.met)
        if i is None:
            return None
        i.row["reported_score"] = i.score = i.row["weight"] + rng.choice((1, 2, 5))
    return defect
