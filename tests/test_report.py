"""`evalcore report`: one project through notebooks/evaluation.ipynb (papermill) to HTML (nbconvert).

Every render here is real: a kernel starts, the notebook runs, nbconvert exports. A render costs
~1.5–2 s, so the seed report is rendered once per module and shared.

- the seed report: both totals side by side and why they differ, SPEC's sections in order, the
  input's SHA-256, `lang="zh"`, no code, no stderr, no link to the network, under 320 KiB (the embedded font subset included);
- projects built to stress the layout render, and ids such as `../../etc/x` stay inside `--out`;
- every failure (bad input, an exception in a cell, a cell timeout, a dead kernel, `sys.exit(0)`,
  an export error) is a ReportError/InputError naming the project and the cause, leaves no HTML
  and no temp file, keeps `.failed/<id>.ipynb` for audit and never replaces a previous good report;
- `SOURCE_DATE_EPOCH` makes the HTML byte-identical;
- the command line, and papermill by hand as the notebook's own instructions say.
"""

from __future__ import annotations

import copy
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from conftest import project_doc, write_doc
from nbformat.v4 import new_code_cell, new_output

import evalcore
from evalcore.errors import ReportError
from evalcore.pipeline import render
from evalcore.pipeline.render import Rendered, check_complete, make_exporter, render_project

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed" / "nc-scjg-2019-zzxf.yaml"
NOTEBOOK = ROOT / "notebooks" / "evaluation.ipynb"
PROJECT_ID, DEPARTMENT = "nc-scjg-2019-zzxf", "南昌市市场监督管理局"
BIN = Path(sys.executable).parent
EPOCH, EPOCH_TEXT = 1_700_000_000, "2023-11-15 06:13:20（北京时间）"  # 22:13:20 UTC
SECTIONS = [
    "项目基本情况",
    "评分总览",
    "指标分析",
    "预算执行与偏差",
    "历史比较与横向比较",
    "复核发现",
    "综合评价结论",
    "结果应用建议",
    "项目支出绩效自评表",
    "来源与版本",
]
MAX_BYTES = (
    320 * 1024
)  # ~90–150 KiB of it the embedded subset of the CJK font (docs/fonts.md); the lab template alone is 280


# ------------------------------------------------------------------------------ a small HTML tree

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: list[tuple[str, str | None]], parent: Node | None = None) -> None:
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children: list[Node | str] = []

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def iter(self) -> Iterator[Node]:
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        return [n for n in self.iter() if (tag is None or n.tag == tag) and (cls is None or cls in n.classes)]

    def find(self, tag: str | None = None, cls: str | None = None) -> Node:
        found = self.find_all(tag, cls)
        assert found, f"no <{tag or '*'} class={cls!r}>"
        return found[0]

    def text(self, skip: frozenset[str] = frozenset({"style", "script"})) -> str:
        return "".join(
            c if isinstance(c, str) else ("" if c.tag in skip else c.text(skip)) for c in self.children
        )


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.cur = Node("#document", [])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.cur
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None and node.parent is not None, f"unmatched </{tag}>"
        self.cur = node.parent

    def handle_data(self, data: str) -> None:
        self.cur.children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.cur is builder.root, f"<{builder.cur.tag}> never closed"
    return builder.root


def headings(doc: Node) -> list[str]:
    return [h.text().replace("¶", "").strip() for h in doc.find_all("h2")]


def facts_table(doc: Node, cls: str) -> dict[str, str]:
    """A two-column table of <th>key</th><td>value</td> rows."""
    rows = {}
    for tr in doc.find(cls=cls).find_all("tr"):
        cells = [c for c in tr.children if isinstance(c, Node)]
        if len(cells) == 2 and cells[0].tag == "th":
            rows[cells[0].text().strip()] = cells[1].text().strip()
    return rows


# ------------------------------------------------------------------------------ helpers


def leftovers(out: Path) -> list[Path]:
    """Temp files of an interrupted write (`.<name>.*.tmp`, `.<id>.*.ipynb`): there must be none.
    (`.failed/` holds the audit notebooks of failed runs, kept on purpose.)"""
    return sorted(
        p
        for p in out.rglob("*")
        if p.name.startswith(".") and p.name != ".failed" and ".failed" not in p.relative_to(out).parts[:-1]
    )


def assert_inside(out: Path, *paths: Path) -> None:
    root = out.resolve()
    for p in [*paths, *out.rglob("*")]:
        assert p.resolve().is_relative_to(root), f"{p} is outside {root}"


