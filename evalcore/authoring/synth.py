"""Synthetic city portfolios (`evalcore synth`): realistic enough to demo and test on, any size.

A portfolio is a fictional city's (default 江城市) self-evaluations for one year: real municipal
department names, the projects those departments actually run, indicators that fit them, skewed
budgets, mostly-met targets with explained shortfalls.

Clean projects are internally consistent because evalcore scores them: each project's clean draft
(targets, actuals, rows) is scored by the engine (`evalcore.scoring`) under its scheme (`self-2020`
unless told), and its 自评得分 are the engine's scores as a unit prints them, to two decimals; the
total is their sum and its grade the scheme's. Shortfalls are picked so that the rulebook's score
has two decimals exactly, so printed and recomputed scores and totals agree to the cent. Weights,
category names, qualitative levels and bands and grade lines are the scheme's; synth restates no
formula. Shortfalls and low execution carry their reasons.

About 15% of projects carry one defect reviewers meet in real forms (weights adding to 110, a total
that is not the sum, a zero 年度资金总额 row, …). Structural defects (weights, rows, units, budget
rows) are built into the draft before it is scored; reporting defects (a score, total or grade the
unit wrote wrong) are written over the scores afterwards. Defects are review findings, never input
errors: every project loads.

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

from ..errors import Where
from ..inputs.records import RawProject, RawRow, build_project, indicator_cells
from ..model import columns_of
from ..rules.explain import round_half_up
from ..rules.indicators import score_row
from ..rules.totals import FULL_MARKS, grade
from ..schemes import Category, Scheme, get_scheme
from ..scoring import score_batch
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
#: Built into the draft before it is scored, with the budget defects (total_row_zeros, item_overspent,
#: execution_over_100, built with the budget rows); the others are written over the scores afterwards.
STRUCTURAL = ("weights_110", "under_itemised", "total_differs", "missing_unit")

#: The scheme synthetic projects are built for and name: a self-evaluation (预算执行率 and the
#: 产出 · 效益 · 满意度 categories of 财预〔2020〕10号 附件1).
SCHEME = "self-2020"
#: The categories synth writes indicators for, by the label forms give them. Which category of the
#: scheme that is, its name and its points are the scheme's (`Scheme.category_for`).
OUTPUT, BENEFIT, SATISFACTION = "产出", "效益", "满意度"
#: Below this execution rate a note explains why (several provinces ask at 90%); a scheme that sets
#: `budget_execution.explain_below` asks at its own rate.
EXPLAIN_BELOW = 0.9
CHUNK = 1000  # drafts scored by the engine together
CANDIDATES = 100_000  # candidate rows whose answer is kept
LEVEL2_BENEFIT = {
    "社会": "社会效益指标",
    "经济": "经济效益指标",
    "生态": "生态效益指标",
    "可持续": "可持续影响指标",
}
YUAN_PER_WAN = 10_000
#: Indicators many forms add whatever the project: supervision visits, compliance, timely payment.
EXTRA_QUANTITY = ("开展项目督导检查|次|4|24", "组织业务培训|期|2|12", "印发工作方案和管理制度|份|2|10")
EXTRA_QUALITY = ("资金使用合规率|=100%", "项目档案资料完整率|≥95%")
EXTRA_TIMELINESS = ("资金拨付及时率|≥95%", "任务按期完成率|=100%")


@dataclass(frozen=True, slots=True)
class _Form:
    """What a synthetic form takes from its scheme: the categories it itemises (name and the points
    to itemise: a category's weight less the budget's points when they sit in it), and the levels a
    qualitative actual is written as."""

    spec: str  # the scheme as the projects name it (a built-in id or a scheme file)
    scheme: Scheme
    names: tuple[str, str, str]  # 产出, 效益, 满意度 as the scheme calls them
    weights: tuple[int, int, int]
    achieved: str  # the top qualitative level's name
    partial: str  # the second level's name (部分达成)
    partial_band: tuple[float, float]  # its band, as fractions of the weight


def _form(spec: str) -> _Form:
    """The scheme `spec` as synth uses it; ValueError if synth cannot fill its form."""
    scheme = get_scheme(spec)
    budget = scheme.budget_execution

    def itemised(c: Category) -> float:
        return c.weight - (budget.weight if budget is not None and budget.category == c.name else 0)

    cats = [scheme.category_for(label) for label in (OUTPUT, BENEFIT, SATISFACTION)]
    found = [c for c in cats if c is not None]
    left = [c.name for c in scheme.categories if c not in found and itemised(c) > 0]
    weights = [itemised(c) for c in found]
    levels = scheme.qualitative.levels
    if (
        len({c.name for c in found}) < 3
        or left
        or not all(float(w).is_integer() and w > 0 for w in weights)
        or len(levels) < 2
    ):
        raise ValueError(
            f"评分方案 {scheme.id} 无法用于合成项目：合成项目只细化{OUTPUT}、{BENEFIT}、{SATISFACTION}三类指标"
            "（各为整数分值）与预算执行率，定性指标至少分两档"
        )
    (out, ben, sat), (w_out, w_ben, w_sat) = found, weights
    return _Form(
        spec,
        scheme,
        (out.name, ben.name, sat.name),
        (int(w_out), int(w_ben), int(w_sat)),
        levels[0].name,
        levels[1].name,
        (levels[1].min, levels[1].max),
    )


def _printed(score: float) -> float:
    """A score as a unit prints it on the form: two decimals, rounded half up."""
    return round_half_up(score, 2)


def _in_cents(score: float) -> bool:
    """Whether a score prints exactly: it has two decimals (binary noise aside)."""
    return abs(score * 100 - round(score * 100)) < 1e-6


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
    """An indicator row under construction plus what defects need to know about it. `met` is what
    the draft meant until the engine has scored the row, then the engine's; `score` is the 自评得分
    the form prints (the engine's score, unless a reporting defect changed it)."""

    row: dict
    kind: str  # count | rate | reverse | zero | qualitative | deadline | cost
    met: bool
    score: float = 0.0

    @property
    def weight(self) -> int:
        return self.row["weight"]


@dataclass(slots=True)
class _Draft:
    project: dict
    inds: list[_Ind] = field(default_factory=list)
    budget_score: float = 0.0  # the 预算执行率 自评得分 the form prints (0 when the scheme gives none)
    title: str = ""  # the project kind as the goals name it
    phrases: list[str] = field(default_factory=list)  # qualitative benefits, for the goals
    defect: str | None = None
    defect_row: _Ind | None = None  # the row a structural defect made (total_differs: reported later)
    later: random.Random | None = None  # draws of the reporting defect, after scoring


class _Maker:
    """All the random draws for one portfolio, in one place so the stream order is fixed."""

    def __init__(self, seed: int, year: int, form: _Form) -> None:
        self.rng = random.Random(seed)
        self.year = year
        self.form = form
        #: met actuals stay under the scheme's over-achievement line (beyond it a reason is due)
        self.over_line = form.scheme.quantitative.over_achievement.threshold
        rule = form.scheme.budget_execution
        self.explain_below = (
            EXPLAIN_BELOW if rule is None or rule.explain_below is None else rule.explain_below
        )
        self.random = self.rng.random
        self.uniform = self.rng.uniform
        self.choice = self.rng.choice
        self.candidates: dict[tuple, bool] = {}

    def prints_short(self, direction: str, target: str, actual: str, unit: str, weight: int) -> bool:
        """Whether a candidate row falls short with a score that prints exactly (two decimals): the
        row scored by the rulebook, its cells read as a reader reads them back. Portfolios try the
        same candidates again and again (满意度 ≥90% at 5 or 10 points …), so answers are kept."""
        key = (direction, target, actual, unit, weight)
        answer = self.candidates.get(key)
        if answer is None:
            if len(self.candidates) >= CANDIDATES:
                self.candidates.clear()
            cells = indicator_cells(direction, target, actual, unit, weight, None)
            out = score_row(cells, self.form.scheme, self.year)
            answer = self.candidates[key] = not out.met and _in_cents(out.score)
        return answer

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

    def shortfall(
        self,
        direction: str,
        target_text: str,
        target: float,
        unit: str,
        resolution: float,
        weight: int,
        low: float,
    ) -> float | None:
        """An actual between about `low` × target and target, on the resolution's grid, that falls
        short and whose score by the rulebook has exactly two decimals (so the printed score is the
        recomputed one, and printed and recomputed totals agree to the cent)."""
        t = round(target / resolution)
        start = int(t * self.uniform(low, 0.98))
        for m in (*range(start, max(int(t * (low - 0.05)), 1), -1), *range(start + 1, t)):
            actual = m * resolution
            if self.prints_short(direction, target_text, f"{fmt(actual)}{unit}", unit, weight):
                return actual
        return None

    def overrun(
        self, direction: str, target_text: str, target: float, unit: str, weight: int
    ) -> float | None:
        """An actual 5–30% over a ≤ target whose score by the rulebook has exactly two decimals."""
        first = self.rng.randint(5, 30)
        for k in (*range(first, 31), *range(5, first)):
            actual = target * (1 + k / 100)
            if self.prints_short(direction, target_text, f"{fmt(actual)}{unit}", unit, weight):
                return actual
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
        target_text = f"{direction if show_cmp else ''}{fmt(target)}{unit}"
        short: float | None = None
        if direction == "=" and target == 0:
            actual, kind, met = 0.0, "zero", True
        elif direction in ("≤", "<"):
            kind = "reverse"
            if self.random() < p_short:
                short = self.overrun(direction, target_text, target, unit, weight)
            if short is not None:
                actual, met = short, False
                reason = self.choice(reasons)
            else:
                t_units = round(target / resolution)
                actual, met = self.rng.randint(max(1, int(t_units * 0.4)), t_units) * resolution, True
        else:
            kind = "rate" if unit == "%" else "count"
            # counts miss by up to ~40%; rates (合格率, 满意度) rarely by more than a few points
            low = 0.85 if kind == "rate" else 0.62
            if self.random() < p_short:
                short = self.shortfall(direction, target_text, target, unit, resolution, weight, low)
            if short is not None:
                actual, met = short, False
                reason = self.choice(reasons).format(year=self.year)
            elif direction == "=":
                actual, met = target, True
            elif self.random() < 0.03 and cap is None:
                line = self.over_line
                actual, met = math.ceil(target * self.uniform(line, line + 0.3)), True
                reason = REASONS_OVER[0]
            else:
                top = target * min(hi, self.over_line - 0.01)
                if cap is not None:
                    top = min(top, cap)
                lo_units, hi_units = round(target / resolution), math.floor(top / resolution + 1e-9)
                actual, met = self.rng.randint(lo_units, max(lo_units, hi_units)) * resolution, True
        row = {
            "level1": "",
            "level2": level2,
            "name": name,
            "direction": direction,
            "target": target_text,
            "actual": f"{fmt(actual)}{unit}",
            "unit": unit,
            "weight": weight,
        }
        if reason:
            row["deviation_reason"] = reason
        return _Ind(row, kind, met)

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
            met = False
            reason = REASONS_LATE[0]
        else:
            met = True
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
        }
        if reason:
            row["deviation_reason"] = reason
        return _Ind(row, "deadline", met)

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
        met = executed <= adjusted
        if not met:  # only the over-100% defect gets here; the overrun is a multiple of 1%
            row["deviation_reason"] = REASONS_COST[0]
        return _Ind(row, "cost", met)

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
            "actual": self.form.achieved,
            "weight": weight,
        }
        if self.random() < 0.05:
            # 部分达成: the unit scores itself inside the scheme's band for the level (the rule keeps it)
            lo, hi = self.form.partial_band
            point = lo + (hi - lo) * self.choice((0, 0.5, 0.75))
            row.update(actual=self.form.partial, reported_score=_printed(weight * point))
            row["deviation_reason"] = REASONS_QUALITATIVE[0]
            return _Ind(row, "qualitative", False)
        return _Ind(row, "qualitative", True)

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
) -> tuple[list[dict], float, float, str]:
    """Budget rows in 万元 built in whole 元, so rows add up exactly and the execution rate is a whole
    number of thousandths. Its 自评得分 is the engine's, written once the project is scored.

    Returns rows, adjusted and executed totals (万元), and a budget note.
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
    if k <= round(1000 * m.explain_below):  # at exactly the rate too
        note = m.choice(BUDGET_NOTES)
    if ini_y != adj_y and m.random() < 0.5:
        change = (adj_y - ini_y) / YUAN_PER_WAN
        verb = "调增" if change > 0 else "调减"
        note = f"年中根据项目实际需要{verb}预算{fmt(abs(change))}万元。" + note
    return rows, adj_y / YUAN_PER_WAN, exe_y / YUAN_PER_WAN, note


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
    budget, adjusted, executed, note = _budget(m, defect, with_items, kind)
    short = _short(kind.stem)
    (output, benefit, satisfaction), (w_output, w_benefit, w_satisfaction) = m.form.names, m.form.weights

    # 产出 (50 in self-2020): quantity, quality, timeliness, cost
    quantities = list(kind.quantities)
    if m.random() < 0.35:
        quantities.append(m.choice(EXTRA_QUANTITY))
    qualities = list(kind.qualities)
    if m.random() < 0.5:
        qualities.append(m.choice(EXTRA_QUALITY))
    timeliness = [m.choice(EXTRA_TIMELINESS)] if m.random() < 0.5 else []
    importances = [1.3] * len(quantities) + [1.0] * len(qualities) + [0.6] * (1 + len(timeliness)) + [0.8]
    w = m.split(w_output, importances)
    wi = iter(w)
    inds = [m.count(q, next(wi)) for q in quantities]
    inds += [m.from_spec(q, "质量指标", next(wi), 0.08, REASONS_RATE) for q in qualities]
    inds.append(m.deadline(short, next(wi)))
    inds += [m.from_spec(t, "时效指标", next(wi), 0.05, REASONS_RATE) for t in timeliness]
    inds.append(m.cost(short, next(wi), adjusted, executed))
    for i in inds:
        i.row["level1"] = output

    # 效益 (30)
    n_benefit = min(len(dept.benefits), rng.choice((2, 3, 3)))
    picked = rng.sample(dept.benefits, n_benefit)
    bw = m.split(w_benefit, [1.0] * n_benefit)
    benefits = [m.benefit(spec, wt) for spec, wt in zip(picked, bw, strict=True)]
    for i in benefits:
        i.row["level1"] = benefit
    # 满意度 (10): one indicator, or two sharing the points
    n_sat = rng.randint(1, len(dept.satisfaction))
    sw = [w_satisfaction] if n_sat == 1 else [w_satisfaction - w_satisfaction // 2, w_satisfaction // 2]
    sat_names = rng.sample(dept.satisfaction, n_sat)
    sats = [m.satisfaction(name, wt) for name, wt in zip(sat_names, sw, strict=True)]
    for i in sats:
        i.row["level1"] = satisfaction
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
        "scheme": m.form.spec,
        "amount_unit": "万元",
    }
    if note:
        project["budget_note"] = note
    project["budget"] = budget
    return _Draft(project, inds, title=f"{qualifier}{kind.stem}", phrases=phrases, defect=defect)


# -------------------------------------------------------------------- defects


def _pick(rng: random.Random, inds: list[_Ind], test: Callable[[_Ind], bool]) -> _Ind | None:
    candidates = [i for i in inds if test(i)]
    return rng.choice(candidates) if candidates else None


def _build_defect(m: _Maker, d: _Draft, defect: str) -> str | None:
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


def _report_defect(rng: random.Random, d: _Draft, defect: str) -> str | None:
    """Write a reporting defect over the scored draft's 自评得分; returns the defect, or None if it
    did not fit. (A wrong total or grade is written by `_finish`.)"""
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


# -------------------------------------------------------------------- scoring


def _raw(d: _Draft) -> RawProject:
    """The draft as a reader hands a project to `records.build_project`."""
    origin = f"<synth {d.project['project_id']}>"
    facts = {k: v for k, v in d.project.items() if k != "budget"}
    budget = [RawRow(r, origin, path=f"budget[{n}]") for n, r in enumerate(d.project["budget"])]
    indicators = [RawRow(i.row, origin, path=f"indicators[{n}]") for n, i in enumerate(d.inds)]
    return RawProject(
        RawRow(facts, origin, path=""),
        budget,
        indicators,
        origin,
        Where(origin, path="budget"),
        Where(origin, path="indicators"),
    )


def _score(form: _Form, drafts: list[_Draft]) -> None:
    """Score the drafts with the engine and write its scores as the forms' 自评得分, printed to two
    decimals; `met` becomes the engine's."""
    projects = [build_project(_raw(d)) for d in drafts]
    batch = score_batch(projects, columns_of(projects), form.scheme)
    if batch.errors:  # a draft the scheme cannot score is a bug here, not a finding
        raise next(iter(batch.errors.values()))
    scores, met = batch.column("score").tolist(), batch.column("met").tolist()
    for k, d in enumerate(drafts):
        for i, r in zip(d.inds, batch.rows_of(k), strict=True):
            i.row["reported_score"] = i.score = _printed(scores[r])
            i.met = met[r]
        budget = batch.budgets[k]
        assert budget is not None
        if budget.weight > 0:
            d.project["budget"][0]["reported_score"] = d.budget_score = _printed(budget.score)


