"""`evalcore export PATH... --xlsx OUT.xlsx`: the standard 项目支出绩效自评表 in Excel, and the two round
trips SPEC asks for (`template` → filled in → `score`; `export` → read back → the same scores).

- the seed case, the whole sample portfolio and two hand-made projects (one with a not-applicable
  indicator and no 年度资金总额 row, under the department scheme) go through the real command once
  (module fixture); `evalcore score --json` on the same paths is the reference;
- the 汇总 sheet: every project, the figures of `score --json`, links to each project's sheet,
  number formats, frozen header, autofilter;
- a project sheet laid out as the form: merged title, merged 一级/二级指标 runs, 复核得分 | 自评得分 |
  差异 side by side with score number formats, the budget block, the 总分 row, the findings;
- read back (`read_export`): the same totals, budget scores and indicator scores, exactly;
- formula safety: a project whose every kind of text starts with = + - @ gives a workbook in which
  openpyxl finds no formula cell anywhere (and no `<f>` in the XML), the text still readable; the
  same project through a real `run_batch` gives a summary.csv in which no text cell starts so;
- usage and input errors: exit codes 2 and 1, the valid projects still exported.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from conftest import CLEAN

from evalcore.fields import (
    BUDGET_FIELDS,
    INDICATOR_FIELDS,
    PROJECT_FIELDS,
    SHEET_BUDGET,
    SHEET_INDICATORS,
    SHEET_PROJECT,
)
from evalcore.presentation.cells import FORMULA_TRIGGERS, restore_cell, safe_cell
from evalcore.presentation.xlsx_export import (
    ERRORS_SHEET,
    SUMMARY_COLUMNS,
    SUMMARY_SHEET,
    read_export,
    sheet_names,
)

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed" / "nc-scjg-2019-zzxf.yaml"
PORTFOLIO = ROOT / "data" / "portfolio"
EVALCORE = shutil.which("evalcore", path=str(Path(sys.executable).parent)) or "evalcore"


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "EVALCORE_DEBUG"}
    return subprocess.run(
        [EVALCORE, *map(str, args)], capture_output=True, text=True, env=env, timeout=300, cwd=cwd
    )


def write_yaml(path: Path, doc: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


# ------------------------------------------------------------------------------------------ inputs

#: Department evaluation, funding rows without a 年度资金总额 row, one indicator not applicable.
EXTRA = {
    **copy.deepcopy(CLEAN),
    "project_id": "extra-dept-001",
    "name": "部门评价：基层业务培训",
    "evaluation_type": "department",
    "reported_total": 70,
    "reported_grade": "中",
    "budget": [
        {"source": "当年财政拨款", "initial": 80, "adjusted": 80, "executed": 76},
        {"source": "上年结转资金", "initial": 20, "adjusted": 20, "executed": 19},
        {"source": "培训场地租赁", "initial": 30, "adjusted": 30, "executed": 33},
    ],
}
EXTRA["indicators"][2]["applicable"] = "否"

#: Every kind of input text a form shows, each starting with a formula trigger.
INJECTED = {
    "project_id": "inj-001",
    "name": '=HYPERLINK("http://x","y")',
    "department": "@SUM(A1)",
    "unit": "+1+1",
    "year": 2024,
    "evaluation_type": "self",
    "amount_unit": "万元",
    "goal_planned": "-2+3 全年开展讲座",
    "goal_actual": '=HYPERLINK("http://x","实际")',
    "budget_note": "=1+1",
    "reported_total": 90,
    "reported_grade": "优",
    "budget": [
        {"source": "年度资金总额", "initial": 100, "adjusted": 100, "executed": 90, "reported_score": 9},
        {"source": "当年财政拨款", "initial": 100, "adjusted": 100, "executed": 90},
        {"source": "=SUM(1,2)宣传活动", "initial": 60, "adjusted": 60, "executed": 70},
        {"source": "@场地租赁", "initial": 40, "adjusted": 40, "executed": 20},
    ],
    "indicators": [
        {
            "level1": "产出指标",
            "level2": "@数量指标",
            "name": '=HYPERLINK("http://x","y")',
            "direction": "=",
            "target": "=8个",
            "actual": "8个",
            "weight": 50,
            "reported_score": 50,
        },
        {
            "level1": "效益指标",
            "level2": "-社会效益指标",
            "name": "+1+1",
            "direction": "定性",
            "target": "=效果明显",
            "actual": "+达成年度指标",
            "weight": 30,
            "reported_score": 30,
            "deviation_reason": "-2+3 原因",
        },
        {
            "level1": "满意度指标",
            "level2": "服务对象满意度指标",
            "name": "@SUM(A1)",
            "direction": "≥",
            "target": "≥90%",
            "actual": "85%",
            "unit": "%",
            "weight": 10,
            "reported_score": 9,
            "deviation_reason": "=1+1",
        },
    ],
}
#: The input texts above, each as the form must still show it (readable, not evaluated).
INJECTED_TEXTS = {INJECTED[k] for k in ("name", "department", "unit", "goal_planned", "goal_actual")}
INJECTED_TEXTS |= {r["source"] for r in INJECTED["budget"][2:]}
INJECTED_TEXTS |= {i[k] for i in INJECTED["indicators"] for k in ("level2", "name", "target", "actual")}
INJECTED_TEXTS |= {i["deviation_reason"] for i in INJECTED["indicators"] if i.get("deviation_reason")}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """seed + sample portfolio + EXTRA through `evalcore export`, and `score --json` on the same paths."""
    base = tmp_path_factory.mktemp("export")
    extra = write_yaml(base / "extra.yaml", EXTRA)
    out = base / "out" / "自评表.xlsx"
    paths = (SEED, PORTFOLIO, extra)
    proc = run_cli("export", *paths, "--xlsx", out)
    scored = run_cli("score", *paths, "--json")
    assert scored.returncode == 0, scored.stderr
    doc = json.loads(scored.stdout)
    return {
        "proc": proc,
        "path": out,
        "json": {p["project_id"]: p for p in doc["projects"]},
        "order": [p["project_id"] for p in doc["projects"]],
        "wb": openpyxl.load_workbook(out),
    }


# ------------------------------------------------------------------------------------------ summary


def test_export_exits_0_with_the_summary_first_then_one_sheet_per_project(exported: dict) -> None:
    proc, wb = exported["proc"], exported["wb"]
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    n = len(exported["json"])
    assert n == 1 + 130 + 1
    assert f"已导出 {n} 个项目" in proc.stdout
    assert wb.sheetnames[0] == SUMMARY_SHEET
    assert len(wb.sheetnames) == n + 1 and ERRORS_SHEET not in wb.sheetnames


def _summary_rows(wb: openpyxl.Workbook) -> dict[str, dict]:
    ws = wb[SUMMARY_SHEET]
    header = [c.value for c in ws[1]]
    assert header == [label for _, label, _, _ in SUMMARY_COLUMNS]
    rows = {}
    for cells in ws.iter_rows(min_row=2):
        values = {key: restore_cell(c.value) for (key, *_), c in zip(SUMMARY_COLUMNS, cells, strict=True)}
        values["_cells"] = cells
        rows[values["project_id"]] = values
    return rows


def test_summary_sheet_values_equal_score_json(exported: dict) -> None:
    rows = _summary_rows(exported["wb"])
    assert list(rows) == exported["order"]  # the order of score --json
    for pid, p in exported["json"].items():
        r = rows[pid]
        for key in (
            "name",
            "department",
            "year",
            "scheme",
            "amount_unit",
            "total",
            "grade",
            "reported_total",
            "reported_grade",
        ):
            assert r[key] == p[key], (pid, key)
        for key in ("adjusted", "executed", "execution_rate"):
            assert r[key] == pytest.approx(p["budget"][key], abs=1e-12), (pid, key)
        assert r["finding_codes"] == " ".join(sorted({f["code"] for f in p["findings"]})) or (
            r["finding_codes"] is None and not p["findings"]
        )
        if p["reported_total"] is not None:
            assert r["difference"] == pytest.approx(p["reported_total"] - p["total"], abs=1e-6)
    seed = rows["nc-scjg-2019-zzxf"]
    assert (seed["total"], seed["grade"], seed["reported_total"], seed["reported_grade"]) == (
        80.13,
        "良",
        90.1,
        "优",
    )
    assert seed["difference"] == pytest.approx(9.97) and seed["finding_codes"] == "R001 R004"


def test_summary_sheet_links_formats_filter_and_frozen_header(exported: dict) -> None:
    wb = exported["wb"]
    ws = wb[SUMMARY_SHEET]
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref == f"A1:P{len(exported['json']) + 1}"
    formats = {key: fmt for key, _, _, fmt in SUMMARY_COLUMNS}
    assert formats["total"] == formats["reported_total"] == formats["difference"] == "0.00"
    assert formats["execution_rate"] == "0.00%"
    for row in _summary_rows(wb).values():
        cells = dict(zip([k for k, *_ in SUMMARY_COLUMNS], row["_cells"], strict=True))
        for key, fmt in formats.items():
            if fmt and cells[key].value is not None:
                assert cells[key].number_format == fmt, key
        link = cells["project_id"].hyperlink
        assert link is not None and link.location.endswith("!A1")
        sheet = link.location[:-3].strip("'").replace("''", "'")
        assert wb[sheet]["B2"].value == cells["project_id"].value  # the sheet is that project's form
    assert all(ws.column_dimensions[c].width >= 7 for c in "ABCDEFGHIJKLMNOP")
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$1"


# ------------------------------------------------------------------------------------------ one form


def _find(ws, text: str, col: int | None = None) -> tuple[int, int]:
    for row in ws.iter_rows():
        for c in row:
            if c.value == text and (col is None or c.column == col):
                return c.row, c.column
    raise AssertionError(f"{text!r} not on sheet {ws.title}")


def _merged(ws) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


def test_project_sheet_is_laid_out_as_the_standard_form(exported: dict) -> None:
    ws = exported["wb"]["nc-scjg-2019-zzxf"]
    merged = _merged(ws)
    assert ws["A1"].value == "项目支出绩效自评表（2019年度）" and "A1:K1" in merged
    assert ws["A3"].value == "项目名称" and ws["B3"].value == "2019年度综治信访" and "B3:K3" in merged
    assert (ws["A4"].value, ws["F4"].value) == ("主管部门", "实施单位")
    # budget block: the four standard rows under their column headers, 复核 | 自评 | 差异 side by side
    head, _ = _find(ws, "年初预算数", col=3)
    assert [ws.cell(head, c).value for c in range(3, 11)] == [
        "年初预算数",
        "全年预算数(A)",
        "全年执行数(B)",
        "分值",
        "执行率(B/A)",
        "复核得分",
        "自评得分",
        "差异（自评−复核）",
    ]
    assert [ws.cell(head + k, 2).value for k in range(1, 5)] == [
        "年度资金总额",
        "其中：当年财政拨款",
        "上年结转资金",
        "其他资金",
    ]
    total = [ws.cell(head + 1, c) for c in range(3, 9)]
    assert [c.value for c in total] == [60, 60, 53, 10, pytest.approx(53 / 60), pytest.approx(8.8333333)]
    assert [c.number_format for c in total[3:]] == ["General", "0.00%", "0.00"]
    assert "53万元 ÷ 60万元 = 88.33%" in ws.cell(head + 1, 8).comment.text  # the explanation as a note
    assert f"A{head}:A{head + 4}" in merged
    # goals
    g, _ = _find(ws, "年度总体目标", col=1)
    assert (ws.cell(g, 2).value, ws.cell(g, 7).value) == ("预期目标", "实际完成情况")
    assert ws.cell(g + 1, 2).value.startswith("开展综治宣传") and f"B{g + 1}:F{g + 1}" in merged
    # indicators: header, 一级/二级 merged down their runs, scores side by side
    h, _ = _find(ws, "一级指标", col=2)
    assert [ws.cell(h, c).value for c in range(2, 12)] == [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "复核得分",
        "自评得分",
        "差异（自评−复核）",
        "偏差原因分析及改进措施",
    ]
    first = h + 1
    assert {f"B{first}:B{first + 5}", f"B{first + 6}:B{first + 8}", f"B{first + 9}:B{first + 10}"} <= merged
    assert {f"C{first}:C{first + 1}", f"C{first + 2}:C{first + 3}", f"C{first + 7}:C{first + 8}"} <= merged
    assert ws.cell(first, 2).value == "产出指标" and ws.cell(first + 6, 2).value == "效益指标"
    r, _ = _find(ws, "接待信访群众", col=4)
    assert [ws.cell(r, c).value for c in range(5, 11)] == ["200人次", "146人次", 10, 7.3, 7.3, 0]
    assert [ws.cell(r, c).number_format for c in (8, 9, 10)] == ["0.00", "0.00", "0.00"]
    assert ws.cell(r, 8).comment.text.endswith("146人次 ÷ 200人次 = 73.0%；10 × 73.0% = 7.30")
    r, _ = _find(ws, "信访案件办结率", col=4)
    assert ws.cell(r, 11).value == "不能解决的协调信访局"
    # 总分 100 | recomputed | reported, then the findings
    t, _ = _find(ws, "总分", col=1)
    assert f"A{t}:F{t}" in merged
    assert [ws.cell(t, c).value for c in range(7, 11)] == [100, 80.13, 90.1, pytest.approx(9.97)]
    assert ws.cell(t, 8).number_format == ws.cell(t, 9).number_format == "0.00"
    assert "复核 良" in ws.cell(t, 11).value and "自评 优" in ws.cell(t, 11).value
    codes = [ws.cell(r, 1).value for r in range(t + 1, ws.max_row + 1)]
    assert "R001" in codes and "R004" in codes
    # borders, wrap, print setup
    assert ws.cell(first, 2).border.left.style == "thin" and ws.cell(first + 1, 2).border.left.style == "thin"
    assert ws.cell(g + 1, 2).alignment.wrap_text
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws["K2"].hyperlink.location == f"'{SUMMARY_SHEET}'!A1"


def test_form_without_a_total_row_and_with_a_not_applicable_indicator(exported: dict) -> None:
    ws = exported["wb"]["extra-dept-001"]
    p = exported["json"]["extra-dept-001"]
    head, _ = _find(ws, "年初预算数", col=3)
    total = [ws.cell(head + 1, c).value for c in range(2, 9)]
    assert total[:4] == ["年度资金总额", 100, 100, 95]  # the form's total line, from the funding rows
    assert total[6] == pytest.approx(p["budget"]["score"]) and total[4] == p["budget"]["weight"] == 5
    assert "按资金来源分项合计计算" in ws.cell(head + 1, 11).value
    r, _ = _find(ws, "培训场地租赁", col=2)  # a line item, flagged when overspent
    assert ws.cell(r, 11).value.startswith("支出明细：超出预算 3.00万元")
    r, _ = _find(ws, "培训完成时间", col=4)
    assert ws.cell(r, 8).value == "不适用" and ws.cell(r, 7).value == 5


# ------------------------------------------------------------------------------------------ round trip


def _indicator_key(i: dict) -> tuple:
    return (i["level1"], i["level2"], i["name"])


def same(x: float | None) -> object:
    """The number as a workbook holds it: 16 significant digits (openpyxl writes `%.16g`; Excel shows 15),
    so an unrounded 4.8999999999999995 comes back as 4.899999999999999."""
    return None if x is None else pytest.approx(x, rel=1e-15, abs=1e-15)


def test_export_read_back_gives_the_same_scores(exported: dict) -> None:
    back = read_export(exported["path"])
    assert list(back) == exported["order"]
    for pid, p in exported["json"].items():
        b = back[pid]
        assert b["total"] == b["form_total"] == p["total"], pid
        assert b["reported_total"] == b["form_reported_total"] == p["reported_total"], pid
        assert (b["grade"], b["reported_grade"]) == (p["grade"], p["reported_grade"])
        assert (
            b["budget"]["score"] == same(p["budget"]["score"])
            and b["budget"]["weight"] == p["budget"]["weight"]
        )
        assert b["budget"]["reported_score"] == p["budget"]["reported_score"]
        want = sorted(
            (_indicator_key(i), i["weight"], same(i["score"]), i["reported_score"], i["applicable"])
            for i in p["indicators"]
        )
        got = sorted(
            (_indicator_key(i), i["weight"], i["score"], i["reported_score"], i["applicable"])
            for i in b["indicators"]
        )
        assert got == want, pid
        by_key = {_indicator_key(i): i for i in b["indicators"]}
        for i in p["indicators"]:
            r = by_key[_indicator_key(i)]
            assert (r["target"], r["actual"], r["deviation_reason"]) == (
                i["target"],
                i["actual"],
                i["deviation_reason"],
            )


def test_export_is_byte_deterministic(tmp_path: Path) -> None:
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert run_cli("export", SEED, "--xlsx", a).returncode == 0
    assert run_cli("export", SEED, "--xlsx", b).returncode == 0
    assert a.read_bytes() == b.read_bytes()


def _fill_template(path: Path, doc: dict) -> None:
    """Type a project into the template as a department would: the example rows replaced."""
    wb = openpyxl.load_workbook(path)
    info = wb[SHEET_PROJECT]
    labels = {f.label: f.key for f in PROJECT_FIELDS}
    for row in info.iter_rows(min_row=2, max_col=2):
        key = labels.get(row[0].value)
        if key is not None:
            row[1].value = doc.get(key)
    for sheet, fields, rows in (
        (SHEET_BUDGET, BUDGET_FIELDS, doc["budget"]),
        (SHEET_INDICATORS, INDICATOR_FIELDS, doc["indicators"]),
    ):
        ws = wb[sheet]
        ws.delete_rows(2, ws.max_row)
        columns = {c.value: c.column for c in ws[1]}
        for r, values in enumerate(rows, start=2):
            for f in fields:
                value = values.get(f.key)
                if value is None:
                    continue
                cell = ws.cell(row=r, column=columns[f.label])
                if isinstance(value, str) and value.endswith("%") and f.key == "actual":
                    cell.value, cell.number_format = (
                        float(value[:-1]) / 100,
                        "0%",
                    )  # Excel turns 95% into 0.95
                elif isinstance(value, str) and value.startswith("="):
                    cell.value = value  # typed as '=95% in Excel: text, kept text by quotePrefix
                    cell.data_type, cell.quotePrefix = "s", True
                else:
                    cell.value = value
    wb.save(path)


def test_template_filled_in_scores_and_exports_back_the_same(tmp_path: Path) -> None:
    template = tmp_path / "填报模板.xlsx"
    assert run_cli("template", template).returncode == 0
    doc = copy.deepcopy(CLEAN)
    doc.update(project_id="jc-test-2019-0001", evaluation_type="单位自评", scheme="self-2020")
    rate = next(i for i in doc["indicators"] if i["name"] == "培训合格率")
    rate.update(direction="=", target="=95%")  # the form's `=` target, still full marks
    _fill_template(template, doc)
    scored = run_cli("score", template, "--json")
    assert scored.returncode == 0, scored.stderr
    (p,) = json.loads(scored.stdout)["projects"]
    assert p["project_id"] == "jc-test-2019-0001" and len(p["indicators"]) == 7
    assert (p["total"], p["grade"], p["findings"]) == (
        96.5,
        "优",
        [],
    )  # 9.5 + 18 + 15 + 5 + 10 + 19 + 10 + 10
    out = tmp_path / "自评表.xlsx"
    assert run_cli("export", template, "--xlsx", out).returncode == 0
    back = read_export(out)["jc-test-2019-0001"]
    assert back["total"] == back["form_total"] == 96.5 and back["reported_total"] == 96.5
    assert sorted(i["score"] for i in back["indicators"]) == sorted(i["score"] for i in p["indicators"])
    ws = openpyxl.load_workbook(out)["jc-test-2019-0001"]
    r, _ = _find(ws, "培训合格率", col=4)
    assert ws.cell(r, 5).value == "'=95%" and ws.cell(r, 5).data_type == "s"  # neutralised, still readable


# ------------------------------------------------------------------------------------------ formula safety


@pytest.fixture(scope="module")
def injected(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("injected")
    path = write_yaml(base / "data" / "inj.yaml", INJECTED)
    bad = copy.deepcopy(INJECTED)
    bad.update(project_id="=1+1", name="@bad")
    bad["indicators"][0]["weight"] = "-2+3"  # not a number: an input error naming the project
    bad_path = write_yaml(base / "bad" / "bad.yaml", bad)
    out = base / "inj.xlsx"
    proc = run_cli("export", path, bad_path, "--xlsx", out)
    return {"base": base, "path": path, "out": out, "proc": proc}


def test_no_formula_cell_from_input_text_anywhere_in_the_workbook(injected: dict) -> None:
    proc, out = injected["proc"], injected["out"]
    assert proc.returncode == 1  # the bad file is an input error; the good project is still exported
    assert len(proc.stderr.strip().splitlines()) == 1 and proc.stderr.startswith("错误：")
    wb = openpyxl.load_workbook(out)  # not data_only: formulas would show as formulas
    assert wb.sheetnames == [SUMMARY_SHEET, "inj-001", ERRORS_SHEET]
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    assert not c.value.startswith(FORMULA_TRIGGERS), (ws.title, c.coordinate, c.value)
                    texts.append(c.value)
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert not re.search(rb"<f[ >]", z.read(name)), name
    shown = {restore_cell(t) for t in texts}
    assert INJECTED_TEXTS <= shown  # every text still there, readable
    assert '\'=HYPERLINK("http://x","y")' in texts and "'=8个" in texts and "'@SUM(A1)" in texts
    errors = wb[ERRORS_SHEET]
    assert errors["A2"].value == "'=1+1"  # the bad project's id, neutralised too


def test_summary_csv_of_a_real_batch_has_no_cell_a_spreadsheet_would_evaluate(injected: dict) -> None:
    from evalcore.pipeline.batch import run_batch

    base = injected["base"]
    result = run_batch(
        base / "data", base / "reports", params_dir=base / "parameters", workers=1, index=False
    )
    assert [m["status"] for m in result.manifest] == ["done"], result.manifest
    text = (base / "reports" / "summary.csv").read_text(encoding="utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text)))
    cells = dict(zip(header, row, strict=True))
    for label, value in cells.items():
        try:
            float(value)
            continue  # a number we computed (a negative one is a number, not a formula)
        except ValueError:
            assert not value.startswith(FORMULA_TRIGGERS), (label, value)
    assert cells["项目名称"] == "'" + INJECTED["name"] and cells["主管部门"] == "'@SUM(A1)"
    assert cells["报告"].startswith("'@SUM(A1)/")  # a path built from input text is input text too


def test_safe_cell_rule() -> None:
    for text in ("=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=8个"):
        assert safe_cell(text) == "'" + text
    for value in ("达成年度指标", "≥200人次", "100%", "", None, -5, 2.5, True, "a=b"):
        assert safe_cell(value) == value
    for text in ("=1", "'=1", "''=1", "'plain", "-"):
        assert restore_cell(safe_cell(text)) == text  # invertible, even for text that already starts with '
    assert safe_cell("'=1") == "''=1"


def test_sheet_names_are_valid_and_unique() -> None:
    ids = ["a/b", "a:b", "A/B", "x" * 40, "x" * 40, "[历史]?*", "'quoted'", "History", "汇总", "", "😀" * 20]
    names = sheet_names(ids)
    assert len({n.casefold() for n in names}) == len(names)
    assert SUMMARY_SHEET not in names
    for n in names:
        assert 0 < len(n.encode("utf-16-le")) // 2 <= 31
        assert not re.search(r"[\[\]:*?/\\]", n) and not n.startswith("'") and not n.endswith("'")
        assert n.casefold() != "history"
    assert names[:3] == ["a_b", "a_b~2", "A_B~3"]


# ------------------------------------------------------------------------------------------ usage


@pytest.mark.parametrize(
    "args",
    [
        ("export", SEED),  # no --xlsx
        ("export", "--xlsx", "out.xlsx"),  # no PATH
        ("export", SEED, "--xlsx", "out.csv"),  # not an .xlsx name
        ("export", SEED, "--xlsx", "out.xlsx", "--scheme", "no-such-scheme"),
    ],
)
def test_usage_errors_exit_2_and_write_nothing(args: tuple, tmp_path: Path) -> None:
    proc = run_cli(*args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_no_valid_project_exits_1_and_writes_no_workbook(tmp_path: Path) -> None:
    proc = run_cli("export", tmp_path / "missing.yaml", "--xlsx", tmp_path / "out.xlsx")
    assert proc.returncode == 1 and "missing.yaml" in proc.stderr
    assert not (tmp_path / "out.xlsx").exists()


def test_python_api_writes_the_same_workbook_as_the_command(tmp_path: Path) -> None:
    from evalcore.evaluation import evaluate_paths
    from evalcore.presentation.xlsx_export import export_workbook

    run = evaluate_paths([SEED])
    export_workbook(run.evaluations, tmp_path / "api.xlsx")
    assert run_cli("export", SEED, "--xlsx", tmp_path / "cli.xlsx").returncode == 0
    assert (tmp_path / "api.xlsx").read_bytes() == (tmp_path / "cli.xlsx").read_bytes()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
