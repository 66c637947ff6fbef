"""The portfolio index (`index.html`) a batch publishes: SPEC, Reports — every project with
department, budget, execution rate, score, grade, finding count and a link; distributions by
department; failed projects listed with their error.

Most tests read `summary.json` / `manifest.json` fixtures written here (no kernel). One real batch
(`run_batch` on six seed copies and one broken YAML, which renders the index at its end through
papermill and nbconvert) is shared by the tests of the published page; one more index render proves
byte-identical output under SOURCE_DATE_EPOCH, and one broken notebook proves the failure handling.
The last test opens the page in chromium (Playwright, offline) and filters and sorts the table.
"""

from __future__ import annotations

import base64
import copy
import io
import logging
import re
import statistics
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import nbformat
import orjson
import pytest
import yaml
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell
from PIL import Image

from evalcore.errors import ReportError
from evalcore.findings import titles
from evalcore.pipeline import portfolio as pipeline_portfolio
from evalcore.pipeline.batch import run_batch
from evalcore.presentation.portfolio_index import PortfolioIndex, one_line, to_wan
from evalcore.presentation.portfolio_page import IndexPage

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed" / "nc-scjg-2019-zzxf.yaml"
NOTEBOOK = ROOT / "notebooks" / "portfolio.ipynb"
BIN = Path(sys.executable).parent
EPOCH = "1700000000"
HOSTILE = "<script>alert(1)</script>"
HOSTILE_DEPT = '"><img src=x onerror="window.__xss=1">卫健委'

# ------------------------------------------------------------------------------------ fixtures


def _row(
    pid: str,
    name: str,
    dept: str,
    adjusted: float,
    executed: float,
    total: float,
    grade: str,
    codes: str = "",
    reported: float | None = None,
    unit: str = "万元",
    status: str = "done",
    html: str | None = "auto",
) -> dict[str, Any]:
    return {
        "project_id": pid,
        "name": name,
        "department": dept,
        "year": 2019,
        "scheme": "self-2020",
        "adjusted": adjusted,
        "executed": executed,
        "execution_rate": executed / adjusted if adjusted else None,
        "total": total,
        "grade": grade,
        "reported_total": reported,
        "reported_grade": None if reported is None else "优",
        "findings": len(codes.split()),
        "finding_codes": codes,
        "amount_unit": unit,
        "status": status,
        "html": (f"{dept}/{pid}.html" if html == "auto" else html) if status != "failed" else None,
    }


ROWS = [
    _row("a-1", "综治信访", "市场监管局", 60, 53, 80.13, "良", "R001 R004", 90.1),
    _row("a-2", HOSTILE, "市场监管局", 1200, 1100, 91.5, "优", "R004", 95),
    _row("b-1", "校园安全", "教育局", 5.5, 5.5, 76.3, "中", "R009"),
    _row(
        "b-2", "教师培训 & 研修", "教育局", 2_000_000, 1_500_000, 58.2, "差", "R001 R004 R012", 70, unit="元"
    ),
    _row("c-1", "疫苗接种", HOSTILE_DEPT, 0, 0, 88.0, "良"),  # no budget: no execution rate
    _row("c-2", "基层医疗", HOSTILE_DEPT, 300, 310, 95.0, "优", "R009 R010", 95, status="failed"),
]
MANIFEST = [
    {
        "project_id": "c-2",
        "name": "基层医疗",
        "department": HOSTILE_DEPT,
        "html": f"{HOSTILE_DEPT}/c-2.html",
        "status": "failed",
        "seconds": 3.2,
        "error": '第 5 个单元格出错：ValueError: <b>bad</b> value\nTraceback (most recent call last):\n  File "x.py"',
        "notebook": None,
    },
    {
        "project_id": None,
        "status": "invalid",
        "where": {"file": "/data/坏文件.yaml", "row": 4},
        "error": '/data/坏文件.yaml 第 4 行：YAML 无法解析\n  in "<unicode string>", line 4',
    },
    {
        "project_id": "d-9",
        "name": "<img src=x onerror=alert(2)>",
        "department": "财政局",
        "status": "invalid",
        "error": "Traceback (most recent call last):\n  File \"a.py\", line 1\nKeyError: 'budget'",
    },
    *[
        {
            "project_id": r["project_id"],
            "name": r["name"],
            "department": r["department"],
            "html": r["html"],
            "status": "done",
            "seconds": 1.0,
        }
        for r in ROWS
        if r["status"] == "done"
    ],
]


