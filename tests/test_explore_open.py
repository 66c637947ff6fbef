"""Issue #16: every department list reads as the filter's, and a project found in a table opens its
card in one step. Driven in Python as the notebook's callbacks drive the widgets, over the sample
portfolio (data/portfolio, one year) and hand-made lists.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evalcore.explore import Portfolio, load_portfolio
from evalcore.presentation.explore_choices import department_choices
from evalcore.presentation.explore_widgets import Explorer

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "portfolio"
TRANSPORT = "江城市交通运输局"


@pytest.fixture(scope="module")
def sample() -> Portfolio:
    return load_portfolio(SAMPLE)


# ------------------------------------------------------------------------------ 1. short names


def test_department_choices_label_and_order_as_the_filter_does() -> None:
    everything = ["江城市财政局", "共青团江城市委员会", "江城市教育局"]
    # the view keeps two of three, listed in another order: the filter's order and labels win
    got = department_choices(everything, ["江城市教育局", "共青团江城市委员会"])
    assert got == [("共青团江城市委员会", "共青团江城市委员会"), ("教育局", "江城市教育局")]
    # one department left still reads 「教育局」 (its own list alone would keep the full name)
    assert department_choices(everything, ["江城市教育局"]) == [("教育局", "江城市教育局")]


def test_drill_down_and_history_list_departments_as_the_filter(sample: Portfolio) -> None:
    ex = Explorer(sample)
    ex.controls()
    ex.drilldown()
    ex.history()
    filter_options = [o for o in ex.department.options if o[1]]  # without 「全部」
    assert all(not label.startswith("江城市") for label, _v in filter_options[:5])
    assert list(ex.drill_department.options) == filter_options
    assert list(ex._history.department.options) == filter_options
    ex.set_filters(rate=(0.0, 0.8))  # fewer departments: the filter's labels, in the filter's order
    kept = set(ex.view().departments())
    expected = [o for o in filter_options if o[1] in kept]
    assert 1 < len(expected) < len(filter_options)
    assert list(ex.drill_department.options) == expected
    assert list(ex._history.department.options) == expected
    ex.set_filters(department=TRANSPORT)
    assert ex.drill_department.options == (("交通运输局", TRANSPORT),)
    assert ex.drill_department.value == TRANSPORT
    assert ex._history.department.options == (("交通运输局", TRANSPORT),)
    assert ex._history.department.value == TRANSPORT