def _finish(m: _Maker, d: _Draft) -> dict:
    """The scored draft as the unit hands it in: a reporting defect written over the scores, the
    total as the sum of the printed scores and its grade, the goals."""
    defect, scheme = d.defect, m.form.scheme
    if defect is not None and d.later is not None:
        defect = d.defect = _report_defect(d.later, d, defect)
    total = _printed(d.budget_score + sum(i.score for i in d.inds))
    reported = total
    if defect == "total_not_sum":
        assert d.later is not None
        reported = _printed(min(FULL_MARKS, total + d.later.choice((0.5, 1, 1.5, 2, 3, 5))))
        if reported == total:
            reported = _printed(total - d.later.choice((1, 2, 3)))
    grade_ = grade(reported, scheme)
    if defect == "grade_mismatch":  # the grade next to the right one
        names = [g.name for g in scheme.grades]
        idx = names.index(grade_)
        grade_ = names[idx - 1] if idx > 0 else names[1]
    p = d.project
    p["goal_planned"], p["goal_actual"] = _goals(m.year, d.title, d.inds, d.phrases)
    p["reported_total"] = reported
    p["reported_grade"] = grade_
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
    scheme: str = ...,
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
    scheme: str = ...,
    with_labels: Literal[True],
) -> tuple[list[dict], Labels]: ...


