"""Input text as chart labels: one drawable line, wrapped by display width.

Text from the input (indicator, category, department and budget row names) is drawn literally
(the chart style turns mathtext off, so `$` is a dollar sign). Control characters become spaces,
and a character neither font has (an emoji, a rare extension-B ideograph) becomes □ — drawn,
rather than a missing-glyph warning. Widths count a CJK character as two Latin ones, as a reader
sees them.
"""

from __future__ import annotations

import unicodedata

from .fonts import drawable_codepoints

__all__ = ["REPLACEMENT", "clean", "display_width", "wrap"]

REPLACEMENT = "□"
_NO_LINE_START = set("，。、；：？！）」』》〉】”’%％,.;:?!)]}…·")


def clean(text: object) -> str:
    """Input text as one drawable line: control characters and line breaks become spaces, runs of
    spaces collapse, invisible format characters (zero-width space, soft hyphen) go, characters
    neither font has become □."""
    drawable = drawable_codepoints()
    chars = (
        " " if ch.isspace() or unicodedata.category(ch) == "Cc" else ch
        for ch in str(text)
        if unicodedata.category(ch) != "Cf"
    )
    line = " ".join("".join(chars).split())
    return "".join(ch if ord(ch) in drawable else REPLACEMENT for ch in line)


def display_width(text: str) -> int:
    """Display width: CJK (wide / full-width) characters count 2, others 1."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, width: int, max_lines: int, suffix: str = "") -> str:
    """`text + suffix` in at most `max_lines` lines of `width` display units; when it does not fit,
    the text is cut with "…" and the suffix (a direction mark) still shows."""
    lines = _break(text + suffix, width)
    if len(lines) > max_lines:
        lines = _break(text, width)[:max_lines]
        last = lines[-1]
        while last and display_width(last + "…" + suffix) > width:
            last = last[:-1]
        lines[-1] = last + "…" + suffix
    return "\n".join(lines)


def _break(text: str, width: int) -> list[str]:
    """Lines of at most `width` display units; closing punctuation never starts a line (it may
    overhang by one character instead)."""
    lines: list[str] = []
    line = ""
    for ch in text:
        if line and display_width(line + ch) > width and ch not in _NO_LINE_START:
            start = len(line)  # a Latin word or number moves to the next line whole, when short
            while start and _is_word(line[start - 1]) and _is_word(ch):
                start -= 1
            if not 0 < start < len(line) or display_width(line[start:]) > width // 2:
                start = len(line)
            lines.append(line[:start].rstrip())
            line = line[start:]
        if line or ch != " ":
            line += ch
    return [*lines, line] if line else lines


def _is_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "_.'")
