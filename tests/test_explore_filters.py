"""The explorer's widgets follow every filter (issue #16), driven in Python as the notebook's
callbacks drive them (widget values set, panes and options read), over the sample portfolio.

Worked by hand from data/portfolio (one year, 2024): 江城市交通运输局 has seven projects, 执行率
100%, 99.4%, 75.2%, 77.5%, 85.4%, 100% and 87.5% (jc-jtj-2024-0001 … 0007). The issue's stale case
(a department whose projects the rate filter all leaves out) is that department with the rate at
0–70%: none is left. Widened to 0–90%, four are back (0003, 0004, 0005, 0007).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from evalcore.explore import Portfolio, load_portfolio
from evalcore.presentation.explore_filters import NO_PROJECTS, find_projects, short_names
from evalcore.presentation.explore_views import departments_view, rates_view
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
    assert ex.drill_department.options == (("交通运输局", TRANSPORT),)  # value: the full name
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


# ------------------------------------------------------------------------------------------ sentences


def _text(content: tuple) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", "".join(str(p.html()) for p in content)))


def test_one_department_is_not_ranked_among_departments(sample: Portfolio) -> None:
    """差额 of the seven projects: 0, 0.666, 61.256, 15.9075, 7.2708, 0, 12.5 = 97.6003 万元; the
    largest three hold 89.6635 ÷ 97.6003 = 91.9%. Rates sorted: 75.2, 77.5, 85.4, 87.5, 99.4, 100,
    100: median 87.5%, quartiles (77.5 + 85.4) ÷ 2 = 81.45% (shown 81.5%) and (99.4 + 100) ÷ 2 =
    99.7%, four below 90%."""
    view = sample.filter(department=TRANSPORT)
    money_part = _text(departments_view(view))
    assert "占 100.0%" not in money_part
    assert (
        f"{TRANSPORT}未执行的 97.6003 万元中，2024年公路安全生命防护工程项目、2024年城乡公交运营补贴项目、"
        "2024年东湖区公路安全生命防护工程项目 占 91.9%（共 5 个项目有未执行金额）。"
    ) in money_part
    rates_part = _text(rates_view(view))
    assert "中位数最低的部门" not in rates_part
    assert f"{TRANSPORT} 7 个项目的执行率中位数 87.5%，四分位区间 81.5%–99.7%，4 个低于 90%。" in rates_part


def test_two_departments_holding_the_whole_gap_are_each_named_with_their_amount(sample: Portfolio) -> None:
    """江城市教育局's six projects leave 24.6638 万元 unspent (122.2641 − 97.6003)."""
    view = sample.filter(department=[TRANSPORT, "江城市教育局"])
    text = _text(departments_view(view))
    assert "占 100.0%" not in text
    assert (
        "未执行的 122.2641 万元分布在江城市交通运输局（97.6003 万元）、江城市教育局（24.6638 万元）。" in text
    )
    assert "执行率中位数最低的部门：" in _text(rates_view(view))  # two rows: a ranking again


def test_the_whole_portfolio_still_ranks_departments_by_share(sample: Portfolio) -> None:
    text = _text(departments_view(sample))
    assert re.search(r"未执行的 [\d,.]+ 万元中，[^。]+ 占 \d+\.\d%（共 \d+ 个部门有未执行金额）。", text), (
        text
    )
    assert "执行率中位数最低的部门：" in _text(rates_view(sample))


# ------------------------------------------------------------------------------------------ departments


def test_short_names_drop_the_prefix_most_names_share() -> None:
    # 江城市 is shared by two of three; 「江城市教育局」 would read 「教育局」, which another name is
    assert short_names(["江城市教育局", "江城市公安局", "教育局"]) == {
        "江城市教育局": "江城市教育局",
        "江城市公安局": "公安局",
        "教育局": "教育局",
    }
    assert short_names(["城管局", "教育局"]) == {"城管局": "城管局", "教育局": "教育局"}  # nothing shared
    assert short_names(["江城市", "江城市教育局", "江城市公安局"])["江城市"] == "江城市"  # never empty


def test_the_department_list_is_short_labels_by_budget_with_full_names_as_values(sample: Portfolio) -> None:
    ex = Explorer(sample)
    ex.controls()
    labels, values = zip(*ex.department.options[1:], strict=True)
    assert ex.department.options[0] == ("全部", "")
    assert list(values) == sample.departments()  # the largest 全年预算 first, full names
    assert len(values) == 35
    assert ("交通运输局", TRANSPORT) in ex.department.options
    assert ("共青团江城市委员会", "共青团江城市委员会") in ex.department.options  # no 江城市 prefix
    assert sum(label.startswith("江城市") for label in labels) == 0