def write_folder(
    out: Path, rows: list[dict] = ROWS, manifest: list[dict] = MANIFEST, reports: bool = True
) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_bytes(orjson.dumps({"projects": rows}))
    (out / "manifest.json").write_bytes(orjson.dumps({"projects": manifest}))
    if reports:
        for r in rows:
            if r.get("html"):
                (out / r["html"]).parent.mkdir(parents=True, exist_ok=True)
                (out / r["html"]).write_text("<html></html>", encoding="utf-8")
    return out


@pytest.fixture
def index(tmp_path: Path) -> PortfolioIndex:
    return PortfolioIndex.from_folder(write_folder(tmp_path / "out"))


def soup(fragment: Any) -> BeautifulSoup:
    return BeautifulSoup(str(fragment.html), "html.parser")


# --------------------------------------------------------------------------- sections (no kernel)


def test_headline_numbers_are_the_sums_and_counts_of_the_rows(index: PortfolioIndex) -> None:
    adjusted = sum(r["adjusted"] / (10000 if r["amount_unit"] == "元" else 1) for r in ROWS)
    executed = sum(r["executed"] / (10000 if r["amount_unit"] == "元" else 1) for r in ROWS)
    h = index.headline_figures()
    assert h.projects == 6
    (y,) = h.by_year  # every row is of 2019: one year's figures
    assert y.year == 2019 and y.projects == 6
    assert y.adjusted == pytest.approx(60 + 1200 + 5.5 + 200 + 0 + 300)
    assert y.adjusted == pytest.approx(adjusted) and y.executed == pytest.approx(executed)
    assert y.execution_rate == pytest.approx(executed / adjusted)
    assert y.mean_score == pytest.approx(statistics.fmean(r["total"] for r in ROWS))
    assert y.grades == {"优": 2, "良": 2, "中": 1, "差": 1}
    assert y.with_findings == 5
    assert (h.failed, h.invalid) == (1, 2)
    stats = {
        d["data-stat"]: d.find(class_="value").get_text()
        for d in soup(IndexPage(index).headline()).select("[data-stat]")
    }
    assert stats["projects"] == "6"
    assert stats["adjusted"] == f"{adjusted:,.2f}" == "1,765.50"
    assert stats["executed"] == f"{executed:,.2f}"
    assert stats["execution_rate"] == f"{executed / adjusted * 100:.2f}%"
    assert stats["mean_score"] == f"{statistics.fmean(r['total'] for r in ROWS):.2f}"
    assert stats["grades"] == "优 2 · 良 2 · 中 1 · 差 1"
    assert stats["with_findings"] == "5"
    assert stats["failed"] == "3"


def test_amounts_in_yuan_are_added_as_wan() -> None:
    assert to_wan(2_000_000, "元") == 200
    assert to_wan(53, "万元") == 53
    assert to_wan(None, "元") is None


def test_table_lists_every_project_with_its_figures_and_a_relative_link(index: PortfolioIndex) -> None:
    page = soup(IndexPage(index).table())
    trs = page.select("#pf-table tbody tr")
    assert len(trs) == len(ROWS)
    by_id = {tr.select_one(".pid").get_text(): tr for tr in trs}
    assert set(by_id) == {r["project_id"] for r in ROWS}
    for r in ROWS:
        tr = by_id[r["project_id"]]
        cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        assert r["name"] in cells[0] and cells[1] == r["department"] and cells[2] == "2019"
        assert tr["data-dept"] == r["department"] and tr["data-grade"] == r["grade"]
        assert tr["data-year"] == "2019"
        assert cells[5] == f"{r['total']:.2f}" and cells[6] == r["grade"]
        assert cells[8].split()[0] == str(r["findings"])
        link = tr.find("a")
        if r["status"] == "failed":
            assert link is None and "报告生成失败" in cells[0]
        else:
            assert link is not None and unquote(link["href"]) == r["html"]
            assert not link["href"].startswith(("/", "http", "file")) and ".." not in link["href"]
    assert by_id["b-2"].find_all("td")[3].get_text() == "200.00"  # 2,000,000 元
    assert by_id["c-1"].find_all("td")[4].get_text() == "—"  # no budget, no rate
    assert by_id["b-1"].find_all("td")[7].get_text() == "—"  # no self-evaluation
    # sort values are numbers, so 1,200 sorts above 60 and 5.5
    assert [by_id[p].find_all("td")[3]["data-v"] for p in ("a-1", "a-2", "b-1")] == ["60", "1200", "5.5"]
    # the filters offer every department and grade
    assert [o["value"] for o in page.select("#pf-dept option")] == ["", HOSTILE_DEPT, "市场监管局", "教育局"]
    assert [o["value"] for o in page.select("#pf-grade option")] == ["", "优", "良", "中", "差"]
    assert [o["value"] for o in page.select("#pf-year option")] == ["", "2019"]


