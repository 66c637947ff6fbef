"""历史比较: a project's years side by side, and the findings only two years together can show.

A reviewer reading this year's form asks what last year's said: was the target set below what was
already achieved, has the money been left unspent twice, has the same indicator failed twice, did
the budget grow while the score fell. Those are R016–R019 (SPEC); no single year's batch can find
them, so they are computed here, once the lines of a several-year portfolio are known
(`lineage.match_years`), and added to the later year's evaluation before the tables are built —
so `Portfolio.findings`, the projects' finding counts and `Portfolio.project(...)` all carry them.

R016 fires for an upward quantitative target set below last year's actual, or lowered to exactly
it; a target kept at the level last year just met (95% and 95%, 100% and 100%) is not flagged.
Only consecutive years are compared (2022 with 2023, not with 2024). Indicators are matched by
name within a line; a target or actual is compared only in the same unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

from ..evaluation import Evaluation
from ..findings import WARNING, Finding
from ..quantities import format_number as fmt
from ..rules.explain import pct, pts
from ..vocabulary import UPWARD
from .columns import AMOUNT_EPS, UNDER_EXECUTED, to_wan
from .context import year_record
from .lineage import Lineage

if TYPE_CHECKING:
    import pandas as pd

SCORE_EPS = 1e-9
HISTORY_BASE = ("年度", "project_id", "项目名称", "全年预算", "执行数", "执行率", "得分", "等级")
PARTS = ("目标", "实际", "得分")


def history_findings(evs: Sequence[Evaluation], lineage: Lineage) -> int:
    """Add R016–R019 to the later year's evaluation of each pair of consecutive years of a line;
    returns how many were added."""
    added = 0
    for line in lineage.lines:
        for a, b in pairwise(line):
            prev, cur = evs[a], evs[b]
            if cur.project.year - prev.project.year != 1:
                continue
            new = _pair(prev, cur)
            cur.findings.extend(new)
            added += len(new)
    return added


def _pair(prev: Evaluation, cur: Evaluation) -> list[Finding]:
    y0, y1 = prev.project.year, cur.project.year
    out: list[Finding] = []
    last = {s.indicator.name: s for s in prev.card.indicators}
    # R016: a target at or below last year's actual — below it, or lowered to exactly it. A target
    # kept where last year's actual met it exactly (95% → 95%, 100% → 100%) is steady, not low.
    for s in cur.card.indicators:
        i = s.indicator
        before = last.get(i.name)
        if before is None or i.direction not in UPWARD or i.target_value is None:
            continue
        j = before.indicator
        if j.actual_value is None or (j.unit or "") != (i.unit or ""):
            continue
        below = i.target_value < j.actual_value - 1e-12
        lowered_to = (
            abs(i.target_value - j.actual_value) <= 1e-12
            and j.target_value is not None
            and i.target_value < j.target_value - 1e-12
        )
        if below or lowered_to:
            unit = i.unit or ""
            how = "低于" if i.target_value < j.actual_value - 1e-12 else "等于"
            out.append(
                Finding(
                    "R016",
                    WARNING,
                    f"「{i.name}」{y1}年目标 {fmt(i.target_value)}{unit}，{how}{y0}年实际完成 "
                    f"{fmt(j.actual_value)}{unit}（目标设定偏低）",
                    i.name,
                    {"target": i.target_value, "last_actual": j.actual_value, "last_year": y0},
                )
            )
    r0, r1 = prev.card.budget.execution_rate, cur.card.budget.execution_rate
    if r0 is not None and r1 is not None and r0 < UNDER_EXECUTED and r1 < UNDER_EXECUTED:
        out.append(
            Finding(
                "R017",
                WARNING,
                f"预算执行率 {y0}年 {pct(r0, 2)}、{y1}年 {pct(r1, 2)}，连续两年低于 "
                f"{pct(UNDER_EXECUTED, 0)}（结果应用：核减预算）",
                "",
                {"rate": r1, "last_rate": r0, "last_year": y0},
            )
        )
    for s in cur.card.indicators:  # R018: the same indicator unmet both years
        before = last.get(s.indicator.name)
        if before is not None and s.met is False and before.met is False:
            i, j = s.indicator, before.indicator
            out.append(
                Finding(
                    "R018",
                    WARNING,
                    f"「{i.name}」连续两年未完成：{y0}年目标 {j.target.raw}、实际 {j.actual.raw}；"
                    f"{y1}年目标 {i.target.raw}、实际 {i.actual.raw}",
                    i.name,
                    {"last_year": y0},
                )
            )
    b0 = prev.card.budget.adjusted * to_wan(prev.project.amount_unit)
    b1 = cur.card.budget.adjusted * to_wan(cur.project.amount_unit)
    if b1 > b0 + AMOUNT_EPS and cur.card.total < prev.card.total - SCORE_EPS:  # R019
        out.append(
            Finding(
                "R019",
                WARNING,
                f"全年预算由{y0}年 {b0:,.2f} 万元增至{y1}年 {b1:,.2f} 万元，"
                f"得分由 {pts(prev.card.total)} 分降至 {pts(cur.card.total)} 分",
                "",
                {"adjusted": b1, "last_adjusted": b0, "total": cur.card.total, "last_total": prev.card.total},
            )
        )
    return out


def history_table(evs: Sequence[Evaluation]) -> pd.DataFrame:
    """One row per year (ascending) of one line: the HISTORY_BASE columns, then for each indicator
    (matched by name, in order of first appearance) 「名称·目标」「名称·实际」「名称·得分」. Targets and
    actuals are numbers (in the indicator's unit) where the form gives one, else the text; amounts in
    万元; a year without that indicator is empty (NaN / None)."""
    import pandas as pd

    rows: list[dict[str, object]] = []
    names: dict[str, None] = {}
    for ev in sorted(evs, key=lambda e: e.project.year):
        c, r = ev.card, year_record(ev)  # the same year's figures the reports' 历史比较 shows
        row: dict[str, object] = {
            "年度": r["year"],
            "project_id": r["project_id"],
            "项目名称": r["name"],
            "全年预算": r["adjusted"],
            "执行数": r["executed"],
            "执行率": r["execution_rate"],
            "得分": r["total"],
            "等级": r["grade"],
        }
        for s in c.indicators:
            i = s.indicator
            names[i.name] = None
            row[f"{i.name}·目标"] = i.target.raw if i.target_value is None else i.target_value
            row[f"{i.name}·实际"] = i.actual.raw if i.actual_value is None else i.actual_value
            row[f"{i.name}·得分"] = s.score
        rows.append(row)
    columns = [*HISTORY_BASE, *(f"{n}·{part}" for n in names for part in PARTS)]
    table = pd.DataFrame(rows, columns=columns)
    return table.astype({"执行率": "float64", "得分": "float64", "全年预算": "float64", "执行数": "float64"})
