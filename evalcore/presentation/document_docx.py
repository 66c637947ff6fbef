"""The 绩效评价报告 as an editable Word file (.docx), laid out as a Chinese official document.

Why Word: the analyst edits the report before it is submitted (the 【草稿】 paragraphs above all),
and the office that receives it expects a .docx. The layout follows GB/T 9704-2012 (党政机关公文格式):

- A4; margins top 3.7 cm, bottom 3.5 cm, left 2.8 cm, right 2.6 cm (版心 156 × 225 mm);
- title 二号 方正小标宋简体, centred; the subtitle line 三号 楷体, centred;
- body 三号 仿宋, fixed line spacing 28.95 pt (22 lines a page), first-line indent of two characters;
- headings indented two characters like the body: level 1 黑体, level 2 楷体, level 3 仿宋 bold,
  all 三号, kept with the next paragraph so none is left at the foot of a page;
- tables 五号 仿宋 with borders on every cell, a 四号 黑体 caption above and a note below; header
  rows repeat on every page and no row splits across pages;
- page numbers 「— 1 —」 in 四号 宋体, odd pages on the right and even pages on the left, one
  character in from the edge of the text (GB/T 9704 §7.5), through a PAGE field.

Fonts. Each run-level font is named for East Asian text (w:eastAsia) and for Latin text and digits
(w:ascii, w:hAnsi) alike, so a line is set in one face. The names are those a stock Windows has —
仿宋 (FangSong), 楷体 (KaiTi), 黑体 (SimHei), 宋体 (SimSun) — not the older 仿宋_GB2312/楷体_GB2312,
which Windows no longer ships. The title names 方正小标宋简体: what government offices install for
公文 titles, but not part of Windows. Word has no per-run list of fonts to fall back through, so the
fallbacks live in the font table (word/fontTable.xml): every face is described with its GB2312
charset, PANOSE class and alternative names (w:altName: 方正小标宋简体 → 宋体, 仿宋 → 仿宋_GB2312),
which Word and LibreOffice use to pick a substitute on a machine without the face. Every look is a
named style (正文 is Word's Normal; 标题/副标题/标题 1–3/题注, 表格文字, 表注, 图片), so the analyst
restyles the whole report in one place.

Safety. Every text goes into runs, which python-docx escapes: `<script>`, `{ PAGE }`, `DDEAUTO` or
`=SUM(A1)` stay the characters they are (a field exists only where this module writes fldChar).
Characters XML 1.0 forbids are dropped (python-docx would raise on them). Tables have a fixed layout
and fixed widths, so an over-long word or URL wraps inside its cell instead of widening the table.

The file appears atomically: written to a temporary file in the same folder, then renamed.
"""

from __future__ import annotations

import io
import os
import re
import secrets
from collections.abc import Iterable
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt
from docx.styles.style import BaseStyle
from docx.text.paragraph import Paragraph as WordParagraph
from lxml import etree

from .document import DRAFT_MARK, Document, Figure, Heading, PageBreak, Paragraph, Table

# Font sizes by their Chinese names (号), in points.
ER_HAO, SAN_HAO, SI_HAO, WU_HAO = 22.0, 16.0, 14.0, 10.5
LINE = 28.95  # 225 mm of 版心 over 22 lines (GB/T 9704 §5.2.2)
INDENT_CHARS = 2

TITLE_FONT = "方正小标宋简体"
SONG, FANG_SONG, KAI, HEI = "宋体", "仿宋", "楷体", "黑体"

# The font table entries: name → (alternative names, PANOSE-1, pitch family). Charset 86 is GB2312.
FONT_TABLE: dict[str, tuple[str, str, str]] = {
    TITLE_FONT: ("宋体,SimSun", "02000000000000000000", "roman"),
    SONG: ("SimSun", "02010600030101010101", "auto"),
    FANG_SONG: ("仿宋_GB2312,FangSong", "02010609060101010101", "modern"),
    KAI: ("楷体_GB2312,KaiTi", "02010609060101010101", "modern"),
    HEI: ("SimHei", "02010609060101010101", "modern"),
}

PAGE_WIDTH, PAGE_HEIGHT = Cm(21.0), Cm(29.7)
MARGINS = {"top": Cm(3.7), "bottom": Cm(3.5), "left": Cm(2.8), "right": Cm(2.6)}
TEXT_WIDTH = Emu(PAGE_WIDTH - MARGINS["left"] - MARGINS["right"])  # 15.6 cm

# Control characters XML 1.0 forbids (all below U+0020 but tab, newline and return), lone
# surrogates and the two non-characters U+FFFE/U+FFFF.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}

