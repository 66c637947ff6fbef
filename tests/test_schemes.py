"""Scoring schemes are data: the built-ins load, a user's own file expresses the local variants of
DOMAIN.md, every option changes the score by exactly what the rule says, and a bad file fails with
its file and key (SchemeError)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import project_doc, scheme_doc, write_scheme

import evalcore
from evalcore import SchemeError
from evalcore.errors import InputError
from evalcore.rules import score_budget
from evalcore.schemes import builtin_ids

# ---------------------------------------------------------------------------------------- built-ins


@pytest.mark.parametrize("scheme_id", ["self-2020", "dept-2020"])
def test_builtin_schemes_load(scheme_id: str) -> None:
    s = evalcore.get_scheme(scheme_id)
    assert s.id == scheme_id
    assert sum(c.weight for c in s.categories) == pytest.approx(100)
    assert any("财预〔2020〕10号" in r for r in s.references)
    assert s.source.endswith(f"{scheme_id}.yaml")
    assert evalcore.load_scheme(s.source) == s


@pytest.mark.parametrize("scheme_id", builtin_ids())
def test_builtin_read_without_pydantic_equals_the_validated_scheme(scheme_id: str) -> None:
    """get_scheme reads a built-in file as data (no pydantic); load_scheme validates the same
    file: the two must be equal field for field, types included (10 is read as 10.0)."""
    from evalcore.schemes import HERE, _builtin

    read, validated = _builtin(HERE / f"{scheme_id}.yaml"), evalcore.load_scheme(HERE / f"{scheme_id}.yaml")
    assert read == validated
    assert repr(read) == repr(validated)  # 10 and 10.0 compare equal; their reprs (and JSON) do not


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"quantitative.reverse_formula": "ratio", "quantitative.over_achievement.deduct": True},
        {
            "budget_execution.floor": 0.6,
            "budget_execution.floor_score": 0.5,
            "budget_execution.explain_below": 0.9,
        },
        {
            "budget_execution": None,
            "categories[0].weight": 10,
            "rounding.whole_points": True,
            "rounding.decimals": 0,
        },
        {"categories[2].catch_all": True, "evaluation_types": ["self", "finance"], "grades[0].min": 95},
    ],
)
def test_reading_as_data_and_validating_agree_on_valid_files(tmp_path: Path, changes: dict) -> None:
    from evalcore.schemes import Scheme, _build

    path = write_scheme(tmp_path, scheme_doc(set=changes))
    validated = evalcore.load_scheme(path)
    read = _build(Scheme, {**yaml.safe_load(path.read_text(encoding="utf-8")), "source": str(path)})
    assert read == validated and repr(read) == repr(validated)


def test_scoring_with_builtin_schemes_does_not_import_pydantic(tmp_path: Path) -> None:
    """pydantic's import and schema building cost ~0.14 s per command; only a user's scheme
    file, which must be validated, needs it."""
    user = write_scheme(tmp_path, scheme_doc())
    code = (
        "import sys\nimport evalcore.pipeline.score_stream\nfrom evalcore.schemes import get_scheme\n"
        "get_scheme('self-2020'); get_scheme('dept-2020'); print('pydantic' in sys.modules)\n"
        f"get_scheme({str(user)!r}); print('pydantic' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert out.split() == ["False", "True"]


def test_builtin_ids_list_both() -> None:
    assert {"self-2020", "dept-2020"} <= set(builtin_ids())


def test_self_2020_weights() -> None:
    s = evalcore.get_scheme("self-2020")
    assert {c.name: c.weight for c in s.categories} == {
        "预算执行率": 10,
        "产出指标": 50,
        "效益指标": 30,
        "满意度指标": 10,
    }
    assert s.budget_execution is not None and s.budget_execution.weight == 10
    assert s.quantitative.reverse_formula == "linear"
    assert s.quantitative.over_achievement.deduct is False
    assert [lv.min for lv in s.qualitative.levels] == [0.8, 0.6, 0.0]
    assert [(g.name, g.min) for g in s.grades] == [("优", 90), ("良", 80), ("中", 60), ("差", 0)]


def test_dept_2020_output_and_benefit_at_least_60() -> None:
    s = evalcore.get_scheme("dept-2020")
    w = {c.name: c.weight for c in s.categories}
    assert set(w) == {"决策", "过程", "产出", "效益"}
    assert w["产出"] + w["效益"] >= 60


def test_unknown_scheme_id_is_a_scheme_error() -> None:
    with pytest.raises(SchemeError) as info:
        evalcore.get_scheme("self-2099")
    assert "self-2099" in str(info.value)


# ------------------------------------------------------------------- dept-2020 on a 决策/过程/产出/效益 project

DEPT_INDICATORS = [
    {
        "level1": "决策",
        "level2": "项目立项",
        "name": "立项规范性",
        "direction": "定性",
        "target": "符合相关规定",
        "actual": "符合相关规定",
        "weight": 5,
    },  # 5
    {
        "level1": "决策",
        "level2": "绩效目标",
        "name": "绩效目标合理性",
        "direction": "定性",
        "target": "合理",
        "actual": "基本符合",
        "weight": 5,
    },  # 5 × 80% = 4
    {
        "level1": "决策",
        "level2": "资金投入",
        "name": "资金到位率",
        "direction": "≥",
        "target": "100%",
        "actual": "90%",
        "weight": 5,
    },  # 5 × 90% = 4.5
    {
        "level1": "过程",
        "level2": "资金管理",
        "name": "资金使用合规性",
        "direction": "定性",
        "target": "合规",
        "actual": "达成年度指标",
        "weight": 10,
        "reported_score": 9,
    },  # 9 ∈ [8, 10]
    {
        "level1": "过程",
        "level2": "组织实施",
        "name": "管理制度健全性",
        "direction": "定性",
        "target": "健全",
        "actual": "制度健全",
        "weight": 10,
    },  # 10
    {
        "level1": "产出",
        "level2": "数量",
        "name": "培训人次",
        "direction": "≥",
        "target": "500人次",
        "actual": "400人次",
        "weight": 20,
    },  # 20 × 80% = 16
    {
        "level1": "产出",
        "level2": "时效",
        "name": "完成及时性",
        "direction": "时限",
        "target": "年底前完成",
        "actual": "已按期完成",
        "weight": 5,
    },  # 5
    {
        "level1": "产出",
        "level2": "成本",
        "name": "培训成本",
        "direction": "≤",
        "target": "50万元",
        "actual": "55万元",
        "weight": 10,
    },  # 10 × (1 − 10%) = 9
    {
        "level1": "效益",
        "level2": "社会效益",
        "name": "基层能力提升",
        "direction": "定性",
        "target": "效果明显",
        "actual": "效果明显",
        "weight": 15,
    },  # 15
    {
        "level1": "满意度指标",
        "level2": "服务对象满意度",
        "name": "参训满意度",
        "direction": "≥",
        "target": "90%",
        "actual": "81%",
        "weight": 10,
    },  # 10 × 90% = 9
]
DEPT_BUDGET = [{"source": "年度资金总额", "initial": 100, "adjusted": 100, "executed": 95}]  # 5 × 95% = 4.75


def test_dept_2020_scores_a_department_evaluation(load_doc) -> None:
    p = load_doc(project_doc(DEPT_INDICATORS, DEPT_BUDGET, evaluation_type="部门评价"))
    ev = evalcore.evaluate(p)  # no scheme named: the department default
    assert ev.scheme.id == "dept-2020"
    cats = {c.name: c.score for c in ev.card.categories}
    assert cats["决策"] == pytest.approx(13.5)  # 5 + 4 + 4.5
    assert cats["过程"] == pytest.approx(23.75)  # budget 4.75 + 9 + 10
    assert cats["产出"] == pytest.approx(30)  # 16 + 5 + 9
    assert cats["效益"] == pytest.approx(24)  # 15 + 满意度 9 (满意度 sits under 效益)
    assert ev.card.budget.score == pytest.approx(4.75)
    assert ev.total == 91.25
    assert ev.grade == "优"
    assert "R001" not in {f.code for f in ev.findings}


def test_dept_project_under_the_self_scheme_names_the_category(load_doc) -> None:
    p = load_doc(project_doc(DEPT_INDICATORS, DEPT_BUDGET, evaluation_type="department"))
    with pytest.raises(InputError) as info:
        evalcore.evaluate(p, "self-2020")
    assert "决策" in str(info.value) and "self-2020" in str(info.value)


# ----------------------------------------------------------------------- local variants as user files

DISTRICT_SCHEME = """\
id: district-transfer-2020
title: 某区转移支付区域绩效自评
description: 预算执行 20 · 年度目标 20 · 绩效指标 50 · 满意度 10
references: [某区转移支付区域绩效自评办法]
evaluation_types: [self]
categories:
  - {name: 预算执行, weight: 20}
  - {name: 年度目标, weight: 20, aliases: [年度总体目标]}
  - {name: 绩效指标, weight: 50, aliases: [产出指标, 效益指标]}
  - {name: 满意度, weight: 10, aliases: [满意度指标]}
