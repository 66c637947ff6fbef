"""Regressions found by reviewing the scoring core against DOMAIN.md: each case once gave a wrong
score silently, crashed a whole run, or blamed the wrong place."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from conftest import project_doc

import evalcore
from evalcore.inputs.records import RawRow, build_indicator
from evalcore.rules import score_indicator
from evalcore.schemes import get_scheme

SCHEME = get_scheme("self-2020")
EVALCORE = [sys.executable, "-m", "evalcore.cli"]


def score(direction: str, target: str, actual: str, unit: str = "", weight: float = 10, reported=None):
    row = {
        "level1": "产出指标",
        "level2": "时效指标",
        "name": "x",
        "direction": direction,
        "target": target,
        "actual": actual,
        "unit": unit,
        "weight": weight,
        "reported_score": reported,
    }
    return score_indicator(
        build_indicator(RawRow(row, "t.yaml", path="indicators[0]"), "p"), weight, SCHEME, 2019
    )


@pytest.mark.parametrize(
    ("target", "actual", "points"),
    [
        ("2019年底前完成", "2020年3月完成", 0),  # once read as the number 2019 and scored qualitatively: 10
        ("2019年底前完成", "2019年12月20日完成", 10),
        ("年底前完成", "2019年内完成", 10),  # once 0: the actual was read as a number
        ("年底前完成", "2019年完成", 10),
        ("6月30日前", "2019年9月10日完成", 0),  # month/day without a year: once defaulted to 31 December
        ("2019年6月30日前", "9月10日完成", 0),
        ("年底前完成", "次年3月完成", 0),
        ("年底前完成", "没有按时完成", 0),  # negated wording once read as 按时 → full marks
        ("年底前完成", "不能按期完成", 0),
    ],
)
def test_deadlines_as_people_write_them(target: str, actual: str, points: float) -> None:
    assert score("时限", target, actual).score == pytest.approx(points)


@pytest.mark.parametrize(("target", "actual"), [("≥100%", "80%"), ("100%", "80%")])
def test_a_timeliness_rate_is_not_a_reverse_indicator(target: str, actual: str) -> None:
    s = score("时限", target, actual, "%")
    assert s.score == pytest.approx(8.0) and s.met is False  # once: 80% ≤ 100% → full marks


def test_a_duration_deadline_is_still_reverse() -> None:
    assert score("时限", "≤12个月", "14个月").score < 10
    assert score("时限", "12个月", "10个月").score == 10


@pytest.mark.parametrize("actual", ["没有完成", "未能完成", "未按期完成", "效果不明显"])
def test_negated_qualitative_actuals_never_score_as_achieved(actual: str) -> None:
    s = score("定性", "达成预期指标", actual)
    assert s.level != SCHEME.qualitative.levels[0].name
    assert s.score <= 8.0 + 1e-9


@pytest.mark.parametrize(
    ("target", "actual", "points"),
    [("0次", "无", 10), ("≤90万元", "85万", 10), ("≥1.2万人次", "15000人次", 10), ("≥95%（含）", "96%", 10)],
)
def test_more_spellings(target: str, actual: str, points: float) -> None:
    assert score(
        "≥" if target.startswith("≥") else ("≤" if target.startswith("≤") else "="), target, actual
    ).score == pytest.approx(points)


def test_explained_product_matches_the_score() -> None:
    s = score("≥", "≥90%", "87.66%", "%", weight=20)
    shown = s.explanation.text.split("；")[1]
    factor = float(shown.split("×")[1].split("%")[0])
    assert f"{20 * factor / 100:.2f}" == f"{s.score:.2f}", s.explanation.text


def test_percent_formatted_workbook_cells_are_percentages(tmp_path: Path) -> None:
    path = tmp_path / "pct.xlsx"
    doc = project_doc(
        [
            {
                "level1": "产出指标",
                "level2": "质量指标",
                "name": "验收合格率",
                "direction": "≥",
                "target": "≥90%",
                "actual": 0.95,
                "unit": "%",
                "weight": 50,
            }
        ]
    )
    from evalcore.authoring.writers import write_workbook

    write_workbook(doc, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["绩效指标"]
    actual_col = next(c.column for c in ws[1] if c.value == "实际完成值")
    ws.cell(row=2, column=actual_col).number_format = "0%"  # what Excel stores when 95% is typed
    wb.save(path)
    ind = evalcore.load_project(path).indicators[0]
    assert ind.actual_value == pytest.approx(95.0)


def test_merged_level_cells_are_filled_down(tmp_path: Path) -> None:
    path = tmp_path / "merged.xlsx"
    rows = [
        {
            "level1": "产出指标",
            "level2": "数量指标",
            "name": f"指标{i}",
            "direction": "≥",
            "target": "10个",
            "actual": "10个",
            "unit": "个",
            "weight": 5,
        }
        for i in range(3)
    ]
    from evalcore.authoring.writers import write_workbook

    write_workbook(project_doc(rows), path)
    wb = openpyxl.load_workbook(path)
    ws = wb["绩效指标"]
    for r in (3, 4):
        ws.cell(row=r, column=1).value = None
        ws.cell(row=r, column=2).value = None
    ws.merge_cells("A2:A4")
    ws.merge_cells("B2:B4")
    wb.save(path)
    project = evalcore.load_project(path)
    assert [(i.level1, i.level2) for i in project.indicators] == [("产出指标", "数量指标")] * 3


def test_blank_optional_funding_rows_and_blank_initial(tmp_path: Path, load_doc) -> None:
    doc = project_doc(
        budget=[
            {"source": "年度资金总额", "initial": 55, "adjusted": 60, "executed": 53},
            {"source": "其中：当年财政拨款", "adjusted": 60, "executed": 53},
            {"source": "上年结转资金"},
            {"source": "其他资金"},
        ],
        indicators=[
            {
                "level1": "产出指标",
                "level2": "数量指标",
                "name": "a",
                "direction": "≥",
                "target": "1个",
                "actual": "1个",
                "unit": "个",
                "weight": 50,
            }
        ],
    )
    ev = evalcore.evaluate(load_doc(doc))
    assert "R008" not in {f.code for f in ev.findings}  # a blank 年初 is not a contradiction
    assert ev.card.budget.initial == 55  # and 年初 is kept from the total row
    assert ev.card.budget.initial_rate == pytest.approx(53 / 55)


def _run(paths: list[Path]) -> tuple[int, dict, str]:
    proc = subprocess.run([*EVALCORE, "score", *map(str, paths), "--json"], capture_output=True, text=True)
    return proc.returncode, json.loads(proc.stdout), proc.stderr


def _seed(tmp_path: Path, pid: str, **changes) -> Path:
    doc = yaml.safe_load(
        (Path(__file__).parent / "data" / "nc-scjg-2019-zzxf.yaml").read_text(encoding="utf-8")
    )
    doc.update(project_id=pid, **changes)
    path = tmp_path / f"{pid}.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def test_a_year_out_of_range_stops_only_its_project(tmp_path: Path) -> None:
    code, doc, err = _run([_seed(tmp_path, "good"), _seed(tmp_path, "bad", year=20190)])
    assert code == 1 and "内部错误" not in err and "Traceback" not in err
    assert [p["project_id"] for p in doc["projects"]] == ["good"]
    assert doc["errors"][0]["where"]["path"] == "year"


def test_nan_and_infinite_numbers_are_input_errors(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "projects.csv").write_text(
        "project_id,name,department,year\nA,甲,局,2019\nB,乙,局,2019\n", encoding="utf-8"
    )
    (folder / "budget.csv").write_text(
        "project_id,source,adjusted,executed\nA,年度资金总额,10,9\nB,年度资金总额,10,9\n", encoding="utf-8"
    )
    (folder / "indicators.csv").write_text(
        "project_id,level1,level2,name,direction,target,actual,unit,weight\n"
        "A,产出指标,数量指标,a,≥,10个,9个,个,NaN\nB,产出指标,数量指标,b,≥,10个,9个,个,inf\n",
        encoding="utf-8",
    )
    code, doc, err = _run([folder])
    assert code == 1 and "内部错误" not in err
    assert doc["projects"] == [] and len(doc["errors"]) == 2
    assert all(e["where"]["field"] == "分值" for e in doc["errors"])


def test_parquet_null_and_float_ids(tmp_path: Path) -> None:
    folder = tmp_path / "pq"
    folder.mkdir()
    pq.write_table(
        pa.table(
            {"project_id": [1.0, 2.0], "name": ["甲", "乙"], "department": ["局", "局"], "year": [2019, 2019]}
        ),
        folder / "projects.parquet",
    )
    pq.write_table(
        pa.table(
            {
                "project_id": [1.0, 2.0, None],
                "source": ["年度资金总额", "年度资金总额", "会议费"],
                "adjusted": [10.0, 10.0, 5.0],
                "executed": [9.0, 9.0, 9.0],
            }
        ),
        folder / "budget.parquet",
    )
    pq.write_table(
        pa.table(
            {
                "project_id": [1.0, 2.0],
                "level1": ["产出指标"] * 2,
                "level2": ["数量指标"] * 2,
                "name": ["a", "b"],
                "direction": ["≥"] * 2,
                "target": ["10个"] * 2,
                "actual": ["9个"] * 2,
                "unit": ["个"] * 2,
                "weight": [50.0, 50.0],
            }
        ),
        folder / "indicators.parquet",
    )
    _code, doc, _ = _run([folder])
    assert [p["project_id"] for p in doc["projects"]] == ["1", "2"]  # float ids once lost every project
    assert all(
        "R010" not in {f["code"] for f in p["findings"]} for p in doc["projects"]
    )  # null id once joined A
    assert len(doc["errors"]) == 1 and "不存在" in doc["errors"][0]["message"]


def test_csv_row_numbers_count_blank_lines(tmp_path: Path) -> None:
    folder = tmp_path / "blank"
    folder.mkdir()
    (folder / "projects.csv").write_text("project_id,name,department,year\nA,甲,局,2019\n", encoding="utf-8")
    (folder / "budget.csv").write_text(
        "project_id,source,adjusted,executed\n\nA,年度资金总额,10,abc\n", encoding="utf-8"
    )
    (folder / "indicators.csv").write_text(
        "project_id,level1,level2,name,direction,target,actual,unit,weight\n"
        "A,产出指标,数量指标,a,≥,10个,9个,个,50\n",
        encoding="utf-8",
    )
    _, doc, _ = _run([folder])
    assert doc["errors"][0]["where"]["row"] == 3


def test_stream_and_in_memory_agree_on_duplicates(tmp_path: Path) -> None:
    a = _seed(
        tmp_path,
        "DUP",
        indicators=[
            {
                "level1": "投入指标",
                "level2": "x",
                "name": "x",
                "direction": "≥",
                "target": "1个",
                "actual": "1个",
                "unit": "个",
                "weight": 10,
            }
        ],
    )
    b_doc = yaml.safe_load(_seed(tmp_path, "tmp").read_text(encoding="utf-8"))
    b_doc["project_id"] = "DUP"
    b = tmp_path / "z.yaml"
    b.write_text(yaml.safe_dump(b_doc, allow_unicode=True), encoding="utf-8")
    _, doc, _ = _run([a, b])
    run = evalcore.evaluate_paths([a, b])
    assert (
        [p["project_id"] for p in doc["projects"]] == [ev.project.project_id for ev in run.evaluations] == []
    )
    assert sorted(e["message"] for e in doc["errors"]) == sorted(str(e) for e in run.errors)
