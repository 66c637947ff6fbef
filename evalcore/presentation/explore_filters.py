"""What the explorer's filter widgets show and offer, as pure functions of a (filtered) `Portfolio`.

Every widget of the explorer (the filters, the drill-down, the project search, 历史比较) lists only
what the current filters leave: these helpers compute those lists and the sentence a pane shows when
nothing is left, so the widgets (`explore_widgets`, `explore_history_panel`) hold no rule of their
own and a test can check the rules without a kernel.
"""

from __future__ import annotations

from ..explore import Portfolio, describe_filters
from .cards import STYLE
from .explore_views import Content, Part
from .html import join, tag

__all__ = ["NO_PROJECTS", "no_projects_view"]

NO_PROJECTS = "当前筛选下没有项目"


def no_projects_view(section: str, view: Portfolio) -> Content:
    """A pane saying, in place, that the filters leave no project (and which filters), so a list
    that empties is never mistaken for a widget that failed to load."""
    text = f"{NO_PROJECTS}（{describe_filters(view.filters)}）；请放宽筛选条件。"
    body = tag("div", tag("p", text, class_="ec-note"), class_="ec-card ec-explore", data_section=section)
    return (Part("html", join([STYLE, body]), NO_PROJECTS),)