def synthesize(
    projects: int,
    seed: int = 0,
    *,
    year: int = 2024,
    city: str = "江城市",
    city_code: str = "jc",
    scheme: str = SCHEME,
    with_labels: bool = False,
) -> list[dict] | tuple[list[dict], Labels]:
    """`projects` project dicts (the YAML shape), sorted by project_id.

    Every department appears before any repeats, so 35 or more projects cover all departments.
    With `with_labels`, also returns {project_id: defect kind or None}; kinds are the keys of DEFECTS.
    `scheme` (a built-in id or a scheme file, as `get_scheme` takes it) is the scheme the projects
    are scored by and name: a self-evaluation scheme with 产出, 效益 and 满意度 categories.
    """
    if projects < 0:
        raise ValueError("projects must be ≥ 0")
    form = _form(scheme)
    with bulk_allocation():
        out, labels = _synthesize(projects, seed, year, city, city_code, form)
    return (out, labels) if with_labels else out


def _synthesize(
    projects: int, seed: int, year: int, city: str, city_code: str, form: _Form
) -> tuple[list[dict], Labels]:
    m = _Maker(seed, year, form)
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
    drafts: list[_Draft] = []

    def finish() -> None:
        _score(form, drafts)
        for d in drafts:
            out.append(_finish(m, d))
            labels[d.project["project_id"]] = d.defect
        drafts.clear()

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
        # a reporting defect draws from its own stream, after scoring: the main stream, and so every
        # project's draft, does not depend on how many projects are scored together
        later = random.Random(rng.getrandbits(64)) if defect is not None else None
        draft = _make_project(m, dept, kind, qualifier, pid, city, defect)
        draft.later = later
        if defect in STRUCTURAL:
            draft.defect = _build_defect(m, draft, defect)
        drafts.append(draft)
        if len(drafts) == CHUNK:
            finish()
    finish()
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
