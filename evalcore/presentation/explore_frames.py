"""The explorer's filters in reach from every section, and the overview that follows them.

The notebook is long: below section 2 the filter controls are out of sight, and a reader looking at
a chart cannot tell which filters drew it. `SectionFrame` puts a line above a section's pane that
repeats the current filters and figures, with a 「重置」 button; `Explorer.panel(name)` builds one per
section and `Explorer.refresh` updates them with the panes. `overview_view` is the portfolio card of
the current selection (year and filters), so the overview never shows numbers the sections do not.
ipywidgets only in `SectionFrame`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..explore import Portfolio
from .cards import portfolio_card
from .explore_panes import fallback_html, set_fallback, widget_class, widgets
from .explore_views import Content, Part
from .html import Markup, tag

__all__ = ["SectionFrame", "overview_view"]


def overview_view(view: Portfolio, years: Sequence[int]) -> Content:
    """The portfolio card of the current selection, after a note naming the year shown when the
    portfolio holds several (and saying the filters apply, when there are any)."""
    parts = []
    year = view.filters.get("year")
    if year is not None and len(years) > 1:
        filtered = any(k != "year" for k in view.filters)
        note = (
            f"本组合含 {'、'.join(map(str, years))} 年度；以下为 {year} 年度"
            + ("、当前筛选下的项目" if filtered else "")
            + "（在「筛选」中切换评价年度）。"
        )
        parts.append(Part("html", tag("p", note, class_="ec-note"), note))
    parts.append(Part("html", Markup(portfolio_card(view)), repr(view)))
    return tuple(parts)


class SectionFrame:
    """A section's pane under a line repeating the current filters, with a 「重置」 button."""

    def __init__(self, section_pane: Any, text: str, on_reset: Callable[[], object]) -> None:
        w = widgets()
        self.pane = section_pane
        self.label = w.Label(value="")
        self.reset = w.Button(
            description="重置",
            tooltip="清除主管部门、等级和执行率筛选（评价年度不变）",
            layout=w.Layout(width="5em"),
        )
        self.reset.on_click(lambda _b: on_reset())
        self.box = widget_class("VBox")([w.HBox([self.reset, self.label]), section_pane])
        self.update(text)

    def update(self, text: str) -> None:
        """Show the current filters; keep the frame's static fallback (the line, then the pane's
        view) in step, for a renderer without widgets."""
        self.label.value = f"〔筛选〕{text}"
        line = str(tag("p", self.label.value, class_="ec-note"))
        set_fallback(self.box, self.label.value, line + fallback_html(self.pane))

    def widget(self) -> Any:
        """The line and the pane as one widget, for a notebook cell."""
        return self.box
