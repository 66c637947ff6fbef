"""The national 项目支出绩效自评表 read as printed (issue 13 item 10): one project per sheet, found by
its labels, in its common variants (tests/national_sheets.py writes them as real workbooks):
with and without 指标性质, the sign inside 年度指标值, with and without 年初预算数, title and 单位
lines, merged 一级/二级, a 总分 row, several sheets, a 说明 sheet first, a sheet name cut to 31
characters; errors located to sheet and cell; our own export and the national template read back.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml
from national_sheets import (
    BUDGET,
    GOAL_ACTUAL,
    GOAL_PLANNED,
    INDICATORS,
    REPORTED_TOTAL,
    form,
    notes,
    write_book,
)

from evalcore.errors import InputError
from evalcore.evaluation import evaluate_paths
from evalcore.inputs import load_paths
from evalcore.inputs.records import RawProject
from evalcore.inputs.workbook_reader import read_workbook

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed" / "nc-scjg-2019-zzxf.yaml"
EVALCORE = shutil.which("evalcore", path=str(Path(sys.executable).parent)) or "evalcore"


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "EVALCORE_DEBUG"}
    return subprocess.run([EVALCORE, *map(str, args)], capture_output=True, text=True, env=env, timeout=300)


def raws(path: Path) -> list[RawProject | InputError]:
    return read_workbook(path)


def only(path: Path) -> RawProject:
    (raw,) = raws(path)
    assert isinstance(raw, RawProject), raw
    return raw


# ------------------------------------------------------------------------------------------ the standard form


def test_the_standard_form_scores_end_to_end(tmp_path: Path) -> None:
    path = write_book(tmp_path / "自评表.xlsx", [form()])
    run = evaluate_paths([path])
    assert run.errors == [] and run.skipped == []
    (ev,) = run.evaluations
    p = ev.project
    assert (p.project_id, p.name, p.department, p.unit, p.year, p.amount_unit) == (
        "jc-px-2021-001",
        "2021年度基层业务培训",
        "江城市人力资源和社会保障局",
        "江城市职业技能培训中心",
        2021,
        "万元",
    )
    assert (p.goal_planned, p.goal_actual) == (GOAL_PLANNED, GOAL_ACTUAL)
    assert (p.reported_total, p.reported_grade) == (REPORTED_TOTAL, "优")
    assert [(i.level1, i.level2, i.name) for i in p.indicators] == [t[:3] for t in INDICATORS]
    assert [i.direction for i in p.indicators] == [t[3] for t in INDICATORS]
    assert [i.weight for i in p.indicators] == [t[6] for t in INDICATORS]
    assert [i.reported_score for i in p.indicators] == [t[7] for t in INDICATORS]
    # a percent-formatted 0.97 is the 97% the department typed
    assert p.indicators[1].actual.raw == "97%"
    assert p.indicators[4].deviation_reason == "部分课程安排偏紧"
    # the budget block: the four printed rows, dashes and blanks as blank, 得分 on the total row
    assert [(b.source, b.adjusted, b.executed, b.reported_score) for b in p.budget] == [
        ("年度资金总额", 60, 54, 9),
        ("当年财政拨款", 60, 54, None),
        ("上年结转资金", 0, 0, None),
        ("其他资金", 0, 0, None),
    ]
    assert ev.total == pytest.approx(REPORTED_TOTAL, abs=0.01) and ev.grade == "优"
    assert [f.code for f in ev.findings] == []


def test_rows_carry_sheet_row_and_their_own_column_letters(tmp_path: Path) -> None:
    sheet = form()
    path = write_book(tmp_path / "f.xlsx", [sheet])
    raw = only(path)
    r, _ = sheet.find("培训合格率")
    row = next(x for x in raw.indicators if x.values["name"] == "培训合格率")
    assert (row.file, row.sheet, row.row) == (str(path), "自评表", r)
    assert row.where("weight").column == "H" and row.where("name").column == "D"
    budget = raw.budget[0]
    assert budget.row == sheet.find("年度资金总额")[0] and budget.where("source").column == "B"
    assert raw.facts.where("name", "project").describe().endswith("第 4 行 B 列 「项目名称」")


# ------------------------------------------------------------------------------------------ variants


def test_without_a_direction_column_the_sign_stays_in_the_target_and_the_cell_is_blank(
    tmp_path: Path,
) -> None:
    raw = only(write_book(tmp_path / "f.xlsx", [form(direction=False)]))
    first = raw.indicators[0].values
    assert first.get("direction") is None and first["target"] == "≥200人次"
    assert raw.indicators[1].values["target"] == "≥95%"
    # the rows whose target carries its sign score as they are today
    p = load_paths([write_book(tmp_path / "g.xlsx", [form(direction=False, indicators=_signed())])])
    assert p.errors == [] and [i.direction for i in p.projects[0].indicators] == ["≥"] * 4


def _signed() -> list[tuple]:
    rows = [t for t in INDICATORS if t[4].startswith("≥")]
    return [(*t[:6], t[6] + (15 if n == 0 else 0), *t[7:]) for n, t in enumerate(rows)]


def test_without_initial_budget_the_rows_have_no_initial_amount(tmp_path: Path) -> None:
    raw = only(write_book(tmp_path / "f.xlsx", [form(initial=False)]))
    assert "initial" not in raw.budget[0].values
    assert (raw.budget[0].values["adjusted"], raw.budget[0].values["executed"]) == (60, 54)
    (p,) = load_paths([write_book(tmp_path / "g.xlsx", [form(initial=False)])]).projects
    assert not p.budget[0].initial_given and p.budget[0].reported_score == 9


def test_without_title_or_unit_lines_the_year_comes_from_the_sheet_name(tmp_path: Path) -> None:
    sheet = form("2021年培训项目", title=False, year_line=False, unit_line=False)
    raw = only(write_book(tmp_path / "f.xlsx", [sheet]))
    assert raw.facts.values["year"] == "2021"
    assert raw.facts.values.get("amount_unit") == "万元"  # from 项目资金（万元）
    assert raw.facts.values["name"] == "2021年度基层业务培训"


def test_the_year_line_and_the_unit_line_are_read(tmp_path: Path) -> None:
    sheet = form("Sheet1")
    sheet.cells[sheet.find("（2021年度）")] = "（2020年度）"
    sheet.cells[sheet.find("单位：万元")] = "金额单位：元"
    sheet.cells[sheet.find("项目资金（万元）")] = "项目资金"
    raw = only(write_book(tmp_path / "f.xlsx", [sheet]))
    assert (raw.facts.values["year"], raw.facts.values["amount_unit"]) == ("2020", "元")


def test_merged_levels_and_unmerged_repeated_levels_read_the_same(tmp_path: Path) -> None:
    a = only(write_book(tmp_path / "a.xlsx", [form(merged=True)]))
    b = only(write_book(tmp_path / "b.xlsx", [form(merged=False)]))
    levels = [(r.values["level1"], r.values["level2"]) for r in a.indicators]
    assert levels == [(r.values["level1"], r.values["level2"]) for r in b.indicators]
    assert levels == [t[:2] for t in INDICATORS]


def test_without_a_total_row_there_is_no_reported_total(tmp_path: Path) -> None:
    raw = only(write_book(tmp_path / "f.xlsx", [form(total_row=False, grade=None, footer=False)]))
    assert raw.facts.values.get("reported_total") is None and len(raw.indicators) == len(INDICATORS)
    raw = only(write_book(tmp_path / "g.xlsx", [form()]))
    assert (raw.facts.values["reported_total"], raw.facts.values["weight_total"]) == (REPORTED_TOTAL, 100)


def test_a_form_without_project_id_passes_it_blank(tmp_path: Path) -> None:
    raw = only(write_book(tmp_path / "f.xlsx", [form(project_id=None)]))
    assert raw.facts.values.get("project_id") is None
    assert raw.facts.values["name"] == "2021年度基层业务培训"


def test_detail_rows_without_weight_pass_a_blank_weight(tmp_path: Path) -> None:
    rows = copy.deepcopy(INDICATORS)
    rows.insert(1, ("产出指标", "数量指标", "其中：脱产培训人次", None, "≥50人次", "60人次", "—", None, None))
    raw = only(write_book(tmp_path / "f.xlsx", [form(indicators=rows)]))
    detail = raw.indicators[1].values
    assert detail["name"] == "其中：脱产培训人次" and detail["weight"] is None
    assert (detail["level1"], detail["level2"]) == ("产出指标", "数量指标")


def test_several_projects_on_several_sheets_with_a_notes_sheet_first(tmp_path: Path) -> None:
    long_name = "江城市人力资源和社会保障局2021年度基层业务培训项目绩效自评表（单位自评）"[:31]
    assert len(long_name) == 31
    sheets = [
        notes(),
        form("项目一", project_id="p-1"),
        form(long_name, project_id="p-2", project_name="2021年度就业见习补贴"),
        notes("空表", ()),
    ]
    path = write_book(tmp_path / "多项目.xlsx", sheets)
    run = evaluate_paths([path])
    assert run.errors == []
    assert [(ev.project.project_id, ev.project.name) for ev in run.evaluations] == [
        ("p-1", "2021年度基层业务培训"),
        ("p-2", "2021年度就业见习补贴"),
    ]
    assert run.evaluations[1].project.indicators[0].where.sheet == long_name


# ------------------------------------------------------------------------------------------ bad input


def test_a_bad_cell_is_located_to_sheet_and_cell_and_the_other_sheet_still_scores(tmp_path: Path) -> None:
    bad = form("坏表", project_id="bad-1")
    bad.cells[(bad.find("培训人次")[0], 8)] = "二十"  # 分值 in column H
    path = write_book(tmp_path / "f.xlsx", [bad, form("好表", project_id="good-1")])
    run = evaluate_paths([path])
    assert [ev.project.project_id for ev in run.evaluations] == ["good-1"]
    (err,) = run.errors
    r, _ = bad.find("培训人次")
    assert (err.where.file, err.where.sheet, err.where.row, err.where.column) == (str(path), "坏表", r, "H")
    assert "「二十」不是数字" in str(err) and "「分值」" in str(err)


@pytest.mark.parametrize(
    ("drop", "says"),
    [
        (("全年执行数",), "未找到「全年执行数」表头"),
        (("全年预算数",), "未找到「全年预算数」表头"),
        (("实际完成值",), "绩效指标表头缺少「实际完成值」列"),
        (("三级指标",), "未找到「三级指标」表头"),
    ],
)
def test_a_form_lacking_a_block_or_column_names_what_is_missing(
    tmp_path: Path, drop: tuple[str, ...], says: str
) -> None:
    path = write_book(tmp_path / "f.xlsx", [form("缺块", drop=drop), form("完整", project_id="ok-1")])
    run = evaluate_paths([path])
    assert [ev.project.project_id for ev in run.evaluations] == ["ok-1"]
    (err,) = run.errors
    assert err.where.sheet == "缺块" and says in str(err), str(err)


def test_a_form_printing_no_weight_column_loads_and_scores_nothing_it_cannot_weigh(tmp_path: Path) -> None:
    """Some provinces print no 分值 column (Hubei, Hunan's 专项资金 form): the form loads, its rows
    are carried and not scored, and R001 lists them once (issue #13; tests/forms/hunan-hengshan…)."""
    path = write_book(tmp_path / "f.xlsx", [form("无分值", drop=("分值",), project_id="nw-1")])
    run = evaluate_paths([path])
    assert not run.errors, [str(e) for e in run.errors]
    (ev,) = run.evaluations
    assert all(s.score == 0 and s.indicator.detail for s in ev.card.indicators)
    (unweighted,) = [f for f in ev.findings if f.code == "R001" and "未填分值" in f.message]
    assert "培训人次" in unweighted.message


def test_a_workbook_with_no_form_sheet_names_the_sheets_it_saw(tmp_path: Path) -> None:
    path = write_book(tmp_path / "说明.xlsx", [notes(), notes("Sheet2", ("汇总", "项目名称"))])
    run = evaluate_paths([path])
    (err,) = run.errors
    assert run.evaluations == []
    assert "没有找到项目支出绩效自评表" in str(err) and "「说明」" in str(err) and "「Sheet2」" in str(err)


def test_a_missing_name_is_located_beside_its_label(tmp_path: Path) -> None:
    sheet = form()
    sheet.cells.pop(sheet.find("2021年度基层业务培训"))
    path = write_book(tmp_path / "f.xlsx", [sheet])
    (err,) = evaluate_paths([path]).errors
    r, _ = sheet.find("项目名称")
    assert (err.where.sheet, err.where.row, err.where.column) == ("自评表", r, "B") and "「项目名称」" in str(
        err
    )


# ------------------------------------------------------------------------------------------ round trips


def _records(stdout: str) -> dict[str, dict]:
    doc = json.loads(stdout)
    assert doc["errors"] == [], doc["errors"]
    out = {}
    for p in doc["projects"]:
        p.pop("source", None)
        p.pop("where", None)
        p.pop("narrative", None)  # the printed 自评表 has no place for the report's words (立项背景 …)
        # the printed form always lists 上年结转资金 / 其他资金; left blank they read as zero rows
        p["budget"]["rows"] = [r for r in p["budget"]["rows"] if r["role"] != "funding" or r["adjusted"]]
        out[p["project_id"]] = p
    return out


def test_our_export_reads_back_as_the_same_projects(tmp_path: Path) -> None:
    dept = next(d for d in sorted((ROOT / "data" / "portfolio").iterdir()) if d.is_dir())
    extra = tmp_path / "extra.yaml"
    doc = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    doc.update(project_id="extra-1", budget_note="年底前部分合同尚未结算", reported_grade="良")
    doc["indicators"][2]["applicable"] = "否"
    extra.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "导出.xlsx"
    assert run_cli("export", SEED, dept, extra, "--xlsx", out).returncode == 0
    original = run_cli("score", SEED, dept, extra, "--json")
    back = run_cli("score", out, "--json")
    assert back.returncode == 0, back.stderr
    a, b = _records(original.stdout), _records(back.stdout)
    assert list(a) == list(b) and len(a) >= 3
    for pid in a:
        assert b[pid] == a[pid], pid
    assert b["extra-1"]["total"] == a["extra-1"]["total"]


def _fill_national_template(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["项目支出绩效自评表"]

    def beside(label: str, value: object) -> None:
        cell = next(c for row in ws.iter_rows() for c in row if c.value == label)
        right = next(
            c for c in ws[cell.row] if c.column > cell.column and c.coordinate not in _covered(ws, cell)
        )
        right.value = value

    beside("项目名称", "2024年度社区健康讲座")
    beside("主管部门", "江城市卫生健康委员会")
    beside("实施单位", "江城市健康教育所")
    beside("项目编号", "jc-wj-2024-001")
    beside("年度", 2024)
    total = next(c for row in ws.iter_rows() for c in row if c.value == "年度资金总额")
    for col, v in zip(range(4, 10), (20, 20, 19, 10, 0.95, 9.5), strict=True):
        if col not in (7, 8):
            ws.cell(row=total.row, column=col, value=v)
    grant = ws.cell(row=total.row + 1, column=2)
    assert grant.value == "其中：当年财政拨款"
    for col, v in zip((4, 5, 6), (20, 20, 19), strict=True):
        ws.cell(row=grant.row, column=col, value=v)
    head = next(c for row in ws.iter_rows() for c in row if c.value == "三级指标").row
    rows = [
        (head + 1, "数量指标", "讲座场次", "≥", "≥40场", "42场", 50, 50),
        (head + 7, "社会效益指标", "居民健康素养提升", "定性", "有所提升", "达成年度指标", 30, 30),
        (head + 11, "服务对象满意度指标", "听众满意度", "≥", "≥90%", "95%", 10, 10),
    ]
    for r, *values in rows:
        for col, v in enumerate(values, start=3):
            ws.cell(row=r, column=col, value=v)
    t = next(c for row in ws.iter_rows() for c in row if c.value == "总分").row
    ws.cell(row=t, column=9, value=99.5)
    ws.cell(row=t + 1, column=2, value="优")
    wb.save(path)


def _covered(ws, cell) -> set[str]:  # type: ignore[no-untyped-def]
    for rng in ws.merged_cells.ranges:
        if cell.coordinate in rng:
            return {c.coordinate for row in ws[rng.coord] for c in row}
    return {cell.coordinate}


def test_the_national_template_reads_back_once_filled(tmp_path: Path) -> None:
    path = tmp_path / "国家格式.xlsx"
    made = run_cli("template", path, "--layout", "national")
    assert made.returncode == 0, made.stderr
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["项目支出绩效自评表", "说明"]
    assert any("B3" in str(r) for r in wb["项目支出绩效自评表"].merged_cells.ranges)
    empty = run_cli("validate", path)
    assert empty.returncode == 1 and "「项目支出绩效自评表」" in empty.stderr
    _fill_national_template(path)
    scored = run_cli("score", path, "--json")
    assert scored.returncode == 0, scored.stderr
    (p,) = json.loads(scored.stdout)["projects"]
    assert (p["project_id"], p["year"], p["total"], p["grade"]) == ("jc-wj-2024-001", 2024, 99.5, "优")
    assert p["reported_total"] == 99.5 and p["findings"] == []
    assert [i["name"] for i in p["indicators"]] == ["讲座场次", "居民健康素养提升", "听众满意度"]


def test_the_default_template_layout_is_still_the_three_sheets(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    assert run_cli("template", path).returncode == 0
    assert openpyxl.load_workbook(path).sheetnames[:3] == ["项目信息", "预算执行", "绩效指标"]


def test_budget_rows_as_printed(tmp_path: Path) -> None:
    raw = only(write_book(tmp_path / "f.xlsx", [form()]))
    assert [r.values["source"] for r in raw.budget] == [b[0] for b in BUDGET]
    other = raw.budget[3].values
    assert (other["initial"], other["adjusted"], other["executed"], other.get("reported_score")) == (
        None,
        None,
        None,
        None,
    )


def test_a_year_label_and_a_date_typed_as_a_date(tmp_path: Path) -> None:
    rows = [list(t) for t in INDICATORS]
    rows[2][5] = dt.datetime(2021, 11, 30)  # 实际完成值 typed into a date-formatted cell
    sheet = form("Sheet1", indicators=[tuple(r) for r in rows], year_line=False, title=False)
    sheet.put(sheet.row, 1, "年度")
    sheet.put(sheet.row, 2, "2021年度")
    raw = only(write_book(tmp_path / "f.xlsx", [sheet]))
    assert raw.indicators[2].values["actual"] == "2021年11月30日"
    assert raw.facts.values["year"] == "2021"


def test_a_lone_sheet_named_like_the_template_is_still_a_national_workbook(tmp_path: Path) -> None:
    (raw,) = raws(write_book(tmp_path / "f.xlsx", [form("绩效指标")]))
    assert isinstance(raw, RawProject) and raw.facts.values["name"] == "2021年度基层业务培训"


# ------------------------------------------------------------------------------------------ end to end with records' readings


def test_end_to_end_without_a_direction_column_every_row_inferred_and_said(tmp_path: Path) -> None:
    (ev,) = evaluate_paths([write_book(tmp_path / "f.xlsx", [form(direction=False)])]).evaluations
    assert [i.direction for i in ev.project.indicators] == [t[3] for t in INDICATORS]
    assert ev.total == pytest.approx(REPORTED_TOTAL, abs=0.01)
    assert [f.code for f in ev.findings] == ["R013"]


@pytest.mark.parametrize("suffix", (".xlsx", ".xls", ".ods"))
def test_end_to_end_without_project_id_the_derived_id_is_stable_and_said(tmp_path: Path, suffix: str) -> None:
    sheet = form(
        project_id=None,
        indicators=[(*t[:5], "97%" if isinstance(t[5], float) else t[5], *t[6:]) for t in INDICATORS],
    )
    first = evaluate_paths([write_book(tmp_path / f"a{suffix}", [sheet])]).evaluations[0]
    again = evaluate_paths([write_book(tmp_path / "b.xlsx", [sheet])]).evaluations[0]
    assert first.project.project_id == again.project.project_id
    assert first.project.project_id.startswith("auto-2021-")
    assert any(first.project.project_id in f.message for f in first.findings)


def test_end_to_end_a_detail_row_without_weight_is_carried_not_scored(tmp_path: Path) -> None:
    rows = copy.deepcopy(INDICATORS)
    rows.insert(1, ("产出指标", "数量指标", "其中：脱产培训人次", None, "≥50人次", "60人次", "—", None, None))
    (ev,) = evaluate_paths([write_book(tmp_path / "f.xlsx", [form(indicators=rows)])]).evaluations
    detail = ev.project.indicators[1]
    assert detail.name == "其中：脱产培训人次" and detail.weight == 0
    assert ev.total == pytest.approx(REPORTED_TOTAL, abs=0.01)
    assert not any(f.severity == "error" for f in ev.findings)


def test_a_printed_ellipsis_row_and_spelling_variants_of_the_headers(tmp_path: Path) -> None:
    rows = [*INDICATORS, ("满意度指标", "服务对象满意度指标", "……", None, None, None, None, None, None)]
    sheet = form(indicators=rows, direction=False)
    for old, new in (("全年预算数", "调整预算数(A)"), ("全年执行数", "全年执行数(B)"), ("年度指标值", "指标值(A)"),
                     ("实际完成值", "全年实际值(B)"), ("分值", "参考分值"), ("偏差原因分析及改进措施", "未完成原因及拟采取的改进措施"),
                     ("预期目标", "年初设定目标"), ("实际完成情况", "年度总体目标完成情况综述"), ("年度资金总额", "年度资金总额:")):  # fmt: skip
        for key in [k for k, v in sheet.cells.items() if v == old]:
            sheet.cells[key] = new
    raw = only(write_book(tmp_path / "f.xlsx", [sheet]))
    assert [r.values["name"] for r in raw.indicators] == [t[2] for t in INDICATORS]
    assert raw.indicators[4].values["deviation_reason"] == "部分课程安排偏紧"
    assert raw.indicators[0].values["weight"] == 20
    assert raw.budget[0].values["source"] == "年度资金总额" and raw.budget[0].values["adjusted"] == 60
    assert (raw.facts.values["goal_planned"], raw.facts.values["goal_actual"]) == (GOAL_PLANNED, GOAL_ACTUAL)


def test_a_form_without_weight_column_passes_every_weight_blank(tmp_path: Path) -> None:
    raw = only(write_book(tmp_path / "f.xlsx", [form(drop=("分值",))]))
    assert len(raw.indicators) == len(INDICATORS)
    assert all(r.values.get("weight") is None for r in raw.indicators)
