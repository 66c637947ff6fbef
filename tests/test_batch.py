"""`evalcore batch`: every project of a data folder to HTML, in parallel, incrementally, fault-isolated,
with parameter files, a manifest, a summary, and the same work on a real Dask cluster.

Every run here is real (kernels start, notebooks run, nbconvert exports); runs are shared where the
issue allows, so the module stays within a few minutes on two cores:

- the Must-hold fault tree (module fixture, one CLI run, `--workers 2 --timeout 4`): six good
  projects, a workbook missing a sheet, and three projects that validate but fail at run time through
  a test notebook (`--notebook`): one raises, one sleeps past the timeout, one kills its own kernel.
  Exit code 1, every good report written, each failure in manifest.json with its cause, one line each
  on stderr and no traceback, the closing line with the counts and the time; a re-run retries only
  the failures;
- parameter files: one per project, and papermill by hand with `-f` reproduces a report;
- incremental (a module fixture renders three projects once; each test copies that tree): unchanged
  → all skipped and fast; one input changed → exactly that project; `--force` → all; another
  notebook → all; the content key follows input, scheme, notebook and package version, not paths;
- kill and resume: SIGKILL of the whole process group mid-run leaves no partial HTML, and the next
  run completes exactly what is missing; Ctrl-C stops the batch promptly, leaving no partial HTML;
- fault isolation beyond the cell: a pool worker that dies, a kernel that does not start (one retry),
  a kernel whose executable is missing;
- summary.csv (UTF-8 BOM, Chinese headers) and summary.json (the same totals and grades as
  `evalcore score --json`);
- Dask: a real `dask scheduler` and `dask worker` on 127.0.0.1; the same data through the cluster
  and locally give the same summary and manifest, and results stream back as they finish.
"""

from __future__ import annotations

import copy
import csv
import html
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import openpyxl
import pytest
import yaml
from conftest import scheme_doc, write_scheme
from nbformat.v4 import new_code_cell

from evalcore.pipeline import plan as plan_module
from evalcore.pipeline.batch import BatchResult, run_batch
from evalcore.pipeline.plan import plan_batch
from evalcore.pipeline.render import recorded_key

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
EVALCORE = str(BIN / "evalcore")
SEED = ROOT / "data" / "seed" / "nc-scjg-2019-zzxf.yaml"
SEED_XLSX = ROOT / "tests" / "data" / "nc-scjg-2019-zzxf.xlsx"  # the seed as a workbook: a fixture
NOTEBOOK = ROOT / "notebooks" / "evaluation.ipynb"
CLOSING = re.compile(r"完成 (\d+)，跳过（未变化）(\d+)，失败 (\d+)，输入无效 (\d+)，用时 ([\d.]+) 秒")
CLI_TIMEOUT = 240  # seconds: a bound on every CLI run, far above what any of them needs


# ------------------------------------------------------------------------------------------ helpers


def write_projects(folder: Path, ids_by_department: dict[str, list[str]]) -> dict[str, Path]:
    """Copies of the seed case, one YAML file per project in department folders."""
    seed = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    paths = {}
    for department, ids in ids_by_department.items():
        for pid in ids:
            doc = copy.deepcopy(seed)
            doc["project_id"], doc["department"], doc["unit"] = pid, department, department
            doc["name"] = f"{doc['name']}（{pid}）"
            path = folder / department / f"{pid}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
            paths[pid] = path
    return paths