# Named styles this module defines or reshapes.
BODY, TITLE, SUBTITLE, CAPTION = "Normal", "Title", "Subtitle", "Caption"
HEADINGS = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3"}
TABLE_TEXT, TABLE_NOTE, PICTURE, FOOTER = "表格文字", "表注", "图片", "Footer"


def clean(text: str) -> str:
    """Text as Word may hold it: forbidden characters dropped and every line end made `\\n`."""
    return _FORBIDDEN.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


# ---------------------------------------------------------------------------------------- styles


def set_fonts(rpr: object, font: str) -> None:
    """Name `font` for every script of a run or style (w:rFonts): East Asian text, Latin text and
    digits, and complex scripts, with no theme font left to override it."""
    rfonts = rpr.find(qn("w:rFonts"))  # type: ignore[attr-defined]
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)  # type: ignore[attr-defined]  # rFonts comes first in CT_RPr
    for key in list(rfonts.attrib):
        del rfonts.attrib[key]
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{attr}"), font)
    rfonts.set(qn("w:hint"), "eastAsia")


def shape_style(
    style: BaseStyle,
    font: str,
    size: float,
    *,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent_chars: int = 0,
    line: float | None = LINE,
    keep_next: bool = False,
    space_after: float = 0.0,
) -> None:
    """Give a style exactly this look: the template's theme fonts, colours, borders, spacing and
    numbering are removed first, so nothing of python-docx's default (English) template leaks in."""
    el = style.element
    rpr = el.get_or_add_rPr()
    for child in list(rpr):
        rpr.remove(child)
    set_fonts(rpr, font)
    style.font.bold = bold
    style.font.italic = False
    style.font.size = Pt(size)
    ppr = el.get_or_add_pPr()
    for child in list(ppr):
        if child.tag != qn("w:outlineLvl"):  # keeps the headings' outline level (navigation pane)
            ppr.remove(child)
    pf = style.paragraph_format
    pf.widow_control = True
    pf.keep_with_next = keep_next or None
    pf.space_before, pf.space_after = Pt(0), Pt(space_after)
    if line is None:
        pf.line_spacing = 1.0
    else:
        pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(line)
    pf.alignment = align
    set_indent(ppr, indent_chars, size)


def set_indent(ppr: object, chars: int, size: float) -> None:
    """A first-line indent of `chars` characters: in characters (w:firstLineChars, what Word shows
    and keeps when the font size changes) and in points (w:firstLine, for readers without it)."""
    ind = ppr.get_or_add_ind()  # type: ignore[attr-defined]  # CT_PPr keeps the schema's order
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(round(chars * size * 20)))


def define_styles(word: WordDocument) -> None:
    """The report's named styles (see the module docstring for the sizes and faces)."""
    styles = word.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, FANG_SONG)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    shape_style(styles[BODY], FANG_SONG, SAN_HAO, indent_chars=INDENT_CHARS)
    shape_style(styles[TITLE], TITLE_FONT, ER_HAO, align=WD_ALIGN_PARAGRAPH.CENTER, line=36)
    shape_style(styles[SUBTITLE], KAI, SAN_HAO, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=LINE)
    for level, font in ((1, HEI), (2, KAI), (3, FANG_SONG)):
        style = styles[HEADINGS[level]]
        shape_style(style, font, SAN_HAO, bold=level == 3, indent_chars=INDENT_CHARS, keep_next=True)
        style.paragraph_format.keep_together = True
    shape_style(styles[CAPTION], HEI, SI_HAO, align=WD_ALIGN_PARAGRAPH.CENTER, line=None)
    styles[CAPTION].hidden = False  # the template hides 题注 until used
    shape_style(styles[FOOTER], SONG, SI_HAO, line=None)
    for name, size, align in (
        (TABLE_TEXT, WU_HAO, None),
        (TABLE_NOTE, WU_HAO, None),
        (PICTURE, WU_HAO, WD_ALIGN_PARAGRAPH.CENTER),
    ):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[BODY]
        style.quick_style = True
        shape_style(style, FANG_SONG, size, align=align, line=None, keep_next=name == PICTURE)


def add_font_table(word: WordDocument) -> None:
    """Describe the faces the styles name in word/fontTable.xml, with alternative names, so a
    machine without one substitutes a Chinese face of the same kind (see the module docstring)."""
    part = word.part.part_related_by(RT.FONT_TABLE)
    root = parse_xml(part.blob)
    for name, (alt, panose, family) in FONT_TABLE.items():
        font = OxmlElement("w:font", {qn("w:name"): name})
        for tag, value in (("altName", alt), ("panose1", panose), ("charset", "86"), ("family", family)):
            font.append(OxmlElement(f"w:{tag}", {qn("w:val"): value}))
        font.append(OxmlElement("w:pitch", {qn("w:val"): "variable"}))
        root.append(font)
    # python-docx loads the font table as a plain Part (bytes, no setter): replace the bytes it holds.
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ------------------------------------------------------------------------------------------ text


