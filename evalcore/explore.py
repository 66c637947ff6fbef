"""A portfolio as pandas DataFrames, for exploring budget variance (预算执行偏差) in a notebook.

`load_portfolio(path)` scores and reviews everything under the path through `evaluate_paths` (the
same entry point as `evalcore score`, so every number equals `score --json`) and lays the results
out column-wise in one pass over the evaluations:

- `projects`: one row per scored project (facts, budget figures, total, grade, self-reported
  total and grade, number of findings);
- `indicators`: every indicator row, applicable ones first as in `score --json`;
- `budget`: every budget row (role total / funding / item);
- `findings`: every review finding (project_id, code, severity, message …);
- `errors`: inputs that could not be read or scored, one row each (every other project is scored).

Amounts are in 万元 in every table: a project filed in 元 is divided by 10,000 (its `amount_unit`
column says how it was filed), so sums across projects mean something. Rates are unit-free.

`variance(by=...)` gives 年初 / 全年 / 执行 / 差额 (全年 − 执行: positive is money not spent) /
执行率 (执行 ÷ 全年) per department, project or line item, with the flags `overspent`
(执行 > 全年) and `under_executed` (执行率 < 90%). `filter(...)` returns a view of the same
portfolio selected by boolean masks: nothing is re-read or re-scored, and the view's tables are
cut only when first asked for.

pandas is imported when a portfolio is loaded, not when `evalcore` is: the command line and the
report kernels never pay for it.
"""

from __future__ import annotations

import os
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import EvalcoreError
from .evaluation import Evaluation, evaluate_paths
from .findings import titles
from .schemes import Scheme

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["UNDER_EXECUTED", "VARIANCE_COLUMNS", "Portfolio", "describe_filters", "load_portfolio"]

UNDER_EXECUTED = 0.9  # 执行率 below this is under-execution (the common provincial 说明原因 line)
AMOUNT_EPS = 1e-6  # 万元 (0.01 元): below it 执行 and 全年 are the same amount
VARIANCE_COLUMNS = ("年初", "全年", "执行", "差额", "执行率")
BY = ("department", "project", "item")
DEFAULT_GRADES = ("优", "良", "中", "差")

PROJECT_COLUMNS = (
    "project_id",
    "name",
    "department",
    "unit",
    "year",
    "evaluation_type",
    "scheme",
    "amount_unit",
    "initial",
    "adjusted",
    "executed",
    "execution_rate",
    "initial_rate",
    "budget_basis",
    "budget_score",
    "total",
    "total_raw",
    "grade",
    "scale",
    "reported_total",
    "reported_grade",
    "findings",
    "finding_codes",
    "source",
)
INDICATOR_COLUMNS = (
    "project_id",
    "department",
    "level1",
    "level2",
    "name",
    "category",
    "direction",
    "target",
    "actual",
    "unit",
    "weight",
    "score",
    "reported_score",
    "completion",
    "met",
    "level",
    "applicable",
    "rule",
    "explanation",
    "deviation_reason",
)
BUDGET_COLUMNS = (
    "project_id",
    "department",
    "source",
    "role",
    "initial",
    "adjusted",
    "executed",
    "execution_rate",
    "reported_score",
)
FINDING_COLUMNS = ("project_id", "department", "code", "severity", "subject", "title", "message")
ERROR_COLUMNS = ("project_id", "message", "file", "sheet", "row", "column", "path", "field", "expected")


def _wan(unit: str) -> float:
    """The factor that turns an amount filed in `unit` into 万元."""
    return 1e-4 if unit.strip() == "元" else 1.0


def _error_row(exc: EvalcoreError) -> dict[str, object]:
    d: dict[str, Any] = exc.as_dict() if hasattr(exc, "as_dict") else {"message": str(exc), "where": {}}
    where = d.get("where") or {}
    return {
        "project_id": d.get("project_id"),
        "message": d.get("message"),
        "file": where.get("file"),
        "sheet": where.get("sheet"),
        "row": where.get("row"),
        "column": where.get("column"),
        "path": where.get("path"),
        "field": where.get("field"),
        "expected": d.get("expected"),
    }


