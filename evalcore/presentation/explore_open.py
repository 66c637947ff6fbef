"""「表中的项目」 (issue #16): a button per project a table lists, opening its card in one step.

A project found in a table of the items section (the largest under-executed or overspent line items
and projects) or of the drill-down's department table was a name to look up again in the project
search. Below those tables the explorer now shows one button per distinct project the table lists
(at most `MAX_BUTTONS`, in the table's order: it follows the filters and the table's 「排序」); a
click calls `Explorer.open_project`, as the charts' 「图中标注的项目」 do (`explore_outliers`).

Which projects a table lists is a pure function of the view and the table's sort (`items_projects`,
`department_projects`), built from the same frames and the same `sort_table` the views use, so a
test can check the rule without widgets. ipywidgets is imported only when a button list is built.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from .explore_outliers import fill_buttons
from .explore_sort import SortKey, sort_table
from .explore_views import MAX_DRILL_ROWS, TOP

if TYPE_CHECKING:
    from ..explore import Portfolio

__all__ = ["MAX_BUTTONS", "TableProjects", "department_projects", "items_projects"]

MAX_BUTTONS = 10  # more buttons than this wrap into a block nobody reads


def _distinct(frames: list[pd.DataFrame], limit: int) -> list[tuple[str, str]]:
    """(project_id, name) of the rows of these tables, in their order, each project once."""
    seen: dict[str, str] = {}
    for df in frames:
        for pid, name in zip(df["project_id"], df["name"], strict=True):
            if len(seen) >= limit:
                return list(seen.items())
            seen.setdefault(str(pid), str(name))
    return list(seen.items())


def items_projects(view: Portfolio, sort: SortKey = None, limit: int = MAX_BUTTONS) -> list[tuple[str, str]]:
    """The projects the items section lists, top to bottom: its four tables (under-executed line
    items, overspent line items, under-executed projects, overspent projects) as `items_view`
    builds them, each sorted by `sort`."""
    if not len(view):
        return []
    iv, pv = view.variance("item"), view.variance("project")
    tables = [
        iv[iv["under_executed"]].nlargest(TOP, "差额"),
        iv[iv["overspent"]].assign(超支=lambda d: d["执行"] - d["全年"]).nlargest(TOP, "超支"),
        pv[pv["under_executed"]].nlargest(TOP, "差额"),
        pv[pv["overspent"]].assign(超支=lambda d: d["执行"] - d["全年"]).nlargest(TOP, "超支"),
    ]
    return _distinct([sort_table(t, sort) for t in tables], limit)


def department_projects(
    view: Portfolio, department: str | None, sort: SortKey = None, limit: int = MAX_BUTTONS
) -> list[tuple[str, str]]:
    """The first projects of the drill-down's table of `department`, in its order (the largest
    全年预算 first, or `sort`), as `department_projects_view` lists them."""
    if not department:
        return []
    pv = view.variance("project")
    pv = pv[pv["department"] == department].sort_values(
        ["全年", "project_id"], ascending=[False, True], kind="stable"
    )
    findings = view.projects.set_index("project_id")["findings"]
    pv = sort_table(pv.assign(findings=pv["project_id"].map(findings).fillna(0)), sort)
    return _distinct([pv.head(MAX_DRILL_ROWS)], limit)


class TableProjects:
    """Per table (「items」, 「drill-department」), 「表中的项目」 as one button per project: a click
    opens its card in the drill-down (`on_open(project_id)`)."""

    def __init__(self, on_open: Callable[[str], None]) -> None:
        self._on_open = on_open
        self.boxes: dict[str, Any] = {}
        self.buttons: dict[str, list[Any]] = {}
        self.shown: dict[str, tuple[str, ...]] = {}  # the ids each table's buttons open

    def box(self, table: str) -> Any:
        """The (empty until `update`) list of `table`, to place below the table."""
        if table not in self.boxes:
            import ipywidgets as w  # here, not at the top: the views never pay for it

            self.boxes[table] = w.VBox([])
        return self.boxes[table]

    def attach(self, box: Any, section: str, view: Portfolio, sort: SortKey) -> None:
        """Below a section that lists projects in tables (only 「items」), its list, filled."""
        if section == "items":
            box.children = (*box.children, self.box(section))
            self.update(section, view, sort)

    def update(self, table: str, view: Portfolio, sort: SortKey, department: str | None = None) -> None:
        """Follow a new selection or sort: the projects `table` now lists (nothing when its list is
        not shown)."""
        if table not in self.boxes:
            return
        found = (
            items_projects(view, sort) if table == "items" else department_projects(view, department, sort)
        )
        ids = tuple(pid for pid, _n in found)
        if self.shown.get(table) == ids:  # the same projects in the same order: keep the buttons
            return
        self.buttons[table] = fill_buttons(
            self.boxes[table], found, self._on_open, "表中的项目", "表中没有项目。"
        )
        self.shown[table] = ids