def add_text(p: WordParagraph, text: str, *, bold: bool = False, highlight: bool = False) -> None:
    """A run of input text: escaped by python-docx, never a field; `\\n` becomes a line break and
    `\\t` a tab (python-docx's run.text does both)."""
    text = clean(text)
    if not text:
        return
    run = p.add_run()
    run.text = text
    if bold:
        run.bold = True
    if highlight:
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def no_indent(p: WordParagraph, align: WD_ALIGN_PARAGRAPH) -> None:
    """Centre (or align) a paragraph whose style indents its first line: the indent goes too."""
    p.alignment = align
    set_indent(p._p.get_or_add_pPr(), 0, SAN_HAO)


def add_paragraph(word: WordDocument, b: Paragraph) -> None:
    """Body text; each line of the input is a paragraph of its own (with its own indent). A draft is
    marked with DRAFT_MARK and highlighted yellow throughout, so the analyst sees what to edit."""
    lines = [x for x in clean(b.text).split("\n") if x.strip()] or [""]
    for k, line in enumerate(lines):
        p = word.add_paragraph(style=BODY)
        if b.center:
            no_indent(p, WD_ALIGN_PARAGRAPH.CENTER)
        if k == 0:
            if b.draft:
                add_text(p, DRAFT_MARK, bold=True, highlight=True)
            add_text(p, b.label, bold=True, highlight=b.draft)
        add_text(p, line, highlight=b.draft)


# ---------------------------------------------------------------------------------------- tables


def flag(parent: object, tag: str) -> None:
    """Add an on/off element (w:tblHeader, w:cantSplit) to a row's or table's properties."""
    if parent.find(qn(tag)) is None:  # type: ignore[attr-defined]
        parent.append(OxmlElement(tag))  # type: ignore[attr-defined]


def column_widths(t: Table, ncols: int) -> list[int]:
    """Column widths in EMU over the full text width, in the proportions `t.widths` gives (even
    where it gives none or nonsense); the last column takes the rounding so they sum exactly."""
    rel = [w if isinstance(w, int | float) and w > 0 else 0.0 for w in t.widths[:ncols]]
    mean = sum(rel) / len(rel) if rel and sum(rel) > 0 else 1.0
    rel = [w or mean for w in rel] + [mean] * (ncols - len(rel))
    widths = [int(TEXT_WIDTH * w / sum(rel)) for w in rel]
    widths[-1] += TEXT_WIDTH - sum(widths)
    return widths


def add_table(word: WordDocument, t: Table) -> None:
    """Caption above, the table with repeated header rows and unsplittable rows, the note below."""
    if t.caption.strip():
        cap = word.add_paragraph(style=CAPTION)
        cap.paragraph_format.keep_with_next = True
        add_text(cap, t.caption)
    grid = [list(r) for r in t.header + t.rows] or [[""]]
    ncols = max(len(r) for r in grid) or 1
    table = word.add_table(rows=len(grid), cols=ncols)
    table.style = word.styles["Table Grid"]
    table.autofit = False  # w:tblLayout fixed: a long word wraps in its cell, the table keeps its widths
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:w"), str(round(TEXT_WIDTH / 635)))  # EMU → twentieths of a point
    tbl_w.set(qn("w:type"), "dxa")
    widths = column_widths(t, ncols)
    for col, w in zip(table.columns, widths, strict=True):
        col.width = w
    nhead = len(t.header)
    text_style = word.styles[TABLE_TEXT].style_id
    for r, (row, values) in enumerate(zip(table.rows, grid, strict=True)):
        tr_pr = row._tr.get_or_add_trPr()
        flag(tr_pr, "w:cantSplit")
        if r < nhead:
            flag(tr_pr, "w:tblHeader")
        for c, cell in enumerate(row.cells):
            cell.width = widths[c]
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            p._p.get_or_add_pPr().style = text_style  # by id: `p.style =` scans every style, per cell
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if r < nhead else _ALIGN.get(t.column_align(c))
            add_text(p, values[c] if c < len(values) else "", bold=r < nhead)
    merge(table, t.spans, len(grid), ncols)
    if t.note.strip():
        add_text(word.add_paragraph(style=TABLE_NOTE), t.note)


