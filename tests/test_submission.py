"""The 绩效评价报告 for submission (presentation/submission.py), checked against the seed report.

The expected numbers are the seed document's own (../shared/seed/…txt, section 三): 接待来访人员146人次
… 「该项指标得7.3分」; 覆盖面达到70% … 5.6分; 70%案件能够解决 … 4.9分; 满意度为90%，得4.5分; 80%，得4分;
budget 53 of 60 万元 (资金使用情况: 预算安排60万元 … 实际支出53万元) → 88.33% → 8.83 of 10.
The seed's own total is 90.1 (优); the itemised indicators give 80.13 (良), DOMAIN.md "The seed case".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from evalcore.evaluation import evaluate
from evalcore.inputs import load_paths
from evalcore.presentation.document import DRAFT_MARK, Heading, Paragraph, Table
from evalcore.presentation.document_html import document_html
from evalcore.presentation.submission import report_title, submission

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed" / "nc-scjg-2019-zzxf.yaml"

SEED_ORDER = [
    "一、项目基本情况",
    "二、绩效评价工作情况",
    "三、绩效评价指标分析",
    "四、综合评价结论",
    "五、结果应用建议",
    "六、主要经验及做法、存在的问题和改进措施",
    "附表",
]


def _evaluate(path: Path):
    run = load_paths([path])
    assert not run.errors, run.errors
    return evaluate(run.projects[0])


@pytest.fixture(scope="module")
def seed_doc():
    return submission(_evaluate(SEED))


@pytest.fixture(scope="module")
def bare_doc(tmp_path_factory):
    """The seed without any narrative field: every text part must be drafted."""
    from evalcore.fields import NARRATIVE_KEYS

    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    for key in NARRATIVE_KEYS:
        data.pop(key, None)
    path = tmp_path_factory.mktemp("bare") / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return submission(_evaluate(path))


def _paragraph(doc, name: str) -> str:
    """The analysis paragraph of the indicator called `name` (its label holds the name)."""
    hits = [b for b in doc.section("analysis").blocks if isinstance(b, Paragraph) and name in b.label]
    assert len(hits) == 1, name
    return hits[0].text


def test_sections_follow_the_seed_report_in_order(seed_doc) -> None:
    level1 = [b.text for b in seed_doc.blocks() if isinstance(b, Heading) and b.level == 1]
    assert level1 == SEED_ORDER
    level2 = [b.text for b in seed_doc.section("basic").blocks if isinstance(b, Heading) and b.level == 2]
    assert level2 == ["（一）项目概况", "（二）项目绩效目标"]
    labels = [b.label for b in seed_doc.section("basic").blocks if isinstance(b, Paragraph) and b.label]
    for part in (
        "立项背景",
        "立项目的",
        "项目内容",
        "资金使用情况",
        "组织管理情况",
        "项目依据",
        "总目标",
        "年度目标",
        "完成情况",
    ):
        assert any(part in label for label in labels), part
    work = [b.text for b in seed_doc.section("work").blocks if isinstance(b, Heading)]
    assert work[1:] == [
        "（一）绩效评价目的",
        "（二）绩效评价原则和依据、评价指标体系、评价方法",
        "（三）绩效评价工作过程",
    ]
    lessons = [b.text for b in seed_doc.section("lessons").blocks if isinstance(b, Heading)]
    assert lessons[1:] == ["（一）主要经验及做法", "（二）存在的问题", "（三）改进措施"]


@pytest.mark.parametrize(
    ("name", "numbers", "points"),
    [
        ("接待信访群众", ["146人次"], "7.3"),
        ("活动覆盖面", ["70%"], "5.6"),
        ("信访案件办结率", ["70%"], "4.9"),
        ("挂点社区满意度", ["90%"], "4.5"),
        ("上访群众满意度", ["80%"], "4"),
        ("综治宣传活动", [], "10"),
        ("控制在成本内", ["53万元"], "10"),
    ],
)
def test_each_indicator_has_a_paragraph_with_the_seeds_numbers(seed_doc, name, numbers, points) -> None:
    text = _paragraph(seed_doc, name)
    for n in numbers:
        assert n in text
    assert f"根据评分标准，该项指标得{points}分" in text


def test_analysis_is_grouped_by_category_and_level2_as_the_seed(seed_doc) -> None:
    heads = [b.text for b in seed_doc.section("analysis").blocks if isinstance(b, Heading)]
    assert "（二）产出指标（50分）" in heads
    assert "1.数量指标（20分）" in heads and "2.质量指标（15分）" in heads
    budget = [
        b for b in seed_doc.section("analysis").blocks if isinstance(b, Paragraph) and "预算执行率" in b.label
    ]
    assert "88.33%" in budget[0].text and "该项指标得8.83分" in budget[0].text


def test_conclusion_gives_both_totals_and_why(seed_doc) -> None:
    text = "\n".join(b.text for b in seed_doc.section("conclusion").blocks if isinstance(b, Paragraph))
    assert "80.13" in text and "「良」" in text
    assert "90.1" in text  # the unit's own total, and the 10 un-itemised 效益 points as the reason
    assert "效益指标" in text and "未细化的 10 分" in text


def test_the_annexed_self_form_shows_the_units_own_scores(seed_doc) -> None:
    tables = [b for b in seed_doc.section("annex").blocks if isinstance(b, Table)]
    scoring, form = tables[0], tables[-1]
    assert scoring.caption.startswith("附表1") and scoring.rows[-1][-1] == "80.13"
    assert form.rows[-1][6] == "90.1" and "优" in form.rows[-1][7]
    row = next(r for r in form.rows if r[2] == "接待信访群众")
    assert row[3:7] == ["200人次", "146人次", "10", "7.3"]


def test_no_review_codes_hashes_or_versions(seed_doc) -> None:
    text = seed_doc.text()
    assert not re.search(r"\bR0\d\d\b", text)
    assert not re.search(r"[0-9a-f]{32,}", text)
    assert "sha256" not in text.lower() and "pyarrow" not in text and "evalcore" not in text.lower()
    assert "复核发现" not in text


def test_empty_narrative_fields_are_drafts_and_say_only_what_the_form_shows(bare_doc) -> None:
    seed_doc = bare_doc
    drafts = [b for b in seed_doc.blocks() if isinstance(b, Paragraph) and b.draft]
    labels = {b.label for b in drafts}
    for part in (
        "1.立项背景。",
        "2.立项目的。",
        "3.项目内容。",
        "5.组织管理情况。",
        "6.项目依据。",
        "3.评价方法。",
    ):
        assert part in labels, part
    assert not any("资金使用情况" in b.label for b in drafts)  # figures of the form, not a draft
    problems = [b.text for b in seed_doc.section("lessons").blocks if isinstance(b, Paragraph) and b.draft]
    joined = "\n".join(problems)
    assert "88.33%" in joined and "低于 90%" in joined  # under-execution, from the budget
    assert "接待信访群众" in joined  # an unmet indicator
    assert "效益指标方案分值 30 分，指标细化 20 分" in joined  # weights off the scheme
    html = str(document_html(seed_doc))
    assert html.count(DRAFT_MARK) == len(drafts)


def test_the_units_own_words_are_printed_as_written_and_not_drafted(seed_doc) -> None:
    """The seed YAML carries the seed report's own text (copied from ../shared/seed): printed as is."""
    basic = [b for b in seed_doc.section("basic").blocks if isinstance(b, Paragraph)]
    background = next(b for b in basic if "立项背景" in b.label)
    assert background.text.startswith("组织开展全市系统综合治理") and not background.draft
    basis = [b.text for b in basic if not b.label and "《" in b.text]
    assert any("党委组织部门信访工作暂行规定" in t for t in basis)  # 项目依据, one paragraph per line
    lessons = "\n".join(b.text for b in seed_doc.section("lessons").blocks if isinstance(b, Paragraph))
    assert "成本把控不严格" in lessons and "进一步提高预算编制水平" in lessons
    drafted = [b for b in seed_doc.section("lessons").blocks if isinstance(b, Paragraph) and b.draft]
    assert all(
        "经验" in b.text or "做法" in b.text or "指标" in b.text for b in drafted
    )  # only 经验做法 is empty


