"""The explorer's widgets: filters that redraw every section of `notebooks/explore.ipynb` in place.

The notebook only calls `open_explorer(data_path)` and displays what `Explorer` returns. Interactivity
(ipywidgets): an evaluation-year Dropdown (only when the portfolio holds several years: amounts of
different years are never added, so every section shows one year, the latest by default), a
department Dropdown, a grade SelectMultiple and an execution-rate FloatRangeSlider. A change calls
`Explorer.refresh`, which selects the view by boolean masks (`Portfolio.filter`:
nothing is re-scored), renders each section through the pure views of `explore_views` (cached per
filter, so going back to an earlier filter is instant) and swaps each pane's outputs in one
assignment of the Output widget's `outputs` (what `clear_output(wait=True)` + `display` achieves,
without the flicker and without relying on output capture inside a comm callback).

Run headless (papermill), the widgets have no front end: each pane also carries its current view as
`text/html` beside the widget view in its display bundle, so the executed notebook shows the
default view in any renderer (nbconvert, an untrusted notebook in JupyterLab); a live JupyterLab
prefers the widget view. ipywidgets is imported when the first widget is built. The panes and their
static fallback are `explore_panes`'; the 历史比较 panel is `explore_history_panel.HistoryPanel`. Every
list follows every filter (`explore_filters`); the project search, the typed rate bounds and the line
above each section (`panel`) are `explore_search`', `explore_rate`' and `explore_frames`'.
"""

from __future__ import annotations

import gc
import os
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from ..explore import Portfolio, describe_filters, load_portfolio
from .charts.explore import RATE_CAP
from .explore_choices import department_choices, grade_bands
from .explore_filters import NO_PROJECTS, department_options, matching_departments, no_projects_view
from .explore_frames import SectionFrame, overview_view
from .explore_history_panel import HistoryPanel
from .explore_open import TableProjects
from .explore_outliers import RULES, MarkedProjects
from .explore_panes import fallback_html, pane, set_fallback, show, view_key, widget_class, widgets
from .explore_rate import RateBounds
from .explore_search import ProjectSearch
from .explore_sections import ExtraSections
from .explore_sort import SORT_COLUMNS, TableSorts
from .explore_views import (
    RENDERERS,
    SECTIONS,
    Content,
    department_projects_view,
    project_view,
)
from .formats import money, rate
from .html import tag

__all__ = ["Explorer", "open_explorer"]

VIEWS_KEPT = 32  # filtered views kept (their tables are cut lazily, so a view is cheap)
RENDERED_KEPT = 160  # rendered sections kept: the last ~30 filters' sections and drill-downs (~25 MB of PNG)


FilterKey = tuple[str | None, tuple[str, ...] | None, tuple[float | None, float | None] | None, int | None]


