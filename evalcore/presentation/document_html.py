"""The submitted report's `Document` as HTML: one `Fragment` per section, for the notebook's cells.

Every text is escaped (`html.tag`); numbers sit in `num` cells that never wrap inside a number.
The print rules (no heading at a page bottom, header rows repeated, figures whole) are in the
report template's CSS, under the classes used here (`doc-*`).
"""

from __future__ import annotations

from .document import DRAFT_MARK, Block, Document, Figure, Heading, PageBreak, Paragraph, Section, Table
from .html import Fragment, Markup, esc, img_png, join, tag

_HEADING_TAG = {1: "h2", 2: "h3", 3: "h4"}


def _paragraph(p: Paragraph) -> Markup:
    cls = ["doc-p"]
    if p.draft:
        cls.append("doc-draft")
    if p.center:
        cls.append("doc-center")
    parts: list[object] = []
    if p.draft:
        parts.append(tag("span", DRAFT_MARK, class_="doc-draft-mark"))
    if p.label:
        parts.append(tag("strong", p.label))
    parts.append(p.text)
    return tag("p", join(parts), class_=" ".join(cls))


def _table(t: Table) -> Markup:
    n_head = len(t.header)
    covered: set[tuple[int, int]] = set()
    span_at: dict[tuple[int, int], tuple[int, int]] = {}
    for r, c, rs, cs in t.spans:
        span_at[(r, c)] = (rs, cs)
        for i in range(r, r + rs):
            for j in range(c, c + cs):
                if (i, j) != (r, c):
                    covered.add((i, j))
    out: list[Markup] = [Markup('<div class="doc-table">')]
    if t.caption:
        out.append(tag("p", t.caption, class_="doc-caption"))
    out.append(Markup('<table class="doc">'))
    if t.widths:
        whole = sum(t.widths)
        out.append(
            Markup("<colgroup>")
            + join(Markup(f'<col style="width:{w / whole * 100:.1f}%">') for w in t.widths)
            + Markup("</colgroup>")
        )
    for k, row in enumerate(t.header + t.rows):
        if k == 0 and n_head:
            out.append(Markup("<thead>"))
        if k == n_head:
            out.append(Markup("<tbody>"))
        cells = []
        for j, value in enumerate(row):
            if (k, j) in covered:
                continue
            rs, cs = span_at.get((k, j), (1, 1))
            align = t.column_align(j)
            cls = "num" if align == "right" and k >= n_head else ("c" if align == "center" else None)
            cells.append(
                tag(
                    "th" if k < n_head else "td",
                    value,
                    rowspan=rs if rs > 1 else None,
                    colspan=cs if cs > 1 else None,
                    class_=cls,
                )
            )
        out.append(Markup("<tr>") + join(cells) + Markup("</tr>"))
        if k == n_head - 1:
            out.append(Markup("</thead>"))
    out.append(Markup("</tbody></table>"))
    if t.note:
        out.append(tag("p", t.note, class_="doc-note"))
    out.append(Markup("</div>"))
    return join(out)


def block_html(b: Block) -> Markup:
    if isinstance(b, Heading):
        return tag(_HEADING_TAG.get(b.level, "h4"), b.text, class_=f"doc-h{b.level}")
    if isinstance(b, Paragraph):
        return _paragraph(b)
    if isinstance(b, Table):
        return _table(b)
    if isinstance(b, Figure):
        return tag(
            "figure",
            join([img_png(b.png, b.caption, cls="doc-figure"), tag("figcaption", b.caption)]),
            class_="doc-figure",
        )
    if isinstance(b, PageBreak):
        return Markup('<div class="doc-page-break"></div>')
    raise TypeError(f"unknown block {type(b).__name__}")


def section_html(section: Section) -> Fragment:
    html = (
        Markup('<section class="doc-section">')
        + join(block_html(b) for b in section.blocks)
        + Markup("</section>")
    )
    return Fragment(html, section.key)


def title_html(doc: Document) -> Fragment:
    parts = [tag("h1", doc.title, class_="doc-title")]
    if doc.subtitle:
        parts.append(tag("p", doc.subtitle, class_="doc-subtitle"))
    return Fragment(join(parts), doc.title)


def document_html(doc: Document) -> Markup:
    """The whole document as one HTML fragment (tests, previews)."""
    return join([title_html(doc).html, *(section_html(s).html for s in doc.sections)])


__all__ = ["block_html", "document_html", "esc", "section_html", "title_html"]
