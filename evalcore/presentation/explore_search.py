"""The explorer's project search: type part of a project's name or id, pick one of the matches, and
the drill-down opens its card.

Among 1,000 projects a department → project pair of Dropdowns is a slow way to one project whose
name is known: this box searches the current view (year and every filter: a project the filters
leave out is not found), lists the matches (the largest 全年预算 first, at most `LIMIT`), and one
click on a match calls `on_choose(project_id)` — `Explorer.open_project`, which shows its card in
the drill-down. Matching is `explore_filters.find_projects`'; ipywidgets only here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..explore import Portfolio
from .explore_filters import find_projects
from .explore_panes import widgets

__all__ = ["LIMIT", "ProjectSearch"]

LIMIT = 20  # matches listed


class ProjectSearch:
    """A Text box, the list of its matches in the current view, and a line saying how many."""

    def __init__(self, view: Portfolio, on_choose: Callable[[str], None]) -> None:
        w = widgets()
        self._view = view
        self._on_choose = on_choose
        self._quiet = False
        style = {"description_width": "5em"}
        self.query = w.Text(
            placeholder="项目名称或编号的一部分",
            description="查找项目",
            continuous_update=True,
            style=style,
            layout=w.Layout(width="30em"),
        )
        self.results = w.Select(options=[], rows=5, layout=w.Layout(width="48em", display="none"))
        self.results.add_class("ec-project-search")  # what a page (or a browser test) finds it by
        self.note = w.Label(value="")
        self.box = w.VBox([w.HBox([self.query, self.note]), self.results])
        self.query.observe(lambda _c: self._search(), names="value")
        self.results.observe(self._picked, names="value")

    def update(self, view: Portfolio) -> None:
        """Follow a new selection: search it again with what is typed."""
        self._view = view
        self._search()

    def _search(self) -> None:
        found, total = find_projects(self._view, self.query.value, LIMIT)
        self._quiet = True
        try:
            self.results.options = found
            self.results.value = None
        finally:
            self._quiet = False
        self.results.layout.display = None if found else "none"
        if not self.query.value.strip():
            self.note.value = ""
        elif not total:
            self.note.value = f"当前筛选下没有名称或编号含「{self.query.value.strip()}」的项目"
        elif total > LIMIT:
            self.note.value = f"{total} 个匹配，列出全年预算最大的 {LIMIT} 个；点选一个查看"
        else:
            self.note.value = f"{total} 个匹配；点选一个查看"

    def _picked(self, change: dict[str, Any]) -> None:
        if not self._quiet and change["new"]:
            self._on_choose(str(change["new"]))

    def widget(self) -> Any:
        """The search as one widget (the box, its note and its list)."""
        return self.box
