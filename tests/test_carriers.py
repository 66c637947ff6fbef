"""One project, every carrier: YAML, the .xlsx form (Chinese or English headers), and portfolio
tables (CSV in UTF-8, UTF-8 with BOM, GBK, GB18030; Parquet) load and score identically.

The fixture files are written here with openpyxl, csv and pandas directly, not with
`evalcore.authoring`, so a bug in the writers cannot hide a bug in the readers.
"""

from __future__ import annotations

import copy
import csv
from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import Workbook

from evalcore import evaluate_paths, load_paths
from evalcore.inputs.tables_reader import TablePortfolio
from evalcore.presentation.records import evaluation_record

SEED = Path(__file__).parent / "data" / "nc-scjg-2019-zzxf.yaml"

PROJECT_KEYS = [
    "project_id",
    "name",
    "department",
    "unit",
    "year",
    "evaluation_type",
    "scheme",
    "amount_unit",
    "goal_planned",
    "goal_actual",
    "reported_total",
    "reported_grade",
]
# The report's words (立项背景 … 改进措施), written by every carrier when a project gives them.
NARRATIVE_KEYS = [
    "background",
    "purpose",
    "content",
    "funds_use",
    "management",
    "basis",
    "eval_purpose",
    "principles",
    "eval_method",
    "eval_process",
    "experience",
    "problems",
    "measures",
]
PROJECT_KEYS += NARRATIVE_KEYS
BUDGET_KEYS = ["source", "initial", "adjusted", "executed", "reported_score"]
INDICATOR_KEYS = [
    "level1",
    "level2",
    "name",
    "direction",
    "target",
    "actual",
    "unit",
    "weight",
    "reported_score",
    "deviation_reason",
    "applicable",
]

ZH = {
    "project_id": "项目编号",
    "name": "项目名称",
    "department": "主管部门",
    "unit": "实施单位",
    "year": "年度",
    "evaluation_type": "评价类型",
    "scheme": "评分方案",
    "amount_unit": "金额单位",
    "goal_planned": "年度总体目标（预期）",
    "goal_actual": "年度总体目标（实际完成）",
    "reported_total": "自评得分",
    "reported_grade": "自评等级",
    # labels and the variants people type
    "background": "立项背景",
    "purpose": "立项目的",
    "content": "项目内容",
    "funds_use": "资金使用情况",
    "management": "组织管理",
    "basis": "立项依据",
    "eval_purpose": "评价目的",
    "principles": "评价原则和依据",
    "eval_method": "绩效评价方法",
    "eval_process": "评价工作过程",
    "experience": "主要经验及做法",
    "problems": "存在问题",
    "measures": "改进建议",
}
ZH_BUDGET = {
    "source": "资金来源",
    "initial": "年初预算数",
    "adjusted": "全年预算数",
    "executed": "全年执行数",
    "reported_score": "自评得分",
}
ZH_INDICATOR = {
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "direction": "指标性质",
    "target": "年度指标值",
    "actual": "实际完成值",
    "unit": "度量单位",
    "weight": "分值",
    "reported_score": "自评得分",
    "deviation_reason": "偏差原因分析及改进措施",
    "applicable": "是否适用",
}
# English spellings a budget system might export: the canonical keys plus documented aliases.
EN = {**{k: k for k in PROJECT_KEYS}, "name": "project_name", "scheme": "scheme_id"}
EN_BUDGET = {k: k for k in BUDGET_KEYS}
EN_INDICATOR = {k: k for k in INDICATOR_KEYS}