def _project(tmp_path: Path, **changes) -> Path:
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_name_ending_in_xiangmu_is_not_doubled(tmp_path: Path) -> None:
    ev = _evaluate(_project(tmp_path, name="城市道路维护项目"))
    assert report_title(ev) == "南昌市市场监督管理局关于城市道路维护项目绩效评价报告"
    ev = _evaluate(_project(tmp_path, name="城市道路维护"))
    assert report_title(ev) == "南昌市市场监督管理局关于城市道路维护项目绩效评价报告"


def test_problems_drafted_from_line_items_over_budget_and_targets_set_low(tmp_path: Path) -> None:
    from evalcore.fields import NARRATIVE_KEYS

    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    for key in NARRATIVE_KEYS:
        data.pop(key, None)
    data["budget"] = [
        {"source": "年度资金总额", "initial": 60, "adjusted": 60, "executed": 58},
        {"source": "315晚会活动", "initial": 10, "adjusted": 10, "executed": 14},
        {"source": "宣传资料", "initial": 50, "adjusted": 50, "executed": 44},
    ]
    data["indicators"][1] = {**data["indicators"][1], "actual": "300人次", "reported_score": 10}
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    doc = submission(_evaluate(path))
    text = "\n".join(b.text for b in doc.section("lessons").blocks if isinstance(b, Paragraph))
    assert "「315晚会活动」" in text and "超出预算" in text  # 14 spent of 10
    assert "目标值设定偏低" in text and "接待信访群众" in text and "150.0%" in text  # 300 of 200
    assert "预算执行率偏低" not in text  # 58 of 60 = 96.67%
    blocks = doc.section("lessons").blocks
    after = blocks.index(next(b for b in blocks if isinstance(b, Heading) and b.text == "（三）改进措施"))
    measures = [b for b in blocks[after:] if isinstance(b, Paragraph)]
    assert any("成本控制" in m.text for m in measures) and any("提高目标值" in m.text for m in measures)