def child_pids() -> set[int]:
    pids: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        try:
            pids.update(int(x) for x in (task / "children").read_text().split())
        except OSError:
            continue
    return pids


@pytest.fixture
def kernel_tmp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private temp dir for the kernel's IPC sockets (short: a unix socket path is ≤ 107 bytes),
    so a test can check that no kernel directory is left behind."""
    directory = Path(tempfile.mkdtemp(prefix="ek-", dir="/tmp"))
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


def run_cli(*args: str | Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "EVALCORE_DEBUG"} | env
    return subprocess.run(
        [str(BIN / "evalcore"), *map(str, args)], capture_output=True, text=True, env=environ, timeout=180
    )


def ind(
    name: str,
    target: str,
    actual: str,
    unit: str | None,
    direction: str = "≥",
    level1: str = "产出指标",
    level2: str = "数量指标",
    weight: float = 5,
    **more: object,
) -> dict:
    row = {
        "level1": level1,
        "level2": level2,
        "name": name,
        "direction": direction,
        "target": target,
        "actual": actual,
        "weight": weight,
        **more,
    }
    if unit is not None:
        row["unit"] = unit
    return row


def qual(
    name: str, level1: str = "效益指标", level2: str = "社会效益指标", weight: float = 10, **more: object
) -> dict:
    return {
        "level1": level1,
        "level2": level2,
        "name": name,
        "direction": "定性",
        "target": "效果明显",
        "actual": "达成年度指标",
        "weight": weight,
        **more,
    }


# ------------------------------------------------------------------------------ the seed report


@pytest.fixture(scope="module")
def exporter():  # type: ignore[no-untyped-def]
    return make_exporter()


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory, exporter) -> tuple[Rendered, str, Node]:  # type: ignore[no-untyped-def]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        rendered = render_project(SEED, tmp_path_factory.mktemp("seed") / "out", exporter=exporter)
    html = rendered.html.read_text(encoding="utf-8")
    return rendered, html, parse(html)


def test_seed_report_shows_recomputed_and_reported_totals_side_by_side(seed) -> None:
    _, _, doc = seed
    scores = doc.find(cls="scores")
    boxes = [b for b in scores.find_all(cls="scorebox")]
    assert len(boxes) == 2
    ours, theirs = boxes
    assert "reported" not in ours.classes and "reported" in theirs.classes
    assert ours.find(cls="total").text() == "80.13" and ours.find(cls="grade").text() == "良"
    assert theirs.find(cls="total").text() == "90.1" and theirs.find(cls="grade").text() == "优"
    assert "复核" in ours.find(cls="label").text() and "自评" in theirs.find(cls="label").text()


def test_seed_report_explains_the_difference(seed) -> None:
    _, _, doc = seed
    callout = next(p for p in doc.find_all("p", cls="callout") if "差异" in p.text())
    text = callout.text()
    # R004: the 10 points of 效益 the form declares but never itemises, and the total with them (90.13)
    assert "效益指标" in text and "未细化的 10 分" in text and "90.13" in text, text
    findings = doc.find("table", cls="findings").text()
    assert "R004" in findings and "R001" in findings


def test_seed_report_has_every_section_in_order(seed) -> None:
    _, _, doc = seed
    found = headings(doc)
    positions = []
    for name in SECTIONS:
        hits = [n for n, h in enumerate(found) if name in h]
        assert len(hits) == 1, (name, found)
        positions.append(hits[0])
    assert positions == sorted(positions), found
    assert len(found) == len(SECTIONS), found
    assert doc.find("h1").text().startswith(DEPARTMENT)


def test_seed_report_provenance_shows_the_input_hash_and_the_date(seed) -> None:
    _, _, doc = seed
    provenance = facts_table(doc, "provenance")
    assert provenance["输入 SHA-256"] == hashlib.sha256(SEED.read_bytes()).hexdigest()
    assert provenance["输入文件"] == SEED.name
    assert provenance["评分方案"].startswith("self-2020")
    assert f"evalcore {evalcore.__version__}" in provenance["软件版本"]
    assert provenance["生成时间"] == EPOCH_TEXT  # SOURCE_DATE_EPOCH was set for this render


def test_seed_report_is_chinese_small_and_offline(seed) -> None:
    rendered, html, doc = seed
    assert doc.find("html").attrs.get("lang") == "zh"
    assert doc.find("meta").attrs.get("charset", "").lower() == "utf-8"
    assert rendered.html.stat().st_size < MAX_BYTES, rendered.html.stat().st_size
    assert "http://" not in html and "https://" not in html
    assert not doc.find_all("script") and not doc.find_all("link") and not doc.find_all("iframe")
    for node in doc.iter():  # nothing is fetched: images are inline data
        for attr in ("src", "href"):
            value = node.attrs.get(attr)
            assert value is None or value.startswith(("data:", "#")), (node.tag, attr, value[:80])


def test_seed_report_shows_no_code_and_no_stderr(seed) -> None:
    _, html, doc = seed
    text = doc.text()
    for code in ("report.", "import", "In [", "In\xa0[", "open_report", "project_path"):
        assert code not in text, code
    assert "In&nbsp;[" not in html
    assert not doc.find_all("pre") and not doc.find_all("textarea")
    for cls in ("input", "input_area", "highlight", "output_stderr", "output_error", "prompt"):
        assert not doc.find_all(cls=cls), cls
    assert not re.search(r"Warning|Traceback|stderr", text)


def test_export_drops_stderr_that_a_cell_printed(seed, exporter) -> None:
    """Warnings and logging a cell writes to stderr stay in the audit notebook, not in the page."""
    rendered, _, _ = seed
    nb = nbformat.read(rendered.notebook, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and "report.overview()" in c.source)
    cell.outputs.insert(0, new_output("stream", name="stderr", text="UserWarning: STDERR-MARKER\n"))
    cell.outputs.insert(0, new_output("stream", name="stdout", text="STDOUT-MARKER\n"))
    body, _ = exporter.from_notebook_node(nb, resources={"language_code": "zh"})
    assert "STDERR-MARKER" not in body
    assert "STDOUT-MARKER" in body  # only stderr is dropped


def test_seed_run_writes_the_report_and_the_executed_notebook(seed) -> None:
    rendered, _, _ = seed
    out = rendered.html.parents[1]
    assert rendered.html == out / DEPARTMENT / f"{PROJECT_ID}.html"
    assert sorted(p.name for p in rendered.html.parent.iterdir()) == [
        f"{PROJECT_ID}-绩效评价报告.html",  # the document submitted
        f"{PROJECT_ID}.html",  # the 复核底稿
        f"{PROJECT_ID}.ipynb",
    ]
    assert rendered.report == out / DEPARTMENT / f"{PROJECT_ID}-绩效评价报告.html"
    assert (rendered.project_id, rendered.department) == (PROJECT_ID, DEPARTMENT)
    nb = nbformat.read(rendered.notebook, as_version=4)
    assert "80.13" in str([c.get("outputs") for c in nb.cells])
    assert {"kernel_start", "execution", "export", "total"} <= set(rendered.timings)
    assert rendered.html.stat().st_mode & 0o044 == 0o044  # readable like any published file


# ------------------------------------------------------------------------------ reproducible


@pytest.fixture(scope="module")
def second_render(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The seed again, elsewhere, with a fresh exporter, over a stale `.failed.ipynb`."""
    out = tmp_path_factory.mktemp("again") / "other-out"
    (out / DEPARTMENT / ".failed").mkdir(parents=True)
    (out / DEPARTMENT / ".failed" / f"{PROJECT_ID}.ipynb").write_text("{}", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        return render_project(SEED, out)


def test_source_date_epoch_makes_the_html_byte_identical(seed, second_render) -> None:
    rendered, _, _ = seed
    assert second_render.html.read_bytes() == rendered.html.read_bytes()
    assert EPOCH_TEXT in second_render.html.read_text(encoding="utf-8")


def test_a_good_run_removes_a_stale_failed_notebook(second_render) -> None:
    assert not (second_render.html.parent / ".failed" / f"{PROJECT_ID}.ipynb").exists()


# ------------------------------------------------------------------------------ edge cases

LONG = "为全面提升基层综合治理与信访维稳工作的规范化、标准化和信息化水平而开展的专项行动<第二期>&" * 12
assert len(LONG) > 500


def sixty() -> list[dict]:
    rows = []
    for i in range(60):
        level1 = ("产出指标", "效益指标", "满意度指标")[i % 3]
        name = f"第{i + 1}项指标"
        if i % 5 == 0:
            rows.append(qual(name, level1, weight=1.5))
        elif i % 7 == 0:
            rows.append(ind(name, "100万元", f"{90 + i}万元", "万元", "≤", level1, weight=1.5))
        else:
            rows.append(ind(name, "100%", f"{40 + i}%", "%", "≥", level1, weight=1.5))
    return rows


EDGE_CASES: dict[str, tuple[dict, list[str]]] = {  # name → (project, texts the report must show)
    "only-qualitative": (
        project_doc(
            [
                qual("群众安全感提升", weight=30),
                qual("持续加大综治宣传", level2="可持续影响指标", weight=20),
                qual("群众满意", "满意度指标", "服务对象满意度指标", weight=10),
            ]
        ),
        ["群众安全感提升", "群众满意"],
    ),
    "single-indicator": (
        project_doc([ind("接待信访群众", "200人次", "146人次", "人次", weight=10)]),
        ["146人次 ÷ 200人次 = 73.0%"],
    ),
    "sixty-indicators": (project_doc(sixty()), ["第1项指标", "第60项指标"]),
    "no-line-items": (
        project_doc(
            [ind("宣传活动", "50篇次", "60篇次", "篇次")],
            budget=[{"source": "年度资金总额", "initial": 60, "adjusted": 60, "executed": 53}],
        ),
        ["未填报支出明细"],
    ),
    "category-nothing-itemised": (  # nothing under 效益指标 at all
        project_doc(
            [
                ind("宣传活动", "50篇次", "50篇次", "篇次", weight=50),
                ind("满意度", "90%", "95%", "%", level1="满意度指标", level2="服务对象满意度指标", weight=10),
            ]
        ),
        ["效益指标"],
    ),
    "long-names-and-reasons": (
        project_doc(
            [
                ind(LONG, "100%", "70%", "%", deviation_reason="原因：" + LONG),
                qual(LONG + "（定性）", deviation_reason=LONG),
            ],
            budget=[
                {"source": "年度资金总额", "initial": 100, "adjusted": 100, "executed": 104},
                {"source": "当年财政拨款", "initial": 100, "adjusted": 100, "executed": 104},
                {"source": LONG, "initial": 40, "adjusted": 40, "executed": 52},
                {"source": "印刷宣传资料", "initial": 60, "adjusted": 60, "executed": 52},
            ],
            name=LONG,
            department="部门" + LONG,
            unit=LONG,
            project_id="id-" + "长" * 300,
            goal_planned=LONG,
            goal_actual=LONG,
        ),
        [LONG, "原因：" + LONG],
    ),
    # ids are often the Chinese project name: 80 characters of it are 240 bytes of a 255-byte file name
    "long-chinese-project-id": (
        project_doc(
            [ind("宣传活动", "50篇次", "50篇次", "篇次")], project_id="综治信访" * 75, department="综治" * 100
        ),
        ["综治信访" * 75],
    ),
    "not-applicable-indicator": (
        project_doc(
            [
                ind("宣传活动", "50篇次", "40篇次", "篇次", weight=20),
                ind("不适用的指标", "10次", "0次", "次", weight=10, applicable="否"),
            ]
        ),
        ["不适用的指标", "不适用"],
    ),
    "path-traversal-ids": (
        project_doc(
            [ind("宣传活动", "50篇次", "50篇次", "篇次")], project_id="../../etc/x", department="../a/b"
        ),
        ["../../etc/x", "../a/b"],
    ),
}


@pytest.mark.parametrize("case", list(EDGE_CASES))
def test_edge_case_renders_inside_out(case: str, tmp_path: Path, exporter) -> None:  # type: ignore[no-untyped-def]
    doc, texts = EDGE_CASES[case]
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    path = write_doc(inputs, doc, case)
    rendered = render_project(path, out, exporter=exporter)

    assert rendered.html.is_file() and rendered.notebook.is_file()
    assert_inside(out, rendered.html, rendered.notebook)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]  # nothing written beside --out
    assert sorted(p.name for p in inputs.iterdir()) == [path.name]
    assert leftovers(out) == []
    assert sorted(p.name for p in out.rglob("*.html")) == sorted([rendered.html.name, rendered.report.name])
    html = rendered.html.read_text(encoding="utf-8")
    page = parse(html)
    text = page.text()
    assert all(any(name in h for h in headings(page)) for name in SECTIONS), headings(page)
    assert doc["name"] in text
    for expected in texts:
        assert expected in text, expected[:60]
    assert "<第二期>" not in html  # input text is escaped
    assert len(html.encode()) < MAX_BYTES, len(html.encode())

    if case == "sixty-indicators":
        rows = page.find("table", cls="indicators").find("tbody").find_all("tr")
        assert len(rows) == 60
    if case == "category-nothing-itemised":
        rows = {
            tr.find_all("td")[0].text(): [td.text() for td in tr.find_all("td")]
            for tr in page.find("table", cls="categories").find("tbody").find_all("tr")
        }
        assert rows["效益指标"][1:4] == ["30", "0", "0.00"], rows["效益指标"]
    if case == "path-traversal-ids":
        assert rendered.html.relative_to(out) == Path("_a_b") / "_.._etc_x.html"