budget_execution: {category: 预算执行, weight: 20}
qualitative:
  levels:
    - {name: 达成年度指标, min: 0.8, max: 1.0, default: 1.0, keywords: [达成, 完成, 效果明显]}
    - {name: 部分达成年度指标并具有一定效果, min: 0.6, max: 0.8, default: 0.8, keywords: [部分达成, 基本完成]}
    - {name: 未达成年度指标且效果较差, min: 0.0, max: 0.6, default: 0.6, keywords: [未达成, 未完成]}
grades:
  - {name: 优, min: 90}
  - {name: 良, min: 80}
  - {name: 中, min: 60}
  - {name: 差, min: 0}
"""
DISTRICT_PROJECT = project_doc(
    [
        {
            "level1": "年度目标",
            "name": "年度总体目标完成情况",
            "direction": "定性",
            "target": "全面完成",
            "actual": "基本完成",
            "weight": 20,
        },  # 20 × 80% = 16
        {
            "level1": "产出指标",
            "name": "新建站点",
            "direction": "≥",
            "target": "10个",
            "actual": "10个",
            "weight": 20,
        },  # 20
        {
            "level1": "产出指标",
            "name": "质量达标率",
            "direction": "≥",
            "target": "95%",
            "actual": "76%",
            "weight": 15,
        },  # 15 × 80% = 12
        {
            "level1": "效益指标",
            "name": "带动收入",
            "direction": "≥",
            "target": "200万元",
            "actual": "150万元",
            "weight": 15,
        },  # 15 × 75% = 11.25
        {
            "level1": "满意度指标",
            "name": "群众满意度",
            "direction": "≥",
            "target": "90%",
            "actual": "90%",
            "weight": 10,
        },  # 10
    ],
    [{"source": "年度资金总额", "initial": 200, "adjusted": 200, "executed": 170}],  # 20 × 85% = 17
)
# 17 + 16 + (20 + 12 + 11.25) + 10 = 86.25 → 良

FREE_SCHEME = """\
id: province-free-90
title: 预算执行 10 + 90 分自由分配
references: [某省项目支出绩效自评办法]
categories:
  - {name: 预算执行率, weight: 10}
  - {name: 绩效指标, weight: 90, catch_all: true}