def test_input_text_stays_inert_in_the_html(tmp_path: Path) -> None:
    ev = _evaluate(
        _project(tmp_path, name="<script>alert(1)</script>", goal_planned="{ PAGE } =SUM(A1:A3) &amp;")
    )
    html = str(document_html(submission(ev)))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{ PAGE } =SUM(A1:A3) &amp;amp;" in html


def test_a_project_without_reported_scores_says_so_in_the_self_form(tmp_path: Path) -> None:
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data.pop("reported_total")
    data.pop("reported_grade")
    for row in data["indicators"]:
        row.pop("reported_score", None)
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    doc = submission(_evaluate(path))
    form = [b for b in doc.section("annex").blocks if isinstance(b, Table)][-1]
    assert form.rows[-1][6] == "未填"
    text = doc.text()
    assert "单位自评得分" not in "\n".join(
        b.text for b in doc.section("conclusion").blocks if isinstance(b, Paragraph)
    )
    assert "80.13" in text


def recorded_key_of(html: str) -> str | None:
    from evalcore.pipeline.render import KEY_META

    m = KEY_META.search(html.encode("utf-8")[:4096])
    return (m[1] or m[2]).decode() if m else None


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    from evalcore.pipeline.render import render_project

    return render_project(SEED, tmp_path_factory.mktemp("seed") / "out", key="a" * 64)


def test_one_run_writes_both_documents_and_only_the_worksheet_is_for_the_reviewer(rendered) -> None:
    report = rendered.report.read_text(encoding="utf-8")
    sheet = rendered.html.read_text(encoding="utf-8")
    # what a reader sees: no style sheet, no embedded font or image data
    report_text = re.sub(r'<style.*?</style>|"data:[^"]*"', "", report, flags=re.S)
    assert rendered.report.name == "nc-scjg-2019-zzxf-绩效评价报告.html"
    for html in (report, sheet):
        assert recorded_key_of(html) == "a" * 64  # both current for the batch
        assert "<script" not in html.lower()
    assert "<title>南昌市市场监督管理局关于2019年度综治信访项目绩效评价报告</title>" in report
    assert "复核底稿" in sheet.split("</title>")[0]
    assert re.search(r"R00\d", sheet) and "SHA-256" in sheet.upper()
    assert not re.search(r"R0\d\d", report_text)
    assert "SHA" not in report_text.upper() and "pyarrow" not in report_text
    for heading in SEED_ORDER:
        assert heading in report
    assert "根据评分标准，该项指标得7.3分" in report
    assert "核减" in report  # 结果应用建议 carried


