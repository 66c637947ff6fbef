"""The explorer's 复核发现 section and its list of inputs that could not be read.

A reviewer scanning a portfolio asks which departments carry which kinds of finding before reading
any one of them: `findings_view` counts the findings of the current view (year and every filter) per
主管部门 × finding code, with row and column totals and each code's Chinese title in a legend, then
lists the individual findings (project, code, message). The code filter (`FindingsPanel`) narrows
that list only: the table above it and every other section keep all codes, because a finding code
is not a property of a project that the other views could be cut by (a project has several). The
section says so in place.

`errors_view` is what a data folder with unreadable inputs needs: the portfolio loads what it can
and keeps the rest in `errors` (they belong to no department, so no filter applies); the explorer
shows them collapsed, file, where and message, every string escaped. Pure views here, ipywidgets
only in `FindingsPanel`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..explore import Portfolio, describe_filters
from ..findings import titles
from .explore_panes import fallback_html, pane, set_fallback, show, widget_class, widgets
from .explore_parts import Content, card_note, html_part
from .html import Fragment, header_cells, join, num_cell, table, tag

__all__ = ["MAX_LISTED", "FindingsPanel", "errors_view", "findings_view", "input_errors"]

MAX_LISTED = 200  # individual findings listed under the table
CODE_NOTE = "代码筛选只作用于本部分下方的发现列表；上方的表和其他各部分不受其影响（一个项目可有多种发现）。"


def findings_view(view: Portfolio, codes: Sequence[str] = ()) -> Content:
    """The 复核发现 of a view: 主管部门 × code counts with totals, a legend of the codes' titles, and
    the findings themselves (only those of `codes`, when given; the table always counts all)."""
    where = describe_filters(view.filters)
    f = view.findings
    if not len(view) or not len(f):
        text = f"{where}：没有复核发现。" if len(view) else f"{where}：没有符合条件的项目。"
        return (html_part("findings", [card_note(text)], text),)
    named = titles()
    counts = f.groupby(["department", "code"]).size().unstack(fill_value=0)
    counts = counts.loc[counts.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    cols = list(counts.columns)
    rows: list[list[object]] = [
        [
            dept,
            *(num_cell(str(int(n)) if n else "") for n in counts.loc[dept]),
            num_cell(str(int(counts.loc[dept].sum()))),
        ]
        for dept in counts.index
    ]
    totals = [num_cell(str(int(counts[c].sum()))) for c in cols]
    rows.append([tag("b", "合计"), *totals, num_cell(str(len(f)))])
    head = f"{where}：{len(f)} 条复核发现，涉及 {f['project_id'].nunique()} 个项目、{len(counts)} 个主管部门"
    legend = join(tag("li", f"{c}：{named.get(c, '')}") for c in cols)
    parts: list[object] = [
        tag("h4", head),
        table(header_cells(["主管部门", *cols, "合计"], 1), rows, cls="ec-t"),
        tag("ul", legend, class_="ec-note"),
    ]
    listed = f[f["code"].isin(list(codes))] if codes else f
    picked = f"所选代码（{'、'.join(codes)}）" if codes else "全部代码"
    parts.append(tag("h4", f"发现列表：{picked}，{len(listed)} 条"))
    parts.append(card_note(CODE_NOTE))
    if not len(listed):
        parts.append(card_note("当前筛选下没有所选代码的复核发现。"))
    else:
        p = view.projects
        names = dict(zip(p["project_id"], p["name"], strict=True))
        items = [
            [r.project_id, names.get(r.project_id, ""), r.department, r.code, r.message]
            for r in listed.head(MAX_LISTED).itertuples(index=False)
        ]
        head_row = ["项目编号", "项目名称", "主管部门", "代码", "说明"]
        parts.append(table(header_cells(head_row, 5), items, cls="ec-t"))
        if len(listed) > MAX_LISTED:
            parts.append(card_note(f"只列出前 {MAX_LISTED} 条；完整的表：explorer.view().findings。"))
    return (html_part("findings", parts, head),)


def errors_view(portfolio: Portfolio) -> Content:
    """The inputs that could not be read, collapsed under 「无法读取的输入（N）」 (file, where,
    message); none: one sentence saying every input was read."""
    e = portfolio.errors
    if not len(e):
        text = "所有输入均已读取。"
        return (html_part("errors", [card_note(text)], text),)

    def where(r: Any) -> str:
        bits = [
            f"{label}{_plain(v)}"
            for label, v in (("工作表 ", r.sheet), ("行 ", r.row), ("列 ", r.column))
            if _given(v)
        ]
        bits += [str(v) for v in (r.path, r.field) if _given(v)]
        return "，".join(bits)

    rows = [[r.file if _given(r.file) else "", where(r), r.message] for r in e.itertuples(index=False)]
    summary = f"无法读取的输入（{len(e)}）"
    body = join(
        [
            tag("summary", summary),
            card_note("这些输入未读入组合（不属于任何主管部门，不受筛选影响）；其余项目照常评分。"),
            table(header_cells(["文件", "位置", "原因"], 3), rows, cls="ec-t"),
        ]
    )
    return (html_part("errors", [tag("details", body)], summary),)


def _given(value: object) -> bool:
    return value is not None and value == value and str(value) != ""  # NaN != NaN


def _plain(value: object) -> str:
    """A row or column number as filed (a column of numbers with gaps holds floats: 5.0 → 5)."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def input_errors(portfolio: Portfolio) -> Fragment:
    """`errors_view` as one notebook output (the errors do not follow the filters: no widget)."""
    content = errors_view(portfolio)
    return Fragment(join(p.html() for p in content), content[0].text)


class FindingsPanel:
    """The 复核发现 section: a code filter (toggle buttons) above the view's table and list."""

    def __init__(self, portfolio: Portfolio, view: Portfolio) -> None:
        w = widgets()
        named = titles()
        present = sorted(set(portfolio.findings["code"]))
        self.codes = w.SelectMultiple(
            options=[(f"{c} {named.get(c, '')}", c) for c in present],
            value=(),
            rows=min(6, max(2, len(present))),
            description="发现代码",
            style={"description_width": "5em"},
            layout=w.Layout(width="40em"),
        )
        self.pane = pane("复核发现")
        self.hint = w.Label(value="代码不选即全部（Ctrl/⌘ 多选）；只筛选下方的发现列表。")
        self.box = widget_class("VBox")([w.HBox([self.codes, self.hint]), self.pane])
        self._view = view
        self.codes.observe(lambda _c: self.update(self._view), names="value")
        self.update(view)

    def update(self, view: Portfolio) -> None:
        """Follow a new selection (year and filters) with the chosen codes."""
        self._view = view
        show(self.pane, findings_view(view, tuple(self.codes.value)), "复核发现")
        set_fallback(self.box, f"复核发现（{describe_filters(view.filters)}）", fallback_html(self.pane))

    def widget(self) -> Any:
        """The code filter and the pane as one widget."""
        return self.box