def test_typing_narrows_the_department_list_and_one_match_is_chosen(sample: Portfolio) -> None:
    ex = Explorer(sample)
    ex.controls()
    ex.department_search.value = "管理"  # five names hold it: listed, nothing chosen yet
    assert ex.department.options == (
        ("全部", ""),
        ("市场监督管理局", "江城市市场监督管理局"),
        ("应急管理局", "江城市应急管理局"),
        ("城市管理局", "江城市城市管理局"),
        ("政务服务和数据管理局", "江城市政务服务和数据管理局"),
        ("机关事务管理局", "江城市机关事务管理局"),
    )
    assert ex.department.value == "" and ex.view() is ex.select()
    ex.department_search.value = "交通 "  # one match: chosen, every pane follows
    assert ex.department.options == (("全部", ""), ("交通运输局", TRANSPORT))
    assert ex.department.value == TRANSPORT
    assert f"主管部门 {TRANSPORT}：7 个项目" in ex.status.value
    ex.department_search.value = "教育"  # the chosen department stays listed and chosen
    assert ex.department.value == "江城市教育局"
    ex.department_search.value = "没有这个部门"
    assert ex.department.options == (("全部", ""), ("教育局", "江城市教育局"))
    assert ex.department.value == "江城市教育局"
    ex.reset()
    assert ex.department_search.value == "" and ex.department.value == ""
    assert len(ex.department.options) == 36


# ------------------------------------------------------------------------------------------ project search


def test_find_projects_by_name_or_id_in_the_filtered_view(sample: Portfolio) -> None:
    # two 桥梁 projects, both 交通运输局: 0001 (84.2 万元, 100%) before 0005 (49.8 万元, 85.4%)
    bridges = [
        ("2024年危旧桥梁改造项目（jc-jtj-2024-0001）· 交通运输局", "jc-jtj-2024-0001"),
        ("2024年东湖区危旧桥梁改造项目（jc-jtj-2024-0005）· 交通运输局", "jc-jtj-2024-0005"),
    ]
    assert find_projects(sample, "桥梁") == (bridges, 2)
    assert find_projects(sample.filter(rate=(None, 0.9)), "桥梁") == (bridges[1:], 1)  # 0001 filtered out
    assert find_projects(sample, "JTJ-2024-000 7")[0] == [
        ("2024年东湖区公路安全生命防护工程项目（jc-jtj-2024-0007）· 交通运输局", "jc-jtj-2024-0007")
    ]
    assert find_projects(sample, "  ") == ([], 0) and find_projects(sample, "没有这个项目") == ([], 0)
    listed, total = find_projects(sample, "2024", limit=5)
    assert total == len(sample) and len(listed) == 5


def test_choosing_a_match_opens_its_card_in_one_step(sample: Portfolio) -> None:
    ex = Explorer(sample)
    ex.controls()
    ex.drilldown()
    search = ex.search
    assert search.results.options == () and search.note.value == ""
    search.query.value = "桥梁"
    assert [pid for _label, pid in search.results.options] == ["jc-jtj-2024-0001", "jc-jtj-2024-0005"]
    assert search.note.value == "2 个匹配；点选一个查看"
    assert ex.drill_department.value != TRANSPORT  # the drill-down opens on the largest department
    search.results.value = "jc-jtj-2024-0005"  # one click
    assert ex.drill_department.value == TRANSPORT and ex.drill_project.value == "jc-jtj-2024-0005"
    card = _html(ex._drill_project_pane)
    assert "ec-evaluation" in card and "2024年东湖区危旧桥梁改造项目" in card
    assert "jc-jtj-2024-0005" in _html(ex._drill_dept_pane)
    # the search follows the filters: 0001 (100%) is not under 90%
    ex.set_filters(rate=(None, 0.9))
    assert [pid for _label, pid in search.results.options] == ["jc-jtj-2024-0005"]
    ex.set_filters(rate=(None, 0.5))
    assert search.results.options == ()
    assert search.note.value == "当前筛选下没有名称或编号含「桥梁」的项目"
    with pytest.raises(KeyError):
        ex.open_project("jc-jtj-2024-0005")


# ------------------------------------------------------------------------------------------ rate bounds


