"""The explorer's tables sort by any column (issue #16): the pure sort over a hand-made DataFrame,
then the 「排序」 bars driven in Python as the notebook's callbacks drive them, over the sample.

Worked by hand from data/portfolio (2024): 江城市交通运输局's seven projects have 执行率 100%,
99.4%, 75.2%, 77.5%, 85.4%, 100%, 87.5% (jc-jtj-2024-0001 … 0007), so by 执行率 ascending the first
five are 0003, 0004, 0005, 0007, 0002; only 0007 has 复核发现 (3), so by 复核发现 descending it is first.

The charts name their notable points, and one click opens such a project's card: the two rules
over hand-made tables, then the sample's scatter, then its buttons.

Worked by hand from data/portfolio (2024, 130 projects, median 复核得分 98.72): the eight lowest
执行率 all score below the median, so the scatter labels, lowest rate first, jc-lyj-2024-0002
(47.9%), jc-nyncj-2024-0001 (48.6%), jc-wjw-2024-0007 (52.8%), jc-wjw-2024-0001 (59.3%),
jc-sjj-2024-0001 (61.0%, 96.10: the issue's "61%" point), jc-mzj-2024-0003 (62.5%),
jc-nyncj-2024-0004 (70.1%) and jc-gxj-2024-0003 (72.0%).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evalcore.explore import Portfolio, load_portfolio
from evalcore.presentation.charts.explore import scatter_chart
from evalcore.presentation.explore_outliers import (
    MAX_LABELS,
    rate_outliers,
    scatter_outliers,
    short_label,
)
from evalcore.presentation.explore_sort import SORT_COLUMNS, sort_frame, sort_table
from evalcore.presentation.explore_views import rates_view, scatter_view
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


# -------------------------------------------------------------------------- labelled points


SCATTER = [
    "jc-lyj-2024-0002",
    "jc-nyncj-2024-0001",
    "jc-wjw-2024-0007",
    "jc-wjw-2024-0001",
    "jc-sjj-2024-0001",
    "jc-mzj-2024-0003",
    "jc-nyncj-2024-0004",
    "jc-gxj-2024-0003",
]


def _pv(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"department": d, "project_id": p, "name": f"2024年{p}项目", "执行率": r} for d, p, r in rows]
    )


def test_rate_outliers_are_outside_their_departments_fences_farthest_first() -> None:
    pv = _pv(
        [
            # A: sorted .30 .90 .92 .95 .97 → Q1 .90, Q3 .95, fences .825 and 1.025: a1 is .525 below
            ("A", "a1", 0.30),
            ("A", "a2", 0.90),
            ("A", "a3", 0.92),
            ("A", "a4", 0.95),
            ("A", "a5", 0.97),
            # B: Q1 = Q3 = 1.00, fences 1.00 and 1.00: b5 is .50 above
            ("B", "b1", 1.0),
            ("B", "b2", 1.0),
            ("B", "b3", 1.0),
            ("B", "b4", 1.0),
            ("B", "b5", 1.5),
            # C: Q1 .55, Q3 .65, fences .40 and .80: none outside; c4 has no rate
            ("C", "c1", 0.5),
            ("C", "c2", 0.6),
            ("C", "c3", 0.7),
            ("C", "c4", np.nan),
        ]
    )
    assert rate_outliers(pv)["project_id"].tolist() == ["a1", "b5"]


def test_at_most_max_labels_points_are_labelled() -> None:
    rows = [("D", f"d{k:02d}", 1.0) for k in range(30)] + [("D", f"x{k}", 0.1 * k) for k in range(10)]
    out = rate_outliers(_pv(rows))
    assert len(out) == MAX_LABELS
    assert out["project_id"].tolist()[:2] == ["x0", "x1"]  # the farthest below first


def test_scatter_outliers_are_under_90_percent_and_under_the_median_score() -> None:
    p = pd.DataFrame(
        {
            "project_id": ["p1", "p2", "p3", "p4", "p5", "p6", "p7"],
            "name": ["甲", "乙", "丙", "丁", "戊", "己", "庚"],
            "execution_rate": [0.5, 0.6, 0.95, 0.85, 1.0, np.nan, 0.7],
            "total": [80.0, 99.0, 70.0, 85.0, 95.0, 10.0, 75.0],
        }
    )
    # median of the six with a rate: (80 + 85) / 2 = 82.5; p2 scores above it, p3 spent 95%, p4's
    # 85 is not under it, p6 has no rate (and is not in the median)
    assert scatter_outliers(p)["project_id"].tolist() == ["p1", "p7"]


def test_short_labels_drop_the_year_and_cut_long_names() -> None:
    assert short_label("2024年森林防火项目", "x") == "森林防火项目"
    assert short_label("2024年东湖区中小学校舍维修改造项目", "x") == "东湖区中小学校舍维…"
    assert short_label("", "jc-1") == "jc-1"


def test_the_sample_scatter_labels_and_lists_the_projects_worked_out_above(sample: Portfolio) -> None:
    assert scatter_outliers(sample.projects)["project_id"].tolist() == SCATTER
    ex = Explorer(sample)
    _head, chart, listing = scatter_view(sample, ex.bands)
    assert "图中标注的项目" in str(listing.payload)
    for pid in SCATTER:
        assert pid in str(listing.payload)
    plain = scatter_chart(
        [
            (
                "优",
                "#333333",
                sample.projects["execution_rate"].to_numpy(),
                sample.projects["total"].to_numpy(),
            )
        ],
        ex.bands,
        "",
    )
    assert chart.payload != plain  # the labels are drawn
    rates = rates_view(sample)
    assert len(rates) == 3 and "图中标注的项目" in str(rates[2].payload)


def test_a_labelled_projects_button_opens_its_card_in_one_click(sample: Portfolio) -> None:
    ex = Explorer(sample)
    ex.controls()
    ex.drilldown()
    frame = ex.panel("scatter")
    assert ex.marked.boxes["scatter"] in frame.children
    buttons = ex.marked.buttons["scatter"]
    assert [b.description for b in buttons][4] == "政府投资项目审计项目"
    buttons[4].click()
    assert ex.drill_project.value == "jc-sjj-2024-0001"
    assert ex.drill_department.value == "江城市审计局"
    html = "".join(o["data"].get("text/html", "") for o in ex._drill_project_pane.outputs)
    assert "jc-sjj-2024-0001" in html and "绩效指标" in html
    ex.panel("rates")
    first = ex.marked.buttons["rates"][0]
    first.click()
    assert ex.drill_project.value == rate_outliers(sample.variance("project"))["project_id"].iat[0]
    # the buttons are the projects the chart's listing names, in its order
    listing = str(rates_view(sample)[2].payload)
    named = re.findall(r"（(jc-[a-z]+-\d{4}-\d{4})，", listing)
    assert len(named) == len(ex.marked.buttons["rates"]) == MAX_LABELS
    assert [b.tooltip.rsplit("（", 1)[1].rstrip("）") for b in ex.marked.buttons["rates"]] == named


def test_the_buttons_follow_a_filter(sample: Portfolio) -> None:
    ex = Explorer(sample)
    ex.controls()
    ex.panel("scatter")
    before = ex.marked.buttons["scatter"]
    ex.refresh()  # the same selection: the same buttons, none built again
    assert ex.marked.buttons["scatter"] is before and len(before) == MAX_LABELS
    assert all(b.comm is not None for b in before)  # open while shown
    ex.set_filters(rate=(0.9, None))  # nothing under 90% is left: nothing to label
    assert ex.marked.buttons["scatter"] == []
    assert all(b.comm is None for b in before)  # the replaced buttons are closed, not left in the kernel
    ex.set_filters()
    assert len(ex.marked.buttons["scatter"]) == MAX_LABELS
