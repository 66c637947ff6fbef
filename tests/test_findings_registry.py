"""A finding registered through the public API is reported by every path with no other change.

The finding below (a quantitative indicator not met, with no deviation reason) is written once, as
an analyst would: a module that calls `evalcore.findings.register(...)`, named in
EVALCORE_FINDINGS so that every process that reviews imports it. It must then appear, on the same
projects and with the same words, in `score --json` over a 1,000-project portfolio as tables
(chunked, through the fork pool) and over the same projects as YAML files, in a folder of
workbooks, in the explorer's findings table, in the Excel export and in a batch's reports.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import evalcore
from evalcore.authoring.synth import synthesize
from evalcore.authoring.writers import write_project_files, write_tables
from evalcore.cli import cli
from evalcore.findings import REGISTRY, load_plugins, unregister
from evalcore.pipeline import score_stream

CODE = "R901"
TITLE = "定量指标未达到目标且未说明偏差原因"
PLUGIN = f'''
from evalcore.findings import WARNING, register

register(
    "{CODE}",
    "{TITLE}",
    WARNING,
    scope="indicator",
    when=lambda v, scheme: v.quantitative & ~v.met & ~v.has_reason,
    message="「{{name}}」实际完成 {{actual}}，未达到目标 {{target}}，且未说明偏差原因",
)
'''
QUANTITATIVE = ("≥", ">", "=", "≤", "<")
SEED = Path(__file__).resolve().parents[1] / "data" / "seed" / "nc-scjg-2019-zzxf.yaml"


@pytest.fixture(scope="module")
def plugin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The module of findings on the path and in EVALCORE_FINDINGS, loaded here as in any process."""
    folder = tmp_path_factory.mktemp("plugin")
    (folder / "unmet_findings.py").write_text(PLUGIN, encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.syspath_prepend(str(folder))
    mp.setenv("PYTHONPATH", f"{folder}:{':'.join(sys.path)}")
    mp.setenv("EVALCORE_FINDINGS", "unmet_findings")
    assert "unmet_findings" in load_plugins()
    assert REGISTRY[CODE].title == TITLE
    yield folder
    unregister(CODE)
    sys.modules.pop("unmet_findings", None)
    mp.undo()


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """1,000 synthetic projects with every deviation reason blanked, as tables and as YAML files."""
    base = tmp_path_factory.mktemp("portfolio")
    projects = synthesize(1000, seed=12)
    for p in projects:
        for row in p["indicators"]:
            row.pop("deviation_reason", None)
    write_tables(projects, base / "tables")
    write_project_files(projects, base / "yaml", "yaml")
    write_project_files(projects[:40], base / "xlsx", "xlsx")
    return {"tables": base / "tables", "yaml": base / "yaml", "xlsx": base / "xlsx"}


def _score_json(paths: list[Path]) -> dict:
    """`evalcore score PATH --json`, in this process (its fork pool inherits the registry), with
    chunks small enough that a thousand projects go through the pool."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(score_stream, "CHUNK", 64)
        mp.setattr(score_stream, "PARALLEL_FROM", 200)
        result = CliRunner().invoke(cli, ["score", *map(str, paths), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout_bytes)


@pytest.fixture(scope="module")
def scored(plugin: Path, portfolio: dict[str, Path]) -> dict[str, dict]:
    return {kind: _score_json([portfolio[kind]]) for kind in ("tables", "yaml", "xlsx")}


def _found(doc: dict) -> dict[str, list[str]]:
    return {
        p["project_id"]: [f["message"] for f in p["findings"] if f["code"] == CODE] for p in doc["projects"]
    }


def _expected(doc: dict) -> dict[str, list[str]]:
    """Where the finding must be, read off the scored indicators themselves."""
    return {
        p["project_id"]: [
            f"「{i['name']}」实际完成 {i['actual']}，未达到目标 {i['target']}，且未说明偏差原因"
            for i in p["indicators"]
            if i["direction"] in QUANTITATIVE
            and i["applicable"]
            and i["met"] is False
            and not i["deviation_reason"]
        ]
        for p in doc["projects"]
    }


def test_tables_and_yaml_report_the_registered_finding_on_the_same_projects(scored: dict[str, dict]) -> None:
    tables, files = scored["tables"], scored["yaml"]
    assert len(tables["projects"]) == len(files["projects"]) == 1000
    found = _found(tables)
    assert found == _found(files)
    assert found == _expected(tables)
    flagged = [pid for pid, messages in found.items() if messages]
    assert len(flagged) > 100, len(flagged)  # the synthetic shortfalls, now without their reasons
    titles = {f["title"] for p in tables["projects"] for f in p["findings"] if f["code"] == CODE}
    assert titles == {TITLE}


def test_workbooks_explorer_and_export_report_it(
    scored: dict[str, dict], portfolio: dict[str, Path], tmp_path: Path
) -> None:
    workbooks = _found(scored["xlsx"])
    assert workbooks == {pid: m for pid, m in _found(scored["yaml"]).items() if pid in workbooks}
    assert any(workbooks.values())

    pf = evalcore.load_portfolio(portfolio["xlsx"])
    explored = pf.findings[pf.findings["code"] == CODE]
    assert sorted(explored["message"]) == sorted(m for ms in workbooks.values() for m in ms)
    assert set(explored["title"]) == {TITLE}

    out = tmp_path / "自评表.xlsx"
    result = CliRunner().invoke(cli, ["export", str(portfolio["xlsx"]), "--xlsx", str(out)])
    assert result.exit_code == 0, result.output
    cells = {
        str(c.value)
        for ws in openpyxl.load_workbook(out).worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value
    }
    for messages in workbooks.values():
        for m in messages:
            assert m in cells


def test_batch_reports_show_it(scored: dict[str, dict], tmp_path: Path) -> None:
    """Each report runs in its own kernel, another interpreter: it finds the plugin by EVALCORE_FINDINGS."""
    from evalcore.pipeline.batch import run_batch

    flagged = [
        Path(p["source"]) for p in scored["xlsx"]["projects"] if any(f["code"] == CODE for f in p["findings"])
    ][:2]
    assert len(flagged) == 2
    data = tmp_path / "data"
    for p in flagged:
        (data / p.parent.name).mkdir(parents=True, exist_ok=True)
        (data / p.parent.name / p.name).write_bytes(p.read_bytes())  # workbooks: the batch reads them too
    result = run_batch(data, tmp_path / "out", params_dir=tmp_path / "params", workers=2)
    assert [m["status"] for m in result.manifest] == ["done"] * len(flagged), result.manifest
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    rows = summary if isinstance(summary, list) else summary.get("projects", [])
    assert all(CODE in r["finding_codes"].split() for r in rows), rows
    for m in result.manifest:
        html = (tmp_path / "out" / m["html"]).read_text(encoding="utf-8")
        assert CODE in html and "且未说明偏差原因" in html


def test_a_plugin_that_fails_to_import_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from evalcore.findings import PluginError

    monkeypatch.setenv("EVALCORE_FINDINGS", "no_such_findings_module")
    with pytest.raises(PluginError, match="no_such_findings_module"):
        load_plugins()


def test_the_command_says_which_plugin_failed_and_exits_as_a_usage_error() -> None:
    env = {**os.environ, "EVALCORE_FINDINGS": "no_such_findings_module"}
    proc = subprocess.run(
        [sys.executable, "-m", "evalcore.cli", "score", str(SEED), "--json"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert (
        "无法载入复核发现模块「no_such_findings_module」" in proc.stderr
        and "EVALCORE_FINDINGS" in proc.stderr
    )
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_a_code_cannot_be_taken_twice_by_different_modules() -> None:
    from evalcore.findings import WARNING, register

    with pytest.raises(ValueError, match="R001"):
        register(
            "R001", "别的含义", WARNING, scope="project", when=lambda v, s: v.has_reported_total, message="x"
        )
    importlib.import_module("evalcore.findings.catalog")  # the product's own stay as they were
    assert REGISTRY["R001"].title == "指标分值与一级指标分值或总分 100 不符"
