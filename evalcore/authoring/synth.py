"""Synthetic city portfolios (`evalcore synth`): realistic enough to demo and test on, any size.

A portfolio is a fictional city's (default 江城市) self-evaluations for one year: real municipal
department names, the projects those departments actually run, indicators that fit them, skewed
budgets, mostly-met targets with explained shortfalls. Clean projects are internally consistent
by the DOMAIN.md rules: every reported score is exactly what the rules give (scores are built to
have two decimals, so printed and recomputed totals agree to the cent), shortfalls and low
execution carry their reasons. About 15% of projects carry one defect reviewers meet in real forms
(weights adding to 110, a total that is not the sum, a zero 年度资金总额 row, …). Defects are review
findings, never input errors: every project loads.

Which defect a project got is kept out of the files (a reviewer should find it, not read it); tests
get it from `synthesize(..., with_labels=True)` or `defect_labels`. Same seed, same portfolio.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, overload

from .catalog import (
    BUDGET_NOTES,
    DEPARTMENTS,
    DISTRICTS,
    GENERIC_ITEMS,
    REASONS_COST,
    REASONS_COUNT,
    REASONS_LATE,
    REASONS_OVER,
    REASONS_QUALITATIVE,
    REASONS_RATE,
    REASONS_SATISFACTION,
    Department,
    Kind,
)
from .writers import bulk_allocation, write_project_files, write_tables

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

LEVEL1 = ("产出指标", "效益指标", "满意度指标")
CATEGORY_WEIGHTS = (50, 30, 10)  # self-2020; 预算执行率 10 is scored from the budget rows
BUDGET_WEIGHT = 10
LEVEL2_BENEFIT = {
    "社会": "社会效益指标",
    "经济": "经济效益指标",
    "生态": "生态效益指标",
    "可持续": "可持续影响指标",
}
ACHIEVED, PARTIAL = "达成年度指标", "部分达成年度指标并具有一定效果"
GRADES = ((90, "优"), (80, "良"), (60, "中"), (0, "差"))
YUAN_PER_WAN = 10_000
#: Indicators many forms add whatever the project: supervision visits, compliance, timely payment.
EXTRA_QUANTITY = ("开展项目督导检查|次|4|24", "组织业务培训|期|2|12", "印发工作方案和管理制度|份|2|10")
EXTRA_QUALITY = ("资金使用合规率|=100%", "项目档案资料完整率|≥95%")
EXTRA_TIMELINESS = ("资金拨付及时率|≥95%", "任务按期完成率|=100%")


def grade_for(total: float) -> str:
    return next(name for floor, name in GRADES if total >= floor)


def fmt(x: float) -> str:
    """Numbers as a person types them: no trailing zeros, at most four decimals (元 in 万元)."""
    x = round(x, 4)
    if x == int(x):
        return str(int(x))
    return f"{x:.4f}".rstrip("0").rstrip(".")


def _parse_spec(spec: str) -> tuple[str, str, float, str]:
    """`≥95%` → (≥, 95, %); `=0起` → (=, 0, 起)."""
    cmp = spec[0]
    i = 1
    while i < len(spec) and (spec[i].isdigit() or spec[i] == "."):
        i += 1
    return cmp, spec[1:i], float(spec[1:i]), spec[i:]


@dataclass(slots=True)
class _Ind:
    """An indicator row under construction plus what defects need to know about it."""

    row: dict
    kind: str  # count | rate | reverse | zero | qualitative | deadline | cost
    met: bool
    score: float

    @property
    def weight(self) -> int:
        return self.row["weight"]


@dataclass(slots=True)
class _Draft:
    project: dict
    inds: list[_Ind] = field(default_factory=list)
    budget_score: float = 0.0
    title: str = ""  # the project kind as the goals name it
    phrases: list[str] = field(default_factory=list)  # qualitative benefits, for the goals


class _Maker:
    """All the random draws for one portfolio, in one place so the stream order is fixed."""

    def __init__(self, seed: int, year: int) -> None:
        self.rng = random.Random(seed)
        self.year = year
        self.random = self.rng.random
        self.uniform = self.rng.uniform
        self.choice = self.rng.choice

    # ---------------------------------------------------------- weights

    def split(self, total: int, importances: list[float]) -> list[int]:
        """Integer weights summing to `total`, roughly proportional to importance, each ≥ 2."""
        raw = [imp * self.uniform(0.75, 1.3) for imp in importances]
        s = sum(raw)
        exact = [total * r / s for r in raw]
        parts = [max(2, int(e)) for e in exact]
        order = sorted(range(len(parts)), key=lambda i: parts[i] - exact[i])
        i = 0
        while sum(parts) < total:
            parts[order[i % len(parts)]] += 1
            i += 1
        while sum(parts) > total:
            j = max(range(len(parts)), key=lambda k: parts[k])
            parts[j] -= 1
        return parts

    # ---------------------------------------------------------- quantitative

    def shortfall(self, target: float, resolution: float, weight: int, low: float) -> float | None:
        """An actual between `low` × target and target whose score weight × actual ÷ target has
        exactly two decimals (so printed and recomputed scores agree to the cent)."""
        t = round(target / resolution)
        start = int(t * self.uniform(low, 0.98))
        for m in (*range(start, max(int(t * (low - 0.05)), 1), -1), *range(start + 1, t)):
            if (100 * weight * m) % t == 0:
                return m * resolution
        return None

    def quantitative(
        self,
        name: str,
        level2: str,
        direction: str,
        target: float,
        unit: str,
        weight: int,
        resolution: float,
        p_short: float,
        reasons: tuple[str, ...],
        hi: float = 1.2,
        cap: float | None = None,
        show_cmp: bool = True,
    ) -> _Ind:
        reason = ""
        score: float = weight
        if direction == "=" and target == 0:
            actual, kind, met = 0.0, "zero", True
        elif direction in ("≤", "<"):
            kind = "reverse"
            if self.random() < p_short:
                k = self.rng.randint(5, 30)
                actual, met, score = target * (1 + k / 100), False, round(weight * (1 - k / 100), 2)
                reason = self.choice(reasons)
            else:
                t_units = round(target / resolution)
                actual, met = self.rng.randint(max(1, int(t_units * 0.4)), t_units) * resolution, True
        else:
            kind = "rate" if unit == "%" else "count"
            # counts miss by up to ~40%; rates (合格率, 满意度) rarely by more than a few points
            low = 0.85 if kind == "rate" else 0.62
            short = self.shortfall(target, resolution, weight, low) if self.random() < p_short else None
            if short is not None:
                actual, met, score = short, False, round(weight * short / target, 2)
                reason = self.choice(reasons).format(year=self.year)
            elif direction == "=":
                actual, met = target, True
            elif self.random() < 0.03 and cap is None:
                actual, met = math.ceil(target * self.uniform(1.3, 1.6)), True
                reason = REASONS_OVER[0]
            else:
                top = target * min(hi, 1.29)
                if cap is not None:
                    top = min(top, cap)
                lo_units, hi_units = round(target / resolution), math.floor(top / resolution + 1e-9)
                actual, met = self.rng.randint(lo_units, max(lo_units, hi_units)) * resolution, True
        cmp = direction if show_cmp else ""
        row = {
            "level1": "",
            "level2": level2,
            "name": name,
            "direction": direction,
            "target": f"{cmp}{fmt(target)}{unit}",
            "actual": f"{fmt(actual)}{unit}",
            "unit": unit,
            "weight": weight,
            "reported_score": score,
        }
        if reason:
            row["deviation_reason"] = reason
        return _Ind(row, kind, met, score)

    def from_spec(
        self, spec: str, level2: str, weight: int, p_short: float, reasons: tuple[str, ...]
    ) -> _Ind:
        name, target_spec = spec.split("|")
        direction, text, target, unit = _parse_spec(target_spec)
        if "." in text or (direction in ("≤", "<") and target < 2):
            resolution = 0.01
        else:
            resolution = 0.1 if unit == "%" else 1
        cap = 100.0 if unit == "%" and direction not in ("≤", "<") else None
        return self.quantitative(
            name, level2, direction, target, unit, weight, resolution, p_short, reasons, hi=1.25, cap=cap
        )

    def count(self, spec: str, weight: int) -> _Ind:
        parts = spec.split("|")
        name, unit, lo, hi = parts[0], parts[1], float(parts[2]), float(parts[3])
        direction = parts[4] if len(parts) > 4 else "≥"
        target = _nice(lo * (hi / lo) ** self.random())
        return self.quantitative(
            name,
            "数量指标",
            direction,
            target,
            unit,
            weight,
            1,
            0.08,
            REASONS_COUNT,
            show_cmp=self.random() < 0.7,
        )

    # ---------------------------------------------------------- other rules

    def deadline(self, short: str, weight: int) -> _Ind:
        year = self.year
        month = 12 if self.random() < 0.85 else self.choice((10, 11))
        day = 31 if month in (10, 12) else 30
        target = f"{year}年{month}月{day}日前"
        reason = ""
        if self.random() < 0.015:
            actual = f"{year + 1}年{self.rng.randint(1, 3)}月{self.rng.randint(1, 28)}日完成"
            met, score = False, 0
            reason = REASONS_LATE[0]
        else:
            met, score = True, weight
            r = self.random()
            if r < 0.2:
                actual = "按期完成"
            elif r < 0.35:
                actual = f"{target}完成"
            else:
                actual = f"{year}年{month - self.rng.randint(0, 2)}月{self.rng.randint(1, 28)}日完成"
        row = {
            "level1": "",
            "level2": "时效指标",
            "name": f"{short}完成时间",
            "direction": "时限",
            "target": target,
            "actual": actual,
            "weight": weight,
            "reported_score": score,
        }
        if reason:
            row["deviation_reason"] = reason
        return _Ind(row, "deadline", met, score)

    def cost(self, short: str, weight: int, adjusted: float, executed: float) -> _Ind:
        name = self.choice(("项目总成本", "项目支出控制在预算内", f"{short}成本控制"))
        row = {
            "level1": "",
            "level2": "成本指标",
            "name": name,
            "direction": "≤",
            "target": f"≤{fmt(adjusted)}万元",
            "actual": f"{fmt(executed)}万元",
            "unit": "万元",
            "weight": weight,
        }
        score: float = weight
        met = executed <= adjusted
        if not met:  # only the over-100% defect gets here; the overrun is a multiple of 1%
            score = round(weight * (1 - (executed - adjusted) / adjusted), 2)
            row["deviation_reason"] = REASONS_COST[0]
        row["reported_score"] = score
        return _Ind(row, "cost", met, score)

    def benefit(self, spec: str, weight: int) -> _Ind:
        group, name, target = spec.split("|")
        level2 = LEVEL2_BENEFIT[group]
        if target[0] in "≥≤=":
            return self.from_spec(f"{name}|{target}", level2, weight, 0.06, REASONS_RATE)
        row = {
            "level1": "",
            "level2": level2,
            "name": name,
            "direction": "定性",
            "target": target,
            "actual": ACHIEVED,
            "weight": weight,
            "reported_score": weight,
        }
        if self.random() < 0.05:
            score = round(weight * self.choice((0.6, 0.7, 0.75)), 2)
            row.update(actual=PARTIAL, reported_score=score, deviation_reason=REASONS_QUALITATIVE[0])
            return _Ind(row, "qualitative", False, score)
        return _Ind(row, "qualitative", True, weight)

    def satisfaction(self, name: str, weight: int) -> _Ind:
        target = self.choice((85, 90, 90, 95))
        return self.quantitative(
            name,
            "服务对象满意度指标",
            "≥",
            target,
            "%",
            weight,
            0.1,
            0.12,
            REASONS_SATISFACTION,
            hi=1.2,
            cap=100.0,
        )


def _nice(v: float) -> float:
    """Targets are round numbers: two significant digits (3472 → 3500), small counts as they are."""
    if v < 20:
        return max(1, round(v))
    step = 10 ** (int(math.log10(v)) - 1)
    return round(v / step) * step


# -------------------------------------------------------------------- budget


def _split_yuan(total: int, shares: list[float], quantum: int = 1000) -> list[int]:
    """Split an amount into parts that are multiples of `quantum` 元 and add up exactly."""
    units = total // quantum
    s = sum(shares)
    parts = [int(units * x / s) for x in shares[:-1]]
    parts.append(units - sum(parts))
    return [p * quantum for p in parts]


def _budget(
    m: _Maker, defect: str | None, with_items: bool, kind: Kind
) -> tuple[list[dict], int, float, float, str]:
    """Budget rows in 万元 built in whole 元, so rows add up exactly and 10 × rate has two decimals.

    Returns rows, rate in thousandths, adjusted and executed totals (万元), and a budget note.
    """
    wan = min(3000.0, max(10.0, math.exp(m.rng.gauss(math.log(120), 1.1))))
    adjusted = round(wan, 1) if wan < 100 else float(round(wan))
    adj_y = round(adjusted * 10) * 1000
    r = m.random()
    if defect == "execution_over_100":
        k = m.rng.randint(101, 108) * 10
    elif defect == "item_overspent":  # keeps the largest item able to absorb the overspend
        k = m.rng.randint(900, 1000)
    elif r < 0.38:
        k = 1000
    elif r < 0.85:
        k = m.rng.randint(850, 999)
    elif r < 0.97:
        k = m.rng.randint(700, 849)
    else:
        k = m.rng.randint(450, 699)
    if m.random() < 0.2:
        ini_y = round(adj_y / m.uniform(0.8, 1.25) / 1000) * 1000
    else:
        ini_y = adj_y
    sources = [("当年财政拨款", 1.0)]
    if m.random() < 0.2:
        sources.append(("上年结转资金", m.uniform(0.05, 0.35)))
    if m.random() < 0.05:
        sources.append(("其他资金", m.uniform(0.05, 0.2)))
    shares = [s for _, s in sources][::-1]  # the fiscal grant last: it takes the remainder
    names = [n for n, _ in sources][::-1]
    adj_parts = _split_yuan(adj_y, shares)
    extra = ini_y - adj_y  # a mid-year adjustment lands on the fiscal grant
    ini_parts = [*adj_parts[:-1], adj_parts[-1] + extra]
    if ini_parts[-1] < 0:
        ini_parts = _split_yuan(ini_y, shares)

    def row(source: str, ini: int, adj: int, exe: int) -> dict:
        return {
            "source": source,
            "initial": ini / YUAN_PER_WAN,
            "adjusted": adj / YUAN_PER_WAN,
            "executed": exe / YUAN_PER_WAN,
        }

    exe_y = adj_y * k // 1000
    total = row("年度资金总额", ini_y, adj_y, exe_y)
    total["reported_score"] = min(k, 1000) / 100
    if defect == "total_row_zeros":
        total.update(initial=0.0, adjusted=0.0, executed=0.0)
    rows = [total]
    rows += [
        row(n, i, a, a * k // 1000)
        for n, i, a in zip(names[::-1], ini_parts[::-1], adj_parts[::-1], strict=True)
    ]
    if with_items:
        pool = kind.items if len(kind.items) >= 2 else GENERIC_ITEMS
        count = min(len(pool), m.rng.randint(2, 4))
        names_i = m.rng.sample(pool, count)
        shares_i = [m.uniform(0.5, 2.0) for _ in names_i]
        a_items = _split_yuan(adj_y, shares_i)
        i_items = _split_yuan(ini_y, shares_i)
        e_items = [a * k // 1000 for a in a_items]
        if defect == "item_overspent":  # the smallest item overspends, the largest gives way: total unchanged
            by_size = sorted(range(count), key=lambda x: (a_items[x], x))
            small, large = by_size[0], by_size[-1]
            over = max(100, int(a_items[small] * m.uniform(0.05, 0.25)) // 100 * 100)
            delta = a_items[small] + over - e_items[small]
            e_items[small] += delta
            e_items[large] -= delta
        rows += [row(n, i, a, e) for n, i, a, e in zip(names_i, i_items, a_items, e_items, strict=True)]
    note = ""
    if k <= 900:  # 90% is where several provinces require an explanation; at exactly 90% too
        note = m.choice(BUDGET_NOTES)
    if ini_y != adj_y and m.random() < 0.5:
        change = (adj_y - ini_y) / YUAN_PER_WAN
        verb = "调增" if change > 0 else "调减"
        note = f"年中根据项目实际需要{verb}预算{fmt(abs(change))}万元。" + note
    return rows, k, adj_y / YUAN_PER_WAN, exe_y / YUAN_PER_WAN, note


# -------------------------------------------------------------------- one project


def _short(stem: str) -> str:
    return stem[:-2] if stem.endswith("项目") else stem


def _phrase(name: str, target: str) -> str:
    return name if target == "效果明显" or target in name else name + target


def _goals(year: int, stem: str, inds: list[_Ind], benefits: list[str]) -> tuple[str, str]:
    """年度总体目标 as sentences built from the indicators, so goals and indicators agree."""
    outputs = [i for i in inds if i.row["level2"] in ("数量指标", "质量指标")]
    plan = "、".join(f"{i.row['name']}{i.row['target'].lstrip('≥=')}" for i in outputs if i.kind == "count")
    rates = [i for i in outputs if i.kind in ("rate", "reverse", "zero")]
    quality = "，".join(
        i.row["name"]
        + (
            f"控制在{i.row['target'].lstrip('≤')}以内"
            if i.kind == "reverse"
            else f"达到{i.row['target'].lstrip('≥=')}"
        )
        for i in rates[:1]
    )
    planned = f"{year}年实施{stem}，计划{plan}" + (f"，{quality}" if quality else "")
    planned += f"，{year}年12月31日前完成全部任务"
    planned += ("，" + "，".join(benefits[:2]) if benefits else "") + "。"
    done = "、".join(f"{i.row['name']}{i.row['actual']}" for i in outputs if i.kind == "count")
    short = [i.row["name"] for i in inds if not i.met]
    actual = f"项目按计划组织实施，实际完成{done}" if done else "项目按计划组织实施"
    if rates:
        actual += f"，{rates[0].row['name']}{rates[0].row['actual']}"
    actual += (
        f"；{'、'.join(short[:2])}未达到年度目标，已分析原因并提出改进措施，年度绩效目标基本实现。"
        if short
        else "，年度绩效目标全面完成。"
    )
    return planned, actual


def _make_project(
    m: _Maker, dept: Department, kind: Kind, qualifier: str, pid: str, city: str, defect: str | None
) -> _Draft:
    year = m.year
    rng = m.rng
    with_items = defect == "item_overspent" or (defect != "execution_over_100" and m.random() < 0.3)
    budget, k, adjusted, executed, note = _budget(m, defect, with_items, kind)
    short = _short(kind.stem)

    # 产出 50: quantity, quality, timeliness, cost
    quantities = list(kind.quantities)
    if m.random() < 0.35:
        quantities.append(m.choice(EXTRA_QUANTITY))
    qualities = list(kind.qualities)
    if m.random() < 0.5:
        qualities.append(m.choice(EXTRA_QUALITY))
    timeliness = [m.choice(EXTRA_TIMELINESS)] if m.random() < 0.5 else []
    importances = [1.3] * len(quantities) + [1.0] * len(qualities) + [0.6] * (1 + len(timeliness)) + [0.8]
    w = m.split(CATEGORY_WEIGHTS[0], importances)
    wi = iter(w)
    inds = [m.count(q, next(wi)) for q in quantities]
    inds += [m.from_spec(q, "质量指标", next(wi), 0.08, REASONS_RATE) for q in qualities]
    inds.append(m.deadline(short, next(wi)))
    inds += [m.from_spec(t, "时效指标", next(wi), 0.05, REASONS_RATE) for t in timeliness]
    inds.append(m.cost(short, next(wi), adjusted, executed))
    for i in inds:
        i.row["level1"] = LEVEL1[0]

    # 效益 30
    n_benefit = min(len(dept.benefits), rng.choice((2, 3, 3)))
    picked = rng.sample(dept.benefits, n_benefit)
    bw = m.split(CATEGORY_WEIGHTS[1], [1.0] * n_benefit)
    benefits = [m.benefit(spec, wt) for spec, wt in zip(picked, bw, strict=True)]
    for i in benefits:
        i.row["level1"] = LEVEL1[1]
    # 满意度 10
    n_sat = rng.randint(1, len(dept.satisfaction))
    sw = [10] if n_sat == 1 else [5, 5]
    sat_names = rng.sample(dept.satisfaction, n_sat)
    sats = [m.satisfaction(name, wt) for name, wt in zip(sat_names, sw, strict=True)]
    for i in sats:
        i.row["level1"] = LEVEL1[2]
    inds += benefits + sats

    dept_name = dept.name(city)
    unit = m.choice(dept.units).format(city=city) if dept.units and m.random() < 0.3 else dept_name
    phrases = [_phrase(i.row["name"], i.row["target"]) for i in benefits if i.kind == "qualitative"]
    project = {
        "project_id": pid,
        "name": f"{year}年{qualifier}{kind.stem}",
        "department": dept_name,
        "unit": unit,
        "year": year,
        "evaluation_type": "self",
        "scheme": "self-2020",
        "amount_unit": "万元",
    }
    if note:
        project["budget_note"] = note
    project["budget"] = budget
    return _Draft(project, inds, min(k, 1000) / 100, f"{qualifier}{kind.stem}", phrases)


# -------------------------------------------------------------------- defects


def _pick(m: _Maker, inds: list[_Ind], test: Callable[[_Ind], bool]) -> _Ind | None:
    candidates = [i for i in inds if test(i)]
    return m.choice(candidates) if candidates else None


def _apply_defect(m: _Maker, d: _Draft, defect: str) -> str | None:
    """Change the clean draft so it carries `defect`; returns the defect, or None if it did not fit."""
    inds = d.inds
    if defect == "weights_110":
        i = _pick(m, inds, lambda i: i.row["level1"] == LEVEL1[0] and i.met)
        if i is None:
            return None
        i.row["weight"] += 10
        i.row["reported_score"] = i.score = i.row["weight"]
    elif defect == "under_itemised":
        i = _pick(m, inds, lambda i: i.row["level1"] == LEVEL1[1])
        if i is None or sum(1 for x in inds if x.row["level1"] == LEVEL1[1]) < 2:
            return None
        inds.remove(i)
    elif defect == "total_differs":
        i = _pick(m, inds, lambda i: not i.met and i.kind in ("count", "rate"))
        if i is None:  # make one fall short, but print full marks
            i = _pick(m, inds, lambda i: i.kind == "count")
            if i is None:
                return None
            t = float(i.row["target"].lstrip("≥=").removesuffix(i.row["unit"]))
            i.row["actual"] = f"{fmt(max(1, math.floor(t * m.uniform(0.6, 0.9))))}{i.row['unit']}"
            i.met = False
        i.row.pop("deviation_reason", None)
        i.row["reported_score"] = i.score = i.row["weight"]
    elif defect == "met_but_marked_down":
        i = _pick(
            m,
            inds,
            lambda i: i.met and i.kind in ("count", "rate", "cost") and not i.row.get("deviation_reason"),
        )
        if i is None:
            return None
        i.row.pop("deviation_reason", None)
        i.row["reported_score"] = i.score = i.row["weight"] - m.choice((0.5, 1, 1, 2))
    elif defect == "missing_unit":
        i = _pick(m, inds, lambda i: i.kind == "count")
        if i is None:
            return None
        unit = i.row.pop("unit")
        i.row["target"] = i.row["target"].removesuffix(unit)
        i.row["actual"] = i.row["actual"].removesuffix(unit)
    elif defect == "score_above_weight":
        i = _pick(m, inds, lambda i: i.met)
        if i is None:
            return None
        i.row["reported_score"] = i.score = i.row["weight"] + m.choice((1, 2, 5))
    return defect


def _finish(m: _Maker, d: _Draft, defect: str | None) -> dict:
    total = round(d.budget_score + sum(i.score for i in d.inds), 2)
    reported = total
    if defect == "total_not_sum":
        reported = round(min(100.0, total + m.choice((0.5, 1, 1.5, 2, 3, 5))), 2)
        if reported == total:
            reported = round(total - m.choice((1, 2, 3)), 2)
    grade = grade_for(reported)
    if defect == "grade_mismatch":
        names = [g for _, g in GRADES]
        idx = names.index(grade)
        grade = names[idx - 1] if idx > 0 else names[1]
    p = d.project
    p["goal_planned"], p["goal_actual"] = _goals(m.year, d.title, d.inds, d.phrases)
    p["reported_total"] = reported
    p["reported_grade"] = grade
    p["indicators"] = [i.row for i in d.inds]
    return p


# -------------------------------------------------------------------- portfolio

Labels = dict[str, str | None]


@overload
def synthesize(
    projects: int,
    seed: int = ...,
    *,
    year: int = ...,
    city: str = ...,
    city_code: str = ...,
    with_labels: Literal[False] = ...,
) -> list[dict]: ...
@overload
def synthesize(
    projects: int,
    seed: int = ...,
    *,
    year: int = ...,
    city: str = ...,
    city_code: str = ...,
    with_labels: Literal[True],
) -> tuple[list[dict], Labels]: ...


def synthesize(
    projects: int,
    seed: int = 0,
    *,
    year: int = 2024,
    city: str = "江城市",
    city_code: str = "jc",
    with_labels: bool = False,
) -> list[dict] | tuple[list[dict], Labels]:
    """`projects` project dicts (the YAML shape), sorted by project_id.

    Every department appears before any repeats, so 35 or more projects cover all departments.
    With `with_labels`, also returns {project_id: defect kind or None}; kinds are the keys of DEFECTS.
    """
    if projects < 0:
        raise ValueError("projects must be ≥ 0")
    with bulk_allocation():
        out, labels = _synthesize(projects, seed, year, city, city_code)
    return (out, labels) if with_labels else out


def _synthesize(projects: int, seed: int, year: int, city: str, city_code: str) -> tuple[list[dict], Labels]:
    m = _Maker(seed, year)
    rng = m.rng
    order = list(range(len(DEPARTMENTS)))
    rng.shuffle(order)
    cum: list[int] = []
    acc = 0
    for d in DEPARTMENTS:
        acc += d.weight
        cum.append(acc)
    seen = [0] * len(DEPARTMENTS)
    kind_order: dict[int, list[int]] = {}
    defect_names = list(DEFECTS)
    out: list[dict] = []
    labels: Labels = {}
    for n in range(projects):
        di = order[n] if n < len(order) else rng.choices(range(len(DEPARTMENTS)), cum_weights=cum)[0]
        dept = DEPARTMENTS[di]
        if di not in kind_order:
            kind_order[di] = rng.sample(range(len(dept.kinds)), len(dept.kinds))
        c = seen[di]
        seen[di] += 1
        kind = dept.kinds[kind_order[di][c % len(dept.kinds)]]
        q = c // len(dept.kinds)
        qualifier = DISTRICTS[(q - 1) % len(DISTRICTS)] if q else ""
        pid = f"{city_code}-{dept.code}-{year}-{seen[di]:04d}"
        defect = rng.choice(defect_names) if m.random() < DEFECT_RATE else None
        draft = _make_project(m, dept, kind, qualifier, pid, city, defect)
        if defect is not None:
            defect = _apply_defect(m, draft, defect)
        out.append(_finish(m, draft, defect))
        labels[pid] = defect
    out.sort(key=lambda p: p["project_id"])
    return out, labels


def defect_labels(projects: int, seed: int = 0, **kwargs: object) -> dict[str, str]:
    """{project_id: defect kind} for the defective projects of `synthesize(projects, seed, ...)`."""
    _, labels = synthesize(projects, seed, with_labels=True, **kwargs)  # type: ignore[call-overload]
    return {pid: kind for pid, kind in labels.items() if kind is not None}


FORMATS = ("tables", "yaml", "xlsx")


def write_synthetic(out: Path, projects: int, seed: int = 0, fmt: str = "tables", **kwargs: object) -> int:
    """Write a synthetic portfolio: tables (projects/budget/indicators .csv in `out`) or one yaml/xlsx
    file per project in department folders. Returns the number of projects written."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, not {fmt!r}")
    data = synthesize(projects, seed, **kwargs)  # type: ignore[call-overload]
    out = Path(out)
    if fmt == "tables":
        write_tables(data, out)
    else:
        write_project_files(data, out, fmt)
    return len(data)