# ------------------------------------------------------------------------------ failures


def inject(source: str) -> nbformat.NotebookNode:
    """notebooks/evaluation.ipynb with one extra code cell before its last section."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    last = max(n for n, c in enumerate(nb.cells) if c.cell_type == "markdown" and c.source.startswith("## "))
    assert "来源与版本" in nb.cells[last].source
    nb = copy.deepcopy(nb)
    cell = new_code_cell(source, metadata={"tags": ["remove-input"]})
    cell["id"] = "injected-failure"
    nb.cells.insert(last, cell)
    return nb


FAILURES: dict[str, tuple[str, int, str]] = {  # name → (cell source, timeout, what the cause must say)
    "exception": ('raise RuntimeError("boom")', 120, r"RuntimeError.*boom"),
    "timeout": ("import time; time.sleep(30)", 3, r"超过 3 秒"),
    "dead-kernel": ("import os; os.kill(os.getpid(), 9)", 120, r"内核"),
    "sys-exit": ("import sys; sys.exit(0)", 120, r"SystemExit|未执行完"),
}


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("broken-notebooks")
    paths = {}
    for name, (source, _, _) in FAILURES.items():
        paths[name] = directory / f"{name}.ipynb"
        nbformat.write(inject(source), paths[name])
    return paths


@pytest.mark.parametrize("case", list(FAILURES))
def test_failed_run_is_a_report_error_with_an_audit_notebook_and_no_html(
    case: str, broken: dict[str, Path], tmp_path: Path, kernel_tmp: Path
) -> None:
    _, timeout, cause = FAILURES[case]
    out = tmp_path / "out"
    children = child_pids()
    with pytest.raises(ReportError) as info:
        render_project(SEED, out, notebook=broken[case], timeout=timeout)
    exc = info.value
    assert exc.project == PROJECT_ID and f"「{PROJECT_ID}」" in str(exc)
    assert re.search(cause, exc.cause), exc.cause
    assert exc.cause in str(exc)
    # the kernel is gone and its socket directory removed
    assert child_pids() <= children
    assert list(kernel_tmp.iterdir()) == []

    assert list(out.rglob("*.html")) == []
    assert leftovers(out) == []
    failed = out / DEPARTMENT / ".failed" / f"{PROJECT_ID}.ipynb"
    assert failed.is_file(), (
        f"no audit notebook; ReportError points at {exc.notebook}; out holds {leftovers(out)}"
    )
    assert exc.notebook == failed and str(failed) in str(exc)
    audit = nbformat.read(failed, as_version=4)
    assert any(c.get("id") == "injected-failure" for c in audit.cells)
    assert not (out / DEPARTMENT / f"{PROJECT_ID}.ipynb").exists()


def test_failed_run_keeps_the_previous_good_report(seed, broken: dict[str, Path], tmp_path: Path) -> None:
    rendered, _, _ = seed
    out = tmp_path / "out"
    shutil.copytree(rendered.html.parents[1], out)  # a good render of this project, as it was published
    html, nb = out / DEPARTMENT / f"{PROJECT_ID}.html", out / DEPARTMENT / f"{PROJECT_ID}.ipynb"
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino) for p in (html, nb)}
    with pytest.raises(ReportError):
        render_project(SEED, out, notebook=broken["exception"])
    for p, (data, mtime, ino) in before.items():
        assert (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino) == (data, mtime, ino), p.name
    assert (out / DEPARTMENT / ".failed" / f"{PROJECT_ID}.ipynb").is_file()
    assert leftovers(out) == []


def test_one_projects_audit_name_never_touches_another_projects_files(tmp_path: Path, exporter) -> None:  # type: ignore[no-untyped-def]
    """Audit notebooks once lived at `<id>.failed.ipynb`, the name of project `x.failed`'s executed
    notebook: a good run of `x` (which clears its stale audit notebook) must not delete that file."""
    out = tmp_path / "out"
    other = render_project(
        write_doc(
            tmp_path, project_doc([ind("宣传活动", "50篇次", "50篇次", "篇次")], project_id="x.failed")
        ),
        out,
        exporter=exporter,
    )
    assert other.notebook.name == "x.failed.ipynb"
    render_project(
        write_doc(tmp_path, project_doc([ind("宣传活动", "50篇次", "50篇次", "篇次")], project_id="x")),
        out,
        exporter=exporter,
    )
    assert other.html.is_file()
    assert other.notebook.is_file(), "the good run of project x deleted project x.failed's executed notebook"


def test_export_failure_is_a_report_error(tmp_path: Path) -> None:
    """render_project promises InputError or ReportError: an exporter that fails is a failed run too."""

    class BrokenExporter:
        def from_notebook_node(self, nb, resources=None, **kw):  # type: ignore[no-untyped-def]
            raise ValueError("template exploded")

    out = tmp_path / "out"
    with pytest.raises(ReportError) as info:
        render_project(SEED, out, exporter=BrokenExporter())
    assert info.value.project == PROJECT_ID and "template exploded" in info.value.cause
    assert list(out.rglob("*.html")) == []
    assert leftovers(out) == []


def test_invalid_input_is_an_input_error_before_any_kernel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_doc(
        tmp_path, project_doc([ind("宣传活动", "50篇次", "50篇次", "篇次", weight="十分")]), "bad"
    )

    def no_kernel(*a: object, **kw: object) -> None:
        raise AssertionError("a kernel was started for an invalid input")

    monkeypatch.setattr(render, "execute", no_kernel)
    out = tmp_path / "out"
    with pytest.raises(evalcore.InputError) as info:
        render_project(path, out)
    message = str(info.value)
    assert path.name in message and "indicators[0].weight" in message and "十分" in message
    assert not out.exists() or list(out.rglob("*")) == []


def test_unfinished_notebook_is_refused() -> None:
    """What papermill calls success after `sys.exit()` when the kernel records no error: cells never run."""
    nb = nbformat.v4.new_notebook(
        cells=[new_code_cell("report.header()", execution_count=1), new_code_cell("report.provenance()")]
    )
    with pytest.raises(ReportError, match="未执行完") as info:
        check_complete(nb, "p-1", Path("p-1.failed.ipynb"))
    assert info.value.project == "p-1"


# ------------------------------------------------------------------------------ the command line


def test_cli_report_writes_the_html_and_prints_its_path(tmp_path: Path) -> None:
    proc = run_cli("report", SEED, "--out", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    html = tmp_path / "out" / DEPARTMENT / f"{PROJECT_ID}.html"
    assert html.is_file()
    assert str(html) in proc.stdout
    assert "Traceback" not in proc.stderr


def test_cli_report_bad_input_exits_1_with_one_line(tmp_path: Path) -> None:
    path = write_doc(
        tmp_path, project_doc([ind("宣传活动", "50篇次", "50篇次", "篇次", weight="十分")]), "bad"
    )
    proc = run_cli("report", path, "--out", tmp_path / "out")
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0], proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert not list((tmp_path / "out").rglob("*.html")) if (tmp_path / "out").exists() else True


def test_cli_report_failed_run_exits_1_with_one_line(tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nbformat.write(inject('raise RuntimeError("boom")'), notebooks / "evaluation.ipynb")
    proc = run_cli("report", SEED, "--out", tmp_path / "out", EVALCORE_NOTEBOOKS=str(notebooks))
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and PROJECT_ID in lines[0] and "boom" in lines[0], proc.stderr
    assert not list((tmp_path / "out").rglob("*.html"))


def test_cli_report_unknown_scheme_exits_2(tmp_path: Path) -> None:
    proc = run_cli("report", SEED, "--out", tmp_path / "out", "--scheme", "nonexistent")
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "nonexistent" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


def test_papermill_by_hand_as_the_notebook_says(tmp_path: Path) -> None:
    out = tmp_path / "OUT.ipynb"
    proc = subprocess.run(
        [
            str(BIN / "papermill"),
            "notebooks/evaluation.ipynb",
            str(out),
            "-p",
            "project_path",
            "data/seed/nc-scjg-2019-zzxf.yaml",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    nb = nbformat.read(out, as_version=4)
    shown = "".join(
        str(o.get("data", {}).get("text/html", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    assert "80.13" in shown
    assert all(c.execution_count is not None for c in nb.cells if c.cell_type == "code")