@dataclass(frozen=True)
class _Base:
    """What every view of one loaded portfolio shares: the full tables, the evaluations, and for each
    row of the indicator, budget and finding tables the position of its project (for masks)."""

    projects: pd.DataFrame
    indicators: pd.DataFrame
    budget: pd.DataFrame
    findings: pd.DataFrame
    errors: pd.DataFrame
    evaluations: dict[str, Evaluation]
    positions: dict[str, int]  # project_id → row of `projects`
    indicator_pos: np.ndarray
    budget_pos: np.ndarray
    finding_pos: np.ndarray
    grade_order: tuple[str, ...]
    sources: tuple[str, ...]
    indicator_start: np.ndarray  # a project's indicator rows are indicators[start[n]:start[n + 1]]
    memo: dict[object, object] = field(default_factory=dict)  # tables derived once from the full portfolio


def _build(
    evaluations: Sequence[Evaluation], errors: Sequence[EvalcoreError], sources: tuple[str, ...]
) -> _Base:
    """The tables, column by column: one pass gathers the rows' objects, then one list per column."""
    import numpy as np
    import pandas as pd

    evs = list(evaluations)
    cards = [ev.card for ev in evs]
    projs = [c.project for c in cards]
    buds = [c.budget for c in cards]
    ks = [_wan(p.amount_unit) for p in projs]
    # flattened child rows, each with the position of its project
    scored: list = []
    scored_pos: list[int] = []
    na: list = []
    na_pos: list[int] = []
    rows: list = []
    rows_pos: list[int] = []
    finds: list = []
    finds_pos: list[int] = []
    for n, (ev, c, p) in enumerate(zip(evs, cards, projs, strict=True)):
        scored += c.indicators
        scored_pos += [n] * len(c.indicators)
        na += c.not_applicable
        na_pos += [n] * len(c.not_applicable)
        rows += p.budget
        rows_pos += [n] * len(p.budget)
        finds += ev.findings
        finds_pos += [n] * len(ev.findings)
    pids = [p.project_id for p in projs]
    depts = [p.department for p in projs]

    def floats(values: Iterable[float | None]) -> np.ndarray:
        return np.array([np.nan if v is None else v for v in values], dtype="float64")

    def objects(values: Iterable[object]) -> pd.Series:
        return pd.Series(list(values), dtype="object")

    def by_pos(values: list, pos: list[int]) -> list:
        return [values[i] for i in pos]

    projects = pd.DataFrame(
        {
            "project_id": pids,
            "name": [p.name for p in projs],
            "department": depts,
            "unit": [p.unit for p in projs],
            "year": np.array([p.year for p in projs], dtype="int64"),
            "evaluation_type": [p.evaluation_type for p in projs],
            "scheme": [c.scheme.id for c in cards],
            "amount_unit": [p.amount_unit for p in projs],
            "initial": floats(b.initial * k for b, k in zip(buds, ks, strict=True)),
            "adjusted": floats(b.adjusted * k for b, k in zip(buds, ks, strict=True)),
            "executed": floats(b.executed * k for b, k in zip(buds, ks, strict=True)),
            "execution_rate": floats(b.execution_rate for b in buds),
            "initial_rate": floats(b.initial_rate for b in buds),
            "budget_basis": [b.basis for b in buds],
            "budget_score": floats(b.score for b in buds),
            "total": floats(c.total for c in cards),
            "total_raw": floats(c.total_raw for c in cards),
            "grade": [c.grade for c in cards],
            "scale": floats(c.scale for c in cards),
            "reported_total": floats(p.reported_total for p in projs),
            "reported_grade": objects(p.reported_grade for p in projs),
            "findings": np.array([len(ev.findings) for ev in evs], dtype="int64"),
            "finding_codes": [" ".join(f.code for f in ev.findings) for ev in evs],
            "source": [p.origin for p in projs],
        },
        columns=list(PROJECT_COLUMNS),
    )

    inds = [s.indicator for s in scored]
    n_na = len(na)
    indicators = pd.DataFrame(
        {
            "project_id": by_pos(pids, scored_pos) + by_pos(pids, na_pos),
            "department": by_pos(depts, scored_pos) + by_pos(depts, na_pos),
            "level1": [i.level1 for i in inds] + [i.level1 for i in na],
            "level2": [i.level2 for i in inds] + [i.level2 for i in na],
            "name": [i.name for i in inds] + [i.name for i in na],
            "category": objects([s.category for s in scored] + [None] * n_na),
            "direction": [i.direction for i in inds] + [i.direction for i in na],
            "target": [i.target.raw for i in inds] + [i.target.raw for i in na],
            "actual": [i.actual.raw for i in inds] + [i.actual.raw for i in na],
            "unit": objects([i.unit for i in inds] + [i.unit for i in na]),
            "weight": floats([s.weight for s in scored] + [i.weight for i in na]),
            "score": floats([s.score for s in scored] + [None] * n_na),
            "reported_score": floats([i.reported_score for i in inds] + [i.reported_score for i in na]),
            "completion": floats([s.completion for s in scored] + [None] * n_na),
            "met": objects([s.met for s in scored] + [None] * n_na),
            "level": objects([s.level for s in scored] + [None] * n_na),
            "applicable": np.array([True] * len(scored) + [False] * n_na, dtype=bool),
            "rule": [s.explanation.rule for s in scored] + ["不适用"] * n_na,
            "explanation": [s.explanation.text for s in scored] + ["不适用，剔除后按百分制折算"] * n_na,
            "deviation_reason": [i.deviation_reason for i in inds] + [i.deviation_reason for i in na],
        },
        columns=list(INDICATOR_COLUMNS),
    )
    # an indicator's rows in `score --json` order: a project's applicable ones, then its not-applicable ones
    ipos = np.asarray(scored_pos + na_pos, dtype="int64")
    if n_na:
        order = np.argsort(ipos, kind="stable")
        indicators = indicators.iloc[order].reset_index(drop=True)
        ipos = ipos[order]

    row_k = by_pos(ks, rows_pos)
    budget = pd.DataFrame(
        {
            "project_id": by_pos(pids, rows_pos),
            "department": by_pos(depts, rows_pos),
            "source": [r.source for r in rows],
            "role": [r.role for r in rows],
            "initial": floats(r.initial * k for r, k in zip(rows, row_k, strict=True)),
            "adjusted": floats(r.adjusted * k for r, k in zip(rows, row_k, strict=True)),
            "executed": floats(r.executed * k for r, k in zip(rows, row_k, strict=True)),
            "execution_rate": floats(r.executed / r.adjusted if r.adjusted > 0 else None for r in rows),
            "reported_score": floats(r.reported_score for r in rows),
        },
        columns=list(BUDGET_COLUMNS),
    )
    findings = pd.DataFrame(
        {
            "project_id": by_pos(pids, finds_pos),
            "department": by_pos(depts, finds_pos),
            "code": [f.code for f in finds],
            "severity": [f.severity for f in finds],
            "subject": [f.subject for f in finds],
            "title": [titles().get(f.code, "") for f in finds],
            "message": [f.message for f in finds],
        },
        columns=list(FINDING_COLUMNS),
    )
    errors_df = pd.DataFrame([_error_row(e) for e in errors], columns=list(ERROR_COLUMNS))

    schemes = Counter(tuple(g.name for g in c.scheme.grades) for c in cards)
    order_ = schemes.most_common(1)[0][0] if schemes else DEFAULT_GRADES
    grade_order = (*order_, *sorted({c.grade for c in cards} - set(order_)))
    return _Base(
        projects,
        indicators,
        budget,
        findings,
        errors_df,
        dict(zip(pids, evs, strict=True)),
        {pid: n for n, pid in enumerate(pids)},
        ipos,
        np.asarray(rows_pos, dtype="int64"),
        np.asarray(finds_pos, dtype="int64"),
        grade_order,
        sources,
        np.searchsorted(ipos, np.arange(len(pids) + 1)),
    )


