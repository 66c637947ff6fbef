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


# ------------------------------------------------------------------------- 2. 「表中的项目」
# Worked by hand from data/portfolio: the items section's first table (under-executed line items, the
# largest unspent gap first) lists 森林防火 (lyj-0002) three times, 基本公共卫生服务 (wjw-0001),
# 高标准农田 (nyncj-0001) three times, wjw-0001 again, 农机购置 (nyncj-0004) twice, 公路安全生命防护
# (jtj-0003) and 残疾人精准康复 (cl-0002): six distinct projects, in that order. 江城市交通运输局 alone:
# one under-executed project with line items (0003); its under-executed projects by gap are 0003
# (61.26), 0004 (15.91), 0007 (12.50), 0005 (7.27); by 执行率 ascending 0003 (75.2%), 0004 (77.5%),
# 0005 (85.4%), 0007 (87.5%). Its seven projects by 全年预算: 0003, 0006, 0002, 0007, 0001, 0004, 0005.


def _ids(*numbers: str, dept: str = "jtj") -> tuple[str, ...]:
    return tuple(f"jc-{dept}-2024-{n}" for n in numbers)


def _opened(ex: Explorer) -> str:
    return "".join(o["data"].get("text/html", "") for o in ex._drill_project_pane.outputs)


def test_the_items_tables_projects_get_a_button_each_that_opens_the_card(sample: Portfolio) -> None:
    ex = Explorer(sample)
    ex.controls()
    ex.panel("items")
    first = ("jc-lyj-2024-0002", "jc-wjw-2024-0001", "jc-nyncj-2024-0001", "jc-nyncj-2024-0004")
    shown = ex.in_tables.shown["items"]
    assert shown[:6] == (*first, "jc-jtj-2024-0003", "jc-cl-2024-0002")
    assert len(shown) == len(set(shown)) == 10  # the project tables add more, cut at ten
    buttons = ex.in_tables.buttons["items"]
    assert [b.description for b in buttons[:2]] == ["森林防火项目", "基本公共卫生服务项目"]
    assert ex.in_tables.boxes["items"] in ex.panel("items").children  # below the section
    buttons[1].click()  # the drill-down is built and opens the project
    assert ex.drill_department.value == "江城市卫生健康委员会"
    assert ex.drill_project.value == "jc-wjw-2024-0001"
    assert "jc-wjw-2024-0001" in _opened(ex)

    ex.set_filters(department=TRANSPORT)  # a filter: the buttons follow
    assert ex.in_tables.shown["items"] == _ids("0003", "0004", "0007", "0005")
    ex.sorts.set("items", ("执行率", False))  # the table's 「排序」: the buttons follow its order
    assert ex.in_tables.shown["items"] == _ids("0003", "0004", "0005", "0007")
    ex.in_tables.buttons["items"][3].click()
    assert ex.drill_project.value == "jc-jtj-2024-0007" and "jc-jtj-2024-0007" in _opened(ex)
    ex.set_filters(department=TRANSPORT, rate=(0.95, None))  # nothing under-executed is left
    assert ex.in_tables.shown["items"] == () and ex.in_tables.buttons["items"] == []


def test_the_drill_down_department_table_gets_a_button_per_project(sample: Portfolio) -> None:
    ex = Explorer(sample)
    ex.controls()
    ex.drilldown()
    assert ex.in_tables.boxes["drill-department"] in ex.drilldown().children
    ex.set_filters(department=TRANSPORT)
    assert ex.in_tables.shown["drill-department"] == _ids(
        "0003", "0006", "0002", "0007", "0001", "0004", "0005"
    )
    ex.set_filters(department=TRANSPORT, rate=(None, 0.9))  # four left, still by 全年预算
    assert ex.in_tables.shown["drill-department"] == _ids("0003", "0007", "0004", "0005")
    ex.in_tables.buttons["drill-department"][-1].click()
    assert ex.drill_project.value == "jc-jtj-2024-0005" and "jc-jtj-2024-0005" in _opened(ex)
    before = ex.in_tables.buttons["drill-department"]
    ex.set_filters(department=TRANSPORT, rate=(None, 0.7))  # none left: no button
    assert ex.in_tables.shown["drill-department"] == ()
    assert all(b.comm is None for b in before)  # the replaced buttons are closed, not left in the kernel


def test_the_buttons_name_the_projects_in_the_order_the_items_section_shows_them(sample: Portfolio) -> None:
    """The rule restates how `items_view` picks its rows: the rendered section is the check that the
    two agree (each project's first appearance in the HTML comes in the buttons' order)."""
    ex = Explorer(sample)
    ex.controls()
    ex.panel("items")
    for sort in (None, ("执行率", False), ("全年", True)):
        ex.sorts.set("items", sort)
        html = "".join(o["data"].get("text/html", "") for o in ex.section("items").outputs)
        p = sample.projects.set_index("project_id")["name"]
        places = [html.find(f"<td>{p[pid]}</td>") for pid in ex.in_tables.shown["items"]]
        assert -1 not in places and places == sorted(places), sort
