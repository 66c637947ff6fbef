"""The explorer's tables sort by any column (issue #16): the pure sort over a hand-made DataFrame,
then the 「排序」 bars driven in Python as the notebook's callbacks drive them, over the sample.

Worked by hand from data/portfolio (2024): 江城市交通运输局's seven projects have 执行率 100%,
99.4%, 75.2%, 77.5%, 85.4%, 100%, 87.5% (jc-jtj-2024-0001 … 0007), so by 执行率 ascending the first
five are 0003, 0004, 0005, 0007, 0002; only 0007 has 复核发现 (3), so by 复核发现 descending it is first.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evalcore.explore import Portfolio, load_portfolio
from evalcore.presentation.explore_sort import SORT_COLUMNS, sort_frame, sort_table
from evalcore.presentation.explore_widgets import Explorer

ROOT = Path(__file__).resolve().parents[1]
TRANSPORT = "江城市交通运输局"


@pytest.fixture(scope="module")
def sample() -> Portfolio:
    return load_portfolio(ROOT / "data" / "portfolio")


def _rows(widget) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """The cells of every body row of the tables a pane shows, as text."""
    html = "".join(o["data"].get("text/html", "") for o in widget.outputs)
    bodies = re.findall(r"<tbody>(.*?)</tbody>", html, re.S)
    rows = [r for b in bodies for r in re.findall(r"<tr>(.*?)</tr>", b, re.S)]
    return [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows]


FRAME = pd.DataFrame(
    {
        "amount": [10.0, 9.0, np.nan, 1.0, 9.0],
        "text": ["b", "a", "", "c", None],
        "numbers_as_text": ["10", "9", "1", None, "2"],
    }
)


def test_numbers_sort_as_numbers_ties_keep_their_order_and_nan_goes_last() -> None:
    assert sort_frame(FRAME, "amount").index.tolist() == [3, 1, 4, 0, 2]
    assert sort_frame(FRAME, "amount", descending=True).index.tolist() == [0, 1, 4, 3, 2]


def test_text_sorts_as_text_and_empty_text_goes_last_in_both_directions() -> None:
    assert sort_frame(FRAME, "text").index.tolist() == [1, 0, 3, 2, 4]
    assert sort_frame(FRAME, "text", descending=True).index.tolist() == [3, 0, 1, 2, 4]


def test_numbers_kept_as_text_sort_as_numbers_not_as_text() -> None:
    # as text "10" < "2" < "9"; as numbers 1, 2, 9, 10
    assert sort_frame(FRAME, "numbers_as_text").index.tolist() == [2, 4, 1, 0, 3]
    assert sort_frame(FRAME, "numbers_as_text", descending=True).index.tolist() == [0, 1, 4, 2, 3]


def test_sort_table_leaves_a_table_without_the_column_or_without_a_sort_as_it_is() -> None:
    assert sort_table(FRAME, None) is FRAME
    assert sort_table(FRAME, ("grade", False)) is FRAME
    assert sort_table(FRAME, ("amount", True)).index.tolist() == [0, 1, 4, 3, 2]


def _rate(cell: str) -> float:
    return float(cell.rstrip("%")) / 100


def test_the_departments_bar_redraws_the_table_in_place_in_the_chosen_order(sample: Portfolio) -> None:
    ex = Explorer(sample)
    ex.controls()
    frame = ex.panel("departments")
    bar = ex.sorts.bars["departments"]
    assert bar.widget() in frame.children  # the bar sits in the section's frame, above its tables
    pane = ex.section("departments")
    default = [r[0] for r in _rows(pane)]
    bar.column.value = "执行率"
    rates = [_rate(r[6]) for r in _rows(pane)]
    assert rates == sorted(rates) and len(rates) == len(default)
    bar.descending.value = True
    assert bar.descending.description == "降序 ↓"
    rates = [_rate(r[6]) for r in _rows(pane)]
    assert rates == sorted(rates, reverse=True)
    bar.column.value = "projects"  # 项目数, an integer column: 10 after 9
    counts = [int(r[1]) for r in _rows(pane)]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
    bar.column.value = ""  # back to the default order
    assert [r[0] for r in _rows(pane)] == default


def test_the_drilldown_project_list_sorts_by_rate_and_by_findings(sample: Portfolio) -> None:
    ex = Explorer(sample)
    ex.controls()
    ex.drilldown()
    ex.set_filters(department=TRANSPORT)
    ex.drill_department.value = TRANSPORT
    pane = ex._drill_dept_pane
    bar = ex.sorts.bars["drill-department"]
    bar.column.value = "执行率"
    ids = [r[1][-4:] for r in _rows(pane)]
    assert ids[:5] == ["0003", "0004", "0005", "0007", "0002"]
    assert sorted(ids[5:]) == ["0001", "0006"]
    bar.column.value = "findings"
    bar.descending.value = True
    assert _rows(pane)[0][1] == "jc-jtj-2024-0007"
    assert _rows(pane)[0][-1] == "3"


def test_the_indicator_table_sorts_by_score_with_inapplicable_last(sample: Portfolio) -> None:
    ex = Explorer(sample)
    ex.controls()
    ex.drilldown()
    ex.open_project("jc-jtj-2024-0007")
    bar = ex.sorts.bars["drill-indicators"]
    bar.column.value = "score"
    bar.descending.value = True
    rows = [r for r in _rows(ex._drill_project_pane) if len(r) == 10]
    scores = [r[6] for r in rows]
    numbers = [float(s) for s in scores if s != "不适用"]
    assert numbers == sorted(numbers, reverse=True) and len(numbers) > 1
    assert scores[len(numbers) :] == ["不适用"] * (len(scores) - len(numbers))


def test_every_sortable_table_names_each_column_once() -> None:
    for table, columns in SORT_COLUMNS.items():
        labels = [label for label, _ in columns]
        assert len(labels) == len(set(labels)), table


def test_the_items_bar_sorts_each_of_its_tables_within_its_rows(sample: Portfolio) -> None:
    ex = Explorer(sample)
    ex.controls()
    ex.panel("items")
    pane = ex.section("items")
    before = sorted(map(tuple, _rows(pane)))
    ex.sorts.bars["items"].column.value = "执行率"
    html = "".join(o["data"].get("text/html", "") for o in pane.outputs)
    for body in re.findall(r"<tbody>(.*?)</tbody>", html, re.S):
        rates = [
            _rate(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r'<td class="num">([\d.]+%)</td>', body)
        ]
        assert rates == sorted(rates) and rates
    assert sorted(map(tuple, _rows(pane))) == before  # the same rows, only in another order