def merge(table: object, spans: Iterable[tuple[int, int, int, int]], nrows: int, ncols: int) -> None:
    """Merge each (row, col, rowspan, colspan) over header + body rows, clipped to the table. A
    covered cell's text, if any, joins the merged cell's (python-docx keeps it; nothing is lost)."""
    for row, col, rowspan, colspan in spans:
        last_row, last_col = min(row + rowspan, nrows) - 1, min(col + colspan, ncols) - 1
        if 0 <= row <= last_row and 0 <= col <= last_col and (last_row, last_col) != (row, col):
            table.cell(row, col).merge(table.cell(last_row, last_col))  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------- the document


def add_figure(word: WordDocument, f: Figure) -> None:
    """The chart at its width (never wider than the text), its caption centred below it."""
    width = min(Cm(max(f.width_cm, 1.0)), TEXT_WIDTH)
    p = word.add_paragraph(style=PICTURE)
    p.add_run().add_picture(io.BytesIO(f.png), width=Emu(width))
    if f.caption.strip():
        add_text(word.add_paragraph(style=CAPTION), f.caption)


def add_page_number(p: WordParagraph) -> None:
    """「— n —」 with n a PAGE field (a complex field: begin, instruction, separate, value, end)."""
    add_text(p, "— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = p.add_run()
        if kind:
            run._r.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): kind}))
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    add_text(p, " —")


def set_up_page(word: WordDocument) -> None:
    """A4 with GB/T 9704's margins, and page numbers in the footer: odd pages right, even pages
    left, one 四号 character in from the text edge (§7.5)."""
    section = word.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side, value in MARGINS.items():
        setattr(section, f"{side}_margin", value)
    section.header_distance, section.footer_distance = Cm(1.5), Cm(2.5)
    word.settings.odd_and_even_pages_header_footer = True
    for footer, align, side in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right_indent"),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left_indent"),
    ):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = word.styles[FOOTER]
        p.alignment = align
        setattr(p.paragraph_format, side, Pt(SI_HAO))
        add_page_number(p)


def break_before(word: WordDocument, element: object) -> None:
    """Start a new page at `element`: its paragraph gets 「段前分页」 (w:pageBreakBefore), which leaves
    no empty line at the top of the page as a page-break character in a paragraph of its own does;
    a table (no paragraph to carry it) gets a paragraph with the page-break character before it."""
    if element.tag == qn("w:p"):  # type: ignore[attr-defined]
        WordParagraph(element, word).paragraph_format.page_break_before = True  # type: ignore[arg-type]
    else:
        p = WordParagraph(OxmlElement("w:p"), word)  # type: ignore[arg-type]
        element.addprevious(p._p)  # type: ignore[attr-defined]
        p.style = word.styles[BODY]
        p.add_run().add_break(WD_BREAK.PAGE)


def build_docx(doc: Document) -> WordDocument:
    """The python-docx document of `doc`, for a caller that wants to add to it before saving."""
    word = docx.Document()
    define_styles(word)
    add_font_table(word)
    set_up_page(word)
    word.core_properties.title = clean(doc.title)
    word.core_properties.author = ""
    word.core_properties.language = "zh-CN"
    body = word.element.body
    for p in body.findall(qn("w:p")):  # the template's empty first paragraph
        body.remove(p)
    add_text(word.add_paragraph(style=TITLE), doc.title)
    if doc.subtitle.strip():
        add_text(word.add_paragraph(style=SUBTITLE), doc.subtitle)
    page_break = False
    for block in doc.blocks():
        if isinstance(block, PageBreak):
            page_break = True
            continue
        first = len(body) - 1  # where the block's first element goes: before the closing w:sectPr
        if isinstance(block, Heading):
            add_text(word.add_paragraph(style=HEADINGS[min(max(block.level, 1), 3)]), block.text)
        elif isinstance(block, Paragraph):
            add_paragraph(word, block)
        elif isinstance(block, Table):
            add_table(word, block)
        elif isinstance(block, Figure):
            add_figure(word, block)
        if page_break:
            break_before(word, body[first])
            page_break = False
    if page_break:
        word.add_paragraph(style=BODY).add_run().add_break(WD_BREAK.PAGE)
    return word


def docx_bytes(doc: Document) -> bytes:
    """The .docx file of `doc` as bytes (for a caller that stores or sends it itself)."""
    out = io.BytesIO()
    build_docx(doc).save(out)
    return out.getvalue()


def write_docx(doc: Document, path: str | os.PathLike[str]) -> Path:
    """Write `doc` to `path` as .docx, atomically: a reader sees the old file or the whole new one,
    never half of it. The file gets the mode any new file gets here (0o666 less the umask)."""
    path = Path(path)
    data = docx_bytes(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A short name of its own: the target's name may already be near the file-name length limit.
    tmp = path.with_name(f".evalcore-{os.getpid()}-{secrets.token_hex(6)}.docx.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
