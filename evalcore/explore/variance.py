"""Budget variance (年初 / 全年 / 执行 / 差额 / 执行率) of a portfolio view per project, department or
line item, with the flags `overspent` (执行 > 全年) and `under_executed` (执行率 below a threshold).

Plain functions of the tables: `Portfolio.variance` chooses one and keeps its answer per view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .columns import AMOUNT_EPS
from .tables import Tables

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


def project_variance(p: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """One row per project of the `projects` table `p`; its 执行率 is the scored one, on the scheme's
    basis."""
    import pandas as pd

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


def department_variance(p: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """One row per department of the `projects` table `p`, the largest 全年 first; 执行率 is Σ执行 ÷ Σ全年;
    also the number of projects, and of those overspent and under-executed."""
    import pandas as pd

    pv = project_variance(p, threshold)
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


def item_variance(base: Tables, keep: np.ndarray | None, threshold: float) -> pd.DataFrame:
    """One row per line item (支出明细, budget rows of role "item") of the projects `keep` selects (None:
    all). Line items of the whole portfolio are laid out once, in `base.memo`; a view masks them."""
    import pandas as pd

    key = ("items", threshold)
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
    if keep is None:
        return full
    return full[keep[pos]].reset_index(drop=True)


def _flag(df: pd.DataFrame, threshold: float) -> pd.DataFrame:
    df["overspent"] = (df["执行"] - df["全年"]) > AMOUNT_EPS
    df["under_executed"] = (df["执行率"] < threshold).to_numpy(dtype=bool)  # no rate: not flagged
    return df