budget_execution: {category: 预算执行率, weight: 10}
qualitative:
  levels:
    - {name: 达成年度指标, min: 0.8, max: 1.0, default: 1.0, keywords: [达成, 完成]}
    - {name: 部分达成年度指标并具有一定效果, min: 0.6, max: 0.8, default: 0.8, keywords: [部分达成]}
    - {name: 未达成年度指标且效果较差, min: 0.0, max: 0.6, default: 0.6, keywords: [未达成]}
grades:
  - {name: 优, min: 90}
  - {name: 良, min: 80}
  - {name: 中, min: 60}
  - {name: 差, min: 0}
"""
FREE_PROJECT = project_doc(
    [
        {
            "level1": "产出指标",
            "name": "完成数量",
            "direction": "≥",
            "target": "100个",
            "actual": "75个",
            "weight": 40,
        },  # 40 × 75% = 30
        {
            "level1": "效益指标",
            "name": "社会效益",
            "direction": "定性",
            "target": "效果明显",
            "actual": "达成年度指标",
            "weight": 35,
            "reported_score": 33,
        },  # 33 ∈ [28, 35]
        {
            "level1": "满意度指标",
            "name": "满意度",
            "direction": "≥",
            "target": "100%",
            "actual": "60%",
            "weight": 15,
        },  # 15 × 60% = 9
    ],
    [{"source": "年度资金总额", "initial": 100, "adjusted": 100, "executed": 80}],  # 10 × 80% = 8
)
# 8 + 30 + 33 + 9 = 80 → 良 (the lower bound is included)


def test_district_variant_budget_20(load_doc, tmp_path: Path) -> None:
    path = write_scheme(tmp_path, DISTRICT_SCHEME, "district")
    scheme = evalcore.load_scheme(path)
    assert scheme.budget_execution is not None and scheme.budget_execution.weight == 20
    p = load_doc(DISTRICT_PROJECT)
    for given in (scheme, str(path)):  # a loaded Scheme, or the file path as `--scheme FILE` passes it
        ev = evalcore.evaluate(p, given)
        assert ev.scheme.id == "district-transfer-2020"
        assert ev.card.budget.score == pytest.approx(17)
        cats = {c.name: c.score for c in ev.card.categories}
        assert cats == pytest.approx({"预算执行": 17, "年度目标": 16, "绩效指标": 43.25, "满意度": 10})
        assert ev.total == 86.25
        assert ev.grade == "良"
        assert "R001" not in {f.code for f in ev.findings}
    # the same budget under self-2020 earns half as much: 10 × 85%
    assert score_budget(p, evalcore.get_scheme("self-2020")).score == pytest.approx(8.5)


def test_district_project_names_its_scheme_file(tmp_path: Path, load_doc) -> None:
    path = write_scheme(tmp_path, DISTRICT_SCHEME, "district")
    p = load_doc({**DISTRICT_PROJECT, "scheme": str(path)})
    ev = evalcore.evaluate(p)
    assert ev.scheme.id == "district-transfer-2020" and ev.total == 86.25


def test_free_variant_budget_10_plus_90(load_doc, tmp_path: Path) -> None:
    path = write_scheme(tmp_path, FREE_SCHEME, "free")
    scheme = evalcore.load_scheme(path)
    assert [c.name for c in scheme.categories if c.catch_all] == ["绩效指标"]
    p = load_doc(FREE_PROJECT)
    for given in (scheme, str(path)):
        ev = evalcore.evaluate(p, given)
        assert {s.indicator.name: s.category for s in ev.card.indicators} == {
            "完成数量": "绩效指标",
            "社会效益": "绩效指标",
            "满意度": "绩效指标",
        }
        assert {s.indicator.name: s.score for s in ev.card.indicators} == pytest.approx(
            {"完成数量": 30, "社会效益": 33, "满意度": 9}
        )
        cats = {c.name: c.score for c in ev.card.categories}
        assert cats == pytest.approx({"预算执行率": 8, "绩效指标": 72})
        assert ev.total == 80
        assert ev.grade == "良"
        assert "R001" not in {f.code for f in ev.findings}


# ------------------------------------------------------------------------- every option, by how much


def _total(load_doc, scheme, indicators, budget=None) -> float:
    return evalcore.evaluate(load_doc(project_doc(indicators, budget)), scheme).card.total_raw


def _filled(*rows: dict) -> list[dict]:
    """The given rows plus full-mark qualitative rows completing 产出 50 · 效益 30 · 满意度 10."""
    need = {"产出指标": 50.0, "效益指标": 30.0, "满意度指标": 10.0}
    for r in rows:
        need[r["level1"]] -= r["weight"]
    fill = [
        {
            "level1": k,
            "name": f"补足{k}",
            "direction": "定性",
            "target": "达成",
            "actual": "达成年度指标",
            "weight": v,
        }
        for k, v in need.items()
        if v > 0
    ]
    return [*rows, *fill]


def test_option_reverse_formula(load_doc, scheme_file) -> None:
    rows = _filled(
        {
            "level1": "产出指标",
            "name": "成本",
            "direction": "≤",
            "target": "100万元",
            "actual": "125万元",
            "weight": 10,
        }
    )
    linear = _total(load_doc, evalcore.get_scheme("self-2020"), rows)
    ratio = _total(
        load_doc, evalcore.load_scheme(scheme_file(set={"quantitative.reverse_formula": "ratio"})), rows
    )
    assert linear == pytest.approx(97.5)  # 10 + 10 × (1 − 25%) + 80
    assert ratio == pytest.approx(98.0)  # 10 + 10 × 100 ÷ 125 + 80
    assert ratio - linear == pytest.approx(0.5)


def test_option_band_edges_80_50(load_doc, scheme_file) -> None:
    rows = _filled(
        {
            "level1": "效益指标",
            "name": "效果",
            "direction": "定性",
            "target": "效果明显",
            "actual": "未达成年度指标且效果较差",
            "weight": 10,
        }
    )
    base = _total(load_doc, evalcore.get_scheme("self-2020"), rows)
    edges = {
        "qualitative.levels[1].min": 0.5,
        "qualitative.levels[2].max": 0.5,
        "qualitative.levels[2].default": 0.5,
    }
    s8050 = evalcore.load_scheme(scheme_file(set=edges))
    low = _total(load_doc, s8050, rows)
    assert base == pytest.approx(96)  # 10 + 80 + 10 × 60%
    assert low == pytest.approx(95)  # 10 + 80 + 10 × 50%
    assert base - low == pytest.approx(1)


def test_option_default_point(load_doc, scheme_file) -> None:
    rows = _filled(
        {
            "level1": "效益指标",
            "name": "效果",
            "direction": "定性",
            "target": "效果明显",
            "actual": "部分达成年度指标并具有一定效果",
            "weight": 10,
        }
    )
    top = _total(load_doc, evalcore.get_scheme("self-2020"), rows)
    mid = _total(
        load_doc, evalcore.load_scheme(scheme_file(set={"qualitative.levels[1].default": 0.7})), rows
    )
    assert top == pytest.approx(98)  # 10 + 80 + 10 × 80%
    assert mid == pytest.approx(97)  # 10 + 80 + 10 × 70%


def test_option_whole_points(load_doc, scheme_file) -> None:
    rows = _filled(
        {
            "level1": "产出指标",
            "name": "数量",
            "direction": "≥",
            "target": "200人次",
            "actual": "146人次",
            "weight": 10,
        },
        {
            "level1": "满意度指标",
            "name": "满意度",
            "direction": "≥",
            "target": "100%",
            "actual": "90%",
            "weight": 5,
        },
    )
    budget = [{"source": "年度资金总额", "initial": 60, "adjusted": 60, "executed": 53}]
    p = load_doc(project_doc(rows, budget))
    two = evalcore.evaluate(p, "self-2020")
    whole = evalcore.evaluate(p, evalcore.load_scheme(scheme_file(set={"rounding.whole_points": True})))
    # 8.8333… + 7.3 + 40 (filler) + 30 (filler) + 4.5 + 5 (filler) = 95.6333… → 95.63
    assert two.total == 95.63
    # each score to a whole point first: 9 + 7 + 40 + 30 + 5 + 5 = 96
    assert whole.total == 96
    assert {
        s.indicator.name: s.score for s in whole.card.indicators if not s.indicator.name.startswith("补足")
    } == {"数量": 7, "满意度": 5}
    assert whole.card.budget.score == 9
    assert whole.total - two.total == pytest.approx(0.37)


def test_whole_points_explanation_shows_the_rounded_score(load_doc, scheme_file) -> None:
    """The explanation carries the result (SPEC): under whole points 7.3 counts as 7, so the text must
    not end with `= 7.30` while the card holds 7."""
    rows = _filled(
        {
            "level1": "产出指标",
            "name": "接待信访群众",
            "direction": "≥",
            "target": "200人次",
            "actual": "146人次",
            "weight": 10,
        }
    )
    budget = [{"source": "年度资金总额", "initial": 60, "adjusted": 60, "executed": 53}]
    ev = evalcore.evaluate(
        load_doc(project_doc(rows, budget)),
        evalcore.load_scheme(scheme_file(set={"rounding.whole_points": True})),
    )
    (s,) = [s for s in ev.card.indicators if s.indicator.name == "接待信访群众"]
    assert s.score == 7
    assert "146人次 ÷ 200人次 = 73.0%" in s.explanation.text
    assert not s.explanation.text.endswith("7.30"), s.explanation.text
    assert s.explanation.text.rstrip("分").endswith(("7", "7.00")), s.explanation.text
    assert ev.card.budget.score == 9
    assert ev.card.budget.explanation.text.rstrip("分").endswith(("9", "9.00")), (
        ev.card.budget.explanation.text
    )


def test_whole_points_never_lift_a_score_above_its_weight(load_doc, scheme_file) -> None:
    """满意度 5 split into 2.5 + 2.5, both fully achieved: rounding each to a whole point must not
    give 3 of 2.5 (DOMAIN: scores never exceed the weight)."""
    rows = _filled(
        {
            "level1": "满意度指标",
            "name": "群众满意度",
            "direction": "≥",
            "target": "90%",
            "actual": "95%",
            "weight": 2.5,
        },
        {
            "level1": "满意度指标",
            "name": "企业满意度",
            "direction": "≥",
            "target": "90%",
            "actual": "95%",
            "weight": 2.5,
        },
    )
    ev = evalcore.evaluate(
        load_doc(project_doc(rows)), evalcore.load_scheme(scheme_file(set={"rounding.whole_points": True}))
    )
    for s in ev.card.indicators:
        assert 0 <= s.score <= s.weight, (s.indicator.name, s.weight, s.score)
    assert ev.total <= 100
    assert "R005" not in {f.code for f in ev.findings}


def test_option_over_achievement_deduction(load_doc, scheme_file) -> None:
    rows = _filled(
        {
            "level1": "产出指标",
            "name": "数量",
            "direction": "≥",
            "target": "200人次",
            "actual": "300人次",
            "weight": 10,
            "deviation_reason": "目标设定偏低",
        }
    )
    off = _total(load_doc, evalcore.get_scheme("self-2020"), rows)
    on = _total(
        load_doc, evalcore.load_scheme(scheme_file(set={"quantitative.over_achievement.deduct": True})), rows
    )
    assert off == pytest.approx(100)
    assert on == pytest.approx(95)  # 10 × (1 − 50%) = 5: five points off
    stricter = _total(
        load_doc,
        evalcore.load_scheme(
            scheme_file(
                set={
                    "quantitative.over_achievement.deduct": True,
                    "quantitative.over_achievement.threshold": 1.6,
                }
            )
        ),
        rows,
    )
    assert stricter == pytest.approx(100)  # 150% is under a 160% threshold: no deduction


def test_option_budget_floor(load_doc, scheme_file) -> None:
    rows = _filled()
    budget = [{"source": "年度资金总额", "initial": 100, "adjusted": 100, "executed": 55}]
    without = _total(load_doc, evalcore.get_scheme("self-2020"), rows, budget)
    floor = _total(
        load_doc, evalcore.load_scheme(scheme_file(set={"budget_execution.floor": 0.6})), rows, budget
    )
    assert without == pytest.approx(95.5)  # 10 × 55% + 90
    assert floor == pytest.approx(90)  # below 60%: 0 + 90
    above = [{"source": "年度资金总额", "initial": 100, "adjusted": 100, "executed": 65}]
    assert _total(
        load_doc, evalcore.load_scheme(scheme_file(set={"budget_execution.floor": 0.6})), rows, above
    ) == pytest.approx(96.5)  # 65% ≥ 60%: the floor does not bite


def test_option_deadline_late_fraction(load_doc, scheme_file) -> None:
    rows = _filled(
        {
            "level1": "产出指标",
            "name": "时限",
            "direction": "时限",
            "target": "2019年6月30日前",
            "actual": "2019年9月完成",
            "weight": 5,
        }
    )
    zero = _total(load_doc, evalcore.get_scheme("self-2020"), rows)
    half = _total(
        load_doc, evalcore.load_scheme(scheme_file(set={"quantitative.deadline_late_fraction": 0.5})), rows
    )
    assert zero == pytest.approx(95)
    assert half == pytest.approx(97.5)


def test_option_grades(load_doc, scheme_file) -> None:
    rows = _filled(
        {
            "level1": "产出指标",
            "name": "数量",
            "direction": "≥",
            "target": "100个",
            "actual": "85个",
            "weight": 50,
        }
    )  # 42.5 → total 92.5
    p = load_doc(project_doc(rows))
    assert evalcore.evaluate(p, "self-2020").grade == "优"
    strict = [
        {"name": "优", "min": 95},
        {"name": "良", "min": 85},
        {"name": "中", "min": 60},
        {"name": "差", "min": 0},
    ]
    ev = evalcore.evaluate(p, evalcore.load_scheme(scheme_file(set={"grades": strict})))
    assert ev.total == 92.5 and ev.grade == "良"


# ---------------------------------------------------------------------------------- bad scheme files


def _error(tmp_path: Path, doc: dict | str) -> SchemeError:
    path = write_scheme(tmp_path, doc, "bad")
    with pytest.raises(SchemeError) as info:
        evalcore.load_scheme(path)
    err = info.value
    assert str(path) in str(err) and err.file == str(path)
    return err


def test_bad_scheme_weights_not_100(tmp_path: Path) -> None:
    doc = scheme_doc(set={"categories[1].weight": 60})  # 10 + 60 + 30 + 10 = 110
    err = _error(tmp_path, doc)
    assert "110" in err.message
    assert err.key.startswith("categories"), err.key  # the key that is wrong, not the top level
    assert "categories" in str(err)


def test_bad_scheme_unknown_key(tmp_path: Path) -> None:
    doc = scheme_doc(set={"quantitative.reverse_formla": "ratio"})
    err = _error(tmp_path, doc)
    assert err.key == "quantitative.reverse_formla"
    assert "reverse_formla" in str(err)
    assert "不认识的键" in err.message


def test_bad_scheme_unknown_top_level_key(tmp_path: Path) -> None:
    err = _error(tmp_path, scheme_doc(set={"weights": {"产出": 50}}))
    assert err.key == "weights"


def test_bad_scheme_bad_value(tmp_path: Path) -> None:
    err = _error(tmp_path, scheme_doc(set={"quantitative.reverse_formula": "quadratic"}))
    assert err.key == "quantitative.reverse_formula"
    assert "'linear' 或 'ratio'" in err.message and "quadratic" in err.message


@pytest.mark.parametrize(
    "changes, key, words",
    [
        ({"categories[1].weight": "五十"}, "categories[1].weight", ["应为数值", "五十"]),
        ({"categories[1].weight": 160}, "categories[1].weight", ["应不大于 100", "160"]),
        (
            {"quantitative.over_achievement.threshold": 0.5},
            "quantitative.over_achievement.threshold",
            ["应大于 1"],
        ),
        ({"rounding.decimals": 1.5}, "rounding.decimals", ["应为整数"]),
        ({"rounding.whole_points": "也许"}, "rounding.whole_points", ["true 或 false", "也许"]),
        ({"categories": "产出"}, "categories", ["应为列表"]),
    ],
)
def test_bad_scheme_values_are_explained_in_chinese(
    tmp_path: Path, changes: dict, key: str, words: list[str]
) -> None:
    err = _error(tmp_path, scheme_doc(set=changes))
    assert err.key == key
    assert all(w in err.message for w in words), err.message
    assert not any(
        c.isascii() and c.isalpha() for c in err.message.replace("true", "").replace("false", "")
    ), err.message


def test_bad_scheme_missing_key(tmp_path: Path) -> None:
    doc = scheme_doc()
    del doc["title"]
    err = _error(tmp_path, doc)
    assert err.key == "title" and err.message == "缺少必填项"


def test_bad_scheme_yaml(tmp_path: Path) -> None:
    text = "id: broken\ntitle: 坏文件\ncategories:\n  - {name: 产出, weight: 100\n"
    err = _error(tmp_path, text)
    assert "YAML" in err.message
    assert "行" in err.key  # the line where parsing failed


def test_bad_scheme_default_outside_band(tmp_path: Path) -> None:
    err = _error(tmp_path, scheme_doc(set={"qualitative.levels[1].default": 0.9}))  # band [0.6, 0.8]
    assert err.key == "qualitative.levels[1]"
    assert "0.9" in err.message


def test_bad_scheme_budget_category_unknown(tmp_path: Path) -> None:
    err = _error(tmp_path, scheme_doc(set={"budget_execution.category": "预算执行"}))
    assert err.key.startswith("budget_execution"), err.key
    assert "预算执行" in err.message


def test_bad_scheme_not_a_mapping(tmp_path: Path) -> None:
    _error(tmp_path, "- just\n- a list\n")


def test_missing_scheme_file(tmp_path: Path) -> None:
    with pytest.raises(SchemeError) as info:
        evalcore.load_scheme(tmp_path / "nowhere.yaml")
    assert "nowhere.yaml" in str(info.value)


def test_project_naming_a_missing_scheme_is_an_input_error(load_doc) -> None:
    p = load_doc(project_doc(_filled(), scheme="no-such-scheme"))
    with pytest.raises(InputError) as info:
        evalcore.evaluate(p)
    assert "no-such-scheme" in str(info.value)


def test_bad_scheme_floor_score_above_floor(tmp_path: Path) -> None:
    """Spending more must never earn less: a floor score above the floor rate is refused."""
    err = _error(
        tmp_path, scheme_doc(set={"budget_execution.floor": 0.6, "budget_execution.floor_score": 0.8})
    )
    assert err.key == "budget_execution.floor_score", err.key
    assert "floor" in err.message
