"""The API's DataFrames as a person reads them in a notebook.

The Portfolio API computes for programs: its tables keep raw numbers (0.800323, 2078.5201) and the
column names programs use (`df["执行率"]`, `df["adjusted"]`). What a notebook shows is for people:
Chinese headers, rates as %, amounts in 万元 with two decimals and thousands separators, every
column (the table scrolls sideways instead of hiding columns behind 「...」).

How, and why this way: the explore package may not import the presentation, so it cannot return a
DataFrame subclass that renders itself; instead it tags what it returns
(`df.attrs["evalcore"] = "variance_department"`, `explore.columns.tag_frame`; pandas carries the
tag through slicing, `head`, filtering). `evalcore.presentation.display` registers `frame_html`
with IPython's `text/html` formatter for DataFrames, by name (pandas is not imported to do so);
an untagged DataFrame is shown exactly as pandas shows it. The text form (`repr`) stays pandas'.
The labels live in `explore.columns` (COLUMN_LABELS, KIND_LABELS), next to the column names.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd

from ..explore.columns import COLUMN_LABELS, FRAME_TAG, KIND_LABELS
from .cards import ROLE_LABELS, SEVERITY
from .formats import money, rate, score
from .html import Cell, Markup, join, num_cell, table, tag

__all__ = ["format_value", "frame_html", "frame_labels"]

AMOUNTS = {"initial", "adjusted", "executed", "年初", "全年", "执行", "差额", "全年预算", "执行数"}
RATES = {"execution_rate", "initial_rate", "completion", "执行率"}
SCORES = {"total", "total_raw", "budget_score", "reported_total", "score", "reported_score", "weight", "得分"}
PERCENTS = {"百分位"}  # already × 100
VALUES = {"role": ROLE_LABELS, "severity": SEVERITY}
MONEY_DECIMALS = 2

STYLE = Markup(
    "<style>"
    ".ec-frame{overflow-x:auto;max-width:100%;margin:.2em 0 .6em}"
    ".ec-frame table{border-collapse:collapse;font-size:.88em;width:auto}"
    ".ec-frame th,.ec-frame td{padding:.18em .6em;border-bottom:1px solid #e3e3e3;text-align:left;"
    "vertical-align:top;white-space:nowrap}"
    ".ec-frame td.txt{white-space:normal;min-width:8em;max-width:36em}"
    ".ec-frame thead th{background:#f5f7fa;position:sticky;top:0}"
    ".ec-frame .num{text-align:right;font-variant-numeric:tabular-nums}"
    ".ec-frame .ec-note{color:#666;font-size:.85em;margin:.2em 0}"
    "</style>"
)


def frame_labels(df: pd.DataFrame) -> list[str]:
    """The Chinese header of each column (a column no map names keeps its own name)."""
    kind = KIND_LABELS.get(str(df.attrs.get(FRAME_TAG, "")), {})
    return [kind.get(str(c), COLUMN_LABELS.get(str(c), str(c))) for c in df.columns]


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA or x is pd.NaT


def format_value(column: str, x: object, row: dict[str, object] | None = None) -> tuple[str, bool]:
    """(text, is it a number) of one cell of column `column`. A peers row's 本项目 and 中位数 are
    a rate or a score as its 指标 says."""
    if row is not None and column in ("本项目", "中位数"):
        column = "执行率" if row.get("指标") == "执行率" else "得分"
    if _missing(x):
        return ("—", True) if column in AMOUNTS | RATES | SCORES | PERCENTS else ("", False)
    if isinstance(x, bool | np.bool_):
        return ("是" if x else "否"), False
    if column in VALUES:
        return VALUES[column].get(str(x), str(x)), False
    if isinstance(x, numbers.Real):
        if column in AMOUNTS:
            return money(float(x), decimals=MONEY_DECIMALS), True
        if column in RATES:
            return rate(float(x)), True
        if column in PERCENTS:
            return f"{float(x):.1f}%", True
        if column in SCORES or column.endswith("·得分"):
            return score(float(x)), True
        if isinstance(x, numbers.Integral):
            return str(int(x)), True
        return f"{float(x):,.6g}", True
    return str(x), False


def _rows(df: pd.DataFrame, positions: list[int | None]) -> list[list[object]]:
    columns = [str(c) for c in df.columns]
    peers = "指标" in columns
    out: list[list[object]] = []
    for n in positions:
        if n is None:  # the rows left out of a long table
            out.append([Cell("…", header=True), *[Cell("…", class_="num") for _ in columns]])
            continue
        values = df.iloc[n].tolist()
        row = dict(zip(columns, values, strict=True)) if peers else None
        cells: list[object] = [Cell(df.index[n], header=True)]
        for c, x in zip(columns, values, strict=True):
            text, number = format_value(c, x, row)
            cells.append(num_cell(text) if number else Cell(text, class_="txt" if len(text) > 20 else None))
        out.append(cells)
    return out


def frame_html(df: pd.DataFrame) -> str | None:
    """The table for people (see the module docstring); an untagged DataFrame as pandas shows it.
    Long tables show their first and last rows as pandas does (`display.max_rows`/`min_rows`)."""
    if FRAME_TAG not in df.attrs:
        return df._repr_html_()
    n = len(df)
    most = pd.get_option("display.max_rows") or n
    if n > most:
        half = max(1, (pd.get_option("display.min_rows") or most) // 2)
        positions: list[int | None] = [*range(half), None, *range(n - half, n)]
    else:
        positions = list(range(n))
    numeric = [
        c in AMOUNTS | RATES | SCORES | PERCENTS
        or (pd.api.types.is_numeric_dtype(df[c].dtype) and not pd.api.types.is_bool_dtype(df[c].dtype))
        for c in map(str, df.columns)
    ]
    head = [Cell(df.index.name or "", header=True)] + [
        Cell(label, class_="num" if num else None)
        for label, num in zip(frame_labels(df), numeric, strict=True)
    ]
    note = f"共 {n} 行 × {len(df.columns)} 列" + (
        "" if n <= most else f"，显示前后各 {(len(positions) - 1) // 2} 行"
    )
    return str(
        join(
            [
                STYLE,
                tag(
                    "div",
                    join([table(head, _rows(df, positions), cls="ec-t"), tag("p", note, class_="ec-note")]),
                    class_="ec-frame",
                ),
            ]
        )
    )
