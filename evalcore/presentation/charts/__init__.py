"""Every chart of the package, drawn one way: the project report, the portfolio index and the
explorer share one font set-up, one style, one figure factory, one render lock and one PNG writer.

- `fonts`: the shipped CJK font registered with matplotlib; `setup_fonts()` for a notebook's own plots;
- `text`: input text as drawable chart labels (cleaning, wrapping by display width);
- `base`: the fixed style and colours, figures, the render lock, the deterministic PNG writer;
- `report`, `portfolio`, `explore`: the charts of the project report, of the batch's portfolio
  index and of the explorer notebook, each built on the three above.

Importing the package registers the font (matplotlib forgets fonts added at run time).
"""

from __future__ import annotations

from .fonts import FONT_FAMILY, font_path, setup_fonts

__all__ = ["FONT_FAMILY", "font_path", "setup_fonts"]