def load_portfolio(
    path: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], scheme: Scheme | str | None = None
) -> Portfolio:
    """Read, score and review every project under `path` (a file, a folder, a table folder, or a
    list of them) through `evaluate_paths`. Inputs that cannot be used are kept in `errors`."""
    paths = [path] if isinstance(path, str | os.PathLike) else list(path)
    run = evaluate_paths(paths, scheme)
    return Portfolio(_build(run.evaluations, run.errors, tuple(str(p) for p in paths)))


def _as_set(value: object) -> set[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return {value}
    return {str(v) for v in value}  # type: ignore[attr-defined]


class Portfolio:
    """Scored projects as DataFrames; `filter` gives a cheap view, `variance` the budget variance."""

    def __init__(
        self, base: _Base, keep: np.ndarray | None = None, filters: dict[str, object] | None = None
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
    @property
    def projects(self) -> pd.DataFrame:
        return self._cut("projects").copy(deep=False)

    @property
    def indicators(self) -> pd.DataFrame:
        return self._cut("indicators").copy(deep=False)

    @property
    def budget(self) -> pd.DataFrame:
        return self._cut("budget").copy(deep=False)

    @property
    def findings(self) -> pd.DataFrame:
        return self._cut("findings").copy(deep=False)

    @property
    def errors(self) -> pd.DataFrame:
        """Inputs that could not be read or scored (they belong to no department: never filtered)."""
        return self._base.errors.copy(deep=False)

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
    def project(self, project_id: str) -> Evaluation:
        """The evaluation (scorecard and findings) of one project of this view."""
        n = self._base.positions.get(project_id)
        if n is None or (self._keep is not None and not self._keep[n]):
            where = "本组合" if self._keep is None else "当前筛选结果"
            raise KeyError(f"{where}中没有项目「{project_id}」")
        return self._base.evaluations[project_id]

    def indicators_of(self, project_id: str) -> pd.DataFrame:
        """One project's rows of `indicators` (a slice: its rows are contiguous), in `score --json` order."""
        self.project(project_id)
        n = self._base.positions[project_id]
        start = self._base.indicator_start
        return self._base.indicators.iloc[int(start[n]) : int(start[n + 1])]

    @property
    def evaluations(self) -> list[Evaluation]:
        return [self._base.evaluations[p] for p in self.projects["project_id"]]

    # -- filter --------------------------------------------------------------------------------------
    def filter(
        self,
        department: str | Iterable[str] | None = None,
        grade: str | Iterable[str] | None = None,
        rate: tuple[float | None, float | None] | None = None,
    ) -> Portfolio:
        """The projects of these departments, with these grades, whose 执行率 lies in [lo, hi]
        (None: no bound; a rate bound leaves out projects without a rate, i.e. 全年预算 0). Masks on
        the tables already built: nothing is re-scored. Views compose: `p.filter(...).filter(...)`."""
        import numpy as np

        projects = self._base.projects
        keep = np.ones(len(projects), dtype=bool) if self._keep is None else self._keep.copy()
        filters = dict(self.filters)
        depts = _as_set(department)
        if depts is not None:
            keep &= projects["department"].isin(depts).to_numpy()
            filters["department"] = sorted(depts)
        grades = _as_set(grade)
        if grades is not None:
            keep &= projects["grade"].isin(grades).to_numpy()
            filters["grade"] = [g for g in self.grade_order if g in grades] + sorted(
                grades - set(self.grade_order)
            )
        if rate is not None:
            lo, hi = rate
            if lo is not None or hi is not None:
                r = projects["execution_rate"].to_numpy()
                ok = ~np.isnan(r)
                if lo is not None:
                    ok &= r >= lo - 1e-12
                if hi is not None:
                    ok &= r <= hi + 1e-12
                keep &= ok
                filters["rate"] = (lo, hi)
        return Portfolio(self._base, keep, filters)

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
                self._cache[key] = self._project_variance(threshold)
            elif by == "department":
                self._cache[key] = self._department_variance(threshold)
            elif by == "item":
                self._cache[key] = self._item_variance(threshold)
            else:
                raise ValueError(f"by must be one of {', '.join(BY)}, not {by!r}")
        return self._cache[key].copy(deep=False)  # type: ignore[attr-defined]

    def _project_variance(self, threshold: float) -> pd.DataFrame:
        import pandas as pd

        p = self.projects
        out = pd.DataFrame(
            {
                "project_id": p["project_id"],
                "name": p["name"],
                "department": p["department"],
                "grade": p["grade"],
                "total": p["total"],
                "年初": p["initial"],
                "全年": p["adjusted"],
                "执行": p["executed"],
            }
        )
        out["差额"] = out["全年"] - out["执行"]
        out["执行率"] = p["execution_rate"]
        return _flag(out, threshold).reset_index(drop=True)

    def _department_variance(self, threshold: float) -> pd.DataFrame:
        import pandas as pd

        pv = self._project_variance(threshold)
        g = pv.groupby("department", sort=False)
        out = g[["年初", "全年", "执行"]].sum()
        out.insert(0, "projects", g.size())
        out["差额"] = out["全年"] - out["执行"]
        adjusted = out["全年"].where(out["全年"] > 0)
        out["执行率"] = out["执行"] / adjusted
        out = _flag(out, threshold)
        out["overspent_projects"] = g["overspent"].sum().astype("int64")
        out["under_executed_projects"] = g["under_executed"].sum().astype("int64")
        out = out.reset_index()
        if len(out):
            out = out.sort_values(["全年", "department"], ascending=[False, True], kind="stable")
        return pd.DataFrame(out).reset_index(drop=True)

    def _item_variance(self, threshold: float) -> pd.DataFrame:
        """Line items of the whole portfolio are laid out once; a view masks them."""
        import pandas as pd

        key = ("items", threshold)
        base = self._base
        if key not in base.memo:
            b = base.budget
            is_item = (b["role"] == "item").to_numpy()
            items = b[is_item]
            pos = base.budget_pos[is_item]
            full = pd.DataFrame(
                {
                    "project_id": items["project_id"].to_numpy(),
                    "name": base.projects["name"].to_numpy()[pos],
                    "department": items["department"].to_numpy(),
                    "item": items["source"].to_numpy(),
                    "年初": items["initial"].to_numpy(),
                    "全年": items["adjusted"].to_numpy(),
                    "执行": items["executed"].to_numpy(),
                }
            )
            full["差额"] = full["全年"] - full["执行"]
            full["执行率"] = items["execution_rate"].to_numpy()
            base.memo[key] = (_flag(full, threshold), pos)
        full, pos = base.memo[key]  # type: ignore[misc]
        if self._keep is None:
            return full
        return full[self._keep[pos]].reset_index(drop=True)

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
    """A view's filters in words, e.g. 主管部门 江城市教育局；等级 优、良；执行率 50%–100%."""
    bits = []
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


def _flag(df: pd.DataFrame, threshold: float) -> pd.DataFrame:
    df["overspent"] = (df["执行"] - df["全年"]) > AMOUNT_EPS
    df["under_executed"] = (df["执行率"] < threshold).to_numpy(dtype=bool)  # no rate: not flagged
    return df
