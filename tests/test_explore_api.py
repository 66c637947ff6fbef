"""The Portfolio API as an analyst meets it in a notebook (issue #16): filters that select nothing
say so and suggest names, wrong types are refused in Chinese."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from evalcore.explore import FilterWarning, Portfolio, load_portfolio
from evalcore.explore.filters import nearest

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
