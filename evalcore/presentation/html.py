"""A very small HTML builder whose default is escaping.

Every string that reaches a report came from somebody's input (names, targets, reasons, goals),
and nbconvert does not sanitise what a cell displays. So nothing here concatenates raw text:
`esc` escapes, `Markup` marks the few fragments we built ourselves, and `table` escapes every
cell that is not Markup. A project named `<script>…</script>` is shown as that text.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence

from markupsafe import Markup, escape

__all__ = ["Cell", "Fragment", "Markup", "esc", "header_cells", "img_png", "num_cell", "table", "tag"]


def esc(value: object) -> Markup:
    return escape("" if value is None else value)


def tag(name: str, content: object = "", **attrs: object) -> Markup:
    """<name attrs>content</name>; attribute values and non-Markup content are escaped."""
    attr = "".join(
        f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in attrs.items() if v is not None
    )
    return Markup(f"<{name}{attr}>{esc(content)}</{name}>")


def join(parts: Iterable[object], sep: str = "") -> Markup:
    return Markup(sep).join(esc(p) for p in parts)


class Cell:
    """A table cell with options; plain values become plain cells."""

    __slots__ = ("attrs", "header", "value")

    def __init__(self, value: object, *, header: bool = False, **attrs: object) -> None:
        self.value, self.header, self.attrs = value, header, attrs


def num_cell(value: object, cls: str = "num") -> Cell:
    """A numeric (right-aligned) cell; `cls` may add a class, e.g. "num ec-over" for an overspend."""
    return Cell(value, class_=cls)


def header_cells(labels: Sequence[str], numeric_from: int) -> list[Cell]:
    """Column headers, right-aligned from column `numeric_from` on (where the numbers are)."""
    return [Cell(h, class_="num" if i >= numeric_from else None) for i, h in enumerate(labels)]


def _cell(c: object, header: bool = False) -> Markup:
    if isinstance(c, Cell):
        return tag("th" if c.header or header else "td", c.value, **c.attrs)
    return tag("th" if header else "td", c)


def table(
    headers: Sequence[object] | None,
    rows: Iterable[Sequence[object]],
    *,
    cls: str = "data",
    caption: str | None = None,
    header_rows: Sequence[Sequence[object]] = (),
) -> Markup:
    out = [Markup(f'<table class="{esc(cls)}">')]
    if caption:
        out.append(tag("caption", caption))
    if headers or header_rows:
        out.append(Markup("<thead>"))
        for hr in [*header_rows, *([headers] if headers else [])]:
            out.append(Markup("<tr>") + join(_cell(c, header=True) for c in hr) + Markup("</tr>"))
        out.append(Markup("</thead>"))
    out.append(Markup("<tbody>"))
    for r in rows:
        out.append(Markup("<tr>") + join(_cell(c) for c in r) + Markup("</tr>"))
    out.append(Markup("</tbody></table>"))
    return join(out)


def img_png(data: bytes, alt: str, cls: str = "chart") -> Markup:
    src = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    return Markup(f'<img class="{esc(cls)}" src="{src}" alt="{esc(alt)}">')


class Fragment:
    """What a notebook cell displays: trusted HTML built by this package (text/html output)."""

    def __init__(self, html: Markup, text: str = "") -> None:
        self.html, self.text = html, text

    def _repr_html_(self) -> str:
        return str(self.html)

    def __repr__(self) -> str:  # plain-text output, e.g. when a notebook is read in a terminal
        return self.text or "<报告片段>"