def test_no_link_to_a_report_that_is_not_there_or_not_inside_the_folder(tmp_path: Path) -> None:
    rows = [
        _row("x-1", "缺", "局", 1, 1, 90, "优"),
        _row("x-2", "外", "局", 1, 1, 90, "优", html="../../etc/passwd"),
        _row("x-3", "绝对", "局", 1, 1, 90, "优", html="/etc/passwd"),
        _row("x-4", "脚本", "局", 1, 1, 90, "优", html="javascript:alert(1)"),
    ]
    out = write_folder(tmp_path / "out", rows, [], reports=False)
    (out / "局").mkdir()
    (out / "局" / "x-9.html").write_text("x", encoding="utf-8")
    page = soup(IndexPage(PortfolioIndex.from_folder(out)).table())
    assert page.find("a") is None
    assert page.get_text().count("报告缺失") == 4


def test_every_input_string_is_escaped(index: PortfolioIndex) -> None:
    page = IndexPage(index)
    html = "".join(str(f.html) for f in (page.header(), page.headline(), page.table(), page.failures()))
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = BeautifulSoup(html, "html.parser")
    assert page.find("script") is None and page.find("img") is None
    assert HOSTILE in page.get_text() and HOSTILE_DEPT in page.get_text()
    assert not [a for t in page.find_all(True) for a in t.attrs if a.startswith("on")]


def test_failures_are_listed_with_a_one_line_reason_and_no_traceback(index: PortfolioIndex) -> None:
    page = soup(IndexPage(index).failures())
    rows = [[td.get_text() for td in tr.find_all("td")] for tr in page.select("table.failures tbody tr")]
    assert len(rows) == 3
    assert (
        rows[0][:2] == ["报告生成失败", "c-2"]
        and rows[0][4] == "第 5 个单元格出错：ValueError: <b>bad</b> value"
    )
    invalid = {r[2]: r for r in rows[1:]}
    assert invalid["坏文件.yaml"][4] == "/data/坏文件.yaml 第 4 行：YAML 无法解析"
    assert invalid["<img src=x onerror=alert(2)>"][4] == "KeyError: 'budget'"
    text = page.get_text()
    assert "Traceback" not in text and "File " not in text and "unicode string" not in text
    assert "\n" not in "".join(r[4] for r in rows)


def test_a_failed_run_links_its_audit_notebook_when_it_is_in_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    audit = out / "局" / "z-1.failed.ipynb"
    elsewhere = tmp_path / "z-2.failed.ipynb"
    entries = [
        {
            "project_id": pid,
            "name": pid,
            "department": "局",
            "status": "failed",
            "error": "内核意外退出",
            "notebook": str(nb),
        }
        for pid, nb in (("z-1", audit), ("z-2", elsewhere))
    ]
    write_folder(out, [], entries)
    audit.parent.mkdir(parents=True)
    for nb in (audit, elsewhere):
        nb.write_text("{}", encoding="utf-8")
    links = [a["href"] for a in soup(IndexPage(PortfolioIndex.from_folder(out)).failures()).find_all("a")]
    assert links == ["%E5%B1%80/z-1.failed.ipynb"]  # 局/…, percent-encoded; nothing outside the folder


def test_no_failures_says_so(tmp_path: Path) -> None:
    out = write_folder(tmp_path / "out", ROWS[:2], MANIFEST[3:5])
    index = PortfolioIndex.from_folder(out)
    assert "没有失败或输入无效的项目" in soup(IndexPage(index).failures()).get_text()
    assert index.headline_figures().failed == 0


