"""Every spreadsheet a department sends (issue 13 item 9): `.xlsx`, `.xlsm`, `.xls`, `.ods` read the
same, for the national form and for the product's three-sheet template; a folder never skips a file
silently (a `.txt` is a notice, a `.et` an error saying 「请另存为 .xlsx」, a broken workbook an error
naming it; Excel's `~$` lock files are passed over) in `validate`, `score`, `score --json` and the
batch manifest. Real files: openpyxl, xlwt (.xls) and odfpy (.ods) write them at test time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import orjson
import pytest
from national_sheets import INDICATORS, Sheet, form, notes, write_book

from evalcore.evaluation import evaluate_paths
from evalcore.inputs import NOT_A_PROJECT, WPS_MESSAGE, load_paths
from evalcore.inputs.workbook_reader import read_workbook
from evalcore.pipeline.batch import run_batch
from evalcore.presentation.records import evaluation_record

ROOT = Path(__file__).resolve().parents[1]
SEED_XLSX = ROOT / "tests" / "data" / "nc-scjg-2019-zzxf.xlsx"  # the seed as a workbook: a fixture
EVALCORE = shutil.which("evalcore", path=str(Path(sys.executable).parent)) or "evalcore"
FORMATS = (".xlsx", ".xlsm", ".xls", ".ods")


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "EVALCORE_DEBUG"}
    return subprocess.run([EVALCORE, *map(str, args)], capture_output=True, text=True, env=env, timeout=300)


def _record(ev) -> dict:  # type: ignore[no-untyped-def]
    rec = orjson.loads(orjson.dumps(evaluation_record(ev)))
    rec.pop("source", None)
    rec.pop("where", None)
    return rec


def _texts_only() -> list[tuple]:
    """The indicators with every percent typed as text: calamine gives a %-formatted cell's number."""
    return [(*t[:5], "97%" if isinstance(t[5], float) else t[5], *t[6:]) for t in INDICATORS]


# ------------------------------------------------------------------------------------------ the national form


@pytest.mark.parametrize("suffix", FORMATS[1:])
def test_every_format_gives_the_same_national_projects(tmp_path: Path, suffix: str) -> None:
    sheets = [
        notes(),
        form("项目一", project_id="p-1", indicators=_texts_only()),
        form("项目二", project_id="p-2"),
    ]
    ref = evaluate_paths([write_book(tmp_path / "ref.xlsx", sheets)])
    got = evaluate_paths([write_book(tmp_path / f"form{suffix}", sheets)])
    assert ref.errors == [] and [str(e) for e in got.errors] == []
    assert len(got.evaluations) == 2
    first_ref, first_got = _record(ref.evaluations[0]), _record(got.evaluations[0])
    assert first_got == first_ref
    # the second form's 97% is a %-formatted 0.97: openpyxl sees the format, calamine only the number
    second = got.evaluations[1].project.indicators[1]
    assert second.actual.raw == ("97%" if suffix == ".xlsm" else "0.97")


def test_ods_has_no_merged_ranges_and_levels_are_filled_from_above(tmp_path: Path) -> None:
    path = write_book(tmp_path / "f.ods", [form(indicators=_texts_only())])
    (raw,) = read_workbook(path)
    assert [(r.values["level1"], r.values["level2"]) for r in raw.indicators] == [t[:2] for t in INDICATORS]


def test_xls_merged_ranges_are_used(tmp_path: Path) -> None:
    from evalcore.inputs.sheet_grid import read_grids

    (grid,) = read_grids(write_book(tmp_path / "f.xls", [form()]))
    assert grid.merged and (0, 0, 0, 9) in grid.merged  # the title across the form


# ------------------------------------------------------------------------------------------ the template


def _template_sheets(path: Path) -> list[Sheet]:
    wb = openpyxl.load_workbook(path)
    out = []
    for ws in wb.worksheets:
        s = Sheet(ws.title)
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    s.put(c.row, c.column, c.value)
        out.append(s)
    return out


