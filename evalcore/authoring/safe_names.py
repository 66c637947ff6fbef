"""Input text made safe as one path component (department folders, report file names). Kept apart
from the writers so the batch and report pipeline can use it without importing openpyxl."""

from __future__ import annotations

import re
import unicodedata

_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
_EDGES = re.compile(r"^[\s.]+|[\s.]+$")  # leading dots hide files; trailing dots and spaces vanish on Windows
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"{p}{i}" for p in ("COM", "LPT") for i in range(1, 10))}


def safe_component(text: object, max_chars: int = 80) -> str:
    """A string usable as one path component anywhere: no separators, traversal, control chars."""
    s = _UNSAFE_CHARS.sub("_", unicodedata.normalize("NFC", "" if text is None else str(text)))
    s = _EDGES.sub("", _EDGES.sub("", s)[:max_chars])
    if not s:
        return "_"
    if s.split(".")[0].upper() in _RESERVED:
        s = "_" + s
    return s
