"""The explorer's widgets follow every filter (issue #16), driven in Python as the notebook's
callbacks drive them (widget values set, panes and options read), over the sample portfolio.

Worked by hand from data/portfolio (one year, 2024): 江城市交通运输局 has seven projects, 执行率
100%, 99.4%, 75.2%, 77.5%, 85.4%, 100% and 87.5% (jc-jtj-2024-0001 … 0007). The issue's stale case
(a department whose projects the rate filter all leaves out) is that department with the rate at
0–70%: none is left. Widened to 0–90%, four are back (0003, 0004, 0005, 0007).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evalcore.explore import Portfolio, load_portfolio
from evalcore.presentation.explore_filters import NO_PROJECTS
from evalcore.presentation.explore_widgets import Explorer

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "portfolio"
TRANSPORT = "江城市交通运输局"


@pytest.fixture(scope="module")
def sample() -> Portfolio:
    return load_portfolio(SAMPLE)


def _html(widget) -> str:  # type: ignore[no-untyped-def]
    return "".join(o["data"].get("text/html", "") for o in widget.outputs)


TRANSPORT_RATES = {
    "0001": 1.0,
    "0002": 0.994,
    "0003": 0.752,
    "0004": 0.775,
    "0005": 0.854,
    "0006": 1.0,
    "0007": 0.875,
}
UNDER_90 = {f"jc-jtj-2024-{n}" for n in ("0003", "0004", "0005", "0007")}


def test_the_transport_bureau_holds_the_rates_worked_out_above(sample: Portfolio) -> None:
    p = sample.projects[sample.projects["department"] == TRANSPORT]
    got = dict(zip(p["project_id"].str[-4:], p["execution_rate"].round(3), strict=True))
    assert got == TRANSPORT_RATES


def test_the_stale_drilldown_case_empties_the_project_list_and_says_so(sample: Portfolio) -> None:
    ex = Explorer(sample)
    ex.controls()
    ex.drilldown()
    ex.history()
    panel = ex._history
    assert panel is not None
    ex.set_filters(department=TRANSPORT)
    assert ex.drill_department.options == (TRANSPORT,)
    assert len(ex.drill_project.options) == 7

    ex.rate.value = (0.0, 0.7)  # the widget callback runs: no project is left
    assert len(ex.view()) == 0
    assert ex.drill_department.options == () and ex.drill_department.value is None
    assert ex.drill_project.options == () and ex.drill_project.value is None
    assert NO_PROJECTS in _html(ex._drill_dept_pane)
    assert ex._drill_project_pane.outputs == ()
    # 历史比较 follows the filters too
    assert panel.department.options == () and panel.project.options == ()
    assert NO_PROJECTS in _html(panel.pane)

    ex.rate.value = (0.0, 0.9)  # widened: four projects are back, in every list
    ids = UNDER_90
    assert ex.drill_department.value == TRANSPORT
    assert {pid for _label, pid in ex.drill_project.options} == ids
    assert ex.drill_project.value in ids
    assert NO_PROJECTS not in _html(ex._drill_dept_pane)
    assert "ec-evaluation" in _html(ex._drill_project_pane)
    assert {pid for _label, pid in panel.project.options} == ids