def seed_project() -> dict:
    return yaml.safe_load(SEED.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- minimal carrier writers


def write_yaml(project: dict, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(project, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _put(ws, row: int, col: int, value) -> None:
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # `=8个` is text, not a formula


def write_xlsx(project: dict, path: Path, english: bool = False) -> Path:
    heads, bheads, iheads = (EN, EN_BUDGET, EN_INDICATOR) if english else (ZH, ZH_BUDGET, ZH_INDICATOR)
    wb = Workbook()
    ws = wb.active
    ws.title = "项目信息"
    ws.append(["field", "value"] if english else ["字段", "值"])
    for k in PROJECT_KEYS:
        if project.get(k) is not None:
            _put(ws, ws.max_row + 1, 1, heads[k])
            _put(ws, ws.max_row, 2, project[k])
    for title, keys, labels, rows in (
        ("预算执行", BUDGET_KEYS, bheads, project["budget"]),
        ("绩效指标", INDICATOR_KEYS, iheads, project["indicators"]),
    ):
        sheet = wb.create_sheet(title)
        for c, k in enumerate(keys, start=1):
            _put(sheet, 1, c, labels[k])
        for r, row in enumerate(rows, start=2):
            for c, k in enumerate(keys, start=1):
                _put(sheet, r, c, row.get(k))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def table_rows(projects: list[dict]) -> dict[str, tuple[list[str], list[list]]]:
    p_rows = [[p.get(k) for k in PROJECT_KEYS] for p in projects]
    b_rows = [[p["project_id"], *(r.get(k) for k in BUDGET_KEYS)] for p in projects for r in p["budget"]]
    i_rows = [
        [p["project_id"], *(r.get(k) for k in INDICATOR_KEYS)] for p in projects for r in p["indicators"]
    ]
    return {
        "projects": (PROJECT_KEYS, p_rows),
        "budget": (["project_id", *BUDGET_KEYS], b_rows),
        "indicators": (["project_id", *INDICATOR_KEYS], i_rows),
    }


def write_csv_tables(
    projects: list[dict], folder: Path, encoding: str = "utf-8", chinese: bool = True
) -> Path:
    """As a budget system exports them: Chinese headers, `encoding` as given (utf-8-sig writes a BOM)."""
    folder.mkdir(parents=True, exist_ok=True)
    labels = {"projects": ZH, "budget": ZH_BUDGET, "indicators": ZH_INDICATOR}
    for stem, (keys, rows) in table_rows(projects).items():
        header = [(labels[stem] | {"project_id": "项目编号"}).get(k, k) if chinese else k for k in keys]
        with open(folder / f"{stem}.csv", "w", encoding=encoding, newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows([["" if v is None else v for v in row] for row in rows])
    return folder


def write_parquet_tables(projects: list[dict], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for stem, (keys, rows) in table_rows(projects).items():
        pd.DataFrame(rows, columns=keys).to_parquet(folder / f"{stem}.parquet", index=False)
    return folder


# ---------------------------------------------------------------- comparing results

_WHERE_KEYS = {"where", "file", "sheet", "row", "column", "path", "origin"}


def _strip(obj):
    if isinstance(obj, dict):
        return {k: _strip(v) for k, v in obj.items() if k not in _WHERE_KEYS}
    if isinstance(obj, list):
        return [_strip(v) for v in obj]
    return obj


def comparable(record: dict) -> dict:
    """The record minus where it came from (the top-level `source` is the file, budget rows keep theirs)."""
    return _strip({k: v for k, v in record.items() if k != "source"})


def records(*paths: Path) -> list[dict]:
    run = evaluate_paths(list(paths))
    assert run.errors == [], [str(e) for e in run.errors]
    return [evaluation_record(ev) for ev in run.evaluations]


@pytest.fixture(scope="module")
def reference() -> dict:
    [rec] = records(SEED)
    assert rec["total"] == 80.13
    assert rec["grade"] == "良"
    return comparable(rec)


def _tables_csv(encoding: str):
    return lambda p, d: write_csv_tables([p], d / "tables", encoding)


CARRIERS = {
    "yaml": lambda p, d: write_yaml(p, d / "p.yaml"),
    "xlsx-zh": lambda p, d: write_xlsx(p, d / "p.xlsx"),
    "xlsx-en": lambda p, d: write_xlsx(p, d / "p.xlsx", english=True),
    "csv-utf8": _tables_csv("utf-8"),
    "csv-utf8-bom": _tables_csv("utf-8-sig"),
    "csv-gbk": _tables_csv("gbk"),
    "csv-gb18030": _tables_csv("gb18030"),
    "csv-english-headers": lambda p, d: write_csv_tables([p], d / "tables", "utf-8", chinese=False),
    "parquet": lambda p, d: write_parquet_tables([p], d / "tables"),
}


@pytest.mark.parametrize("carrier", list(CARRIERS))
def test_every_carrier_scores_the_seed_identically(carrier: str, tmp_path: Path, reference: dict) -> None:
    path = CARRIERS[carrier](seed_project(), tmp_path)
    [rec] = records(path)
    assert comparable(rec) == reference


def test_yaml_with_chinese_keys_scores_identically(tmp_path: Path, reference: dict) -> None:
    p = seed_project()
    doc = {ZH[k]: p[k] for k in PROJECT_KEYS if k in p}
    doc["预算执行"] = [{ZH_BUDGET[k]: v for k, v in r.items()} for r in p["budget"]]
    doc["绩效指标"] = [{ZH_INDICATOR[k]: v for k, v in r.items()} for r in p["indicators"]]
    [rec] = records(write_yaml(doc, tmp_path / "zh.yaml"))
    assert comparable(rec) == reference


def _with_rare_characters(project: dict) -> dict:
    """Characters outside GBK (GB18030 only) and full-width symbols GBK does have."""
    p = copy.deepcopy(project)
    p["name"] = "2019年度综治信访（䶮𠮷）"
    p["indicators"][2]["target"] = "≥１００％"
    return p


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig"])
def test_encoded_export_loads_exactly_as_its_utf8_twin(encoding: str, tmp_path: Path) -> None:
    projects = [seed_project()]
    if encoding != "gbk":
        projects = [_with_rare_characters(projects[0])]
    second = copy.deepcopy(projects[0])
    second["project_id"] = "nc-scjg-2019-second"
    second["name"] = "第二个项目：信访维稳"
    second["indicators"][1]["actual"] = "180人次"
    projects.append(second)
    utf8 = write_csv_tables(projects, tmp_path / "utf8", "utf-8")
    other = write_csv_tables(projects, tmp_path / encoding, encoding)
    assert (other / "projects.csv").read_bytes() != (utf8 / "projects.csv").read_bytes()
    a, b = records(utf8), records(other)
    assert [r["name"] for r in b] == [p["name"] for p in projects]
    assert [comparable(r) for r in b] == [comparable(r) for r in a]


def test_gbk_export_reads_chinese_headers_and_text(tmp_path: Path) -> None:
    folder = write_csv_tables([seed_project()], tmp_path / "gbk", "gbk")
    # really GBK: not valid UTF-8
    with pytest.raises(UnicodeDecodeError):
        (folder / "indicators.csv").read_bytes().decode("utf-8")
    [rec] = records(folder)
    assert rec["name"] == "2019年度综治信访"
    assert rec["department"] == "南昌市市场监督管理局"
    assert [i["name"] for i in rec["indicators"]][:2] == ["综治宣传活动", "接待信访群众"]
    assert rec["total"] == 80.13


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_values_written_on_several_lines_are_read_whole(encoding: str, tmp_path: Path) -> None:
    """Excel keeps a line break typed inside a cell (Alt+Enter) and its CSV export quotes that value.
    Such a value stays one value of one row wherever it falls in a large file (Arrow reads a file
    in blocks), and the folder scores as the same projects written as YAML."""
    projects, seed = [], seed_project()
    for n in range(1500):
        p = copy.deepcopy(seed)
        p["project_id"] = f"ml-{n:04d}"
        p["goal_planned"] = f"目标一：开展综治宣传{n}次，\n目标二：接待信访群众，\r\n目标三：“平安”建设。" * 6
        p["indicators"][0]["name"] = '综治宣传活动（"进社区",进校园）'
        projects.append(p)
    folder = write_csv_tables(projects, tmp_path / "multi", encoding)
    text = (folder / "projects.csv").read_text(encoding)
    assert len(text.encode("utf-8")) > 1 << 20  # more than one block of the reader (which reads UTF-8)
    tables = TablePortfolio(folder)
    assert tables.errors == [] and len(tables) == len(projects)
    read = tables.projects.table.to_pydict()
    assert read["project_id"] == [p["project_id"] for p in projects]
    assert read["goal_planned"] == [p["goal_planned"] for p in projects]
    assert set(tables.indicators.table.column("name").to_pylist()[::11]) == {
        '综治宣传活动（"进社区",进校园）'
    }
    small = write_csv_tables(projects[:3], tmp_path / "small", encoding)
    as_yaml = records(*(write_yaml(p, tmp_path / "yaml" / f"{p['project_id']}.yaml") for p in projects[:3]))
    assert [comparable(r) for r in records(small)] == [comparable(r) for r in as_yaml]


def test_one_table_folder_holds_many_projects(tmp_path: Path) -> None:
    projects = []
    for n in range(3):
        p = seed_project()
        p["project_id"] = f"p-{n}"
        p["budget"] = [{**r, "executed": 50 + n} for r in p["budget"]]
        projects.append(p)
    folder = write_parquet_tables(projects, tmp_path / "year")
    recs = records(folder)
    assert [r["project_id"] for r in recs] == ["p-0", "p-1", "p-2"]
    assert [r["budget"]["executed"] for r in recs] == [50, 51, 52]
    assert [r["budget"]["execution_rate"] for r in recs] == [50 / 60, 51 / 60, 52 / 60]


# ---------------------------------------------------------------- discovery


def _renamed(project_id: str, department: str) -> dict:
    p = seed_project()
    p["project_id"] = project_id
    p["department"] = department
    return p


def test_a_folder_of_department_subfolders_is_discovered(tmp_path: Path, reference: dict) -> None:
    root = tmp_path / "2019"
    write_yaml(_renamed("scjg-1", "市场监管局"), root / "市场监管局" / "scjg-1.yaml")
    write_xlsx(_renamed("scjg-2", "市场监管局"), root / "市场监管局" / "scjg-2.xlsx")
    write_xlsx(_renamed("jyj-1", "教育局"), root / "教育局" / "jyj-1.xlsx")
    write_yaml(_renamed("jyj-2", "教育局"), root / "教育局" / "子目录" / "jyj-2.yml")
    health = [_renamed("wsj-1", "卫健委"), _renamed("wsj-2", "卫健委")]
    write_csv_tables(health, root / "卫健委" / "导出", "gbk")
    # noise that must be ignored
    (root / "市场监管局" / "~$scjg-2.xlsx").write_bytes(b"\x00lock file, not a workbook")
    (root / "教育局" / ".~lock.yaml").write_text("not: [yaml", encoding="utf-8")
    (root / "教育局" / ".hidden.yaml").write_text("project_id: [broken", encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "x.yaml").write_text("{{{{", encoding="utf-8")
    (root / "教育局" / "说明.txt").write_text("这是说明，不是项目", encoding="utf-8")
    (root / "教育局" / "说明.docx").write_bytes(b"PK\x03\x04 not a project")

    run = evaluate_paths([root])
    assert [str(e) for e in run.errors] == []
    got = {ev.project.project_id: ev for ev in run.evaluations}
    assert sorted(got) == ["jyj-1", "jyj-2", "scjg-1", "scjg-2", "wsj-1", "wsj-2"]
    assert got["wsj-1"].project.department == "卫健委"
    for ev in run.evaluations:
        rec = comparable(evaluation_record(ev))
        assert {k: v for k, v in rec.items() if k not in ("project_id", "department", "unit")} == {
            k: v for k, v in reference.items() if k not in ("project_id", "department", "unit")
        }


def test_discovery_is_stable_and_origin_names_each_file(tmp_path: Path) -> None:
    root = tmp_path / "data"
    write_yaml(_renamed("b-1", "乙局"), root / "乙局" / "b-1.yaml")
    write_yaml(_renamed("a-1", "甲局"), root / "甲局" / "a-1.yaml")
    first = load_paths([root])
    second = load_paths([root])
    assert [p.project_id for p in first.projects] == [p.project_id for p in second.projects]
    origins = {p.project_id: Path(p.origin) for p in first.projects}
    assert origins == {"a-1": root / "甲局" / "a-1.yaml", "b-1": root / "乙局" / "b-1.yaml"}


def test_a_table_folder_given_directly_is_one_portfolio(tmp_path: Path) -> None:
    folder = write_csv_tables([_renamed("x-1", "甲局"), _renamed("x-2", "乙局")], tmp_path / "export")
    # a stray YAML next to the tables is not a separate project: the folder is the portfolio
    write_yaml(_renamed("stray", "甲局"), folder / "stray.yaml")
    loaded = load_paths([folder])
    assert loaded.errors == []
    assert [p.project_id for p in loaded.projects] == ["x-1", "x-2"]