def test_rate_bounds_are_typed_and_follow_the_slider(sample: Portfolio) -> None:
    ex = Explorer(sample)
    ex.controls()
    ex.drilldown()
    bounds = ex.rate_bounds
    assert (bounds.lower.value, bounds.upper.value) == (0.0, 150.0)
    ex.department.value = TRANSPORT
    bounds.upper.value = 87.5  # typed: 75.2%, 77.5%, 85.4% and 87.5% are left
    assert ex.rate.value == (0.0, 0.875)
    assert ex.view().filters["rate"] == (None, 0.875)
    assert {pid for _label, pid in ex.drill_project.options} == UNDER_90
    bounds.lower.value = 80  # 85.4% and 87.5%
    assert sorted(ex.view().projects["project_id"]) == ["jc-jtj-2024-0005", "jc-jtj-2024-0007"]
    assert "执行率 80%–88%：2 个项目" in ex.status.value  # describe_filters rounds to whole percent
    bounds.lower.value = 95  # above the upper bound: taken as the upper, shown as the slider holds it
    assert ex.rate.value == (0.875, 0.875) and bounds.lower.value == 87.5
    assert list(ex.view().projects["project_id"]) == ["jc-jtj-2024-0007"]
    ex.rate.value = (0.5, 1.2)  # dragged: the boxes follow
    assert (bounds.lower.value, bounds.upper.value) == (50.0, 120.0)
    ex.reset()
    assert (bounds.lower.value, bounds.upper.value) == (0.0, 150.0)


def test_one_click_sets_the_rate_to_under_90_percent(sample: Portfolio) -> None:
    ex = Explorer(sample)
    ex.controls()
    ex.set_filters(department=TRANSPORT)
    assert ex.rate_bounds.under.description == "执行率低于 90%"
    ex.rate_bounds.under.click()
    assert ex.rate.value == (0.0, 0.9) and ex.filters() == (TRANSPORT, None, (None, 0.9))
    assert set(ex.view().projects["project_id"]) == UNDER_90
    assert (ex.rate_bounds.lower.value, ex.rate_bounds.upper.value) == (0.0, 90.0)
    assert f"主管部门 {TRANSPORT}" in ex.status.value and "4 个项目" in ex.status.value


# ------------------------------------------------------------------------------------------ every section


def test_every_section_repeats_the_filters_with_a_reset_and_the_overview_follows(sample: Portfolio) -> None:
    ex = Explorer(sample)
    overview = ex.overview()
    frames = {name: ex.panel(name) for name in ("departments", "rates")}
    line = frames["rates"].children[0]
    reset, label = line.children
    assert reset.description == "重置" and label.value.startswith("〔筛选〕全部项目：130 个项目")
    assert '<div class="ec-v">130</div>' in overview._repr_mimebundle_()["text/html"]
    assert frames["rates"].children[1] is ex.section("rates")  # the same pane, redrawn in place

    ex.set_filters(department=TRANSPORT)  # 7 projects, 821.70 万元 (worked out above)
    assert label.value.startswith(f"〔筛选〕主管部门 {TRANSPORT}：7 个项目，全年预算 821.70 万元")
    card = overview._repr_mimebundle_()["text/html"]
    assert '<div class="ec-v">7</div>' in card and "821.70" in card and f"主管部门 {TRANSPORT}" in card
    shown = frames["departments"]._repr_mimebundle_()["text/html"]  # the static fallback follows too
    assert f"主管部门 {TRANSPORT}：7 个项目" in shown and 'data-section="departments-table"' in shown

    reset.click()  # from section 2: every filter goes, every pane and the overview follow
    assert ex.filters() == (None, None, None) and ex.department.value == ""
    assert label.value.startswith("〔筛选〕全部项目：130 个项目")
    assert '<div class="ec-v">130</div>' in overview._repr_mimebundle_()["text/html"]


def test_a_reset_from_a_section_works_before_the_controls_are_shown(sample: Portfolio) -> None:
    ex = Explorer(sample)
    frame = ex.panel("items")
    frame.children[0].children[0].click()
    assert ex.filters() == (None, None, None) and ex.view() is ex.select()


def test_the_drill_down_card_lists_each_indicator_once() -> None:
    """The drill-down's last level is the evaluation card and the indicator table beside it: each
    indicator of the project appears once across the two (the card no longer repeats the table).
    jc-jyj-2024-0001 (sample data) has 11 indicators (its form)."""
    from evalcore.explore import load_portfolio
    from evalcore.presentation.explore_views import project_view

    pf = load_portfolio("data/portfolio/江城市教育局")
    parts = project_view(pf, "jc-jyj-2024-0001")
    page = "".join(str(p.payload) for p in parts if p.kind == "html")
    names = [s.indicator.name for s in pf.project("jc-jyj-2024-0001").card.indicators]
    assert len(names) == 11
    for name in names:
        assert page.count(f">{name}<") == 1, name