class Explorer(ExtraSections):
    """A portfolio with a year, filters, sections, a drill-down and 历史比较 for one notebook."""

    def __init__(self, portfolio: Portfolio) -> None:
        self.portfolio = portfolio
        self.years = sorted(int(y) for y in portfolio.projects["year"].unique())
        # several years: the latest is shown first; one year: no selector, no year filter at all
        self.default_year: int | None = self.years[-1] if len(self.years) > 1 else None
        self.year: Any = None  # the year Dropdown, when there are several years and controls are built
        self._overview: Any = None
        self._history: HistoryPanel | None = None
        self.bands = grade_bands(portfolio)
        self._views: OrderedDict[FilterKey, Portfolio] = OrderedDict()
        self._rendered: OrderedDict[tuple[str, object], Content] = OrderedDict()
        self._panes: dict[str, Any] = {}
        self._frames: dict[str, SectionFrame] = {}
        self._controls: Any = None
        self._drill: Any = None
        self._quiet = False
        self.sorts = TableSorts(self.refresh)  # each table's 「排序」 (a sort redraws like a filter)
        self.marked = MarkedProjects(self.open_project)  # a button per project a chart labels
        self.in_tables = TableProjects(self.open_project)  # 「表中的项目」: a button per listed project
        self.last_redraw: float | None = None  # seconds the last filter change took

    # -- selection and rendering (no widgets) --------------------------------------------------------
    def select(
        self,
        department: str | None = None,
        grades: Sequence[str] | None = None,
        rate: tuple[float | None, float | None] | None = None,
        year: int | None = None,
    ) -> Portfolio:
        """The view of these filters and this evaluation year (None: every year — only for a
        portfolio of one year, or a caller of its own: the widgets always pass the chosen year)."""
        key: FilterKey = (
            department or None,
            tuple(grades) if grades else None,
            rate if rate and (rate[0] is not None or rate[1] is not None) else None,
            None if year is None else int(year),
        )
        if key in self._views:
            self._views.move_to_end(key)
            return self._views[key]
        view = self.portfolio if key == (None, None, None, None) else self.portfolio.filter(*key, warn=False)
        self._views[key] = view
        while len(self._views) > VIEWS_KEPT:
            self._views.popitem(last=False)
        return view

    def view(self) -> Portfolio:
        """The current selection: the chosen year (the latest by default) and the filters."""
        return self.select(*self.filters(), year=self.chosen_year())

    def content(self, name: str, view: Portfolio | None = None) -> Content:
        """A section of a view (default: the current selection), cached."""
        view = self.view() if view is None else view
        key = (name, view_key(view), self.sorts.get(name))
        if key not in self._rendered:
            render, kw = RENDERERS[name], {"sort": self.sorts.get(name)} if name in SORT_COLUMNS else {}
            self._rendered[key] = render(view, self.bands) if name == "scatter" else render(view, **kw)
            while len(self._rendered) > RENDERED_KEPT:
                self._rendered.popitem(last=False)
        else:
            self._rendered.move_to_end(key)
        return self._rendered[key]

    def _drill_content(self, kind: str, view: Portfolio, what: str) -> Content:
        # a department's project list depends on the filter; a project's card and indicators only on
        # the year
        year = view.filters.get("year")
        sort = self.sorts.get("drill-department" if kind == "dept" else "drill-indicators")
        key = (kind, (view_key(view), what, sort) if kind == "dept" else (what, year, sort))
        if key not in self._rendered:
            if kind == "dept":
                self._rendered[key] = department_projects_view(view, what, sort)
            else:
                self._rendered[key] = project_view(view, what, year, sort)  # type: ignore[arg-type]
            while len(self._rendered) > RENDERED_KEPT:
                self._rendered.popitem(last=False)
        return self._rendered[key]

    # -- widgets -------------------------------------------------------------------------------------
    def controls(self):  # type: ignore[no-untyped-def]
        """Year, department, grade and execution-rate filters (displayed once, drive every section).
        With one year only there is no year Dropdown: a choice of one says nothing."""
        if self._controls is not None:
            return self._controls
        w = widgets()
        # short labels, the largest 全年预算 first (the whole portfolio's order: only an order, no sum shown)
        self.department_labels = department_options(self.portfolio.departments())
        present = set(self.portfolio.projects["grade"].unique())
        grades = [g for g in self.portfolio.grade_order if g in present]
        style = {"description_width": "5em"}
        self.department = w.Dropdown(
            options=[("全部", ""), *self.department_labels],
            value="",
            description="主管部门",
            style=style,
            layout=w.Layout(width="22em"),
        )
        self.grade = w.SelectMultiple(
            options=grades,
            value=(),
            rows=min(4, max(2, len(grades))),
            description="等级",
            style=style,
            layout=w.Layout(width="12em"),
        )
        self.rate = w.FloatRangeSlider(
            value=(0.0, RATE_CAP),
            min=0.0,
            max=RATE_CAP,
            step=0.01,
            description="执行率",
            readout_format=".0%",
            continuous_update=False,
            style=style,
            layout=w.Layout(width="30em"),
        )
        self.department_search = w.Text(
            placeholder="输入部门名称的一部分",
            description="查找部门",
            continuous_update=True,
            style=style,
            layout=w.Layout(width="22em"),
        )
        self.department_search.observe(self._on_department_search, names="value")
        reset = w.Button(description="重置筛选", layout=w.Layout(width="8em"))
        self.status = w.Label(value=self._status(self.select(year=self.default_year)))
        hint = f"等级不选即全部（Ctrl/⌘ 多选）；执行率可拖动滑块或输入上下限（%），0% 与 {RATE_CAP:.0%} 两端表示不设限。"
        controls = [self.department, self.grade, self.rate]
        if self.default_year is not None:
            self.year = w.Dropdown(
                options=[(f"{y} 年度", y) for y in reversed(self.years)],
                value=self.default_year,
                description="评价年度",
                style=style,
                layout=w.Layout(width="14em"),
            )
            controls.insert(0, self.year)
            hint = "各部分只显示所选年度（不同年度的金额不相加）；" + hint
        for control in controls:
            control.observe(self._on_change, names="value")
        reset.on_click(lambda _b: self.reset())
        hint = "查找部门：输入名称的一部分即缩小主管部门列表，只剩一个时直接选中；" + hint
        self.rate_bounds = RateBounds(self.rate)
        search_row = w.HBox([self.department_search, self.rate_bounds.widget()])
        rows = [w.HBox(controls), search_row, w.HBox([reset, self.status])]
        box = widget_class("VBox")([*rows, w.Label(value=hint)])
        text = f"筛选：{describe_filters(self.view().filters)}（在 JupyterLab 中运行可交互）"
        set_fallback(box, text, str(tag("p", text, class_="ec-note")))
        self._controls = box
        return box

    def _on_department_search(self, _change: object) -> None:
        """Narrow the department list to the names holding the typed text (the chosen department
        stays listed, so typing never changes the filter); one match left is chosen at once."""
        found = matching_departments(self.department_labels, self.department_search.value)
        current = self.department.value
        kept = [o for o in self.department_labels if o in found or o[1] == current]
        quiet, self._quiet = self._quiet, True
        try:
            self.department.options = [("全部", ""), *kept]
            self.department.value = current
        finally:
            self._quiet = quiet
        if self.department_search.value.strip() and len(found) == 1 and found[0][1] != current:
            self.department.value = found[0][1]  # redraws through the Dropdown's own callback

    def filters(self) -> tuple[str | None, tuple[str, ...] | None, tuple[float | None, float | None] | None]:
        """The filter controls' values as `select` arguments (the slider's ends mean no bound)."""
        if self._controls is None:
            return None, None, None
        lo, hi = self.rate.value
        bounds = (None if lo <= 1e-9 else float(lo), None if hi >= RATE_CAP - 1e-9 else float(hi))
        return (
            self.department.value or None,
            tuple(self.grade.value) or None,
            bounds if bounds != (None, None) else None,
        )

    def chosen_year(self) -> int | None:
        """The year every view shows: the selector's, else the default (None: one year only)."""
        return self.default_year if self.year is None else int(self.year.value)

    def _status(self, view: Portfolio, seconds: float | None = None) -> str:
        s = view.summary()
        text = (
            f"{describe_filters(view.filters)}：{s['projects']} 个项目，全年预算 {money(s['adjusted'])} 万元，"  # type: ignore[arg-type]
            f"执行率 {rate(s['execution_rate'])}"
        )  # type: ignore[arg-type]
        return text + (f"（重绘 {seconds:.2f} 秒）" if seconds is not None else "")

    def section(self, name: str):  # type: ignore[no-untyped-def]
        """A pane showing one section (see SECTIONS); redrawn in place when a filter changes."""
        if name not in SECTIONS:
            raise ValueError(f"section must be one of {', '.join(SECTIONS)}, not {name!r}")
        if name not in self._panes:
            out = pane(SECTIONS[name])
            view = self.view()
            show(out, self.content(name, view), f"{SECTIONS[name]}（{describe_filters(view.filters)}）")
            self._panes[name] = out
        return self._panes[name]

    def overview_content(self, view: Portfolio) -> Content:
        """The portfolio card of a view (the current selection: the year and every filter), cached."""
        key = ("overview", view_key(view))
        if key not in self._rendered:
            self._rendered[key] = overview_view(view, self.years)
        return self._rendered[key]

    def overview(self):  # type: ignore[no-untyped-def]
        """The current selection's portfolio card, redrawn when the year or a filter changes."""
        if self._overview is None:
            self._overview = pane("总览")
            show(self._overview, self.overview_content(self.view()), repr(self.view()))
        return self._overview

    def panel(self, name: str):  # type: ignore[no-untyped-def]
        """A section (see `section`) under a line repeating the current filters, with 「重置」: the
        filters stay in reach, and in sight, from every section of a long notebook."""
        if name not in self._frames:
            # 重置 is set_filters() with no filter: it builds the controls if they are not yet shown
            self._frames[name] = SectionFrame(self.section(name), self._status(self.view()), self.set_filters)
            if name in SORT_COLUMNS:  # 「排序」 between the line of filters and the section's tables
                self.sorts.attach(self._frames[name].box, name, 1)
            if name in RULES:  # below the chart: 「图中标注的项目」, each opening its card
                self.marked.attach(self._frames[name].box, name, self.view(), 2)
            self.in_tables.attach(self._frames[name].box, name, self.view(), self.sorts.get(name))
        return self._frames[name].widget()

    def history(self):  # type: ignore[no-untyped-def]
        """历史比较 and 横向比较: department → project of the selected year → its years and peers."""
        if self._history is None:
            self._history = HistoryPanel(self.portfolio)
            self._history.update(self.view())
        return self._history.widget()

    def drilldown(self):  # type: ignore[no-untyped-def]
        """Department → its projects → one project's card and indicators."""
        if self._drill is not None:
            return self._drill
        w = widgets()
        style = {"description_width": "5em"}
        self.drill_department = w.Dropdown(description="主管部门", style=style, layout=w.Layout(width="24em"))
        self.drill_project = w.Dropdown(description="项目", style=style, layout=w.Layout(width="42em"))
        self._drill_dept_pane = pane("部门的项目")
        self._drill_project_pane = pane("项目")
        self.search = ProjectSearch(self.view(), self.open_project)
        box = widget_class("VBox")(
            [
                self.search.widget(),
                w.HBox([self.drill_department, self.drill_project]),
                self.sorts.bar("drill-department"),
                self._drill_dept_pane,
                self.in_tables.box("drill-department"),
                self.sorts.bar("drill-indicators"),
                self._drill_project_pane,
            ]
        )
        set_fallback(box, "逐级查看：主管部门 → 项目 → 指标")
        self._drill = box
        self.drill_department.observe(self._on_drill_department, names="value")
        self.drill_project.observe(self._on_drill_project, names="value")
        self._drill_update(self.view())
        return box

    # -- callbacks -----------------------------------------------------------------------------------
    def _on_change(self, _change: object) -> None:
        if not self._quiet:
            self.refresh()

    def refresh(self) -> Portfolio:
        """What a filter change calls: select the view, redraw every displayed section and the
        drill-down in place. Returns the view; `last_redraw` holds the seconds it took."""
        start = time.perf_counter()
        view = self.view()
        for name, out in self._panes.items():
            show(out, self.content(name, view), f"{SECTIONS[name]}（{describe_filters(view.filters)}）")
        if self._overview is not None:
            show(self._overview, self.overview_content(view), repr(view))
        for frame in self._frames.values():
            frame.update(self._status(view))
        self.marked.update(view)
        self.in_tables.update("items", view, self.sorts.get("items"))
        if self._drill is not None:
            self._drill_update(view)
            self.search.update(view)
        if self._history is not None:
            self._history.update(view)
        self.update_sections(view)  # 复核发现 (explore_sections)
        self.last_redraw = time.perf_counter() - start
        if self._controls is not None:
            self.status.value = self._status(view, self.last_redraw)
        return view

    def reset(self) -> Portfolio:
        """Department, grade and rate back to no filter; the year stays (it is a choice, not a filter)."""
        self._quiet = True
        try:
            self.department_search.value = ""  # the whole list again
            self.department.value = ""
            self.grade.value = ()
            self.rate.value = (0.0, RATE_CAP)
        finally:
            self._quiet = False
        return self.refresh()

    def set_filters(
        self,
        department: str | None = None,
        grades: Sequence[str] | None = (),
        rate: tuple[float | None, float | None] | None = None,
        year: int | None = None,
    ) -> Portfolio:
        """Set the controls and redraw once (a rate bound of None is the slider's end; a year of
        None keeps the chosen year)."""
        self.controls()
        lo, hi = rate or (None, None)
        self._quiet = True
        try:
            if year is not None and self.year is not None:
                self.year.value = int(year)
            self.department_search.value = ""  # every department listed, so any can be set
            self.department.value = department or ""
            self.grade.value = tuple(grades or ())
            self.rate.value = (0.0 if lo is None else lo, RATE_CAP if hi is None else hi)
        finally:
            self._quiet = False
        return self.refresh()

    def _drill_update(self, view: Portfolio) -> None:
        depts = view.departments()
        current = self.drill_department.value
        self._quiet = True
        try:
            self.drill_department.options = department_choices(self.portfolio.departments(), depts)
            self.drill_department.value = current if current in depts else (depts[0] if depts else None)
        finally:
            self._quiet = False
        self._drill_view = view
        self._drill_show_department()

    def open_project(self, project_id: str) -> None:
        """Show one project of the current view in the drill-down (its department, its place in the
        department's list, its card): what choosing a match of the project search does."""
        self.drilldown()
        p = self._drill_view.projects
        dept = p.loc[p["project_id"] == project_id, "department"]
        if not len(dept):
            raise KeyError(f"当前筛选结果中没有项目 {project_id}")
        self._quiet = True
        try:
            self.drill_department.value = str(dept.iat[0])
        finally:
            self._quiet = False
        self._drill_show_department(project_id)

    def _drill_show_department(self, keep: str | None = None) -> None:
        view, dept = self._drill_view, self.drill_department.value
        if dept is None:  # the filters leave no project: no stale list to pick from
            self._quiet = True
            try:
                self.drill_project.options = []
                self.drill_project.value = None
            finally:
                self._quiet = False
            show(self._drill_dept_pane, no_projects_view("drill-department", view), NO_PROJECTS)
            show(self._drill_project_pane, ())
            self._drill_refresh_fallback()
            return
        show(self._drill_dept_pane, self._drill_content("dept", view, dept), f"{dept}的项目")
        pv = view.variance("project")
        pv = pv[pv["department"] == dept].sort_values(
            ["全年", "project_id"], ascending=[False, True], kind="stable"
        )
        options = [(f"{n}（{pid}）", pid) for n, pid in zip(pv["name"], pv["project_id"], strict=True)]
        current = keep or self.drill_project.value
        ids = [pid for _label, pid in options]
        self._quiet = True
        try:
            self.drill_project.options = options
            self.drill_project.value = current if current in ids else (ids[0] if ids else None)
        finally:
            self._quiet = False
        self._drill_show_project()

    def _drill_show_project(self) -> None:
        pid = self.drill_project.value
        content = self._drill_content("project", self._drill_view, pid) if pid else ()
        show(self._drill_project_pane, content, f"项目 {pid}" if pid else "项目")
        self._drill_refresh_fallback()

    def _drill_refresh_fallback(self) -> None:
        dept, sort = self.drill_department.value, self.sorts.get("drill-department")
        self.in_tables.update("drill-department", self._drill_view, sort, dept)  # its 「表中的项目」
        html = fallback_html(self._drill_dept_pane) + fallback_html(self._drill_project_pane)
        set_fallback(self._drill, "逐级查看：主管部门 → 项目 → 指标", html)

    def _on_drill_department(self, _change: object) -> None:
        if not self._quiet:
            self._drill_show_department()

    def _on_drill_project(self, _change: object) -> None:
        if not self._quiet:
            self._drill_show_project()


def open_explorer(
    data_path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    scheme: object = None,
    lineage: str | os.PathLike[str] | None = None,
) -> Explorer:
    """What `notebooks/explore.ipynb` calls first: the data (as given, else relative to the
    repository root, for JupyterLab's working directory notebooks/) loaded as a portfolio, and
    Chinese charts set up. `lineage` is an optional mapping file of renamed projects (CSV `from,to`
    or YAML, resolved the same way): without it a renamed project's years are not joined.

    The scored portfolio then lives as long as the kernel, so it is moved out of the cyclic garbage
    collector's way (`gc.freeze()` after one full collection): otherwise a full collection that
    happens to fall in a redraw scans every object of every evaluation (0.65 s at 20,000
    projects, longer than the whole redraw)."""
    from .charts import setup_fonts
    from .notebook import resolve_input

    setup_fonts()
    paths = [data_path] if isinstance(data_path, str | os.PathLike) else list(data_path)
    mapping = resolve_input(lineage) if lineage else None
    portfolio = load_portfolio([resolve_input(p) for p in paths], scheme or None, mapping)  # type: ignore[arg-type]
    explorer = Explorer(portfolio)
    gc.collect()
    gc.freeze()
    return explorer
