"""The Portfolio API as an analyst meets it in a notebook (issue #16): filters that select nothing
say so and suggest names, wrong types are refused in Chinese; tables keep raw numbers and show
with Chinese headers, rates as %, amounts in 万元; the card lists each indicator once; a filtered
view writes the standard Excel export."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd
import pytest
from IPython.core.formatters import DisplayFormatter
from openpyxl import load_workbook

import evalcore
from evalcore.explore import FilterWarning, Portfolio, load_portfolio
from evalcore.explore.columns import tag_frame
from evalcore.explore.filters import nearest
from evalcore.presentation.cards import evaluation_card
from evalcore.presentation.display import register
from evalcore.presentation.workbook import ExcelPortfolio
from evalcore.presentation.xlsx_export import read_export

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "portfolio"
HRSS = "江城市人力资源和社会保障局"
EDU = "江城市教育局"


@pytest.fixture(scope="module")
def sample() -> Portfolio:
    return load_portfolio(SAMPLE)


def _messages(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, FilterWarning)]


# ------------------------------------------------------------------------------------------ filter warnings


def test_nearest_finds_abbreviations_and_typos() -> None:
    names = [HRSS, EDU, "江城市体育局", "江城市交通运输局"]
    assert nearest("人社局", names)[0] == HRSS  # 人…社…局 in order
    assert nearest("交通局", names) == ["江城市交通运输局"]
    assert nearest("江城市教肓局", names)[0] == EDU  # a typo: difflib
    assert nearest("财政局", names) == []


def test_an_unknown_department_warns_with_the_nearest_name(sample: Portfolio) -> None:
    with pytest.warns(FilterWarning) as caught:
        view = sample.filter(department="人社局")
    assert len(view) == 0 and view.filters == {"department": ["人社局"]}
    [message] = _messages(caught)
    assert message.startswith("筛选结果为空：没有主管部门为「人社局」的项目")
    assert f"相近的主管部门：{HRSS}" in message
    assert caught[0].filename == __file__  # points at the analyst's line, not into evalcore


def test_one_unknown_name_among_known_ones_warns_but_keeps_the_rest(sample: Portfolio) -> None:
    with pytest.warns(FilterWarning) as caught:
        view = sample.filter(department=["人社局", EDU])
    assert set(view.projects["department"]) == {EDU}
    [message] = _messages(caught)
    assert not message.startswith("筛选结果为空") and "「人社局」" in message


def test_unknown_grade_and_year_warn(sample: Portfolio) -> None:
    with pytest.warns(FilterWarning, match="没有等级为「A」的项目；本组合的等级：优、良、中、差"):
        assert len(sample.filter(grade="A")) == 0
    with pytest.warns(FilterWarning, match="没有评价年度为「2023」的项目；相近的评价年度：2024"):
        assert len(sample.filter(year=2023)) == 0


def test_an_empty_combination_of_known_values_warns_naming_the_filters(sample: Portfolio) -> None:
    # 江城市教育局 has 6 projects in the sample, none graded 差
    assert len(sample.filter(department=EDU, warn=False)) == 6
    with pytest.warns(FilterWarning) as caught:
        view = sample.filter(department=EDU, grade="差")
    assert len(view) == 0
    assert _messages(caught) == [
        "筛选结果为空：没有同时满足「主管部门 江城市教育局；等级 差」的项目（筛选前 130 个）"
    ]


def test_a_filter_that_selects_projects_is_silent_and_warn_false_silences(sample: Portfolio) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(sample.filter(department=EDU, grade=["优", "良"])) > 0
        assert len(sample.filter(department="人社局", warn=False)) == 0


@pytest.mark.parametrize(
    ("kwargs", "error", "says"),
    [
        ({"rate": "90%"}, TypeError, "执行率范围应为两个数组成的 (下限, 上限)"),
        ({"rate": (0.9,)}, TypeError, "执行率范围应为两个数组成的 (下限, 上限)"),
        ({"rate": (0, "0.9")}, TypeError, "执行率的上下限应为小数或 None"),
        ({"rate": (0.9, 0.5)}, ValueError, "下限 0.9 大于上限 0.5"),
        ({"rate": (float("nan"), None)}, ValueError, "不能是 NaN"),
        ({"department": 3}, TypeError, "主管部门应为文字或文字的列表"),
        ({"department": [EDU, 3]}, TypeError, "其中的 3（int） 不是文字"),
        ({"grade": {"优": 1}}, TypeError, "等级应为文字或文字的列表"),
        ({"year": "2024"}, TypeError, "评价年度应为整数"),
        ({"year": 2024.5}, TypeError, "评价年度应为整数"),
    ],
)
def test_a_wrong_type_is_refused_in_chinese(
    sample: Portfolio, kwargs: dict[str, object], error: type[Exception], says: str
) -> None:
    with pytest.raises(error) as raised:
        sample.filter(**kwargs)  # type: ignore[arg-type]
    assert says in str(raised.value)


def test_valid_bounds_still_filter(sample: Portfolio) -> None:
    r = sample.projects["execution_rate"]
    assert len(sample.filter(rate=[0.5, None])) == (r >= 0.5 - 1e-12).sum()
    assert len(sample.filter(year=2024)) == len(sample)


# ------------------------------------------------------------------------------------------ display


def _html(value: object) -> str:
    """What a notebook shows: IPython's own formatter, with evalcore's registrations."""
    formatter = DisplayFormatter()
    register(formatter)
    return formatter.format(value)[0].get("text/html", "")


def _head(html: str) -> list[str]:
    return re.findall(r"<th[^>]*>([^<]*)</th>", html[html.index("<thead>") : html.index("</thead>")])


def test_a_variance_table_shows_for_people_and_keeps_raw_numbers() -> None:
    df = tag_frame(
        pd.DataFrame(
            {
                "department": ["甲局", "<b>乙局</b>"],
                "projects": [3, 12],
                "年初": [2078.5201, 0.0],
                "全年": [12345.6, 1.0],
                "执行": [9880.0, 1.004],
                "差额": [2465.6, -0.004],
                "执行率": [0.800323, float("nan")],
                "overspent": [False, True],
                "under_executed": [True, False],
            }
        ),
        "variance_department",
    )
    html = _html(df)
    assert _head(html) == [
        "",
        "主管部门",
        "项目数",
        "年初预算（万元）",
        "全年预算（万元）",
        "全年执行（万元）",
        "未执行差额（万元）",
        "执行率",
        "超支",
        "执行率偏低",
    ]
    first = re.findall(r"<td[^>]*>([^<]*)</td>", html.split("<tr>")[2])
    assert first == ["甲局", "3", "2,078.52", "12,345.60", "9,880.00", "2,465.60", "80.03%", "否", "是"]
    second = re.findall(r"<td[^>]*>(.*?)</td>", html.split("<tr>")[3])
    assert second == [
        "&lt;b&gt;乙局&lt;/b&gt;",
        "12",
        "0.00",
        "1.00",
        "1.00",
        "0.00",
        "—",
        "是",
        "否",
    ]  # no -0.00
    assert "overflow-x:auto" in html and "共 2 行 × 9 列" in html
    assert df["执行率"].iat[0] == 0.800323 and df["年初"].iat[0] == 2078.5201  # the numbers stay raw


def test_the_portfolio_tables_are_tagged_and_shown_with_chinese_headers(sample: Portfolio) -> None:
    dv = sample.variance("department")
    assert dv.attrs == {"evalcore": "variance_department"}
    assert dv["执行率"].iat[0] == pytest.approx(dv["执行"].iat[0] / dv["全年"].iat[0])  # raw ratio
    html = _html(dv)
    assert len(_head(html)) == len(dv.columns) + 1  # every column, none hidden behind 「...」
    assert "overspent" not in _head(html) and "执行率偏低项目数" in _head(html)
    assert f"{dv['执行率'].iat[0] * 100:.2f}%" in html
    assert "项目名称" in _head(_html(sample.projects)) and "全年预算（万元）" in _head(_html(sample.projects))
    assert "指标名称" in _head(_html(sample.indicators))  # an indicator's name is not a project's
    assert "类别" in _head(_html(sample.budget)) and "代码" in _head(_html(sample.findings))
    assert "合计" in _html(sample.budget)  # role total
    head = sample.projects.head(3)[["name", "execution_rate"]]  # pandas carries the tag
    assert _head(_html(head)) == ["", "项目名称", "执行率"]


def test_a_long_table_shows_its_first_and_last_rows() -> None:
    df = tag_frame(pd.DataFrame({"execution_rate": [i / 100 for i in range(100)]}), "projects")
    html = _html(df)
    assert html.count("<tr>") == 1 + 10 + 1  # header, 5 + 5 rows, the 「…」 row
    assert "0.00%" in html and "99.00%" in html and "50.00%" not in html
    assert "共 100 行 × 1 列，显示前后各 5 行" in html


def test_a_dataframe_of_ones_own_shows_as_pandas_shows_it() -> None:
    df = pd.DataFrame({"执行率": [0.8]})
    assert _html(df) == df._repr_html_()


# ------------------------------------------------------------------------------------------ the card


def _cells(html: str) -> list[str]:
    return re.findall(r"<td[^>]*>([^<]*)</td>", html)


def test_the_card_lists_each_indicator_once(sample: Portfolio) -> None:
    for ev in sample.evaluations:
        names = [s.indicator.name for s in ev.card.indicators] + [i.name for i in ev.card.not_applicable]
        assert len(names) == len(ev.project.indicators)
        cells = _cells(_html(ev))  # as pf.project(pid) shows in a notebook
        for name in set(names):
            assert cells.count(name) == names.count(name), (ev.project.project_id, name)


def test_a_page_with_its_own_indicator_table_gets_a_card_without_them(sample: Portfolio) -> None:
    ev = sample.project("jc-tsw-2024-0001")
    names = [s.indicator.name for s in ev.card.indicators]
    assert names and all(n in _cells(evaluation_card(ev)) for n in names)
    bare = evaluation_card(ev, indicators=False)
    assert not any(n in _cells(bare) for n in names) and "绩效指标" not in bare
    assert "复核得分" in bare and "预算执行" in bare  # the rest of the card is there


# ------------------------------------------------------------------------------------------ to_excel

EDU_IDS = [f"jc-jyj-2024-000{n}" for n in range(1, 7)]  # 江城市教育局's six projects in the sample


def test_a_filtered_view_exports_the_standard_form(tmp_path: Path) -> None:
    pf = evalcore.load_portfolio(SAMPLE)
    view = pf.filter(department=EDU)
    assert isinstance(view, ExcelPortfolio) and len(pf) == 130
    out = view.to_excel(tmp_path / "教育局.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == ["汇总", *EDU_IDS]  # no sheet of another department's project
    summary = wb["汇总"]
    assert [c.value for c in summary[1]][:3] == ["项目编号", "项目名称", "主管部门"]
    rows = [[c.value for c in r] for r in summary.iter_rows(min_row=2)]
    assert [r[0] for r in rows] == EDU_IDS and {r[2] for r in rows} == {EDU}
    # the same figures as `evalcore export` of those projects: read back through its reader
    back = read_export(out)
    for pid in EDU_IDS:
        ev = pf.project(pid)
        assert back[pid]["total"] == ev.card.total and back[pid]["sheet"] == pid


def test_to_excel_refuses_an_empty_view_and_a_wrong_suffix(tmp_path: Path) -> None:
    pf = evalcore.load_portfolio(SAMPLE)
    empty = pf.filter(department=EDU, grade="差", warn=False)
    with pytest.raises(ValueError, match="当前筛选结果没有项目"):
        empty.to_excel(tmp_path / "空.xlsx")
    with pytest.raises(ValueError, match=r"须以 \.xlsx 结尾"):
        pf.filter(department=EDU).to_excel(tmp_path / "教育局.csv")
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------------------ README


def test_the_readme_examples_return_what_they_say(tmp_path: Path) -> None:
    pf = evalcore.load_portfolio(SAMPLE)
    view = pf.filter(department="江城市交通运输局", rate=(0, 0.9))
    assert len(view) == 4 and (view.projects["execution_rate"] < 0.9).all()
    assert f"{view.summary()['execution_rate'] * 100:.2f}%" == "79.27%"  # type: ignore[operator]
    with pytest.warns(FilterWarning, match="相近的主管部门：江城市交通运输局"):
        assert len(pf.filter(department="交通局")) == 0
    assert len(pf.filter(department=EDU)) == 6
    assert pf.project("jc-jtj-2024-0001").project.department == "江城市交通运输局"
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert 'pf.filter(department="江城市交通运输局", rate=(0, 0.9))  # its 4 projects below 90%' in text