def test_an_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    evalcore = shutil.which("evalcore", path=str(Path(sys.executable).parent)) or "evalcore"
    proc = subprocess.run(
        [evalcore, "report", str(SEED), "--out", str(tmp_path), "--format", "odt"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "odt" in proc.stderr
    assert not any(tmp_path.iterdir())


def test_the_notebook_is_what_its_script_writes_and_tags_each_document() -> None:
    import sys

    import nbformat

    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import make_evaluation_notebook
    finally:
        sys.path.pop(0)
    committed = nbformat.read(ROOT / "notebooks" / "evaluation.ipynb", as_version=4)
    assert nbformat.writes(committed) == nbformat.writes(make_evaluation_notebook.build())
    tags = [set(c.metadata.get("tags", [])) for c in committed.cells]
    shown = [t for t in tags if not t & {"remove-cell", "parameters"}]
    assert all(len(t & {"report", "worksheet"}) == 1 for t in shown)  # every shown cell in one document


def test_the_seed_report_as_word_opens_in_libreoffice_with_the_seeds_numbers(tmp_path: Path) -> None:
    """`evalcore report --format docx` on the seed, converted by LibreOffice headless: every section,
    the seed's per-indicator numbers, both totals; about nine A4 pages of 三号 text and two annex
    tables. The seed's own words (~4,500 characters, carried by the YAML) fill ~7.5 pages at 28 × 22
    三号 characters a page, the eleven indicator paragraphs ~2.5, the budget and score tables ~1, the
    two annex tables (page breaks before each) 2–3: about 14 (15 here); 12–18 allows for a face's
    metrics — outside it, content is lost or doubled."""
    import os
    import shutil
    import subprocess
    import sys

    from test_document_docx import _fontconfig, _need

    evalcore = shutil.which("evalcore", path=str(Path(sys.executable).parent)) or "evalcore"
    out = tmp_path / "out"
    done = subprocess.run(
        [evalcore, "report", str(SEED), "--out", str(out), "--format", "docx"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    (word,) = out.rglob("*.docx")
    assert word.name == "nc-scjg-2019-zzxf-绩效评价报告.docx"
    soffice, pdftotext, pdfinfo = map(_need, ("soffice", "pdftotext", "pdfinfo"))
    env = {**os.environ, "FONTCONFIG_FILE": str(_fontconfig(tmp_path)), "HOME": str(tmp_path)}
    subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'p').as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(word)],
        env=env, capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    pdf = tmp_path / word.with_suffix(".pdf").name
    text = re.sub(
        r"\s+", "", subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True).stdout
    )
    pages = int(
        re.search(
            r"Pages:\s+(\d+)", subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True).stdout
        )[1]
    )
    for heading in SEED_ORDER:
        assert heading in text
    for seen in (
        "接待信访群众",
        "146人次",
        "该项指标得7.3分",
        "该项指标得5.6分",
        "该项指标得4.9分",
        "得4.5分",
        "88.33%",
        "80.13",
        "90.1",
    ):
        assert seen in text, seen
    assert "R00" not in text and "—1—" in text
    assert 12 <= pages <= 18, pages


