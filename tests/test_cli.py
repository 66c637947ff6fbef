"""The `evalcore` command as scripts and people use it: `score --json` (the SPEC contract), the
readable default output, `validate`, and `template` producing a workbook `validate` accepts."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

SEED = Path(__file__).parent / "data" / "nc-scjg-2019-zzxf.yaml"
EVALCORE = shutil.which("evalcore", path=str(Path(sys.executable).parent)) or "evalcore"


def run_cli(*args: str | Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "EVALCORE_DEBUG"}
    return subprocess.run([EVALCORE, *map(str, args)], capture_output=True, text=True, env=env, timeout=120)


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


@pytest.fixture(scope="module")
def scored() -> tuple[subprocess.CompletedProcess, dict]:
    proc = run_cli("score", SEED, "--json")
    return proc, json.loads(proc.stdout)


def test_score_json_is_one_document_with_projects_and_errors(scored) -> None:
    proc, doc = scored
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert set(doc) >= {"projects", "errors"}
    assert doc["errors"] == []
    assert len(doc["projects"]) == 1
    # nothing but the document on stdout
    assert json.loads(proc.stdout.strip()) == doc


def test_score_json_project_has_the_spec_keys(scored) -> None:
    _, doc = scored
    [p] = doc["projects"]
    assert set(p) >= {
        "project_id",
        "name",
        "department",
        "year",
        "scheme",
        "total",
        "grade",
        "budget",
        "categories",
        "indicators",
        "findings",
    }
    assert set(p["budget"]) >= {"adjusted", "executed", "execution_rate", "score", "weight"}
    for c in p["categories"]:
        assert set(c) >= {"name", "weight", "score"}
    for i in p["indicators"]:
        assert set(i) >= {"level1", "level2", "name", "weight", "score", "reported_score", "explanation"}
    for f in p["findings"]:
        assert set(f) >= {"code", "severity", "message"}
        assert re.fullmatch(r"R\d{3}", f["code"])
        assert isinstance(f["message"], str) and f["message"]


def test_score_json_values_for_the_seed(scored) -> None:
    _, doc = scored
    [p] = doc["projects"]
    assert p["project_id"] == "nc-scjg-2019-zzxf"
    assert p["name"] == "2019年度综治信访"
    assert p["department"] == "南昌市市场监督管理局"
    assert p["year"] == 2019
    assert p["scheme"] == "self-2020"
    assert p["total"] == 80.13
    assert p["grade"] == "良"
    b = p["budget"]
    assert b["adjusted"] == 60
    assert b["executed"] == 53
    assert b["execution_rate"] == 53 / 60  # unrounded, exactly the float
    assert b["weight"] == 10
    assert b["score"] == pytest.approx(10 * 53 / 60, abs=1e-12)
    assert [c["name"] for c in p["categories"]] == ["预算执行率", "产出指标", "效益指标", "满意度指标"]
    assert [c["weight"] for c in p["categories"]] == [10, 50, 30, 10]
    assert sum(c["score"] for c in p["categories"]) == pytest.approx(80.13333333, abs=1e-6)
    assert len(p["indicators"]) == 11
    visits = next(i for i in p["indicators"] if i["name"] == "接待信访群众")
    assert (visits["level1"], visits["level2"]) == ("产出指标", "数量指标")
    assert visits["weight"] == 10
    assert visits["score"] == pytest.approx(7.3)
    assert visits["reported_score"] == 7.3
    assert "146人次 ÷ 200人次 = 73.0%" in visits["explanation"]
    assert "7.30" in visits["explanation"]
    assert {f["code"] for f in p["findings"]} >= {"R001", "R004"}


def test_score_json_numbers_are_json_numbers(scored) -> None:
    proc, doc = scored
    [p] = doc["projects"]
    numbers = [
        p["year"],
        p["total"],
        *(p["budget"][k] for k in ("adjusted", "executed", "execution_rate", "score", "weight")),
    ]
    numbers += [c[k] for c in p["categories"] for k in ("weight", "score")]
    numbers += [i[k] for i in p["indicators"] for k in ("weight", "score", "reported_score")]
    assert all(_is_number(x) for x in numbers), numbers
    # unrounded in the text too, not a rounded string
    assert '"execution_rate":0.8833333333333333' in proc.stdout.replace(" ", "")


_BLAS_PROBE = """
import os, sys
from evalcore.cli import cli
try:
    cli(["score", sys.argv[1], "--json"])
except SystemExit:
    pass
sys.stderr.write(f"{'numpy' in sys.modules} {os.environ.get('OPENBLAS_NUM_THREADS')}")
"""


@pytest.mark.parametrize("given, expected", [(None, "1"), ("2", "2")])
def test_score_keeps_numpy_blas_single_threaded(given: str | None, expected: str) -> None:
    """OpenBLAS threads spin at numpy's import and took the CPU the table parse needed; `score`
    does no linear algebra. A user's own OPENBLAS_NUM_THREADS is kept."""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given:
        env["OPENBLAS_NUM_THREADS"] = given
    proc = subprocess.run(
        [sys.executable, "-c", _BLAS_PROBE, str(SEED)], capture_output=True, text=True, env=env, timeout=120
    )
    imported, setting = proc.stderr.split()[-2:]
    assert imported == "True" and setting == expected


def test_score_default_output_is_a_readable_chinese_table() -> None:
    proc = run_cli("score", SEED)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Traceback" not in proc.stderr
    assert "2019年度综治信访" in out
    assert re.search(r"80\.13[^\n]*良", out), out  # the total and its grade, together
    assert "R001" in out and "R004" in out
    assert "接待信访群众" in out
    assert not out.lstrip().startswith("{")


def test_validate_good_input_exits_0_and_counts(tmp_path: Path) -> None:
    other = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    other["project_id"] = "another-2019"
    (tmp_path / "another.yaml").write_text(yaml.safe_dump(other, allow_unicode=True), encoding="utf-8")
    proc = run_cli("validate", SEED, tmp_path / "another.yaml")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert "2" in re.findall(r"\d+", proc.stdout), proc.stdout


def test_template_creates_a_workbook_validate_accepts(tmp_path: Path) -> None:
    out = tmp_path / "填报" / "模板.xlsx"
    made = run_cli("template", out)
    assert made.returncode == 0, made.stderr
    assert out.is_file()
    wb = load_workbook(out)
    assert {"项目信息", "预算执行", "绩效指标"} <= set(wb.sheetnames)
    checked = run_cli("validate", out)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Traceback" not in checked.stderr
    assert "1" in re.findall(r"\d+", checked.stdout), checked.stdout
