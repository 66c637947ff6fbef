"""`Portfolio`: a view of one loaded portfolio. Its tables are the full tables cut by a mask of
projects (cut when first asked for, then kept); `filter` gives a narrower view, `variance` and
`summary` the figures of this one, `project` an evaluation. Nothing is re-read or re-scored.
"""

from __future__ import annotations

import difflib
import statistics
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..evaluation import Evaluation
from .columns import BY, UNDER_EXECUTED, tag_frame
from .filters import check_names, check_rate, check_year, warn_empty, warn_unknown
from .history import history_table
from .lineage import AMBIGUOUS_COLUMNS
from .peers import peer_groups, peer_table
from .tables import Tables, line_positions, year_positions
from .variance import department_variance, item_variance, project_variance

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


class Portfolio:
    """Scored projects as DataFrames; `filter` gives a cheap view, `variance` the budget variance."""

    def __init__(
        self, base: Tables, keep: np.ndarray | None = None, filters: dict[str, object] | None = None
    ) -> None:
        self._base = base
        self._keep = keep  # None: every project
        self.filters: dict[str, object] = dict(filters or {})
        self._cache: dict[object, object] = {}

    # -- tables ------------------------------------------------------------------------------------
    def _cut(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            full = getattr(self._base, name)
            if self._keep is None:
                self._cache[name] = full
            else:
                pos = {
                    "projects": None,
                    "indicators": self._base.indicator_pos,
                    "budget": self._base.budget_pos,
                    "findings": self._base.finding_pos,
                }[name]
                self._cache[name] = full[self._keep if pos is None else self._keep[pos]]
        return self._cache[name]  # type: ignore[return-value]

    # Each property returns a shallow copy: with pandas' copy-on-write, changing it (a new column,
    # an edited value) copies what it touches and never alters the portfolio or its other views.
    # Every table returned is tagged (`columns.tag_frame`): numbers stay raw for programs, and a
    # notebook shows it with Chinese headers, rates as %, amounts in 万元 (presentation.frames).
    @property
    def projects(self) -> pd.DataFrame:
        return tag_frame(self._cut("projects").copy(deep=False), "projects")

    @property
    def indicators(self) -> pd.DataFrame:
        return tag_frame(self._cut("indicators").copy(deep=False), "indicators")

    @property
    def budget(self) -> pd.DataFrame:
        return tag_frame(self._cut("budget").copy(deep=False), "budget")

    @property
    def findings(self) -> pd.DataFrame:
        return tag_frame(self._cut("findings").copy(deep=False), "findings")

    @property
    def errors(self) -> pd.DataFrame:
        """Inputs that could not be read or scored (they belong to no department: never filtered)."""
        return tag_frame(self._base.errors.copy(deep=False), "errors")

    @property
    def grade_order(self) -> tuple[str, ...]:
        """The grades of the scheme most projects use, best first (then any other grade seen)."""
        return self._base.grade_order

    @property
    def sources(self) -> tuple[str, ...]:
        return self._base.sources

    def __len__(self) -> int:
        return len(self._base.projects) if self._keep is None else int(self._keep.sum())

    def departments(self) -> list[str]:
        """Departments of this view, the largest 全年预算 first."""
        return list(self.variance("department")["department"])

    # -- evaluations -------------------------------------------------------------------------------
    def _position(self, project_id: str, year: int | None = None) -> int:
        """The row of a project of this view (its latest year unless `year` says which); a KeyError
        in Chinese, with the nearest ids, for one it does not hold."""
        base = self._base
        year = self.filters.get("year") if year is None else year  # a year's view: that year's row
        n = base.positions.get(project_id)
        if n is not None and year is not None and int(base.projects["year"].iat[n]) != year:
            n = year_positions(base).get((project_id, int(year)))
        if n is None or (self._keep is not None and not self._keep[n]):
            where = "本组合" if self._keep is None else "当前筛选结果"
            when = "" if year is None else f"{year} 年度"
            near = difflib.get_close_matches(project_id, list(base.positions), n=3, cutoff=0.6)
            hint = f"；相近的项目编号：{'、'.join(near)}" if near else ""
            raise KeyError(f"{where}中没有{when}项目「{project_id}」{hint}")
        return n

    def project(self, project_id: str, year: int | None = None) -> Evaluation:
        """The evaluation (scorecard and findings) of one project of this view (its latest year when
        the portfolio holds several years of it, or the given `year`)."""
        return self._base.evaluations[self._position(project_id, year)]

    def indicators_of(self, project_id: str, year: int | None = None) -> pd.DataFrame:
        """One project's rows of `indicators` (a slice: its rows are contiguous), in `score --json` order."""
        n = self._position(project_id, year)
        start = self._base.indicator_start
        return tag_frame(
            self._base.indicators.iloc[int(start[n]) : int(start[n + 1])].copy(deep=False), "indicators"
        )

    @property
    def evaluations(self) -> list[Evaluation]:
        evs = self._base.evaluations
        if self._keep is None:
            return list(evs)
        return [evs[int(n)] for n in self._keep.nonzero()[0]]

    # -- 历史比较 and 横向比较 ----------------------------------------------------------------------
    def history(self, project_id: str) -> pd.DataFrame:
        """The project's years, one row each (ascending): 年度, project_id, 项目名称, 全年预算 and 执行数
        (万元), 执行率, 得分, 等级, then per indicator (matched by name) 「名称·目标」「名称·实际」
        「名称·得分」. The years are its line (`lineage`): the same id, a mapping, or the same unit
        and name without the year. Every year of the portfolio is shown, whatever the filter."""
        base = self._base
        line = line_positions(base, self._position(project_id))
        return tag_frame(history_table([base.evaluations[k] for k in line]), "history")

    def peers(self, project_id: str, year: int | None = None) -> pd.DataFrame:
        """The project's 执行率 and 得分 against its department's projects of that year and the
        projects of the same kind (the same set of 二级指标) city-wide: 项目数, 排名 (1 = best),
        百分位 (share at or below it, %), 中位数. Peers are the whole portfolio's, whatever the filter."""
        base = self._base
        n = self._position(project_id, year)
        if "peers" not in base.memo:
            base.memo["peers"] = peer_groups(
                base.projects, base.indicators["level2"].to_numpy(), base.indicator_pos
            )
        p = base.projects
        table = peer_table(base.memo["peers"], n, int(p["year"].iat[n]), str(p["department"].iat[n]))  # type: ignore[arg-type]
        return tag_frame(table, "peers")

    @property
    def ambiguous(self) -> pd.DataFrame:
        """Projects left unmatched across years because a match by name was ambiguous, with why."""
        import pandas as pd

        rows = [] if self._base.lineage is None else list(self._base.lineage.ambiguous)
        return tag_frame(pd.DataFrame(rows, columns=list(AMBIGUOUS_COLUMNS)), "ambiguous")

    # -- filter --------------------------------------------------------------------------------------
    def filter(
        self,
        department: str | Iterable[str] | None = None,
        grade: str | Iterable[str] | None = None,
        rate: tuple[float | None, float | None] | None = None,
        year: int | None = None,
        *,
        warn: bool = True,
    ) -> Portfolio:
        """The projects of these departments, with these grades, whose 执行率 lies in [lo, hi]
        (None: no bound; a rate bound leaves out projects without a rate, i.e. 全年预算 0), of this
        evaluation year (amounts of different years are never added: the explorer shows one year).
        Masks on the tables already built: nothing is re-scored. Views compose: `p.filter(...).filter(...)`.

        A value that no project of the portfolio has gives a `FilterWarning` naming it with the
        nearest names (「人社局」 → 江城市人力资源和社会保障局); a view left empty by values that all
        exist gives one naming the filters. The view is returned all the same (`warn=False`: no
        warning, for callers such as widgets that show an empty view themselves). A value of the wrong type raises TypeError/ValueError
        (`filters.check_*`), in Chinese, saying what is expected."""
        import numpy as np

        depts = check_names(department, "主管部门", 'department="江城市教育局"')
        grades = check_names(grade, "等级", 'grade=["优", "良"]')
        bounds = check_rate(rate)
        year = check_year(year)
        projects = self._base.projects
        keep = np.ones(len(projects), dtype=bool) if self._keep is None else self._keep.copy()
        before = int(keep.sum())
        filters = dict(self.filters)
        unknown: list[tuple[str, set[object], list[object]]] = []
        if depts is not None:
            keep &= projects["department"].isin(depts).to_numpy()
            filters["department"] = sorted(depts)
            known = list(dict.fromkeys(projects["department"]))
            unknown.append(("主管部门", depts - set(known), known))
        if grades is not None:
            keep &= projects["grade"].isin(grades).to_numpy()
            filters["grade"] = [g for g in self.grade_order if g in grades] + sorted(
                grades - set(self.grade_order)
            )
            known = list(dict.fromkeys([*self.grade_order, *projects["grade"]]))
            unknown.append(("等级", grades - set(known), known))
        if bounds is not None:
            lo, hi = bounds
            if lo is not None or hi is not None:
                r = projects["execution_rate"].to_numpy()
                ok = ~np.isnan(r)
                if lo is not None:
                    ok &= r >= lo - 1e-12
                if hi is not None:
                    ok &= r <= hi + 1e-12
                keep &= ok
                filters["rate"] = (lo, hi)
        if year is not None:
            keep &= (projects["year"] == year).to_numpy()
            filters["year"] = year
            known = sorted({int(y) for y in projects["year"]})
            unknown.append(("评价年度", {year} - set(known), known))  # type: ignore[arg-type]
        view = type(self)(self._base, keep, filters)  # a subclass (presentation.workbook) stays one
        if warn:
            missing = [(label, values, known) for label, values, known in unknown if values]
            for label, values, known in missing:
                warn_unknown(label, values, known, empty=len(view) == 0)
            if not missing and len(view) == 0:
                warn_empty(describe_filters(filters), before)
        return view

    # -- variance ------------------------------------------------------------------------------------
    def variance(self, by: str = "department", threshold: float = UNDER_EXECUTED) -> pd.DataFrame:
        """年初 / 全年 / 执行 / 差额 / 执行率 (amounts in 万元) with the flags `overspent` (执行 > 全年)
        and `under_executed` (执行率 < threshold).

        - "department": one row per department, the largest 全年 first; 执行率 is Σ执行 ÷ Σ全年;
          also the number of projects, and of those overspent and under-executed;
        - "project": one row per project (its 执行率 is the scored one, on the scheme's basis);
        - "item": one row per line item (支出明细, budget rows of role "item")."""
        key = ("variance", by, threshold)
        if key not in self._cache:
            if by == "project":
                self._cache[key] = project_variance(self.projects, threshold)
            elif by == "department":
                self._cache[key] = department_variance(self.projects, threshold)
            elif by == "item":
                self._cache[key] = item_variance(self._base, self._keep, threshold)
            else:
                raise ValueError(f"by must be one of {', '.join(BY)}, not {by!r}")
        return tag_frame(self._cache[key].copy(deep=False), f"variance_{by}")  # type: ignore[attr-defined]

    # -- figures -------------------------------------------------------------------------------------
    def summary(self) -> dict[str, object]:
        """Headline figures of this view (amounts in 万元)."""
        key = "summary"
        if key not in self._cache:
            p = self.projects
            adjusted, executed, initial = (
                float(p["adjusted"].sum()),
                float(p["executed"].sum()),
                float(p["initial"].sum()),
            )
            scores = [float(x) for x in p["total"]]
            counts = p["grade"].value_counts()
            pv = self.variance("project")
            self._cache[key] = {
                "projects": len(p),
                "departments": int(p["department"].nunique()),
                "years": sorted(int(y) for y in p["year"].unique()),
                "initial": initial,
                "adjusted": adjusted,
                "executed": executed,
                "gap": adjusted - executed,
                "execution_rate": executed / adjusted if adjusted > 0 else None,
                "mean_score": statistics.fmean(scores) if scores else None,
                "grades": {g: int(counts.get(g, 0)) for g in self.grade_order},
                "overspent": int(pv["overspent"].sum()),
                "under_executed": int(pv["under_executed"].sum()),
                "with_findings": int((p["findings"] > 0).sum()),
                "findings": int(p["findings"].sum()),
                "errors": len(self.errors),
            }
        return dict(self._cache[key])  # type: ignore[call-overload]

    # -- display -------------------------------------------------------------------------------------
    # The HTML card a notebook shows is registered from evalcore.presentation.display.
    def __repr__(self) -> str:
        s = self.summary()
        rate = "—" if s["execution_rate"] is None else f"{s['execution_rate'] * 100:.2f}%"  # type: ignore[operator]
        where = "" if not self.filters else f"，筛选 {describe_filters(self.filters)}"
        return (
            f"<Portfolio {s['projects']} 个项目，{s['departments']} 个主管部门，全年预算 {s['adjusted']:,.2f} 万元，"
            f"执行 {s['executed']:,.2f} 万元，执行率 {rate}，输入错误 {s['errors']} 个{where}>"
        )


def describe_filters(filters: dict[str, object]) -> str:
    """A view's filters in words, e.g. 2024 年度；主管部门 江城市教育局；等级 优、良；执行率 50%–100%."""
    bits = [f"{filters['year']} 年度"] if filters.get("year") else []
    if filters.get("department"):
        bits.append("主管部门 " + "、".join(map(str, filters["department"])))  # type: ignore[call-overload]
    if filters.get("grade"):
        bits.append("等级 " + "、".join(map(str, filters["grade"])))  # type: ignore[call-overload]
    if filters.get("rate"):
        lo, hi = filters["rate"]  # type: ignore[misc]
        bits.append(f"执行率 {_percent(lo)}–{_percent(hi)}")
    return "；".join(bits) or "全部项目"


def _percent(bound: float | None) -> str:
    if bound is None:
        return "不限"
    return "—" if bound != bound else f"{bound * 100:.0f}%"
