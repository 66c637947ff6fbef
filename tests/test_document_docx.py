"""The Word writer (evalcore.presentation.document_docx): a report built by hand is written as .docx,
read back with python-docx (styles, fonts, table properties, footer field, inert text), and converted
to PDF by LibreOffice, whose text (pdftotext) and page count (pdfinfo) show the layout Word-like
software really makes of it: page numbers 「— n —」, a table header repeated on the next page.

LibreOffice runs once for the whole module (a module-scoped fixture: a conversion takes seconds).
It sees no Chinese font on a bare machine, so it is given the Noto Sans CJK face the package
ships for charts (docs/fonts.md) through a private fontconfig file, aliased to the faces the styles
name; otherwise every Chinese character would be a missing glyph. `make test` installs LibreOffice
and poppler (`make office`); when they are missing the PDF tests fail and say so.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import subprocess
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from matplotlib.figure import Figure as Chart

from evalcore.presentation.charts.fonts import font_path
from evalcore.presentation.document import (
    DRAFT_MARK,
    Document,
    Figure,
    Heading,
    PageBreak,
    Paragraph,
    Section,
    Table,
)
from evalcore.presentation.document_docx import TEXT_WIDTH, docx_bytes, write_docx

TITLE = "某某局关于某某项目绩效评价报告"
SCRIPT, FIELD, FORMULA, DDE = "<script>alert(1)</script>", "{ PAGE }", "=SUM(A1:A3)", "DDEAUTO c:\\cmd.exe"
LONG = ("项目资金按计划拨付，预算执行率达到预期目标，绩效目标基本完成。" * 100)[:3000]
ROWS = 40
URL = "https://example.gov.cn/" + "a" * 150
INSTALL = "install LibreOffice writer and poppler-utils: `make office` (apt-get install libreoffice-writer poppler-utils, as root)"


def _png() -> bytes:
    chart = Chart(figsize=(6, 3), dpi=50)  # no pyplot: nothing global to close
    chart.subplots().bar(["a", "b", "c"], [3, 1, 2])
    out = io.BytesIO()
    chart.savefig(out, format="png")
    return out.getvalue()


def _table() -> Table:
    """Two header rows (序号 and 项目 span both; 金额 spans two columns) and 40 body rows, the
    first two of which share a merged 类别 cell, and the third holds an over-long URL."""
    header = [["序号", "项目", "金额（万元）", "", "类别"], ["", "", "预算数", "执行数", ""]]
    rows = [[str(k), f"子项目{k}", f"{1000 + k:,}.50", f"{900 + k:,}.25", "常规"] for k in range(1, ROWS + 1)]
    rows[1][4] = ""
    rows[2][1] = URL  # one unbroken word far wider than its column: wraps inside the cell
    return Table(
        "表1　项目资金明细表",
        header,
        rows,
        align=["center", "left", "right", "right", "left"],
        widths=[1, 3, 2, 2, 1.5],
        spans=[(0, 0, 2, 1), (0, 1, 2, 1), (0, 2, 1, 2), (0, 4, 2, 1), (2, 4, 2, 1)],
        note="注：金额单位为万元。",
    )


def _document() -> Document:
    intro = Section(
        "intro",
        [
            Heading(1, "一、基本情况"),
            Heading(2, "（一）项目概况"),
            Heading(3, "1. 立项依据"),
            Paragraph("依据有关文件设立。", label="立项背景。"),
            Paragraph("项目绩效目标基本完成，请单位核实。", draft=True),
            Paragraph("居中的一行", center=True),
            Paragraph(f"原样文字：{SCRIPT} 与 {FIELD} 与 {FORMULA} 与 {DDE} 与响\x07铃。"),
            Paragraph(LONG),
        ],
    )
    figures = Section(
        "figures", [Heading(2, "（二）资金执行"), Figure(_png(), "图1　预算执行情况", width_cm=30)]
    )
    annex = Section("annex", [PageBreak(), Heading(1, "附表"), _table()])
    return Document(TITLE, "某某局　2024年5月", [intro, figures, annex])


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_docx(_document(), tmp_path_factory.mktemp("docx") / "报告.docx")


@pytest.fixture(scope="module")
def word(written: Path) -> docx.document.Document:
    return docx.Document(str(written))


# ------------------------------------------------------------------------------ read back with python-docx


def _east_asia(style: object) -> str | None:
    rfonts = style.element.rPr.find(qn("w:rFonts"))  # type: ignore[attr-defined]
    return rfonts.get(qn("w:eastAsia"))


def _paragraph(word: docx.document.Document, text: str) -> docx.text.paragraph.Paragraph:
    return next(p for p in word.paragraphs if text in p.text)


@pytest.mark.parametrize(
    ("name", "font", "size", "bold"),
    [
        ("Title", "方正小标宋简体", 22, False),
        ("Subtitle", "楷体", 16, False),
        ("Heading 1", "黑体", 16, False),
        ("Heading 2", "楷体", 16, False),
        ("Heading 3", "仿宋", 16, True),
        ("Normal", "仿宋", 16, False),
    ],
)
def test_styles_name_the_chinese_faces_and_sizes(word, name: str, font: str, size: float, bold: bool) -> None:
    style = word.styles[name]
    assert _east_asia(style) == font and style.font.name == font  # East Asian and Latin alike
    assert style.font.size == Pt(size) and bool(style.font.bold) is bold
    assert style.font.color.rgb is None  # no theme colour left from the template


def test_paragraphs_use_the_styles_with_indent_and_line_grid(word) -> None:
    assert word.paragraphs[0].text == TITLE and word.paragraphs[0].style.name == "Title"
    assert word.styles["Title"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert word.styles["Subtitle"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    body = word.styles["Normal"].paragraph_format
    assert body.first_line_indent == Pt(32) and body.widow_control
    assert body.line_spacing_rule == WD_LINE_SPACING.EXACTLY and Pt(28) <= body.line_spacing <= Pt(29)
    for level, text in ((1, "一、基本情况"), (2, "（一）项目概况"), (3, "1. 立项依据")):
        p = _paragraph(word, text)
        assert p.style.name == f"Heading {level}"
        assert p.style.paragraph_format.keep_with_next and p.style.paragraph_format.first_line_indent == Pt(
            32
        )
    assert _paragraph(word, "依据有关文件设立").style.name == "Normal"
    centred = _paragraph(word, "居中的一行")
    assert centred.alignment == WD_ALIGN_PARAGRAPH.CENTER and centred.paragraph_format.first_line_indent == 0


def test_label_is_bold_and_a_draft_is_marked_and_highlighted(word) -> None:
    labelled = _paragraph(word, "立项背景。")
    assert labelled.text == "立项背景。依据有关文件设立。"
    assert [r.bold for r in labelled.runs] == [True, None]
    draft = _paragraph(word, "项目绩效目标基本完成")
    assert draft.text == DRAFT_MARK + "项目绩效目标基本完成，请单位核实。"
    assert {r.font.highlight_color for r in draft.runs} == {WD_COLOR_INDEX.YELLOW}
    assert all(r.font.highlight_color is None for r in labelled.runs)


def test_page_is_a4_with_gb9704_margins(word) -> None:
    s = word.sections[0]
    twip = 635  # Word stores lengths in twentieths of a point
    sizes = (s.page_width, s.page_height, s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)
    wanted = (Cm(21), Cm(29.7), Cm(3.7), Cm(3.5), Cm(2.8), Cm(2.6))
    assert all(abs(a - b) < twip for a, b in zip(sizes, wanted, strict=True))


def test_a_page_break_starts_the_next_block_on_a_new_page(word) -> None:
    annex = _paragraph(word, "附表")
    assert annex.paragraph_format.page_break_before and annex.style.name == "Heading 1"
    assert not any('w:type="page"' in p._p.xml for p in word.paragraphs)  # no empty line atop the page


def test_a_page_break_before_a_table_without_caption_is_a_break_paragraph() -> None:
    doc = Document(
        "题", sections=[Section("s", [Paragraph("甲"), PageBreak(), Table("", [["列"]], [["1"]])])]
    )
    body = docx.Document(io.BytesIO(docx_bytes(doc))).element.body
    tags = [el.tag.rpartition("}")[2] for el in body]
    assert tags == ["p", "p", "p", "tbl", "sectPr"]  # title, 甲, the break, the table
    assert 'w:type="page"' in body[2].xml and "w:pageBreakBefore" not in body.xml


def test_footers_hold_a_page_field_between_dashes(word) -> None:
    s = word.sections[0]
    assert word.settings.odd_and_even_pages_header_footer
    for footer, align in (
        (s.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        p = footer.paragraphs[0]
        xml = p._p.xml
        assert p.alignment == align and p.text.startswith("— ") and p.text.endswith(" —")
        assert xml.count("<w:fldChar ") == 3 and re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", xml)
        assert p.style.font.name == "宋体" and p.style.font.size == Pt(14)


def test_table_header_repeats_rows_never_split_and_layout_is_fixed(word) -> None:
    (table,) = word.tables
    assert table.style.name == "Table Grid" and len(table.rows) == 2 + ROWS
    trs = table._tbl.tr_lst
    assert [tr.trPr.find(qn("w:tblHeader")) is not None for tr in trs[:3]] == [True, True, False]
    assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in trs)
    assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert abs(sum(grid) - TEXT_WIDTH / 635) <= 5 and grid[1] == pytest.approx(3 * grid[0], rel=0.01)
    # merged: 序号 spans two rows, 金额 two columns, 类别 two body rows
    assert table.cell(0, 0)._tc is table.cell(1, 0)._tc and table.cell(1, 0).text == "序号"
    assert table.cell(0, 2)._tc is table.cell(0, 3)._tc and table.cell(0, 3).text == "金额（万元）"
    assert table.cell(2, 4)._tc is table.cell(3, 4)._tc and table.cell(3, 4).text == "常规"
    assert table.cell(2, 3).paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert table.cell(2, 3).paragraphs[0].style.font.size <= Pt(12)
    assert _paragraph(word, "表1　项目资金明细表").style.name == "Caption"
    assert _paragraph(word, "注：金额单位为万元。").style.name == "表注"


def test_figure_is_capped_at_the_text_width(word) -> None:
    (shape,) = word.inline_shapes
    assert shape.width == TEXT_WIDTH  # asked for 30 cm
    caption = _paragraph(word, "图1　预算执行情况")
    assert caption.style.name == "Caption"


def test_input_text_stays_literal_text(written: Path, word) -> None:
    p = _paragraph(word, "原样文字")
    assert p.text == f"原样文字：{SCRIPT} 与 {FIELD} 与 {FORMULA} 与 {DDE} 与响铃。"  # \x07 dropped
    with zipfile.ZipFile(written) as z:
        body = z.read("word/document.xml").decode("utf-8")
    assert "&lt;script&gt;" in body and "<script" not in body
    assert not re.search(r"<w:(fldChar|fldSimple|instrText)\b", body)  # fields only in the footers


def test_line_ends_and_control_characters() -> None:
    doc = Document(
        "标题\x00一", sections=[Section("s", [Heading(1, "一、\n第二行"), Paragraph("甲\r\n乙\x1f\n\n丙")])]
    )
    word = docx.Document(io.BytesIO(docx_bytes(doc)))
    texts = [p.text for p in word.paragraphs]
    assert texts[:2] == ["标题一", "一、\n第二行"]  # a heading keeps one paragraph, with a line break
    assert texts[2:] == ["甲", "乙", "丙"]  # body lines become paragraphs, each with its indent


def test_write_is_atomic_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "报告.docx"
    target.write_bytes(b"old")
    broken = Document("题", sections=[Section("s", [Figure(b"not a png", "图")])])
    with pytest.raises(Exception):  # noqa: B017  (python-docx's own error for an unreadable image)
        write_docx(broken, target)
    assert target.read_bytes() == b"old"
    write_docx(_document(), target)
    assert zipfile.is_zipfile(target) and os.listdir(tmp_path) == ["报告.docx"]
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_a_ten_page_report_is_written_in_well_under_a_second(tmp_path: Path) -> None:
    sections = [
        Section(
            f"s{k}",
            [Heading(1, f"{k}、部分"), *[Paragraph(LONG[:200], label="要点。") for _ in range(8)], _table()],
        )
        for k in range(3)
    ]
    doc = Document(TITLE, "某某局", sections)
    write_docx(doc, tmp_path / "warm.docx")  # imports and the template read once
    times = []
    for _ in range(3):  # the best of three: a shared machine's other work is not ours
        start = time.perf_counter()
        write_docx(doc, tmp_path / "r.docx")
        times.append(time.perf_counter() - start)
    assert min(times) < 0.5  # ~0.2 s here for ~15 pages (three 42-row tables)


# ---------------------------------------------------------------------------------- LibreOffice → PDF


@dataclass
class Pdf:
    pages: list[str]  # pdftotext per page (form feeds split them)
    count: int  # pdfinfo's page count
    fonts: str  # pdffonts' table
    right: float  # the right edge of the rightmost word on any page, in points (pdftotext -bbox)

    def flat(self, k: int | None = None) -> str:
        """Text without white space: pdftotext breaks lines and spaces where the layout does."""
        return re.sub(r"\s+", "", "".join(self.pages) if k is None else self.pages[k])


def _need(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        pytest.fail(f"{program} is missing; {INSTALL}")
    return path


def _fontconfig(folder: Path) -> Path:
    """A fontconfig file: the system's, plus the packaged Noto Sans CJK standing in for the faces the
    document names (as any machine without them substitutes a Chinese face)."""
    aliases = "".join(
        f"<alias binding='same'><family>{f}</family><prefer><family>Noto Sans CJK SC</family></prefer></alias>"
        for f in ("仿宋", "楷体", "黑体", "宋体", "方正小标宋简体")
    )
    conf = folder / "fonts.conf"
    conf.write_text(
        "<?xml version='1.0'?><!DOCTYPE fontconfig SYSTEM 'fonts.dtd'><fontconfig>"
        "<include ignore_missing='yes'>/etc/fonts/fonts.conf</include>"
        f"<dir>{font_path().parent}</dir><cachedir>{folder / 'cache'}</cachedir>{aliases}</fontconfig>",
        encoding="utf-8",
    )
    return conf


@pytest.fixture(scope="module")
def pdf(written: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pdf]:
    soffice, pdftotext, pdfinfo, pdffonts = map(_need, ("soffice", "pdftotext", "pdfinfo", "pdffonts"))
    work = tmp_path_factory.mktemp("soffice")
    env = {**os.environ, "FONTCONFIG_FILE": str(_fontconfig(work)), "HOME": str(work)}
    cmd = [
        soffice,
        f"-env:UserInstallation={(work / 'profile').as_uri()}",  # private: parallel runs do not collide
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(work),
        str(written),
    ]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, check=False)
    out = work / written.with_suffix(".pdf").name
    assert done.returncode == 0 and out.exists(), f"LibreOffice did not convert: {done.stdout}{done.stderr}"
    text = subprocess.run([pdftotext, str(out), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run([pdfinfo, str(out)], capture_output=True, text=True, check=True).stdout
    fonts = subprocess.run([pdffonts, str(out)], capture_output=True, text=True, check=True).stdout
    boxes = subprocess.run(
        [pdftotext, "-bbox", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    right = max(float(x) for x in re.findall(r'<word [^>]*xMax="([\d.]+)"', boxes))
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])  # type: ignore[index]
    yield Pdf(text.split("\f")[:count], count, fonts, right)


def test_pdf_shows_the_title_headings_and_literal_text(pdf: Pdf) -> None:
    assert "NotoSansCJK" in pdf.fonts  # Chinese drawn with a Chinese face, not missing glyphs
    for text in (
        TITLE,
        "一、基本情况",
        "（一）项目概况",
        "1.立项依据",
        "附表",
        "项目资金明细表",
        "图1",
        "预算执行情况",
    ):
        assert re.sub(r"\s+", "", text) in pdf.flat()
    for text in (SCRIPT, FIELD, FORMULA, DDE, DRAFT_MARK, URL):
        assert re.sub(r"\s+", "", text) in pdf.flat()


def test_pdf_keeps_everything_inside_the_right_margin(pdf: Pdf) -> None:
    """The over-long URL in a table cell (unwrapped, ~870 pt) and the long paragraph wrap: nothing
    runs past 21 − 2.6 cm but a line-end comma, which Chinese typesetting lets hang (one character)."""
    assert pdf.right <= Cm(21 - 2.6).pt + 16


def test_pdf_page_count_and_numbers(pdf: Pdf) -> None:
    """Page count, reasoned: the text block is 156 × 225 mm, 27–28 三号 characters a line and 22
    lines a page. The title block, three headings and the short paragraphs take ~13 lines; the
    3,000-character paragraph ~110 lines: six pages in all. The heading and the chart (15.6 × 7.8 cm,
    asked for 30 cm and capped) with its caption do not fit in what is left of page 6: page 7. The
    page break starts 附表 on page 8; its caption and 42 rows (五号, ~0.55 cm a row) need ~24 cm:
    page 9. So 9 pages; 8 or 10 if a face's metrics move a line, outside that content is lost or
    doubled (a 30 cm chart, uncapped, or a table without fixed widths)."""
    assert 8 <= pdf.count <= 10
    for k in range(pdf.count):
        assert f"—{k + 1}—" in pdf.flat(k), f"page {k + 1} has no 「— {k + 1} —」"


def test_pdf_repeats_the_table_header_on_the_next_page(pdf: Pdf) -> None:
    first = next(k for k in range(pdf.count) if "项目资金明细表" in pdf.flat(k))  # kept with its table
    last = next(k for k in range(pdf.count) if f"子项目{ROWS}" in pdf.flat(k))
    assert last > first, "the table should run over a page break"
    for k in range(first, last + 1):
        assert "预算数" in pdf.flat(k) and "执行数" in pdf.flat(k), f"page {k + 1} lacks the header"
    assert pdf.flat().count("预算数") == last - first + 1  # once a page: repeated, not copied