@pytest.mark.parametrize(
    ("recorded", "shown"),
    [
        (
            "第 3 个单元格出错：KeyError: 'x'\nTraceback (most recent call last):\n  File y",
            "第 3 个单元格出错：KeyError: 'x'",
        ),
        ('Traceback (most recent call last):\n  File "a", line 2\nValueError: 坏', "ValueError: 坏"),
        ("\x1b[0;31mValueError\x1b[0m: 颜色", "ValueError: 颜色"),
        ("", "（未记录原因）"),
        (None, "（未记录原因）"),
        ("  \n 内核意外退出 \n", "内核意外退出"),
        ("长" * 500, "长" * 299 + "…"),
    ],
)
def test_one_line(recorded: str | None, shown: str) -> None:
    assert one_line(recorded) == shown


def test_charts_are_deterministic_pngs_with_no_font_warning(
    index: PortfolioIndex, caplog: pytest.LogCaptureFixture
) -> None:
    with warnings.catch_warnings(record=True) as seen, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        first = IndexPage(index).charts()
        second = IndexPage(PortfolioIndex(index.rows, index.manifest, index.out_dir)).charts()
    assert [str(w.message) for w in seen] == []
    assert [r.getMessage() for r in caplog.records if r.name.startswith("matplotlib")] == []
    assert str(first.html) == str(second.html)
    images = soup(first).find_all("img")
    assert len(images) == 5  # score histogram, grades by department, scatter, ranking, findings
    for img in images:
        assert img["src"].startswith("data:image/png;base64,") and img["alt"]
        data = base64.b64decode(img["src"].split(",", 1)[1])
        assert data.startswith(b"\x89PNG") and Image.open(io.BytesIO(data)).size[0] == 960


