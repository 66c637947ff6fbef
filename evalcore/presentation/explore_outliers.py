"""The explorer's notable points (issue #16): which projects a chart labels, and the buttons that open
them.

A dot at 61% / 89 points says something only once a reader knows which project it is. Two rules,
both pure functions of the view's DataFrame, so a test can work them out by hand:

- the rate distribution (box plot): a project outside its department's whiskers — below
  Q1 − 1.5 IQR or above Q3 + 1.5 IQR, the same fences the chart draws — ranked by how far outside;
- the scatter (score against execution): a project with 执行率 under `UNDER_EXECUTED` (90%) and a
  复核得分 under the median of the projects drawn — money not spent *and* a weak result — ranked by
  the lowest 执行率 (then the lowest score).

At most `MAX_LABELS` are labelled, so the labels stay readable. `marked_html` lists them below the
chart as 「图中标注的项目」; `MarkedProjects` adds a button per project that opens its card in the
drill-down in one click (`Explorer.open_project`, what the project search calls). ipywidgets is
imported only when `MarkedProjects` builds its widgets.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..explore import UNDER_EXECUTED
from .formats import rate, score
from .html import Markup, esc, tag

if TYPE_CHECKING:
    from ..explore import Portfolio

__all__ = [
    "MAX_LABELS",
    "MarkedProjects",
    "fill_buttons",
    "marked_html",
    "rate_marks",
    "rate_outliers",
    "scatter_marks",
    "scatter_outliers",
    "short_label",
]

MAX_LABELS = 8  # more labels than this overlap on a chart of 4–6 inches
EPS = 1e-12  # the chart's own tolerance at a fence


def short_label(name: str, project_id: str, width: int = 10) -> str:
    """What a chart writes beside a point: the name without its leading year (「2024年」), cut to
    `width` characters; the id when the name is empty."""
    text = re.sub(r"^\s*\d{4}\s*年(度)?", "", str(name or "")).strip()
    if not text:
        return project_id
    return text if len(text) <= width else text[: width - 1] + "…"


def rate_outliers(pv: pd.DataFrame, limit: int = MAX_LABELS) -> pd.DataFrame:
    """The rows of a project variance table (department, project_id, name, 执行率) outside their
    department's 1.5 IQR fences, the farthest outside first (ties by id), at most `limit`."""
    pv = pv[pv["执行率"].notna()]
    if not len(pv):
        return pv
    q = pv.groupby("department", sort=False)["执行率"].quantile([0.25, 0.75]).unstack()
    iqr = q[0.75] - q[0.25]
    lo = pv["department"].map(q[0.25] - 1.5 * iqr)
    hi = pv["department"].map(q[0.75] + 1.5 * iqr)
    beyond = np.maximum(lo - pv["执行率"], pv["执行率"] - hi)
    out = pv.assign(beyond=beyond)[beyond > EPS]
    return out.sort_values(["beyond", "project_id"], ascending=[False, True], kind="stable").head(limit)


def scatter_outliers(projects: pd.DataFrame, limit: int = MAX_LABELS) -> pd.DataFrame:
    """The projects (project_id, name, execution_rate, total) under `UNDER_EXECUTED` and under the
    median score of those with a rate, the lowest rate first (then the lowest score, the id), at
    most `limit`."""
    p = projects[projects["execution_rate"].notna()]
    if not len(p):
        return p
    median = float(p["total"].median())
    out = p[(p["execution_rate"] < UNDER_EXECUTED) & (p["total"] < median)]
    return out.sort_values(["execution_rate", "total", "project_id"], kind="stable").head(limit)


def rate_marks(
    pv: pd.DataFrame, shown: pd.DataFrame, ys: np.ndarray
) -> tuple[pd.DataFrame, list[tuple[float, float, str]]]:
    """The outliers of the whole view (`pv`: what 「图中标注的项目」 and its buttons list) and the
    (x, y, label) marks of those among the dots drawn (`shown`, at heights `ys`: a chart of more
    than 40 departments leaves some out)."""
    out = rate_outliers(pv)
    y = pd.Series(ys, index=shown.index)
    marks = [
        (float(r.执行率), float(y[r.Index]), short_label(r.name, r.project_id))
        for r in out.itertuples()
        if r.Index in y.index
    ]
    return out, marks