def write_notebook(path: Path, *sources: str) -> Path:
    """notebooks/evaluation.ipynb with extra code cells before its last section (哪个项目、做什么
    由单元格自己按 `report.project.project_id` 决定)."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    last = max(n for n, c in enumerate(nb.cells) if c.cell_type == "markdown" and c.source.startswith("## "))
    for n, source in enumerate(sources):
        cell = new_code_cell(source, metadata={"tags": ["remove-input"]})
        cell["id"] = f"injected-{n}"
        nb.cells.insert(last + n, cell)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def cli_batch(
    data: Path, out: Path, params: Path, *extra: str, env: dict[str, str] | None = None, **popen: object
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [EVALCORE, "batch", str(data), "--out", str(out), "--parameters", str(params), *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        env={**os.environ, **(env or {})},
        **popen,
    )  # type: ignore[call-overload]


def batch_cmd(data: Path, out: Path, params: Path, *extra: str) -> list[str]:
    return [EVALCORE, "batch", str(data), "--out", str(out), "--parameters", str(params), *extra]


REPORT_SUFFIX = "-绩效评价报告.html"


def reports(out: Path) -> set[str]:
    """The projects' 复核底稿 in out (relative paths), not the portfolio index; each one has its
    绩效评价报告 beside it (one run writes both, or neither)."""
    sheets = {
        p for p in out.rglob("*.html") if p != out / "index.html" and not p.name.endswith(REPORT_SUFFIX)
    }
    documents = {p for p in out.rglob(f"*{REPORT_SUFFIX}")}
    assert documents == {p.with_name(p.name.removesuffix(".html") + REPORT_SUFFIX) for p in sheets}
    return {str(p.relative_to(out)) for p in sheets}


def manifest(out: Path) -> dict[str, dict]:
    """manifest.json by project id (invalid inputs without an id under their error message)."""
    doc = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {m.get("project_id") or m["error"]: m for m in doc["projects"]}


def statuses(out: Path) -> dict[str, str]:
    return {k: m["status"] for k, m in manifest(out).items()}


class _Strict(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        if tag not in {"meta", "link", "br", "img", "hr", "input", "col", "wbr", "source", "area", "base"}:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open.pop() != tag:
                pass


def assert_complete_html(path: Path) -> None:
    """A whole page: UTF-8, ends with </html>, every element closed, the content key recorded."""
    text = path.read_bytes().decode("utf-8")
    assert text.rstrip().endswith("</html>"), f"{path} is partial: ends with {text[-80:]!r}"
    parser = _Strict()
    parser.feed(text)
    parser.close()
    assert "html" not in parser.open and "body" not in parser.open, (path, parser.open)
    if path.name != "index.html":
        assert recorded_key(path), f"{path} records no content key"


def assert_no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr and 'File "' not in stderr, stderr[-3000:]


def copy_tree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:
            pass
    return out


def kill_all(pids: list[int]) -> None:
    for p in pids:
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass


def wait_for(predicate, timeout: float, step: float = 0.1) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


# ----------------------------------------------------------------------------- the Must-hold fault tree

GOOD = {"测试一局": ["good-1", "good-2"], "测试二局": ["good-3", "good-4"], "测试三局": ["good-5", "good-6"]}
FAILING = {"故障局": ["fail-raise", "fail-sleep", "fail-kill"]}
FAULTS = """\
import os
import time

_id = report.project.project_id
if _id == "fail-raise":
    raise RuntimeError("故意的错误 fail-raise")
elif _id == "fail-sleep":
    time.sleep(120)
elif _id == "fail-kill":
    os.kill(os.getpid(), 9)
"""
FAULT_TIMEOUT = 4
CAUSES = {
    "fail-raise": r"RuntimeError.*故意的错误 fail-raise",
    "fail-sleep": rf"超过 {FAULT_TIMEOUT} 秒",
    "fail-kill": r"内核",
}


@pytest.fixture(scope="module")
def fault_tree(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One CLI batch over the fault tree; what the tests read is snapshotted before any re-run."""
    base = tmp_path_factory.mktemp("fault-tree")
    data = base / "data"
    write_projects(data, {**GOOD, **FAILING})
    wb = openpyxl.load_workbook(SEED_XLSX)
    del wb["绩效指标"]
    (data / "故障局").mkdir(exist_ok=True)
    wb.save(data / "故障局" / "缺表.xlsx")
    notebook = write_notebook(base / "faults.ipynb", FAULTS)
    out, params = base / "out", base / "parameters"
    args = ("--workers", "2", "--timeout", str(FAULT_TIMEOUT), "--notebook", str(notebook))
    proc = cli_batch(data, out, params, *args)
    return {
        "base": base,
        "data": data,
        "out": out,
        "params": params,
        "args": args,
        "proc": proc,
        "manifest": manifest(out) if (out / "manifest.json").exists() else {},
        "summary_csv": (out / "summary.csv").read_bytes() if (out / "summary.csv").exists() else b"",
        "summary_json": json.loads((out / "summary.json").read_text(encoding="utf-8"))
        if (out / "summary.json").exists()
        else {"projects": []},
    }