@pytest.mark.parametrize("suffix", (".xls", ".ods", ".xlsm"))
def test_the_three_sheet_template_reads_the_same_in_every_format(tmp_path: Path, suffix: str) -> None:
    path = write_book(tmp_path / f"seed{suffix}", _template_sheets(SEED_XLSX))
    ref, got = evaluate_paths([SEED_XLSX]), evaluate_paths([path])
    assert [str(e) for e in got.errors] == []
    assert _record(got.evaluations[0]) == _record(ref.evaluations[0])


def test_a_template_missing_a_sheet_says_so_in_xls_too(tmp_path: Path) -> None:
    sheets = [s for s in _template_sheets(SEED_XLSX) if s.name != "预算执行"]
    (err,) = load_paths([write_book(tmp_path / "seed.xls", sheets)]).errors
    assert "缺少工作表「预算执行」" in str(err)


# ------------------------------------------------------------------------------------------ folders


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "2021"
    write_book(d / "人社局" / "培训.xls", [form(indicators=_texts_only())])
    write_book(d / "人社局" / "见习.ods", [form(project_id="p-ods", indicators=_texts_only())])
    (d / "人社局" / "说明.txt").write_text("不是项目", encoding="utf-8")
    (d / "人社局" / "~$培训.xls").write_bytes(b"\x00lock")
    (d / "人社局" / ".DS_Store").write_bytes(b"\x00")
    (d / "教育局").mkdir()
    (d / "教育局" / "资助.et").write_bytes(b"\xd0\xcf\x11\xe0 WPS")
    return d


def test_a_folder_lists_every_file_it_does_not_read(folder: Path) -> None:
    run = evaluate_paths([folder])
    assert sorted(ev.project.project_id for ev in run.evaluations) == ["jc-px-2021-001", "p-ods"]
    assert [(Path(n.path).name, n.reason) for n in run.skipped] == [("说明.txt", NOT_A_PROJECT)]
    (err,) = run.errors
    assert err.where.file.endswith("资助.et") and WPS_MESSAGE in str(err)


def test_validate_and_score_show_the_notices_and_the_wps_error(folder: Path) -> None:
    v = run_cli("validate", folder)
    assert v.returncode == 1
    assert (
        "说明.txt：不是项目文件，未读取" in v.stderr
        and "资助.et" in v.stderr
        and "请另存为 .xlsx" in v.stderr
    )
    assert "~$" not in v.stderr and ".DS_Store" not in v.stderr
    assert "2 个项目可用，1 处问题，1 个文件未读取" in v.stdout
    s = run_cli("score", folder)
    assert s.returncode == 1 and "说明.txt：不是项目文件，未读取" in s.stderr
    j = run_cli("score", folder, "--json")
    doc = json.loads(j.stdout)
    assert j.returncode == 1 and len(doc["projects"]) == 2
    assert doc["skipped"] == [{"path": str(folder / "人社局" / "说明.txt"), "reason": NOT_A_PROJECT}]
    assert [e["where"]["file"] for e in doc["errors"]] == [str(folder / "教育局" / "资助.et")]


def test_a_notice_alone_keeps_exit_0(folder: Path) -> None:
    shutil.rmtree(folder / "教育局")
    v = run_cli("validate", folder)
    assert v.returncode == 0 and "不是项目文件，未读取" in v.stderr
    assert run_cli("score", folder, "--json").returncode == 0


def test_an_unreadable_workbook_is_an_error_naming_it_and_the_rest_still_scores(folder: Path) -> None:
    (folder / "人社局" / "坏文件.xls").write_bytes(b"not a workbook at all")
    (folder / "人社局" / "坏文件.xlsx").write_bytes(b"PK\x03\x04 broken")
    run = evaluate_paths([folder])
    assert len(run.evaluations) == 2
    bad = sorted(Path(e.where.file).name for e in run.errors if "无法作为" in str(e))
    assert bad == ["坏文件.xls", "坏文件.xlsx"]


def test_the_batch_manifest_lists_the_files_not_read(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "甲局").mkdir(parents=True)
    (data / "甲局" / "备注.docx").write_bytes(b"PK")
    out = tmp_path / "reports"
    result = run_batch([data], out, params_dir=tmp_path / "params", index=False)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["skipped"] == [{"path": str(data / "甲局" / "备注.docx"), "reason": NOT_A_PROJECT}]
    assert result.skipped == manifest["skipped"] and result.ok
