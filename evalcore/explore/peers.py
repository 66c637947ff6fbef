"""横向比较: a project's 执行率 and 得分 against the other projects of its year — those of its
department, and those of the same kind city-wide.

"The same kind" is the set of 二级指标 a project is evaluated on (数量指标、质量指标、时效指标…):
projects built on the same frame of indicators are the ones a reviewer compares. The model carries
no 功能分类, so that is the only kind (when the inputs gain one, it belongs here).

The groups are built once per loaded portfolio (`PeerGroups`, kept in the tables' memo), so each
`peers()` call is a few NumPy operations over one department and one kind.

Rank and 百分位 follow the one rule of `ranking.py` (1 = best, ties share the better rank; a rate
above 100% ranks as 100%). A project without a value (no 全年预算, so no 执行率) is left out of its
groups for that measure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .ranking import kind as kind_of
from .ranking import position as ranked_at

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

PEER_COLUMNS = ("年度", "比较范围", "范围", "指标", "本项目", "项目数", "排名", "百分位", "中位数")
MEASURES = (("执行率", "execution_rate"), ("得分", "total"))


@dataclass(frozen=True)
class PeerGroups:
    """Per project position: its kind; per (year, department) and (year, kind) the positions."""

    kinds: list[str]
    by_department: dict[tuple[int, str], np.ndarray]
    by_kind: dict[tuple[int, str], np.ndarray]
    values: dict[str, np.ndarray]  # measure column → value per position (NaN: none)


def peer_groups(projects: pd.DataFrame, level2: np.ndarray, indicator_pos: np.ndarray) -> PeerGroups:
    """The groups of the full portfolio, from the projects table and each indicator row's 二级指标
    and project position."""
    import numpy as np

    n = len(projects)
    sets: list[set[str]] = [set() for _ in range(n)]
    for label, k in zip(level2.tolist(), indicator_pos.tolist(), strict=True):
        sets[k].add(label)
    classes = projects["function_class"].tolist() if "function_class" in projects else [""] * n
    kinds = [kind_of(c, s) for c, s in zip(classes, sets, strict=True)]
    keyed = projects.assign(_kind=kinds)
    by_department = {
        (int(y), str(d)): np.asarray(v)
        for (y, d), v in keyed.groupby(["year", "department"], sort=False).indices.items()
    }
    by_kind = {
        (int(y), str(k)): np.asarray(v)
        for (y, k), v in keyed.groupby(["year", "_kind"], sort=False).indices.items()
    }
    values = {col: projects[col].to_numpy(dtype="float64") for _, col in MEASURES}
    return PeerGroups(kinds, by_department, by_kind, values)


def peer_table(groups: PeerGroups, position: int, year: int, department: str) -> pd.DataFrame:
    """The rows of one project: for its department and its kind, each measure's rank and percentile."""
    import numpy as np
    import pandas as pd

    kind = groups.kinds[position]
    scopes = (
        ("主管部门", department, groups.by_department[(year, department)]),
        ("同类项目", kind, groups.by_kind[(year, kind)]),
    )
    rows = []
    for scope, label, members in scopes:
        for measure, col in MEASURES:
            values = groups.values[col][members]
            values = values[~np.isnan(values)]
            own = float(groups.values[col][position])
            rank, percentile = (
                ranked_at(measure, values, own) if own == own and len(values) else (None, float("nan"))
            )
            rows.append(
                {
                    "年度": year,
                    "比较范围": scope,
                    "范围": label,
                    "指标": measure,
                    "本项目": own,
                    "项目数": len(values),
                    "排名": rank,
                    "百分位": percentile,
                    "中位数": float(np.median(values)) if len(values) else float("nan"),
                }
            )
    table = pd.DataFrame(rows, columns=list(PEER_COLUMNS))
    return table.astype({"排名": "Int64"})