def test_findings_chart_names_each_code_by_its_spec_meaning(
    index: PortfolioIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[str] = []
    from matplotlib.axes import Axes

    original = Axes.set_yticks

    def record(self, ticks, labels=None, **kw):  # type: ignore[no-untyped-def]
        drawn.extend(labels or [])
        return original(self, ticks, labels, **kw)

    monkeypatch.setattr(Axes, "set_yticks", record)
    from evalcore.presentation.charts.portfolio import findings_by_code

    findings_by_code(index)
    flat = [label.replace("\n", "") for label in drawn]
    assert flat[:2] == [
        f"R004 {titles()['R004']}",
        f"R001 {titles()['R001']}",
    ]  # 3 projects, then 2 (code order)


def test_an_empty_batch_still_gives_an_index(tmp_path: Path) -> None:
    index = PortfolioIndex.from_folder(write_folder(tmp_path / "out", [], []))
    page = IndexPage(index)
    for section in (page.header(), page.headline(), page.table(), page.charts(), page.failures()):
        assert str(section.html)
    assert index.headline_figures().by_year == ()  # no year, no figures


def test_a_folder_without_a_summary_is_a_clear_error(tmp_path: Path) -> None:
    from evalcore.errors import EvalcoreError

    with pytest.raises(EvalcoreError, match=r"summary\.json"):
        PortfolioIndex.from_folder(tmp_path)


def test_the_notebook_is_what_the_script_writes() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import make_portfolio_notebook
    finally:
        sys.path.pop(0)
    committed = nbformat.read(NOTEBOOK, as_version=4)
    assert nbformat.writes(committed) == nbformat.writes(make_portfolio_notebook.build())
    params = [c for c in committed.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and "reports_dir" in params[0].source


# ----------------------------------------------------------------------- a real batch and index


def seed_tree(base: Path) -> Path:
    """Six seed copies in three departments (one named with a script tag, budgets whose text order is
    not their number order) and one YAML that does not parse."""
    seed = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    specs = [
        ("p-001", "市场监管局", "综治信访", 60, 53),
        ("p-002", "市场监管局", HOSTILE, 1200, 1200),
        ("p-003", "教育局", "校园安全", 5.5, 2.5),
        ("p-004", "教育局", "教师培训 & 研修", 300, 290),
        ("p-005", "卫生 & 健康委", "疫苗接种", 80, 80),
        ("p-006", "卫生 & 健康委", "基层医疗", 45, 30),
    ]
    data = base / "data"
    data.mkdir()
    for pid, dept, name, adjusted, executed in specs:
        doc = copy.deepcopy(seed)
        doc.update(project_id=pid, department=dept, name=name)
        for row in doc["budget"]:
            row.update(initial=adjusted, adjusted=adjusted, executed=executed)
        for ind in doc["indicators"]:
            if ind["name"] == "控制在成本内":
                ind["target"], ind["actual"] = f"{adjusted}万元", f"{executed}万元"
        (data / f"{pid}.yaml").write_text(
            yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    (data / "broken.yaml").write_text("project_id: bad-1\nname: 坏\nbudget: [1\n", encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("portfolio")
    data = seed_tree(base)
    out = base / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        result = run_batch(data, out, params_dir=base / "params", workers=2)
        first = (out / "index.html").read_bytes()
        pipeline_portfolio.render_index(
            out, key=pipeline_portfolio.index_key(out)
        )  # a second render, as a batch does it
    summary = orjson.loads((out / "summary.json").read_bytes())["projects"]
    return {
        "out": out,
        "result": result,
        "summary": summary,
        "first": first,
        "html": (out / "index.html").read_text(encoding="utf-8"),
    }


def test_batch_publishes_the_index_and_its_notebook(batch: dict[str, Any]) -> None:
    out = batch["out"]
    assert (out / "index.html").is_file() and (out / "index.ipynb").is_file()
    assert not (out / ".failed" / "index.ipynb").exists()
    assert [p.name for p in out.glob(".*")] == []  # no temporary left
    assert batch["result"].count("done") == 6 and batch["result"].count("invalid") == 1


def test_index_lists_every_project_with_a_working_link(batch: dict[str, Any]) -> None:
    page = BeautifulSoup(batch["html"], "html.parser")
    trs = page.select("#pf-table tbody tr")
    assert len(trs) == len(batch["summary"]) == 6
    shown = {tr.select_one(".pid").get_text(): tr for tr in trs}
    for row in batch["summary"]:
        link = shown[row["project_id"]].find("a", class_="report")
        assert link.get_text() == row["name"]
        target = batch["out"] / unquote(link["href"])
        assert target.is_file() and target.resolve().is_relative_to(batch["out"].resolve())
        assert row["project_id"] in target.read_text(encoding="utf-8")


def test_index_headline_matches_the_summary(batch: dict[str, Any]) -> None:
    rows = batch["summary"]
    page = BeautifulSoup(batch["html"], "html.parser")
    stats = {d["data-stat"]: d.find(class_="value").get_text() for d in page.select("[data-stat]")}
    adjusted, executed = sum(r["adjusted"] for r in rows), sum(r["executed"] for r in rows)
    assert stats["adjusted"] == f"{adjusted:,.2f}" == "1,690.50"
    assert stats["execution_rate"] == f"{executed / adjusted * 100:.2f}%"
    assert stats["mean_score"] == f"{statistics.fmean(r['total'] for r in rows):.2f}"
    assert stats["with_findings"] == str(sum(1 for r in rows if r["findings"]))
    assert stats["failed"] == "1"


def test_index_lists_the_invalid_input_with_its_one_line_reason(batch: dict[str, Any]) -> None:
    page = BeautifulSoup(batch["html"], "html.parser")
    rows = [[td.get_text() for td in tr.find_all("td")] for tr in page.select("table.failures tbody tr")]
    assert len(rows) == 1 and rows[0][0] == "输入无效" and rows[0][2] == "broken.yaml"
    assert "YAML 无法解析" in rows[0][4] and "Traceback" not in batch["html"]


def test_index_is_escaped_offline_and_has_only_its_own_script(batch: dict[str, Any]) -> None:
    html = batch["html"]
    page = BeautifulSoup(html, "html.parser")
    scripts = page.find_all("script")
    assert len(scripts) == 1 and scripts[0].string == pipeline_portfolio.script()[0]
    csp = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert f"'sha256-{pipeline_portfolio.script()[1]}'" in csp and "default-src 'none'" in csp
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and HOSTILE in page.get_text()
    assert not re.search(r"https?://", html, re.I)
    assert page.html["lang"] == "zh"
    images = page.find_all("img")
    assert len(images) == 5 and all(i["src"].startswith("data:image/png;base64,") for i in images)
    for code in ("open_index", "index.table()", "reports_dir", "In ["):
        assert code not in page.get_text()


def test_the_table_script_reads_the_page_and_never_writes_markup() -> None:
    text, digest = pipeline_portfolio.script()
    for sink in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "Function(",
        "setTimeout(",
        "fetch(",
        "XMLHttpRequest",
        "import(",
        "src",
        "href",
    ):
        assert sink not in text, sink
    assert "</" not in text and len(base64.b64decode(digest)) == 32


def test_index_is_byte_identical_across_renders_with_source_date_epoch(batch: dict[str, Any]) -> None:
    assert (batch["out"] / "index.html").read_bytes() == batch["first"]
    assert "2023-11-15 06:13（北京时间）" in batch["html"]  # SOURCE_DATE_EPOCH 22:13 UTC, in Beijing time


def test_a_failed_index_run_is_a_report_error_and_keeps_the_previous_index(
    batch: dict[str, Any], tmp_path: Path
) -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.insert(len(nb.cells) - 1, new_code_cell('raise RuntimeError("坏了")'))
    broken = tmp_path / "portfolio.ipynb"
    nbformat.write(nb, broken)
    out = tmp_path / "out"
    out.mkdir()
    for name in ("summary.json", "manifest.json"):
        (out / name).write_bytes((batch["out"] / name).read_bytes())
    (out / "index.html").write_text("previous", encoding="utf-8")
    with pytest.raises(ReportError, match=r"项目总览.*RuntimeError: 坏了") as err:
        pipeline_portfolio.render_index(out, notebook=broken)
    assert err.value.notebook == out.resolve() / ".failed" / "index.ipynb" and err.value.notebook.is_file()
    assert (out / "index.html").read_text(encoding="utf-8") == "previous"
    assert not (out / "index.ipynb").exists() and [p.name for p in out.glob(".*")] == [
        ".failed"
    ]  # audit only


def test_papermill_by_hand_as_the_notebook_says(batch: dict[str, Any], tmp_path: Path) -> None:
    executed = tmp_path / "out.ipynb"
    proc = subprocess.run(
        [
            str(BIN / "papermill"),
            str(NOTEBOOK),
            str(executed),
            "-p",
            "reports_dir",
            str(batch["out"]),
            "--no-progress-bar",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    outputs = [o for c in nbformat.read(executed, as_version=4).cells for o in c.get("outputs", [])]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert 'data-stat="mean_score"' in html and 'id="pf-table"' in html and "&lt;script&gt;" in html


# --------------------------------------------------------------------------------- in a browser

CHROMIUM = Path("/usr/bin/chromium")


def test_index_filters_and_sorts_offline_in_chromium(batch: dict[str, Any]) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium) as root")
    from playwright.sync_api import sync_playwright

    seen: dict[str, list[str]] = {"requests": [], "console": [], "errors": [], "dialogs": []}
    url = (batch["out"] / "index.html").resolve().as_uri()
    ids = "() => [...document.querySelectorAll('#pf-table tbody tr')].filter(r => !r.hidden).map(r => r.querySelector('.pid').textContent)"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page()
            page.on("request", lambda r: seen["requests"].append(r.url))
            page.on("console", lambda m: seen["console"].append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: seen["errors"].append(str(e)))
            page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
            page.goto(url, wait_until="load")
            assert page.is_visible(
                "#pf-filters"
            )  # the script ran (CSP hash accepted) and showed the controls
            every = page.evaluate(ids)
            assert sorted(every) == [f"p-00{n}" for n in range(1, 7)]

            page.fill("#pf-q", "培训")
            assert page.evaluate(ids) == ["p-004"]
            assert page.inner_text("#pf-count") == "显示 1 / 6 个项目"
            page.fill("#pf-q", "")
            page.select_option("#pf-dept", "卫生 & 健康委")
            assert sorted(page.evaluate(ids)) == ["p-005", "p-006"]
            page.select_option("#pf-dept", "")

            page.click(
                "#pf-table thead button:has-text('全年预算')"
            )  # ascending, as numbers: 5.5 < 45 < … < 1200
            assert page.evaluate(ids) == ["p-003", "p-006", "p-001", "p-005", "p-004", "p-002"]
            assert page.get_attribute("#pf-table thead th:nth-child(4)", "aria-sort") == "ascending"
            page.click("#pf-table thead button:has-text('全年预算')")
            assert page.evaluate(ids) == ["p-002", "p-004", "p-005", "p-001", "p-006", "p-003"]
            assert page.evaluate("typeof window.__xss") == "undefined"
        finally:
            browser.close()
    assert all(u.split(":", 1)[0] in ("file", "data") for u in seen["requests"]), seen["requests"]
    assert [u for u in seen["requests"] if u.startswith("file:") and u != url] == []
    assert [m for m in seen["console"] if m.startswith("error")] == [] and seen["errors"] == []
    assert seen["dialogs"] == []
