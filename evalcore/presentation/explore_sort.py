"""Sorting the explorer's tables (issue #16): a pure function over a DataFrame and a small widget.

JupyterLab runs no script inside an HTML output, so a table cannot sort itself on a header click:
the sort is a widget (「排序」 column Dropdown + an ascending/descending toggle) above each table, and
the view renders its table again from the data sorted here. The sort is done on the view's own
DataFrame, before any figure is formatted, so numbers sort as numbers (10 after 9, not after 1),
and an empty value (NaN, None, "") goes last in both directions: a missing 执行率 is not "the
lowest". `SORT_COLUMNS` names, per table, the columns a reader can sort by (header → DataFrame
column); a column a table does not have leaves that table in its default order. ipywidgets is
imported only when a `SortBar` is built.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["SORT_COLUMNS", "SortBar", "SortKey", "TableSorts", "sort_frame", "sort_table"]

SortKey = tuple[str, bool] | None  # (DataFrame column, descending); None: the view's default order

_AMOUNTS = [("全年预算", "全年"), ("全年执行", "执行"), ("差额（未执行）", "差额")]
SORT_COLUMNS: dict[str, list[tuple[str, str]]] = {
    # the departments section: the variance table per department, or per project of one department
    "departments": [
        ("主管部门", "department"),
        ("项目", "name"),
        ("编号", "project_id"),
        ("项目数", "projects"),
        ("年初预算", "年初"),
        *_AMOUNTS,
        ("执行率", "执行率"),
        ("等级", "grade"),
        ("超支项目", "overspent_projects"),
        ("执行率偏低项目", "under_executed_projects"),
    ],
    "items": [
        ("主管部门", "department"),
        ("项目", "name"),
        ("编号", "project_id"),
        ("支出明细", "item"),
        *_AMOUNTS,
        ("超支金额", "超支"),
        ("执行率", "执行率"),
        ("等级", "grade"),
    ],
    "drill-department": [
        ("项目", "name"),
        ("编号", "project_id"),
        *_AMOUNTS,
        ("执行率", "执行率"),
        ("复核得分", "total"),
        ("等级", "grade"),
        ("复核发现", "findings"),
    ],
    "drill-indicators": [
        ("一级指标", "level1"),
        ("二级指标", "level2"),
        ("指标", "name"),
        ("目标值", "target"),
        ("实际值", "actual"),
        ("分值", "weight"),
        ("得分", "score"),
        ("完成率", "completion"),
        ("达到目标", "met"),
        ("计算", "explanation"),
    ],
}


def _empty(values: pd.Series) -> np.ndarray:
    """Missing, or text with nothing in it."""
    blank = values.map(lambda v: isinstance(v, str) and not v.strip())
    return (values.isna() | blank.astype(bool)).to_numpy()


def _keys(values: pd.Series) -> np.ndarray:
    """Numeric sort keys: the numbers themselves when every value is (or reads as) a number, else
    each text's rank in text order."""
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        return values.astype(float).to_numpy()
    as_numbers = pd.to_numeric(values, errors="coerce")
    if as_numbers.notna().sum() == values.notna().sum():  # numbers kept as text or objects
        return as_numbers.astype(float).to_numpy()
    text = values.astype(str)
    ranks = {t: k for k, t in enumerate(sorted(set(text)))}
    return text.map(ranks).astype(float).to_numpy()


def sort_frame(df: pd.DataFrame, column: str, descending: bool = False) -> pd.DataFrame:
    """`df` sorted by `column`: numbers as numbers, text in text order, empty values last in both
    directions, ties in their original order (stable), so a second sort keeps the first's order
    among equal values."""
    values = df[column]
    empty = _empty(values)
    keys = np.full(len(df), np.inf)  # the empty ones: after every value, in both directions
    if (~empty).any():
        found = _keys(values[~empty])
        keys[~empty] = -found if descending else found
    return df.iloc[np.argsort(keys, kind="stable")]


def sort_table(df: pd.DataFrame, sort: SortKey) -> pd.DataFrame:
    """What a view calls before it builds a table's rows: `df` sorted by `sort`, or unchanged when
    there is no sort or the table has no such column."""
    if sort is None or sort[0] not in df.columns:
        return df
    return sort_frame(df, sort[0], sort[1])


class SortBar:
    """「排序」: a column Dropdown and a direction toggle; any change calls `on_sort(key)`."""

    def __init__(self, columns: Sequence[tuple[str, str]], on_sort: Callable[[SortKey], None]) -> None:
        import ipywidgets as w  # here, not at the top: the views (and the command line) never pay for it

        self._on_sort = on_sort
        self.column = w.Dropdown(
            options=[("默认顺序", ""), *columns],
            value="",
            description="排序",
            tooltip="按所选列排序；某张表没有这一列时，该表保持原顺序",
            style={"description_width": "3em"},
            layout=w.Layout(width="16em"),
        )
        self.descending = w.ToggleButton(
            value=False, description="升序 ↑", tooltip="点击切换升序与降序", layout=w.Layout(width="7em")
        )
        self.column.observe(self._changed, names="value")
        self.descending.observe(self._changed, names="value")
        self.box = w.HBox([self.column, self.descending])

    def key(self) -> SortKey:
        """The chosen sort (None: the view's default order)."""
        return (str(self.column.value), bool(self.descending.value)) if self.column.value else None

    def _changed(self, _change: object) -> None:
        self.descending.description = "降序 ↓" if self.descending.value else "升序 ↑"
        self._on_sort(self.key())

    def widget(self) -> Any:
        """The bar as one widget, placed above its table."""
        return self.box


class TableSorts:
    """The explorer's chosen sort per table (`SORT_COLUMNS`' keys) and the bars that set them; a
    change calls `redraw()`, which renders again only what the new sort changes (the rest is
    cached by view and sort)."""

    def __init__(self, redraw: Callable[[], object]) -> None:
        self.keys: dict[str, SortKey] = {}
        self.bars: dict[str, SortBar] = {}
        self._redraw = redraw

    def get(self, table: str) -> SortKey:
        """The sort of `table` (None: the view's default order)."""
        return self.keys.get(table)

    def set(self, table: str, key: SortKey) -> None:
        """Sort `table` by `key` and redraw."""
        self.keys[table] = key
        self._redraw()

    def bar(self, table: str) -> Any:
        """The 「排序」 bar of `table` (one per table) as a widget."""
        if table not in self.bars:
            self.bars[table] = SortBar(SORT_COLUMNS[table], lambda key: self.set(table, key))
        return self.bars[table].widget()

    def attach(self, box: Any, table: str, at: int) -> None:
        """Put the bar of `table` into `box`'s children at position `at` (above its table)."""
        box.children = (*box.children[:at], self.bar(table), *box.children[at:])