def test_fault_tree_exits_1_and_every_good_project_has_its_report(fault_tree: dict) -> None:
    proc, out = fault_tree["proc"], fault_tree["out"]
    assert proc.returncode == 1, (proc.stdout, proc.stderr[-3000:])
    good = {f"{d}/{pid}.html" for d, ids in GOOD.items() for pid in ids}
    assert good <= reports(out), reports(out)
    assert reports(out) == good, "a failed project has an HTML report"
    for rel in good:
        assert_complete_html(out / rel)
    assert not [p for p in out.rglob("*") if p.suffix == ".tmp"], "temporary files left behind"


def test_fault_tree_manifest_lists_each_failure_with_its_cause(fault_tree: dict) -> None:
    m = fault_tree["manifest"]
    for pid in (pid for ids in GOOD.values() for pid in ids):
        assert m[pid]["status"] == "done", m[pid]
        assert re.fullmatch(r"[0-9a-f]{64}", m[pid]["key"]) and m[pid]["seconds"] > 0
    for pid, cause in CAUSES.items():
        assert m[pid]["status"] == "failed", m[pid]
        assert re.search(cause, m[pid]["error"]), m[pid]["error"]
        assert re.fullmatch(r"[0-9a-f]{64}", m[pid]["key"]) and "seconds" in m[pid]
    invalid = [e for e in m.values() if e["status"] == "invalid"]
    assert len(invalid) == 1, invalid
    assert "绩效指标" in invalid[0]["error"] and "缺表.xlsx" in invalid[0]["error"], invalid[0]
    assert len(m) == 6 + 3 + 1


def test_fault_tree_cli_prints_each_failure_the_progress_and_the_closing_line(fault_tree: dict) -> None:
    proc = fault_tree["proc"]
    assert_no_traceback(proc.stderr)
    failures = [line for line in proc.stderr.splitlines() if line.startswith("失败：")]
    for pid in CAUSES:
        assert any(pid in line for line in failures), (pid, failures)
    assert any("缺表.xlsx" in line and "绩效指标" in line for line in failures), failures
    assert "9/9" in proc.stderr and "剩余" in proc.stderr, proc.stderr[-2000:]  # count and ETA
    closing = CLOSING.search(proc.stdout)
    assert closing, proc.stdout
    assert closing.groups()[:4] == ("6", "0", "3", "1")
    assert 0 < float(closing[5]) < CLI_TIMEOUT


def test_fault_tree_publishes_a_complete_index(fault_tree: dict) -> None:
    out = fault_tree["out"]
    assert (out / "index.html").is_file(), sorted(p.name for p in out.iterdir())
    assert_complete_html(out / "index.html")


def test_summary_csv_has_a_bom_and_chinese_headers(fault_tree: dict) -> None:
    raw = fault_tree["summary_csv"]
    assert raw.startswith(b"\xef\xbb\xbf"), raw[:20]
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    for label in ("项目编号", "项目名称", "主管部门", "复核得分", "等级", "报告状态"):
        assert label in header, header
    by_id = {r[header.index("项目编号")]: dict(zip(header, r, strict=True)) for r in body}
    assert set(by_id) == {pid for ids in {**GOOD, **FAILING}.values() for pid in ids}
    assert by_id["good-1"]["主管部门"] == "测试一局" and "综治信访" in by_id["good-1"]["项目名称"]
    assert by_id["fail-raise"]["报告状态"] == "failed" and by_id["good-1"]["报告状态"] == "done"


def test_summary_json_matches_score_json(fault_tree: dict) -> None:
    proc = subprocess.run(
        [EVALCORE, "score", str(fault_tree["data"]), "--json"],
        cwd=ROOT,
        capture_output=True,
        timeout=CLI_TIMEOUT,
    )
    assert proc.returncode == 1  # the broken workbook
    scored = {p["project_id"]: p for p in json.loads(proc.stdout)["projects"]}
    rows = {r["project_id"]: r for r in fault_tree["summary_json"]["projects"]}
    assert set(rows) == set(scored)
    for pid, p in scored.items():
        r = rows[pid]
        assert (r["total"], r["grade"]) == (p["total"], p["grade"]), pid
        assert (r["name"], r["department"], r["year"], r["scheme"]) == (
            p["name"],
            p["department"],
            p["year"],
            p["scheme"],
        )
        assert r["execution_rate"] == pytest.approx(p["budget"]["execution_rate"])
        assert r["findings"] == len(p["findings"])


