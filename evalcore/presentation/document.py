"""The submitted 绩效评价报告 as a format-free document: headings, paragraphs, tables and figures.

Why a document model: the same report is written as HTML (the notebook), Word (python-docx) and
PDF (Chromium printing the HTML). Its words and numbers are decided once, here and in
`submission.py`; each writer only lays the blocks out (`document_html.py`, `document_docx.py`).
Every text is plain input text: writers escape it for their format (HTML entities, Word runs),
so a narrative field holding `<script>` or a Word field code stays inert text everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class Heading:
    """A numbered heading as printed: level 1 is 「一、…」 (黑体), 2 is 「（一）…」 (楷体),
    3 is 「1. …」 (仿宋 bold). The number is part of `text`, so every format shows the same."""

    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """Body text (仿宋, first-line indent of two characters). `draft` marks text written by rules
    from the evaluation where the input left the field empty: shown as 「【草稿】」 for the analyst
    to edit, never passed off as the unit's own words. `label` is a lead-in in bold
    (「立项背景。」) followed by `text`."""

    text: str
    label: str = ""
    draft: bool = False
    center: bool = False


@dataclass(frozen=True)
class Table:
    """A table with one or more header rows (repeated on every page) and body rows of strings.
    `align` gives each column's alignment (numbers right); `caption` is printed above it.
    `spans` merges cells: (row, col, rowspan, colspan) over header + body rows counted together."""

    caption: str
    header: list[list[str]]
    rows: list[list[str]]
    align: list[Align] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)  # relative column widths; empty = even
    spans: list[tuple[int, int, int, int]] = field(default_factory=list)
    note: str = ""  # a line under the table (注：…)

    def column_align(self, k: int) -> Align:
        return self.align[k] if k < len(self.align) else "left"


@dataclass(frozen=True)
class Figure:
    """A chart as PNG bytes with its caption (图 1 …), drawn by `charts/`."""

    png: bytes
    caption: str
    width_cm: float = 15.0


@dataclass(frozen=True)
class PageBreak:
    """Start the next block on a new page (the 附表)."""


Block = Heading | Paragraph | Table | Figure | PageBreak


@dataclass
class Section:
    """A top-level part of the report (一、…, 附表): its heading and blocks, so the notebook can
    show one section per cell and a writer can keep a heading with what follows it."""

    key: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> Section:
        self.blocks.extend(blocks)
        return self


@dataclass
class Document:
    """The whole report: a title, a subtitle line (单位, 日期) and its sections in order."""

    title: str
    subtitle: str = ""
    sections: list[Section] = field(default_factory=list)

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)

    def blocks(self) -> Iterator[Block]:
        for s in self.sections:
            yield from s.blocks

    def text(self) -> str:
        """All words of the document, one block per line (for tests and search)."""
        lines = [self.title, self.subtitle]
        for b in self.blocks():
            if isinstance(b, Heading):
                lines.append(b.text)
            elif isinstance(b, Paragraph):
                lines.append(b.label + b.text)
            elif isinstance(b, Table):
                lines.append(b.caption)
                lines.extend("\t".join(r) for r in b.header + b.rows)
                lines.append(b.note)
            elif isinstance(b, Figure):
                lines.append(b.caption)
        return "\n".join(x for x in lines if x)


DRAFT_MARK = "【草稿，请核改】"
