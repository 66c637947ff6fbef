"""Bad input, through the real `evalcore` command: each problem gets exactly one clear error naming
the file and the place (sheet/row/column letter for workbooks, YAML path for YAML, file and row for
CSV) and what was expected; every other project in the same run is still scored; exit code 1; no
traceback. Usage errors exit 2.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook

SEED = Path(__file__).parent / "data" / "nc-scjg-2019-zzxf.yaml"
EVALCORE = shutil.which("evalcore", path=str(Path(sys.executable).parent)) or "evalcore"

PROJECT_LABELS = {
    "project_id": "项目编号",
    "name": "项目名称",
    "department": "主管部门",
    "unit": "实施单位",
    "year": "年度",
    "evaluation_type": "评价类型",
    "scheme": "评分方案",
    "amount_unit": "金额单位",
    "reported_total": "自评得分",
    "reported_grade": "自评等级",
}
BUDGET_COLUMNS = [
    ("source", "资金来源"),
    ("initial", "年初预算数"),
    ("adjusted", "全年预算数"),
    ("executed", "全年执行数"),
    ("reported_score", "自评得分"),
]
INDICATOR_COLUMNS = [
    ("level1", "一级指标"),
    ("level2", "二级指标"),
    ("name", "三级指标"),
    ("direction", "指标性质"),
    ("target", "年度指标值"),
    ("actual", "实际完成值"),
    ("unit", "度量单位"),
    ("weight", "分值"),
    ("reported_score", "自评得分"),
    ("deviation_reason", "偏差原因分析及改进措施"),
]


def column_letter(label: str) -> str:
    return "ABCDEFGHIJ"[[lbl for _, lbl in INDICATOR_COLUMNS].index(label)]


def seed(project_id: str) -> dict:
    p = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    p["project_id"] = project_id
    return p


def write_yaml(project: dict, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(project, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_xlsx(
    project: dict, path: Path, skip_sheet: str | None = None, drop_column: str | None = None
) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "项目信息"
    ws.append(["字段", "值"])
    for key, label in PROJECT_LABELS.items():
        if project.get(key) is not None:
            ws.append([label, project[key]])
    for title, columns, rows in (
        ("预算执行", BUDGET_COLUMNS, project["budget"]),
        ("绩效指标", INDICATOR_COLUMNS, project["indicators"]),
    ):
        if title == skip_sheet:
            continue
        columns = [(k, lbl) for k, lbl in columns if lbl != drop_column or title != "绩效指标"]
        sheet = wb.create_sheet(title)
        sheet.append([lbl for _, lbl in columns])
        for row in rows:
            sheet.append([row.get(k) for k, _ in columns])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_csv_tables(projects: list[dict], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    tables = {
        "projects": (list(PROJECT_LABELS.items()), [(p, p) for p in projects]),
        "budget": (
            [("project_id", "project_id"), *BUDGET_COLUMNS],
            [(p, r) for p in projects for r in p["budget"]],
        ),
        "indicators": (
            [("project_id", "project_id"), *INDICATOR_COLUMNS],
            [(p, r) for p in projects for r in p["indicators"]],
        ),
    }
    for stem, (columns, rows) in tables.items():
        with open(folder / f"{stem}.csv", "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([lbl for _, lbl in columns])
            for project, row in rows:
                w.writerow(
                    [project["project_id"] if k == "project_id" else row.get(k, "") for k, _ in columns]
                )
    return folder


def run_cli(*args: str | Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("EVALCORE_DEBUG", None)
    return subprocess.run([EVALCORE, *map(str, args)], capture_output=True, text=True, env=env, timeout=120)


# ---------------------------------------------------------------- the cases


@dataclass
class Case:
    """What a bad input must produce: one error at `where` (a subset of the error's where), naming
    `file`, whose message contains `says`; `scored` lists project ids of the same run still scored,
    `may_score` ids that may be scored or refused (but never scored wrongly)."""

    build: Callable[[Path], list[Path]]
    file: str
    where: dict[str, object]
    says: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)  # place as the human-readable line prints it
    scored: list[str] = field(default_factory=list)
    may_score: list[str] = field(default_factory=list)


def _xlsx_weight_text(d: Path) -> list[Path]:
    p = seed("bad-weight")
    p["indicators"][1]["weight"] = "十分"
    return [write_xlsx(p, d / "weight.xlsx")]


def _xlsx_missing_sheet(d: Path) -> list[Path]:
    return [write_xlsx(seed("bad-sheet"), d / "nosheet.xlsx", skip_sheet="预算执行")]


def _xlsx_missing_column(d: Path) -> list[Path]:
    return [write_xlsx(seed("bad-column"), d / "nocolumn.xlsx", drop_column="实际完成值")]


def _xlsx_unknown_direction(d: Path) -> list[Path]:
    p = seed("bad-direction")
    p["indicators"][4]["direction"] = "正负"
    return [write_xlsx(p, d / "direction.xlsx")]


def _yaml_unparseable(d: Path) -> list[Path]:
    d.mkdir(parents=True, exist_ok=True)
    path = d / "broken.yaml"
    # line 4 starts with a tab, which YAML forbids
    path.write_text(
        "project_id: broken\nname: 项目\nyear: 2019\n\tdepartment: 某局\nbudget: []\n", encoding="utf-8"
    )
    return [path]


def _yaml_unit_conflict(d: Path) -> list[Path]:
    p = seed("bad-unit")
    p["indicators"][2]["actual"] = "70人次"  # target 100%, unit %
    return [write_yaml(p, d / "unit.yaml")]


def _missing_file(d: Path) -> list[Path]:
    return [d / "不存在.yaml"]


def _yaml_negative_budget(d: Path) -> list[Path]:
    p = seed("bad-budget")
    p["budget"][0]["executed"] = -53
    return [write_yaml(p, d / "negative.yaml")]


def _tables_bad_row(d: Path) -> list[Path]:
    projects = [seed(f"t-{n}") for n in (1, 2, 3)]
    projects[1]["indicators"][3]["weight"] = "七分半"
    return [write_csv_tables(projects, d / "tables")]


def _yaml_duplicate_id(d: Path) -> list[Path]:
    return [write_yaml(seed("good-1"), d / "dup.yaml")]


def _tables_duplicate_id(d: Path) -> list[Path]:
    return [write_csv_tables([seed("dup-a"), seed("dup-b"), seed("dup-a")], d / "tables")]


def _yaml_unknown_level1(d: Path) -> list[Path]:
    p = seed("bad-level1")
    p["indicators"][0]["level1"] = "决策指标"
    return [write_yaml(p, d / "level1.yaml")]


def _xlsx_unknown_level1(d: Path) -> list[Path]:
    p = seed("bad-level1-xlsx")
    p["indicators"][6]["level1"] = "决策指标"
    return [write_xlsx(p, d / "level1.xlsx")]


# indicator i sits on workbook row i + 2 (header on row 1) and CSV row (project offset) + i + 2
CASES = {
    "xlsx-weight-as-text": Case(
        _xlsx_weight_text,
        "weight.xlsx",
        {"sheet": "绩效指标", "row": 3, "column": column_letter("分值"), "field": "分值"},
        ["十分"],
        ["绩效指标", "第 3 行", f"{column_letter('分值')} 列", "分值"],
    ),
    "xlsx-sheet-missing": Case(
        _xlsx_missing_sheet, "nosheet.xlsx", {"sheet": "预算执行"}, ["预算执行"], ["预算执行"]
    ),
    "xlsx-column-missing": Case(
        _xlsx_missing_column,
        "nocolumn.xlsx",
        {"sheet": "绩效指标", "row": 1, "field": "实际完成值"},
        ["实际完成值"],
        ["绩效指标", "实际完成值"],
    ),
    "xlsx-unknown-direction": Case(
        _xlsx_unknown_direction,
        "direction.xlsx",
        {"sheet": "绩效指标", "row": 6, "column": column_letter("指标性质"), "field": "指标性质"},
        ["正负", "定性", "时限"],
        ["第 6 行", f"{column_letter('指标性质')} 列"],
    ),
    "yaml-unparseable": Case(_yaml_unparseable, "broken.yaml", {"row": 4}, ["YAML"], ["第 4 行"]),
    "yaml-unit-contradicts-actual": Case(
        _yaml_unit_conflict,
        "unit.yaml",
        {"path": "indicators[2].actual", "field": "实际完成值"},
        ["人次", "%"],
        ["indicators[2].actual"],
    ),
    "file-does-not-exist": Case(_missing_file, "不存在.yaml", {}, ["不存在"], []),
    "yaml-negative-budget": Case(
        _yaml_negative_budget,
        "negative.yaml",
        {"path": "budget[0].executed", "field": "全年执行数"},
        ["-53"],
        ["budget[0].executed"],
    ),
    "tables-bad-row": Case(
        _tables_bad_row,
        "indicators.csv",
        {"row": 1 + 11 + 3 + 1, "column": "分值", "field": "分值"},
        ["七分半"],
        ["第 16 行"],
        scored=["t-1", "t-3"],
    ),
    "yaml-duplicate-project-id": Case(
        _yaml_duplicate_id, "dup.yaml", {"path": "project_id"}, ["good-1", "good.yaml"], ["project_id"]
    ),
    "tables-duplicate-project-id": Case(
        _tables_duplicate_id,
        "projects.csv",
        {"row": 4},
        ["dup-a"],
        ["第 4 行"],
        scored=["dup-b"],
        may_score=["dup-a"],
    ),
    "yaml-unknown-level1": Case(
        _yaml_unknown_level1,
        "level1.yaml",
        {"path": "indicators[0].level1", "field": "一级指标"},
        ["决策指标", "产出指标"],
        ["indicators[0].level1"],
    ),
    "xlsx-unknown-level1": Case(
        _xlsx_unknown_level1,
        "level1.xlsx",
        {"sheet": "绩效指标", "row": 8, "column": column_letter("一级指标"), "field": "一级指标"},
        ["决策指标"],
        ["第 8 行", f"{column_letter('一级指标')} 列"],
    ),
}


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return write_yaml(seed("good-1"), tmp_path / "good" / "good.yaml")


@dataclass
class Run:
    folders: dict[str, str]  # case name -> the folder its inputs sit in
    scored: subprocess.CompletedProcess  # evalcore score --json
    validated: subprocess.CompletedProcess  # evalcore validate

    def errors_of(self, name: str) -> list[dict]:
        return [
            e
            for e in json.loads(self.scored.stdout)["errors"]
            if e["where"]["file"].startswith(self.folders[name] + os.sep)
        ]

    def lines_of(self, name: str) -> list[str]:
        return [ln for ln in self.validated.stderr.splitlines() if self.folders[name] + os.sep in ln]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """Every bad input beside one good project, through `score --json` and `validate`, once each."""
    root = tmp_path_factory.mktemp("bad-input")
    good_file = write_yaml(seed("good-1"), root / "good" / "good.yaml")
    paths: list[Path] = []
    folders: dict[str, str] = {}
    for i, (name, case) in enumerate(CASES.items()):
        paths += case.build(root / f"case{i}")
        folders[name] = str(root / f"case{i}")
    return Run(folders, run_cli("score", "--json", good_file, *paths), run_cli("validate", good_file, *paths))


def test_a_run_with_bad_inputs_exits_1_without_traceback_and_scores_the_rest(run: Run) -> None:
    for proc in (run.scored, run.validated):
        assert proc.returncode == 1, proc.stderr
        assert "Traceback" not in proc.stderr
        assert "内部错误" not in proc.stderr
    doc = json.loads(run.scored.stdout)
    expected = {"good-1", *(pid for case in CASES.values() for pid in case.scored)}
    optional = {pid for case in CASES.values() for pid in case.may_score}
    ids = [p["project_id"] for p in doc["projects"]]
    assert sorted(pid for pid in ids if pid not in optional) == sorted(expected)
    assert all(p["total"] is not None and p["grade"] for p in doc["projects"])
    assert len(doc["errors"]) == len(CASES)
    # validate: one line per problem, and the count of usable projects and of problems
    lines = [ln for ln in run.validated.stderr.splitlines() if ln.strip()]
    assert len(lines) == len(CASES), run.validated.stderr
    numbers = re.findall(r"\d+", run.validated.stdout)
    assert str(len(doc["projects"])) in numbers and str(len(CASES)) in numbers, run.validated.stdout


def test_no_project_is_scored_with_rows_that_are_not_its_own(run: Run) -> None:
    """Every project of the run is the seed (11 indicators, two budget rows): whatever is scored
    despite a neighbour's bad input must be scored from its own rows only."""
    doc = json.loads(run.scored.stdout)
    wrong = [
        (p["project_id"], len(p["indicators"]), len(p["budget"]["rows"]), p["total"])
        for p in doc["projects"]
        if (len(p["indicators"]), len(p["budget"]["rows"])) != (11, 2) or not 0 <= p["total"] <= 100
    ]
    assert wrong == []


@pytest.mark.parametrize("name", list(CASES))
def test_score_json_reports_one_located_error(name: str, run: Run) -> None:
    case = CASES[name]
    errors = run.errors_of(name)
    assert len(errors) == 1, errors
    [err] = errors
    where = err["where"]
    assert Path(where["file"]).name == case.file
    assert {k: where.get(k) for k in case.where} == case.where, where
    assert err.get("expected"), "the error says what was expected"
    assert case.file in err["message"]
    for text in case.says:
        assert text in err["message"], err["message"]


@pytest.mark.parametrize("name", list(CASES))
def test_validate_prints_one_line_naming_file_and_place(name: str, run: Run) -> None:
    case = CASES[name]
    lines = run.lines_of(name)
    assert len(lines) == 1, run.validated.stderr
    [line] = lines
    assert case.file in line
    for text in case.shown:
        assert text in line, line


def test_score_without_json_prints_the_located_error_on_stderr(tmp_path: Path) -> None:
    bad = _yaml_negative_budget(tmp_path)[0]
    proc = run_cli("score", bad)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "negative.yaml" in proc.stderr
    assert "budget[0].executed" in proc.stderr


def test_unknown_scheme_is_a_usage_error(good: Path) -> None:
    proc = run_cli("score", good, "--scheme", "nonexistent")
    assert proc.returncode == 2
    assert "nonexistent" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout.strip() == ""


@pytest.mark.parametrize("args", [(), ("score",), ("validate",), ("score", "--no-such-option", "x.yaml")])
def test_usage_errors_exit_2(args: tuple[str, ...]) -> None:
    proc = run_cli(*args)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "Usage" in proc.stdout + proc.stderr


def test_bad_project_writes_nothing_partial_to_json(good: Path, tmp_path: Path) -> None:
    """The failed project appears only in errors, never half-scored among projects."""
    p = seed("half")
    p["indicators"][-1]["weight"] = "五分"
    bad = write_yaml(p, tmp_path / "half.yaml")
    proc = run_cli("score", "--json", good, bad)
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert [x["project_id"] for x in doc["projects"]] == ["good-1"]
    assert [e.get("project_id") for e in doc["errors"]] == ["half"]
    assert doc["errors"][0]["where"]["path"] == "indicators[10].weight"


def test_an_absurd_budget_amount_is_refused_where_it_is(tmp_path: Path) -> None:
    """1e308 would overflow every sum; any amount from 1e13 (in the amount unit) is refused with a
    located message, and the project's neighbours are still scored."""
    from evalcore.authoring.synth import write_synthetic
    from evalcore.evaluation import evaluate_paths

    out = tmp_path / "tables"
    write_synthetic(out, 3, seed=4, fmt="tables")
    lines = (out / "budget.csv").read_text(encoding="utf-8").splitlines()
    header, first = lines[0].split(","), lines[1].split(",")
    first[header.index("adjusted")] = "1e308"
    lines[1] = ",".join(first)
    (out / "budget.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = evaluate_paths([out])
    assert len(run.evaluations) == 2 and len(run.errors) == 1
    message = str(run.errors[0])
    assert "数值过大" in message and "budget.csv" in message and "第 2 行" in message