def test_one_parameter_file_per_project(fault_tree: dict) -> None:
    params, m = fault_tree["params"], fault_tree["manifest"]
    files = sorted(fault_tree["params"].rglob("*.yaml"))
    planned = [e for e in m.values() if e["status"] != "invalid"]
    assert len(files) == len(planned) == 9
    for e in planned:
        path = Path(e["parameters"])
        assert path.is_file() and path.is_relative_to(params), e
        body = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(body) >= {"project_path"}
        assert Path(body["project_path"]).resolve() == Path(e["source"]).resolve(), (body, e["source"])


def test_a_parameter_file_reruns_the_report_by_hand(fault_tree: dict, tmp_path: Path) -> None:
    param = Path(fault_tree["manifest"]["good-3"]["parameters"])
    out = tmp_path / "by-hand.ipynb"
    proc = subprocess.run(
        [str(BIN / "papermill"), "notebooks/evaluation.ipynb", str(out), "-f", str(param)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    nb = nbformat.read(out, as_version=4)
    assert all(c.execution_count is not None for c in nb.cells if c.cell_type == "code")
    shown = "".join(
        str(o.get("data", {}).get("text/html", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    assert "good-3" in shown and "80.13" in shown


def test_rerun_of_the_fault_tree_retries_only_the_failures(fault_tree: dict) -> None:
    out = fault_tree["out"]
    before = {rel: (out / rel).stat().st_mtime_ns for rel in reports(out)}
    proc = cli_batch(fault_tree["data"], out, fault_tree["params"], *fault_tree["args"])
    assert proc.returncode == 1, proc.stderr[-3000:]
    s = statuses(out)
    assert {pid: s[pid] for ids in GOOD.values() for pid in ids} == dict.fromkeys(
        (pid for ids in GOOD.values() for pid in ids), "skipped"
    )
    assert {pid: s[pid] for pid in CAUSES} == dict.fromkeys(CAUSES, "failed")
    assert {rel: (out / rel).stat().st_mtime_ns for rel in reports(out)} == before
    closing = CLOSING.search(proc.stdout)
    assert closing and closing.groups()[:4] == ("0", "6", "3", "1"), proc.stdout


# ------------------------------------------------------------------------------------------ incremental

THREE = {"甲局": ["inc-a", "inc-b"], "乙局": ["inc-c"]}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Three projects rendered once, in-process (no index); tests copy the tree and change it."""
    base = tmp_path_factory.mktemp("incremental")
    data, out = base / "data", base / "out"
    write_projects(data, THREE)
    result = run_batch(data, out, params_dir=base / "parameters", workers=2, index=False)
    assert [m["status"] for m in result.manifest] == ["done"] * 3, result.manifest
    return {"base": base, "data": data, "out": out, "result": result}


@pytest.fixture
def copied(rendered: dict, tmp_path: Path) -> dict:
    data, out = copy_tree(rendered["data"], tmp_path / "data"), copy_tree(rendered["out"], tmp_path / "out")
    return {
        "data": data,
        "out": out,
        "params": tmp_path / "parameters",
        "mtimes": {rel: (out / rel).stat().st_mtime_ns for rel in reports(out)},
    }


def _run(c: dict, **kw: object) -> BatchResult:
    return run_batch(c["data"], c["out"], params_dir=c["params"], workers=2, index=False, **kw)  # type: ignore[arg-type]


def _changed(c: dict) -> set[str]:
    return {rel for rel in reports(c["out"]) if (c["out"] / rel).stat().st_mtime_ns != c["mtimes"][rel]}


def test_unchanged_rerun_skips_everything_and_is_fast(rendered: dict, copied: dict) -> None:
    result = _run(copied)
    assert [m["status"] for m in result.manifest] == ["skipped"] * 3, result.manifest
    assert _changed(copied) == set()
    assert result.seconds < 0.25 * rendered["result"].seconds, (result.seconds, rendered["result"].seconds)
    assert statuses(copied["out"]) == dict.fromkeys(("inc-a", "inc-b", "inc-c"), "skipped")
    assert len(list(copied["params"].rglob("*.yaml"))) == 3


def _edit(
    path: Path, old: str = "实现了项目对应阶段目标。", new: str = "实现了项目对应阶段目标（已复核）。"
) -> None:
    """A change of words only: no figure of the project moves, so no other report's 横向比较 does."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_changed_input_reruns_exactly_that_project_cli(copied: dict) -> None:
    _edit(copied["data"] / "甲局" / "inc-b.yaml")
    proc = cli_batch(copied["data"], copied["out"], copied["params"], "--workers", "2")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert statuses(copied["out"]) == {"inc-a": "skipped", "inc-b": "done", "inc-c": "skipped"}
    assert _changed(copied) == {"甲局/inc-b.html"}
    assert "（已复核）" in (copied["out"] / "甲局" / "inc-b.html").read_text(encoding="utf-8")


def test_a_changed_score_reruns_the_projects_compared_with_it(copied: dict) -> None:
    """inc-b's 接待信访群众 146 → 150人次 raises its total from 80.13 to 80.33 (10 × 150 ÷ 200 = 7.5
    instead of 7.3): inc-a (its department, 甲局) now ranks 2nd of 2 by 得分 instead of sharing 1st,
    and inc-c (乙局, the same 二级指标, so the same kind) sees a new median: their reports re-run
    too, or they would show ranks that are no longer true."""
    _edit(copied["data"] / "甲局" / "inc-b.yaml", "actual: 146人次", "actual: 150人次")
    _run(copied)
    assert statuses(copied["out"]) == dict.fromkeys(("inc-a", "inc-b", "inc-c"), "done")
    page = html.unescape((copied["out"] / "甲局" / "inc-a-绩效评价报告.html").read_text(encoding="utf-8"))
    assert "得分 80.13 分 排第 2 位" in page


def test_changed_input_reruns_exactly_that_project_in_one_process(copied: dict) -> None:
    """run_batch twice in one long-lived process (a JupyterLab session, a service): the second run
    must see the edited file, not a digest remembered from the first."""
    first = _run(copied)
    assert [m["status"] for m in first.manifest] == ["skipped"] * 3
    _edit(copied["data"] / "甲局" / "inc-b.yaml")
    _run(copied)
    assert statuses(copied["out"]) == {"inc-a": "skipped", "inc-b": "done", "inc-c": "skipped"}
    assert "（已复核）" in (copied["out"] / "甲局" / "inc-b.html").read_text(encoding="utf-8")


def test_force_reruns_everything(copied: dict) -> None:
    result = _run(copied, force=True)
    assert [m["status"] for m in result.manifest] == ["done"] * 3, result.manifest
    assert _changed(copied) == set(copied["mtimes"])


def test_another_notebook_reruns_everything_once(copied: dict, tmp_path: Path) -> None:
    notebook = write_notebook(tmp_path / "nb" / "evaluation.ipynb", "_unused = 1  # a harmless edit")
    result = _run(copied, notebook=str(notebook))
    assert [m["status"] for m in result.manifest] == ["done"] * 3, result.manifest
    again = _run(copied, notebook=str(notebook))
    assert [m["status"] for m in again.manifest] == ["skipped"] * 3, again.manifest


def _keys(data: Path, tmp: Path, **kw: object) -> dict[str, str]:
    p = plan_batch(data, tmp / "out", tmp / "params", **kw)  # type: ignore[arg-type]
    assert not p.errors, p.errors
    return {j.project_id: j.key for j in p.jobs}


def test_content_key_follows_contents_not_paths(
    rendered: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys of the same data moved elsewhere are equal; the scheme's content and the package
    version change them (the notebook and the input are covered by the runs above)."""
    base = _keys(rendered["data"], tmp_path / "a")
    moved = copy_tree(rendered["data"], tmp_path / "moved")
    assert _keys(moved, tmp_path / "b") == base

    doc = scheme_doc("self-2020")
    s1, s2 = write_scheme(tmp_path, doc), write_scheme(tmp_path, doc)
    changed = write_scheme(tmp_path, scheme_doc("self-2020", set={"rounding.whole_points": True}))
    with_s1 = _keys(rendered["data"], tmp_path / "c", scheme=str(s1))
    assert _keys(rendered["data"], tmp_path / "d", scheme=str(s2)) == with_s1
    with_changed = _keys(rendered["data"], tmp_path / "e", scheme=str(changed))
    assert all(with_changed[k] != with_s1[k] for k in base)

    monkeypatch.setattr(plan_module, "__version__", "999.0")
    assert all(v != base[k] for k, v in _keys(rendered["data"], tmp_path / "f").items())
    monkeypatch.undo()
    monkeypatch.setattr(plan_module, "code_digest", lambda: "other rules")  # same version, edited code
    assert all(v != base[k] for k, v in _keys(rendered["data"], tmp_path / "g").items())


def test_code_digest_follows_the_package_code_not_its_caches(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "rules").mkdir(parents=True)
    (pkg / "rules" / "budget.py").write_text("WEIGHT = 10\n", encoding="utf-8")
    (pkg / "schemes").mkdir()
    (pkg / "schemes" / "self-2020.yaml").write_text("id: self-2020\n", encoding="utf-8")
    first = plan_module.code_digest(pkg)
    (pkg / "rules" / "__pycache__").mkdir()
    (pkg / "rules" / "__pycache__" / "budget.cpython-311.pyc").write_bytes(b"compiled")
    assert plan_module.code_digest(pkg) == first
    (pkg / "schemes" / "self-2020.yaml").write_text("id: self-2020\ntitle: edited\n", encoding="utf-8")
    assert plan_module.code_digest(pkg) != first


# ---------------------------------------------------------------------------------- kill and resume


def test_sigkill_mid_run_then_rerun_completes_exactly_what_is_missing(tmp_path: Path) -> None:
    data, out, params = tmp_path / "data", tmp_path / "out", tmp_path / "parameters"
    ids = {"丙局": [f"kill-{n}" for n in range(4)], "丁局": [f"kill-{n}" for n in range(4, 8)]}
    write_projects(data, ids)
    expected = {f"{d}/{pid}.html" for d, pids in ids.items() for pid in pids}
    proc = subprocess.Popen(
        batch_cmd(data, out, params, "--workers", "2"),
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    tree: list[int] = []
    try:
        assert wait_for(lambda: bool(out.exists() and reports(out)), timeout=120), "no report within 120 s"
        tree = descendants(proc.pid)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        kill_all(tree)  # kernels live in their own sessions
    finished = reports(out)
    assert finished and finished < expected, finished
    for p in out.rglob("*.html"):
        assert_complete_html(p)
    before = {rel: (out / rel).read_bytes() for rel in finished}

    second = cli_batch(data, out, params, "--workers", "2")
    assert second.returncode == 0, second.stderr[-3000:]
    assert reports(out) == expected
    for rel in expected:
        assert_complete_html(out / rel)
    assert {rel: (out / rel).read_bytes() for rel in finished} == before, "a finished report was re-rendered"
    by_html = {m["html"]: m["status"] for m in manifest(out).values()}
    assert by_html == {rel: ("skipped" if rel in finished else "done") for rel in expected}
    assert not [p for p in out.rglob("*") if p.name.startswith(".") and p.is_file()], "stale temporaries"


SLOW = "import time\ntime.sleep(3)"


def test_ctrl_c_stops_the_batch_promptly_and_leaves_no_partial_report(tmp_path: Path) -> None:
    """Ctrl-C (SIGINT to the foreground process group) must stop the batch: no new project starts,
    the command returns within seconds, and what it leaves is complete or absent."""
    data, out, params = tmp_path / "data", tmp_path / "out", tmp_path / "parameters"
    write_projects(data, {"戊局": [f"int-{n}" for n in range(10)]})
    notebook = write_notebook(tmp_path / "slow.ipynb", SLOW)  # ~5 s per project: ~25 s for the batch
    proc = subprocess.Popen(
        batch_cmd(data, out, params, "--workers", "2", "--notebook", str(notebook)),
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    tree: list[int] = []
    try:
        assert wait_for(lambda: bool(out.exists() and reports(out)), timeout=120), "no report within 120 s"
        tree = descendants(proc.pid)
        os.killpg(proc.pid, signal.SIGINT)
        t0 = time.monotonic()
        try:
            _, stderr = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            stderr = ""
        stopped_after = time.monotonic() - t0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        kill_all(tree)
    for p in out.rglob("*.html"):
        assert_complete_html(p)
    assert proc.returncode != 0
    assert_no_traceback(stderr)
    assert stopped_after < 8, (
        f"Ctrl-C took {stopped_after:.1f} s to stop the batch; "
        f"{len(reports(out))} of 10 reports were written meanwhile"
    )


def test_an_idle_pool_worker_stops_quietly_on_ctrl_c(capfd: pytest.CaptureFixture[str]) -> None:
    """Ctrl-C reaches every process of the group; a worker between two jobs must not print a
    KeyboardInterrupt traceback over the batch's own message."""
    from concurrent.futures import ProcessPoolExecutor

    from evalcore.pipeline.batch import _quiet_interrupt

    pool = ProcessPoolExecutor(max_workers=1, initializer=_quiet_interrupt)
    try:
        pid = pool.submit(os.getpid).result(timeout=60)  # the worker, now waiting for its next job
        os.kill(pid, signal.SIGINT)
        assert wait_for(
            lambda: not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z",
            timeout=30,
        )
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    assert_no_traceback(capfd.readouterr().err)


# ---------------------------------------------------------------------- fault isolation beyond a cell

KILL_WORKER = """\
import os
if report.project.project_id == "kills-worker" and str(os.getppid()) != os.environ.get("EVALCORE_TEST_PID"):
    os.kill(os.getppid(), 9)  # the process that runs this project (as the OOM killer would)
"""


def test_a_dead_worker_process_fails_only_its_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVALCORE_TEST_PID", str(os.getpid()))  # never kill the test itself
    data, out = tmp_path / "data", tmp_path / "out"
    write_projects(data, {"己局": ["wk-1", "wk-2", "wk-3", "kills-worker"]})
    notebook = write_notebook(tmp_path / "kill-worker.ipynb", KILL_WORKER)
    result = run_batch(
        data,
        out,
        params_dir=tmp_path / "parameters",
        workers=2,
        notebook=str(notebook),
        index=False,
        timeout=60,
    )
    s = {m["project_id"]: m for m in result.manifest}
    assert {k: v["status"] for k, v in s.items()} == {
        "wk-1": "done",
        "wk-2": "done",
        "wk-3": "done",
        "kills-worker": "failed",
    }
    assert s["kills-worker"]["error"]
    assert reports(out) == {"己局/wk-1.html", "己局/wk-2.html", "己局/wk-3.html"}


def _kernelspec(root: Path, argv: list[str]) -> Path:
    spec = root / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "broken", "language": "python"})
    )
    return root / "jupyter"


def test_kernel_that_dies_at_start_is_retried_once_and_reported(tmp_path: Path) -> None:
    """Every kernel dies before answering: the project is tried twice, fails with a start-up cause,
    and the command still lists it and prints its closing line."""
    log = tmp_path / "starts.log"
    jupyter = _kernelspec(tmp_path, ["/bin/sh", "-c", f"echo started >> '{log}'; exit 3"])
    data, out = tmp_path / "data", tmp_path / "out"
    write_projects(data, {"庚局": ["ks-1"]})
    proc = cli_batch(data, out, tmp_path / "parameters", "--workers", "1", env={"JUPYTER_PATH": str(jupyter)})
    m = manifest(out)["ks-1"]
    assert m["status"] == "failed" and m["attempts"] == 2, m
    assert "内核启动失败" in m["error"], m["error"]
    assert proc.returncode == 1
    assert_no_traceback(proc.stderr)
    failures = [line for line in proc.stderr.splitlines() if line.startswith("失败：")]
    assert any(line.startswith("失败：ks-1 ") for line in failures), proc.stderr
    closing = CLOSING.search(proc.stdout)
    assert closing and closing[1] == "0" and int(closing[3]) >= 1, (proc.stdout, proc.stderr)
    # the portfolio index needs a kernel too: its failure may be listed, but it must say what failed
    for line in failures:
        assert line.startswith(("失败：ks-1 ", "失败：项目总览")), (
            f"a failure line that names nothing: {line}"
        )


def test_kernel_whose_executable_is_missing_is_a_start_up_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jupyter = _kernelspec(
        tmp_path, ["/nonexistent/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    )
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter))
    data, out = tmp_path / "data", tmp_path / "out"
    write_projects(data, {"庚局": ["ks-2"]})
    result = run_batch(data, out, params_dir=tmp_path / "parameters", workers=1, index=False)
    m = result.manifest[0]
    assert m["status"] == "failed", m
    assert "内核启动失败" in m["error"] and "/nonexistent/python3" in m["error"], m["error"]
    assert m["attempts"] == 2, m


TWO_SLOW_CELLS = ("import time\ntime.sleep(2.5)", "import time\ntime.sleep(2.5)")


def test_timeout_bounds_the_whole_project_not_each_cell(tmp_path: Path) -> None:
    """The issue asks for a per-project execution timeout: two cells of 2.5 s each exceed 3 s."""
    data, out = tmp_path / "data", tmp_path / "out"
    write_projects(data, {"辛局": ["slow-cells"]})
    notebook = write_notebook(tmp_path / "two-slow.ipynb", *TWO_SLOW_CELLS)
    result = run_batch(
        data,
        out,
        params_dir=tmp_path / "parameters",
        workers=1,
        notebook=str(notebook),
        timeout=3,
        index=False,
    )
    m = result.manifest[0]
    assert m["status"] == "failed" and "超过" in m.get("error", ""), m


# ------------------------------------------------------------------------------------------------ Dask


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `dask scheduler` and one `dask worker` (one process, one thread) on 127.0.0.1."""
    from distributed import Client

    workdir = tmp_path_factory.mktemp("dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = []
    try:
        procs.append(
            subprocess.Popen(
                [
                    str(BIN / "dask"),
                    "scheduler",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--no-dashboard",
                ],
                cwd=workdir,
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=(workdir / "scheduler.log").open("w"),
            )
        )
        procs.append(
            subprocess.Popen(
                [
                    str(BIN / "dask"),
                    "worker",
                    address,
                    "--nworkers",
                    "1",
                    "--nthreads",
                    "1",
                    "--no-dashboard",
                    "--local-directory",
                    str(workdir / "worker"),
                ],
                cwd=workdir,
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=(workdir / "worker.log").open("w"),
            )
        )
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(1, timeout=60)
        yield address
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in reversed(procs):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=20)


def _rows(out: Path) -> list[dict]:
    rows = json.loads((out / "summary.json").read_text(encoding="utf-8"))["projects"]
    return sorted(
        ({k: v for k, v in r.items() if k not in ("status", "html")} for r in rows),
        key=lambda r: r["project_id"],
    )


def test_dask_gives_the_same_summary_and_manifest_as_local(
    cluster: str, rendered: dict, tmp_path: Path
) -> None:
    out = tmp_path / "out-dask"
    arrivals: list[float] = []
    result = run_batch(
        rendered["data"],
        out,
        params_dir=tmp_path / "parameters",
        scheduler=cluster,
        index=False,
        on_result=lambda job, res: arrivals.append(time.monotonic()),
    )
    assert result.ok, result.manifest
    local = manifest(rendered["out"])
    remote = manifest(out)
    assert {k: m["status"] for k, m in remote.items()} == dict.fromkeys(local, "done")
    assert {k: m["key"] for k, m in remote.items()} == {k: m["key"] for k, m in local.items()}
    assert _rows(out) == _rows(rendered["out"])
    assert reports(out) == reports(rendered["out"])
    for rel in reports(out):
        assert_complete_html(out / rel)
    # one worker thread: results arrive one by one as they finish, not all at the end
    assert len(arrivals) == 3 and arrivals[-1] - arrivals[0] > 1.0, arrivals
    # and a re-run through the cluster skips what is current
    again = run_batch(
        rendered["data"], out, params_dir=tmp_path / "parameters", scheduler=cluster, index=False
    )
    assert [m["status"] for m in again.manifest] == ["skipped"] * 3
