"""历史比较 and 横向比较 in the explorer: a portfolio of three years (2022–2024) built here.

Every project is the clean project of conftest (CLEAN) with its budget, its 「培训人次」 target and
actual, and its facts changed. CLEAN's other indicators earn 15 + 5 + 10 + 20 + 10 + 10 = 70 points
whatever the year, so a project's total is 70 + 10 × 执行率 + 20 × min(实际 ÷ 目标, 1):

line A  jt-road (same id each year), 交通局, 「{year}年度城市道路养护」
        2022: 100/80 (80%),     人次 200 → 210 (met)   → 70 + 8      + 20 = 98
        2023: 100/85 (85%),     人次 180 → 190 (met)   → 70 + 8.5    + 20 = 98.5
              R016 (180 ≤ 2022's actual 210), R017 (80% and 85%)
        2024: 120/118 (98.33%), 人次 250 → 200 (unmet) → 70 + 9.8333 + 16 = 95.8333 (95.83)
              R019 (budget 100 → 120, total 98.5 → 95.83); no R016 (250 > 190), no R017, no R018
              (2023's 人次 was met)
line B  renamed: mz-old 「老年助餐服务」 (2022) → mapping → mz-meal-2023 「2023年社区老年食堂」 → by
        name → mz-meal-2024 「2024年社区老年食堂」, 民政局, budgets 100/95 each year
        2022: 人次 200 → 150 (unmet), 2023: 200 → 160 (unmet) → R018 on 2023 (only with the mapping)
        2024: 200 → 220 (met) → no R018; no R016 (200 > 160); budgets equal → no R019
line C  ambiguous: 卫健委 has two 「2023年健康宣教」 (wj-a-2023, wj-b-2023) and one 「2024年健康宣教」
        (wj-2024): not matched; matched to wj-a-2023 (100/100, total 100) wj-2024 (150/150, 人次 200
        → 100, total 70 + 10 + 10 = 90) would have given R019
line D  jt-bridge 「桥梁检测」 2022–2023 only (ends), 100/95 both years, nothing to find; in 2023 a
        second 「桥梁检测」 of 交通局 (jt-bridge-b): the name is ambiguous, jt-bridge stays matched by its
        id (not listed), jt-bridge-b is left alone (listed)
line E  starts in 2024: jt-bus-2024 「公交站台维护」 (100/90, without the 可持续影响 indicator: another
        kind) and jt-light-2024 「路灯维护」 (100/100, total 100), 交通局
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import CLEAN

from evalcore.evaluation import evaluate_paths
from evalcore.explore import LineageError, Portfolio, base_name, load_portfolio
from evalcore.findings import titles

HISTORY_CODES = {"R016", "R017", "R018", "R019"}


def _doc(
    pid: str,
    name: str,
    dept: str,
    year: int,
    budget: tuple[float, float],
    people: tuple[int, int],
    *,
    kind2: bool = False,
) -> dict[str, Any]:
    doc = copy.deepcopy(CLEAN)
    adjusted, executed = budget
    doc.update(project_id=pid, name=name, department=dept, unit=dept, year=year)
    for key in ("reported_total", "reported_grade"):
        doc.pop(key)
    doc["budget"] = [
        {"source": "年度资金总额", "initial": adjusted, "adjusted": adjusted, "executed": executed}
    ]
    for ind in doc["indicators"]:
        ind.pop("reported_score", None)
        if ind["name"] == "培训人次":
            ind.update(target=f"{people[0]}人次", actual=f"{people[1]}人次")
    if kind2:
        doc["indicators"] = [i for i in doc["indicators"] if i["level2"] != "可持续影响指标"]
    return doc


DOCS = [
    _doc("jt-road", "2022年度城市道路养护", "交通局", 2022, (100, 80), (200, 210)),
    _doc("jt-road", "2023年度城市道路养护", "交通局", 2023, (100, 85), (180, 190)),
    _doc("jt-road", "2024年度城市道路养护", "交通局", 2024, (120, 118), (250, 200)),
    _doc("mz-old", "老年助餐服务", "民政局", 2022, (100, 95), (200, 150)),
    _doc("mz-meal-2023", "2023年社区老年食堂", "民政局", 2023, (100, 95), (200, 160)),
    _doc("mz-meal-2024", "2024年社区老年食堂", "民政局", 2024, (100, 95), (200, 220)),
    _doc("wj-a-2023", "2023年健康宣教", "卫健委", 2023, (100, 100), (200, 200)),
    _doc("wj-b-2023", "2023年健康宣教", "卫健委", 2023, (100, 100), (200, 200)),
    _doc("wj-2024", "2024年健康宣教", "卫健委", 2024, (150, 150), (200, 100)),
    _doc("jt-bridge", "桥梁检测", "交通局", 2022, (100, 95), (200, 200)),
    _doc("jt-bridge", "桥梁检测", "交通局", 2023, (100, 95), (200, 200)),
    _doc("jt-bridge-b", "桥梁检测", "交通局", 2023, (100, 95), (200, 200)),
    _doc("jt-bus-2024", "公交站台维护", "交通局", 2024, (100, 90), (200, 200), kind2=True),
    _doc("jt-light-2024", "路灯维护", "交通局", 2024, (100, 100), (200, 200)),
]


def _write(root: Path, docs: list[dict[str, Any]]) -> Path:
    for doc in docs:
        folder = root / str(doc["year"])
        folder.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
        (folder / f"{doc['project_id']}.yaml").write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _write(tmp_path_factory.mktemp("years") / "data", DOCS)
    (root.parent / "lineage.csv").write_text("from,to\nmz-old,mz-meal-2023\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def pf(folder: Path) -> Portfolio:
    return load_portfolio(folder, lineage=folder.parent / "lineage.csv")


def _codes(pf: Portfolio, pid: str, year: int) -> list[str]:
    return sorted(f.code for f in pf.project(pid, year).findings if f.code in HISTORY_CODES)


def test_every_year_is_loaded_and_the_same_id_in_two_years_is_one_line(pf: Portfolio) -> None:
    assert len(pf) == len(DOCS) and len(pf.errors) == 0
    h = pf.history("jt-road")
    assert list(h["年度"]) == [2022, 2023, 2024]
    assert list(h["全年预算"]) == [100, 100, 120]
    assert list(h["执行数"]) == [80, 85, 118]
    assert h["执行率"].tolist() == pytest.approx([0.80, 0.85, 118 / 120])
    assert h["得分"].tolist() == pytest.approx([98, 98.5, 95.83], abs=0.006)
    assert list(h["等级"]) == ["优", "优", "优"]
    assert list(h["培训人次·目标"]) == [200, 180, 250]
    assert list(h["培训人次·实际"]) == [210, 190, 200]
    assert h["培训人次·得分"].tolist() == pytest.approx([20, 20, 16])
    assert list(h.columns[:8]) == [
        "年度",
        "project_id",
        "项目名称",
        "全年预算",
        "执行数",
        "执行率",
        "得分",
        "等级",
    ]
    # project() without a year is the latest year
    assert pf.project("jt-road").project.year == 2024


def test_a_mapping_and_the_name_without_the_year_join_a_renamed_line(pf: Portfolio) -> None:
    assert base_name("2023年度城市道路养护") == "城市道路养护"
    assert base_name("2024年社区老年食堂") == "社区老年食堂" and base_name("老年助餐服务") == "老年助餐服务"
    for pid in ("mz-old", "mz-meal-2023", "mz-meal-2024"):
        h = pf.history(pid)
        assert list(h["project_id"]) == ["mz-old", "mz-meal-2023", "mz-meal-2024"]
        assert list(h["培训人次·实际"]) == [150, 160, 220]
    # a line that ends and lines that start have their own years only
    assert list(pf.history("jt-bridge")["年度"]) == [2022, 2023]
    assert list(pf.history("jt-light-2024")["年度"]) == [2024]


def test_an_ambiguous_match_is_listed_and_not_guessed(pf: Portfolio) -> None:
    amb = pf.ambiguous
    assert sorted(amb["project_id"]) == ["jt-bridge-b", "wj-2024", "wj-a-2023", "wj-b-2023"]
    assert list(pf.history("jt-bridge-b")["年度"]) == [2023]
    assert set(amb["reason"]) == {"同一年度有多个同单位、同名称的项目，无法按名称跨年匹配"}
    assert list(pf.history("wj-2024")["年度"]) == [2024]
    assert _codes(pf, "wj-2024", 2024) == []  # matched to wj-a-2023 it would be R019


def test_r016_to_r019_fire_exactly_where_reasoned(pf: Portfolio) -> None:
    expected = {
        ("jt-road", 2023): ["R016", "R017"],
        ("jt-road", 2024): ["R019"],
        ("mz-meal-2023", 2023): ["R018"],
    }
    got = {}
    for pid, year in zip(pf.projects["project_id"], pf.projects["year"], strict=True):
        codes = _codes(pf, pid, int(year))
        if codes:
            got[(pid, int(year))] = codes
    assert got == expected
    messages = {f.code: f.message for f in pf.project("jt-road", 2023).findings}
    assert messages["R016"] == "「培训人次」2023年目标 180人次，低于2022年实际完成 210人次（目标设定偏低）"
    assert (
        messages["R017"] == "预算执行率 2022年 80.00%、2023年 85.00%，连续两年低于 90%（结果应用：核减预算）"
    )
    (r019,) = [f.message for f in pf.project("jt-road").findings if f.code == "R019"]
    assert r019 == "全年预算由2023年 100.00 万元增至2024年 120.00 万元，得分由 98.50 分降至 95.83 分"
    (r018,) = [f.message for f in pf.project("mz-meal-2023").findings if f.code == "R018"]
    assert (
        r018
        == "「培训人次」连续两年未完成：2022年目标 200人次、实际 150人次；2023年目标 200人次、实际 160人次"
    )
    # the findings table and the projects' counts carry them, with their registered titles
    table = pf.findings[pf.findings["code"].isin(HISTORY_CODES)]
    assert sorted(table["code"]) == ["R016", "R017", "R018", "R019"]
    assert set(table["title"]) == {titles()[c] for c in HISTORY_CODES}
    road = pf.projects[(pf.projects["project_id"] == "jt-road") & (pf.projects["year"] == 2023)]
    assert "R016" in road["finding_codes"].iat[0].split()


def test_without_the_mapping_the_renamed_project_is_not_joined(folder: Path) -> None:
    bare = load_portfolio(folder)
    assert list(bare.history("mz-meal-2024")["project_id"]) == ["mz-meal-2023", "mz-meal-2024"]
    assert _codes(bare, "mz-meal-2023", 2023) == []  # R018 needs 2022's year of the line
    assert load_portfolio(folder, lineage={"mz-old": "mz-meal-2023"}).history("mz-old")["年度"].tolist() == [
        2022,
        2023,
        2024,
    ]
    with pytest.raises(LineageError, match="mz-gone"):
        load_portfolio(folder, lineage={"mz-gone": "mz-meal-2023"})


def _row(table: Any, scope: str, measure: str) -> dict[str, Any]:
    (row,) = table[(table["比较范围"] == scope) & (table["指标"] == measure)].to_dict("records")
    return row


def test_peers_rank_and_percentile_by_hand(pf: Portfolio) -> None:
    t = pf.peers("jt-road")  # 2024
    # 交通局 2024: jt-road 98.33%, jt-bus 90%, jt-light 100% → 2nd of 3; 2 of 3 at or below; median 98.33%
    d = _row(t, "主管部门", "执行率")
    assert (d["范围"], d["项目数"], d["排名"]) == ("交通局", 3, 2)
    assert d["百分位"] == pytest.approx(200 / 3) and d["中位数"] == pytest.approx(118 / 120)
    # 得分: jt-road 95.83, jt-bus 70 − 10 + 9 + 20 = 89, jt-light 100 → 2nd of 3, median 95.83
    d = _row(t, "主管部门", "得分")
    assert (d["项目数"], d["排名"]) == (3, 2) and d["中位数"] == pytest.approx(95.83, abs=0.006)
    # same kind (every 二级指标 of CLEAN) in 2024: jt-road 98.33%, mz-meal 95%, wj 100%, jt-light 100%
    # (jt-bus is another kind) → 3rd of 4; 2 of 4 at or below → 50; median (98.33% + 100%) ÷ 2
    k = _row(t, "同类项目", "执行率")
    assert (k["项目数"], k["排名"], k["百分位"]) == (4, 3, 50.0)
    assert k["中位数"] == pytest.approx((118 / 120 + 1) / 2)
    assert "可持续影响指标" in k["范围"]
    # 得分 of the kind: 95.83, 99.5, 90, 100 → 3rd; 50; median (95.83 + 99.5) ÷ 2
    k = _row(t, "同类项目", "得分")
    assert (k["项目数"], k["排名"], k["百分位"]) == (4, 3, 50.0)
    assert k["中位数"] == pytest.approx((95.83 + 99.5) / 2, abs=0.006)
    # another year: 交通局 2022 is jt-road 80% and jt-bridge 95% → 2nd of 2, 50
    d = _row(pf.peers("jt-road", year=2022), "主管部门", "执行率")
    assert (d["年度"], d["项目数"], d["排名"], d["百分位"]) == (2022, 2, 2, 50.0)


def test_an_unknown_id_says_so_with_the_nearest_ids(pf: Portfolio) -> None:
    with pytest.raises(KeyError, match="本组合中没有项目「jt-raod」；相近的项目编号：jt-road"):
        pf.history("jt-raod")
    with pytest.raises(KeyError, match="没有2021 年度项目「jt-road」"):
        pf.peers("jt-road", year=2021)


def test_the_same_id_twice_in_one_year_is_an_error_naming_both_files(tmp_path: Path) -> None:
    root = _write(tmp_path / "data", DOCS[:3])
    twin = copy.deepcopy(DOCS[2])
    (root / "2024" / "copy-of-road.yaml").write_text(
        yaml.safe_dump(twin, allow_unicode=True), encoding="utf-8"
    )
    pf = load_portfolio(root)
    assert len(pf) == 3  # the three years of jt-road; the copy is an error, not dropped silently
    (message,) = [str(e) for e in evaluate_paths([root], per_year=True).errors]
    assert "jt-road.yaml" in message and "copy-of-road.yaml" in message and "2024 年度重复" in message
    assert len(pf.errors) == 1 and "2024 年度重复" in pf.errors["message"].iat[0]
    # every command reads several years alike: one id once per year (only the 2024 copy is an error)
    assert [str(e) for e in evaluate_paths([root]).errors] == [message]
    assert len(evaluate_paths([root], per_year=False).errors) == 3  # one id once, whatever the year


def test_score_json_reads_one_id_in_three_years_as_three_projects(tmp_path: Path) -> None:
    """`evalcore score --json` over the three years: every project, jt-road once per year, with
    each year's own total (98, 98.5, 95.83 by hand: module docstring), and no duplicate error."""
    import json
    import subprocess
    import sys

    root = _write(tmp_path / "years", DOCS)
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("evalcore")), "score", str(root), "--json"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["errors"] == [] and len(doc["projects"]) == len(DOCS)
    road = sorted((p["year"], p["total"]) for p in doc["projects"] if p["project_id"] == "jt-road")
    assert road == [(2022, 98.0), (2023, 98.5), (2024, 95.83)]


def test_a_single_year_portfolio_has_no_history_findings_and_one_row_histories(tmp_path: Path) -> None:
    root = _write(tmp_path / "one", [d for d in DOCS if d["year"] == 2024])
    pf = load_portfolio(root)
    assert not set(pf.findings["code"]) & HISTORY_CODES
    assert len(pf.history("jt-road")) == 1 and len(pf.ambiguous) == 0
    assert math.isclose(pf.history("jt-road")["执行率"].iat[0], 118 / 120)
