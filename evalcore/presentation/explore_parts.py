"""What every explorer view returns: `Part`s (trusted HTML built by the views, or a PNG chart),
and the two blocks every section is made of (`html_part`: a section's card; `card_note`: its grey
note line), defined once for all the explorer's view modules."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .cards import STYLE
from .html import Markup, esc, join, tag

__all__ = ["Content", "Part", "card_note", "html_part"]


@dataclass(frozen=True)
class Part:
    """One output of a view: trusted HTML built here, or a PNG chart."""

    kind: str  # "html" | "png"
    payload: Markup | bytes
    text: str = ""  # plain-text form (the alt text of a chart)

    def output(self) -> dict[str, Any]:
        """As a notebook output (what an Output widget holds)."""
        if self.kind == "png":
            data = {"image/png": base64.b64encode(self.payload).decode("ascii"), "text/plain": self.text}  # type: ignore[arg-type]
        else:
            data = {"text/html": str(self.payload), "text/plain": self.text}
        return {"output_type": "display_data", "data": data, "metadata": {}}

    def html(self) -> Markup:
        if self.kind == "png":
            src = "data:image/png;base64," + base64.b64encode(self.payload).decode("ascii")  # type: ignore[arg-type]
            return Markup(f'<img src="{src}" alt="{esc(self.text)}" style="max-width:100%">')
        return self.payload  # type: ignore[return-value]


Content = tuple[Part, ...]


def html_part(section: str, parts: Sequence[object], text: str) -> Part:
    return Part(
        "html",
        join([STYLE, tag("div", join(parts), class_="ec-card ec-explore", data_section=section)]),
        text,
    )


def card_note(text: str) -> Markup:
    return tag("p", text, class_="ec-note")
