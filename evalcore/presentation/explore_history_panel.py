"""The explorer's 历史比较 panel: choose a project of the selected year, see its years and its peers.

`Explorer.history()` builds one `HistoryPanel` and calls `update(view)` whenever the year or a filter
changes: the department and project Dropdowns then list the view's departments and that
department's projects (of the selected year), keeping the chosen project when it is still there —
or its own line's project of the new year, so switching the year follows the same project. The
panes hold what `explore_history.history_view` and `ambiguous_view` return (ipywidgets only; every
number comes from `evalcore.explore`). Headless, the panel's display bundle carries the default
selection's view as text/html, like every pane of the explorer.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from ..explore import Portfolio, base_name
from .explore_choices import department_choices
from .explore_filters import NO_PROJECTS, no_projects_view
from .explore_history import HISTORY_CODES, ambiguous_view, history_view
from .explore_panes import fallback_html, pane, set_fallback, show, widget_class, widgets
from .explore_views import Content

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["HistoryPanel", "default_project", "lines_of_several_years"]

RENDERED_KEPT = 48  # projects' history views kept (a table, a chart, three small tables each)


def default_project(projects: pd.DataFrame, lines: set[tuple[str, str]] | None = None) -> str | None:
    """The project a panel opens on: of these projects (one year's), the largest 全年预算 (ties by
    id) among those carrying a finding only two years show (R016–R019), else among those `lines`
    says have another year (their (unit, name without the year) key), else among all. None when
    there is none. A default that has a history to show, found without computing every history."""
    if not len(projects):
        return None
    marked = projects["finding_codes"].map(lambda c: bool(set(str(c).split()) & set(HISTORY_CODES)))
    pool = projects[marked.to_numpy()]
    if not len(pool) and lines:
        keys = [
            (str(u), base_name(str(n))) in lines
            for u, n in zip(projects["unit"], projects["name"], strict=True)
        ]
        pool = projects[keys]
    pool = pool if len(pool) else projects
    pool = pool.sort_values(["adjusted", "project_id"], ascending=[False, True], kind="stable")
    return str(pool["project_id"].iat[0])


def lines_of_several_years(projects: pd.DataFrame) -> set[tuple[str, str]]:
    """(unit, name without the year) keys that come in more than one year: likely lines (a cheap
    hint for the default project; the lines themselves are `lineage`'s)."""
    keys = [(str(u), base_name(str(n))) for u, n in zip(projects["unit"], projects["name"], strict=True)]
    years: dict[tuple[str, str], set[int]] = {}
    for key, year in zip(keys, projects["year"].tolist(), strict=True):
        years.setdefault(key, set()).add(int(year))
    return {k for k, ys in years.items() if len(ys) > 1}


class HistoryPanel:
    """Department → project Dropdowns over the selected year's view, the project's history and
    peers, and the projects left unmatched across years."""

    def __init__(self, portfolio: Portfolio) -> None:
        self.portfolio = portfolio  # the whole portfolio: history and peers are its own
        self._rendered: OrderedDict[tuple[str, int | None], Content] = OrderedDict()
        self._quiet = False
        self._view: Portfolio = portfolio
        self._lines = lines_of_several_years(portfolio.projects)
        w = widgets()
        style = {"description_width": "5em"}
        self.department = w.Dropdown(description="主管部门", style=style, layout=w.Layout(width="24em"))
        self.project = w.Dropdown(description="项目", style=style, layout=w.Layout(width="42em"))
        self.pane = pane("历史比较")
        self.ambiguous_pane = pane("未能跨年度匹配的项目")
        show(self.ambiguous_pane, ambiguous_view(portfolio), "未能跨年度匹配的项目")
        self.box = widget_class("VBox")(
            [w.HBox([self.department, self.project]), self.pane, self.ambiguous_pane]
        )
        set_fallback(self.box, "历史比较与横向比较：主管部门 → 项目")
        self.department.observe(self._on_department, names="value")
        self.project.observe(self._on_project, names="value")

    @property
    def year(self) -> int | None:
        """The selected evaluation year (None: the portfolio holds one year)."""
        year = self._view.filters.get("year")
        return None if year is None else int(year)  # type: ignore[call-overload]

    def content(self, project_id: str, year: int | None) -> Content:
        """A project's history view in `year`, cached (it does not depend on the other filters)."""
        key = (project_id, year)
        if key not in self._rendered:
            self._rendered[key] = history_view(self.portfolio, project_id, year)
            while len(self._rendered) > RENDERED_KEPT:
                self._rendered.popitem(last=False)
        else:
            self._rendered.move_to_end(key)
        return self._rendered[key]

    def update(self, view: Portfolio) -> None:
        """Follow a new selection (year and filters): list its departments, keep the project when the
        view still holds it (or its line's project of the new year), else open on the default."""
        previous, self._view = self.project.value, view
        p = view.projects
        ids = set(p["project_id"])
        keep = previous if previous in ids else self._same_line(previous, ids)
        keep = keep or default_project(p, self._lines)
        depts = view.departments()
        dept = str(p.loc[p["project_id"] == keep, "department"].iat[0]) if keep else None
        self._quiet = True
        try:
            self.department.options = department_choices(self.portfolio.departments(), depts)
            self.department.value = dept
        finally:
            self._quiet = False
        self._list_projects(keep)

    def _same_line(self, project_id: str | None, ids: set[str]) -> str | None:
        if not project_id or self.year is None:
            return None
        h = self.portfolio.history(project_id)
        match = [str(pid) for y, pid in zip(h["年度"], h["project_id"], strict=True) if int(y) == self.year]
        return match[0] if match and match[0] in ids else None

    def _list_projects(self, keep: str | None = None) -> None:
        dept = self.department.value
        p = self._view.projects
        p = p[p["department"] == dept].sort_values(["adjusted", "project_id"], ascending=[False, True])
        options = [(f"{n}（{pid}）", pid) for n, pid in zip(p["name"], p["project_id"], strict=True)]
        ids = [pid for _label, pid in options]
        self._quiet = True
        try:
            self.project.options = options
            self.project.value = keep if keep in ids else default_project(p, self._lines)
        finally:
            self._quiet = False
        self._show()

    def _show(self) -> None:
        pid = self.project.value
        if pid is None:
            content = no_projects_view("history", self._view)
            show(self.pane, content, f"历史比较：{NO_PROJECTS}")
        else:
            show(self.pane, self.content(pid, self.year), f"历史比较：项目 {pid}")
        html = fallback_html(self.pane) + fallback_html(self.ambiguous_pane)
        set_fallback(self.box, f"历史比较与横向比较：{pid or '没有项目'}", html)

    def _on_department(self, _change: object) -> None:
        if not self._quiet:
            self._list_projects()

    def _on_project(self, _change: object) -> None:
        if not self._quiet:
            self._show()

    def widget(self) -> Any:
        """The panel as one widget (Dropdowns and panes), for a notebook cell."""
        return self.box
