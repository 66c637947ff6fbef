"""What the explorer's filter widgets show and offer, as pure functions of a (filtered) `Portfolio`.

Every widget of the explorer (the filters, the drill-down, the project search, 历史比较) lists only
what the current filters leave: these helpers compute those lists and the sentence a pane shows when
nothing is left, so the widgets (`explore_widgets`, `explore_history_panel`) hold no rule of their
own and a test can check the rules without a kernel.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ..explore import Portfolio, describe_filters
from .cards import STYLE
from .explore_views import Content, Part
from .html import join, tag

__all__ = [
    "NO_PROJECTS",
    "department_options",
    "find_projects",
    "matching_departments",
    "no_projects_view",
    "short_names",
]

NO_PROJECTS = "当前筛选下没有项目"


def no_projects_view(section: str, view: Portfolio) -> Content:
    """A pane saying, in place, that the filters leave no project (and which filters), so a list
    that empties is never mistaken for a widget that failed to load."""
    text = f"{NO_PROJECTS}（{describe_filters(view.filters)}）；请放宽筛选条件。"
    body = tag("div", tag("p", text, class_="ec-note"), class_="ec-card ec-explore", data_section=section)
    return (Part("html", join([STYLE, body]), NO_PROJECTS),)


def short_names(names: Sequence[str]) -> dict[str, str]:
    """Each department's label without the prefix most of them share (江城市 in 「江城市教育局」):
    the longest prefix of two characters or more that at least half the names (and two or more)
    start with. A name that is only the prefix, or whose short form another name already is, keeps
    its full form; so does a name without the prefix (「共青团江城市委员会」). The full name stays
    the widget's value: only the label is shortened, so 36 entries no longer all read 江城市…"""
    names = list(dict.fromkeys(names))
    counts: Counter[str] = Counter(n[:k] for n in names for k in range(2, len(n)))
    needed = max(2, (len(names) + 1) // 2)
    common = [p for p, c in counts.items() if c >= needed]
    prefix = max(common, key=lambda p: (len(p), counts[p]), default="")
    shorts: dict[str, str] = {}
    taken = set(names)
    for n in names:
        short = n[len(prefix) :] if prefix and n.startswith(prefix) and len(n) > len(prefix) else n
        shorts[n] = short if short == n or short not in taken else n
        taken.add(shorts[n])
    return shorts


def department_options(names: Sequence[str]) -> list[tuple[str, str]]:
    """(short label, full name) of these departments, in the order given (the explorer passes the
    largest 全年预算 first, the order of section 1's table: the departments that matter most come
    first, where a character-code order would put them anywhere)."""
    shorts = short_names(names)
    return [(shorts[n], n) for n in shorts]


def _norm(text: str) -> str:
    return "".join(text.split()).casefold()


def matching_departments(options: Sequence[tuple[str, str]], query: str) -> list[tuple[str, str]]:
    """The options whose full name holds the typed text (spaces ignored, any case); all of them
    when nothing is typed."""
    q = _norm(query)
    return [o for o in options if q in _norm(o[1])] if q else list(options)


def find_projects(view: Portfolio, query: str, limit: int = 20) -> tuple[list[tuple[str, str]], int]:
    """Projects of the view whose name or id holds the typed text (spaces ignored, any case), the
    largest 全年预算 first (ties by id), as (label, id) — the label names the department by its short
    name, for two projects of one name — at most `limit` of them, and how many matched in all.
    Nothing typed finds nothing: an empty box lists no project."""
    q = _norm(query)
    p = view.projects
    if not q or not len(p):
        return [], 0
    hit = [q in _norm(str(n)) or q in _norm(str(i)) for n, i in zip(p["name"], p["project_id"], strict=True)]
    found = p[hit].sort_values(["adjusted", "project_id"], ascending=[False, True], kind="stable")
    shorts = short_names(list(p["department"].unique()))
    rows = found.head(limit)
    labels = [
        (f"{n}（{i}）· {shorts[d]}", str(i))
        for n, i, d in zip(rows["name"], rows["project_id"], rows["department"], strict=True)
    ]
    return labels, len(found)