def test_batch_formats_are_written_recorded_and_made_up_when_asked_later(tmp_path: Path) -> None:
    """`batch --format docx`: every project's Word file beside its two HTML documents, named in the
    manifest; an unchanged re-run skips; asking for pdf later runs exactly the projects missing it."""
    import json

    from test_batch import cli_batch, write_projects

    write_projects(tmp_path / "data", {"测试局": ["p-1", "p-2"]})
    out, params = tmp_path / "out", tmp_path / "params"
    first = cli_batch(tmp_path / "data", out, params, "--workers", "2", "--format", "docx")
    assert first.returncode == 0, first.stderr[-2000:]
    for pid in ("p-1", "p-2"):
        for name in (f"{pid}.html", f"{pid}-绩效评价报告.html", f"{pid}-绩效评价报告.docx"):
            assert (out / "测试局" / name).is_file(), name
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entry = next(m for m in manifest["projects"] if m.get("project_id") == "p-1")
    assert entry["report"] == {"html": "测试局/p-1-绩效评价报告.html", "docx": "测试局/p-1-绩效评价报告.docx"}
    from urllib.parse import quote

    index = (out / "index.html").read_text(encoding="utf-8")
    for rel in ("测试局/p-1-绩效评价报告.html", "测试局/p-1.html", "测试局/p-1-绩效评价报告.docx"):
        assert f'href="{quote(rel)}"' in index, rel  # the name opens the report; 复核底稿 and Word beside it
    assert index.index(quote("测试局/p-1-绩效评价报告.html")) < index.index(quote("测试局/p-1.html"))
    again = cli_batch(tmp_path / "data", out, params, "--format", "docx")
    assert "完成 0，跳过（未变化）2" in again.stdout, again.stdout
    (out / "测试局" / "p-2-绩效评价报告.docx").unlink()
    pdf = cli_batch(tmp_path / "data", out, params, "--format", "pdf")
    assert "完成 2，跳过（未变化）0" in pdf.stdout, pdf.stdout  # no PDF yet: both run
    assert (out / "测试局" / "p-1-绩效评价报告.pdf").is_file()
    docx = cli_batch(tmp_path / "data", out, params, "--format", "docx")
    assert "完成 1，跳过（未变化）1" in docx.stdout, docx.stdout  # only p-2 lacks its Word file


def test_a_missing_font_or_browser_says_what_to_install_and_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evalcore.errors import ReportError
    from evalcore.pipeline.render import render_project
    from evalcore.presentation.cjk_font import FontMissing, sc_face_index

    with pytest.raises(FontMissing, match="请重新安装 noto-cjk-sans-otc"):
        sc_face_index(tmp_path / "NotoSansCJK-Regular.ttc")
    monkeypatch.setenv("EVALCORE_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(ReportError, match="apt-get install -y chromium") as caught:
        render_project(SEED, tmp_path / "out", formats=("pdf",))
    assert caught.value.project == "nc-scjg-2019-zzxf"  # a failed project, as a batch lists it
    assert not list((tmp_path / "out").rglob("*.pdf")) and not list((tmp_path / "out").rglob("*.tmp"))


def test_hostile_narrative_stays_inert_text_in_html_and_word(tmp_path: Path) -> None:
    """Narrative fields holding markup, a Word field code and formula text, and an over-long line:
    shown as the same literal text in the HTML (escaped) and the Word file (runs, never fields)."""
    import docx

    from evalcore.presentation.document_docx import write_docx

    hostile = "<script>alert(1)</script> { PAGE } DDEAUTO c:\\\\x =SUM(A1:A3) " + "长" * 600
    ev = _evaluate(_project(tmp_path, background=hostile, problems="=1+1\n@cmd"))
    doc = submission(ev)
    html = str(document_html(doc))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    word = docx.Document(str(write_docx(doc, tmp_path / "r.docx")))
    texts = [p.text for p in word.paragraphs]
    assert any(hostile in t for t in texts)
    assert "=1+1" in texts and "@cmd" in texts  # one paragraph per line, as typed
    xml = word.element.xml
    assert "fldSimple" not in xml.split("<w:body>")[1].split("<w:sectPr")[0]  # no field in the body
    assert "instrText" not in xml.split("<w:body>")[1].split("<w:sectPr")[0]


def test_a_single_source_that_paid_everything_is_one_line_of_the_budget_table(seed_doc) -> None:
    """The seed's 当年财政拨款 60/60/53 万元 is its 年度资金总额: one line, labelled so (as the chart)."""
    table = next(b for b in seed_doc.section("basic").blocks if isinstance(b, Table))
    assert [r[0] for r in table.rows] == ["年度资金总额（全部为当年财政拨款）"]
    assert table.rows[0][1:] == ["60.00", "60.00", "53.00", "88.33%"]