def scatter_marks(view: Portfolio) -> tuple[pd.DataFrame, list[tuple[float, float, str]]]:
    """The scatter's notable projects and their (x, y, label) marks."""
    out = scatter_outliers(view.projects)
    marks = [
        (float(r.execution_rate), float(r.total), short_label(r.name, r.project_id)) for r in out.itertuples()
    ]
    return out, marks


def _rate_of(row: Any) -> float:
    return float(row.执行率 if hasattr(row, "执行率") else row.execution_rate)


def marked_html(out: pd.DataFrame, rule: str) -> Markup:
    """「图中标注的项目」 below a chart: each labelled project, its 执行率 (and score), and the rule."""
    if not len(out):
        return tag("p", f"图中标注的项目：无（{rule}）。", class_="ec-note")
    items = []
    for r in out.itertuples():
        figures = f"执行率 {rate(_rate_of(r), 1)}" + (
            f"，复核得分 {score(float(r.total))}" if hasattr(r, "total") and pd.notna(r.total) else ""
        )
        items.append(f"{esc(r.name)}（{esc(r.project_id)}，{figures}）")
    return Markup(
        str(tag("p", f"图中标注的项目（{rule}）：", class_="ec-note"))
        + "<ol class='ec-marked'>"
        + "".join(f"<li>{i}</li>" for i in items)
        + "</ol>"
    )


def fill_buttons(
    box: Any, found: Sequence[tuple[str, str]], on_open: Callable[[str], None], title: str, empty: str
) -> list[Any]:
    """Fill `box` with 「title（点击在「逐级查看」中打开）：」 and a button per (project_id, name) of
    `found` calling `on_open(project_id)` (`empty` when there is none); returns the buttons. The
    widgets it replaces are closed: a widget lives in the kernel until it is."""
    import ipywidgets as w  # here, not at the top: the views (and the command line) never pay for it

    for old in box.children:
        for child in (*getattr(old, "children", ()), old):
            child.close()
    buttons = []
    for pid, name in found:
        b = w.Button(
            description=short_label(name, pid, 14),
            tooltip=f"在「逐级查看」中打开 {name}（{pid}）",
            layout=w.Layout(width="auto"),
        )
        b.on_click(lambda _b, pid=pid: on_open(pid))
        buttons.append(b)
    label = f"{title}（点击在「逐级查看」中打开）：" if buttons else empty
    box.children = (w.Label(value=label), w.HBox(buttons, layout=w.Layout(flex_flow="row wrap")))
    return buttons


RULES = {
    "rates": "超出本部门箱线须（1.5 倍四分位距）的项目，离得最远的在前",
    "scatter": f"执行率低于 {UNDER_EXECUTED:.0%} 且复核得分低于中位数的项目，执行率最低的在前",
}


class MarkedProjects:
    """Per chart (`RULES`' keys), 「图中标注的项目」 as one button per project: a click opens its card in
    the drill-down (`on_open(project_id)`)."""

    def __init__(self, on_open: Callable[[str], None]) -> None:
        self._on_open = on_open
        self.boxes: dict[str, Any] = {}
        self.buttons: dict[str, list[Any]] = {}
        self.shown: dict[str, tuple[str, ...]] = {}  # the ids each chart's buttons open

    def attach(self, box: Any, chart: str, view: Portfolio, at: int) -> None:
        """Put the list of `chart` into `box`'s children at `at` (below the chart) and fill it."""
        import ipywidgets as w  # here, not at the top: the views (and the command line) never pay for it

        self.boxes[chart] = w.VBox([])
        box.children = (*box.children[:at], self.boxes[chart], *box.children[at:])
        self.update(view, (chart,))

    def update(self, view: Portfolio, charts: Sequence[str] | None = None) -> None:
        """Follow a new selection: list the projects each chart now labels."""
        for chart in charts or list(self.boxes):
            if chart == "rates":
                out = rate_outliers(view.variance("project"))
            else:
                out = scatter_outliers(view.projects)
            ids = tuple(out["project_id"])
            if self.shown.get(chart) == ids:  # the same projects: keep the same buttons
                continue
            found = [(str(r.project_id), str(r.name)) for r in out.itertuples()]
            self.buttons[chart] = fill_buttons(
                self.boxes[chart], found, self._on_open, "图中标注的项目", "图中没有标注的项目。"
            )
            self.shown[chart] = ids
