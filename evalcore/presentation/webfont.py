"""The report pages' own font: each page embeds the part of Noto Sans CJK SC it uses, as WOFF2.

Why: a page that names only system fonts renders Chinese as boxes (or in a random face) on a
machine without a CJK font, which is what a server printing PDFs usually is, and prints
differently on every machine that has one. The pages therefore carry a subset of the font the
charts already ship with (`cjk_font.py`, docs/fonts.md), first in the CSS font-family chain; the
system CJK fonts follow it only for characters the font lacks.

- **What goes in.** Every character of the document (text, attribute values such as an input's
  placeholder, CSS `content:` strings, the index's script strings), after entity decoding, plus
  printable ASCII so that numbers a script writes later are in the same face. The font's Latin
  and digits are used too (its digits are tabular by default), so a page has one face throughout.
- **What is left out.** Layout tables (GSUB/GPOS/GDEF/BASE: horizontal CJK text needs no
  substitution, the face's digits are already tabular, and kerning of Latin pairs is not worth
  their size), vertical metrics and hints. Only the Regular face ships: bold text is the
  browser's synthetic bold of it.
- **TrueType outlines.** The CFF outlines are converted to quadratic ones (`_to_truetype`):
  Chromium prints a CFF web font into a PDF as nameless Type 3 glyph procedures, a TrueType one
  as an embedded subset font named NotoSansCJKsc-Regular (searchable, and what `pdffonts` shows).
- **Speed.** The seed report's ~430 characters take about 0.14 s to subset, 0.06 s to convert
  and 0.02 s to compress, ~0.25 s of CPU in all (docs/fonts.md has the figures). fontTools' own
  WOFF2 writer always compresses at brotli quality 11 (0.24 s more for 2% less), so `woff2()`
  writes the container itself, every table untransformed (WOFF2 allows it for glyf/loca too).
- **Caches.** Subsets are kept in memory (the last few) and on disk, keyed by a hash of the
  character set, the font file and this module's subsetting version: re-rendering a report whose
  characters did not change (edited numbers use digits already in the set) costs a file read.
  The folder is `$EVALCORE_CACHE/fonts`, else `$XDG_CACHE_HOME/evalcore/fonts`, else
  `~/.cache/evalcore/fonts`; it is pruned to the newest `MAX_CACHED` files, and a folder that
  cannot be written is simply not used.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import io
import os
import re
import struct
import tempfile
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

from .cjk_font import font_path, sc_face_index

__all__ = [
    "CACHE_ENV",
    "FAMILY",
    "FONT_STACK",
    "cache_dir",
    "font_face_css",
    "page_characters",
    "subset_woff2",
    "with_webfont",
    "woff2",
]

FAMILY = "Evalcore Noto Sans SC"
#: The CSS font-family chain of every page (report.css says the same; a test keeps them in step):
#: the embedded face first, so every machine draws the same glyphs; system CJK fonts only for
#: characters it lacks; the generic family last.
FONT_STACK = (
    f'"{FAMILY}", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
    '"Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
)
CACHE_ENV = "EVALCORE_CACHE"
MAX_CACHED = 400  # subsets on disk (about 50 KiB each)
#: Bump when the subsetting below changes what a subset holds: the disk cache is keyed on it.
SUBSET_VERSION = "3"
DROPPED_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "VORG", "vhea", "vmtx", "DSIG")
STYLE_ID = "evalcore-webfont"
_OUR_STYLE = re.compile(rf'<style id="{STYLE_ID}">.*?</style>\n?', re.S)
_ASCII = "".join(chr(c) for c in range(0x20, 0x7F))
_HEAD_END = re.compile(r"</head\s*>", re.I)
_NOT_DRAWN = {"Cc", "Cs", "Zl", "Zp"}  # controls, lone surrogates, line/paragraph separators


def page_characters(document: str) -> str:
    """The characters a page can show, sorted: everything in the document after entity decoding
    (a superset of its text content that also covers attribute values and CSS/script strings),
    plus printable ASCII, without control characters."""
    chars = set(html.unescape(_OUR_STYLE.sub("", document))) | set(_ASCII)
    return "".join(sorted(c for c in chars if unicodedata.category(c) not in _NOT_DRAWN))


def cache_dir() -> Path:
    """Where subsets are kept on disk (see the module docstring)."""
    if env := os.environ.get(CACHE_ENV):
        return Path(env) / "fonts"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "evalcore" / "fonts"


@cache
def _font_identity() -> tuple[Path, int, str]:
    """The font file, its SC face and what identifies that content in a cache key (size and
    modification time: hashing 18 MiB would cost more than the subset it saves)."""
    path = font_path()
    st = path.stat()
    return path, sc_face_index(path), f"{path.name}:{st.st_size}:{st.st_mtime_ns}"


def _key(chars: str) -> str:
    identity = _font_identity()[2]
    return hashlib.sha256(f"{SUBSET_VERSION}\0{identity}\0{chars}".encode()).hexdigest()


def woff2(sfnt: bytes) -> bytes:
    """An OpenType font as WOFF2 (W3C WOFF2 §4–5) with every table untransformed (glyf and loca
    take the null transform, version 3), brotli at quality 9: the subsets come out 2% larger than
    at quality 11 in a tenth of the time (0.02 s, not 0.24 s). fontTools' writer has no quality
    setting and always takes 11."""
    import brotli
    from fontTools.ttLib.woff2 import packBase128, woff2KnownTags

    flavor, count = struct.unpack(">4sH", sfnt[:6])
    entries = sorted(struct.unpack(">4sIII", sfnt[12 + 16 * i : 28 + 16 * i]) for i in range(count))
    directory, stream, sfnt_size = bytearray(), bytearray(), 12 + 16 * count
    for tag, _checksum, offset, length in entries:  # by tag: glyf precedes loca, as decoders expect
        name = tag.decode("latin-1")
        known = woff2KnownTags.index(name) if name in woff2KnownTags else 63
        null = 3 if name in ("glyf", "loca") else 0  # transform version meaning "not transformed"
        directory += bytes([null << 6 | known]) + (tag if known == 63 else b"") + packBase128(length)
        stream += sfnt[offset : offset + length]
        sfnt_size += (length + 3) & ~3
    compressed = brotli.compress(bytes(stream), mode=brotli.MODE_FONT, quality=9)
    length = (48 + len(directory) + len(compressed) + 3) & ~3
    head = next(sfnt[o : o + n] for t, _, o, n in entries if t == b"head")
    major, minor = struct.unpack(">HH", head[4:8])  # the font revision, as fontTools writes it
    header = struct.pack(
        ">4s4sIHHIIHHIIIII", b"wOF2", flavor, length, count, 0, sfnt_size, len(compressed), major, minor,
        0, 0, 0, 0, 0,
    )  # fmt: skip
    data = header + bytes(directory) + compressed
    return data + b"\0" * (length - len(data))


def _to_truetype(font) -> None:  # type: ignore[no-untyped-def]
    """Replace the CFF outlines of a (subset) font by quadratic TrueType ones, in place.

    Why: Chromium's PDF writer (Skia) embeds a CFF-flavoured web font as Type 3 glyph procedures,
    nameless and several times larger, and embeds a TrueType font as a named, subset CID font.
    The conversion (cu2qu, at most 1 unit in 1000 off the curve) costs ~0.05 s for a page's glyphs;
    it follows fontTools' otf2ttf recipe."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, glyphs
    del font["CFF "]
    hmtx = font["hmtx"]
    for name, glyph in glyphs.items():
        glyph.recalcBounds(glyf)
        hmtx[name] = (hmtx[name][0], getattr(glyph, "xMin", 0))  # left side bearing = xMin in glyf fonts
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion, maxp.numGlyphs, maxp.maxZones = 0x00010000, len(order), 1
    for field in ("TwilightPoints", "Storage", "FunctionDefs", "InstructionDefs", "StackElements"):
        setattr(maxp, f"max{field}", 0)
    maxp.maxSizeOfInstructions = maxp.maxComponentElements = 0
    maxp.recalc(font)
    font["post"].formatType = 3.0  # no glyph names: nothing reads them, and they cost bytes
    font.sfntVersion = "\x00\x01\x00\x00"


def _build(chars: str) -> bytes:
    """Subset the SC face to `chars` (those it has), give it TrueType outlines, pack it as WOFF2."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    path, index, _ = _font_identity()
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += list(DROPPED_TABLES)
    options.hinting = True  # removing CFF hints costs 0.05 s; the TrueType conversion drops them anyway
    options.notdef_outline = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep the copyright and licence (OFL §2)
    # recalcTimestamp=False: the same characters give the same bytes on any day (reproducible pages)
    font = TTFont(str(path), fontNumber=index, lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    try:
        for tag in DROPPED_TABLES:  # before subsetting: fontTools would otherwise read them first
            if tag in font:
                del font[tag]
        font["head"].flags |= 1 << 11  # "lossless modifying transform" applied (WOFF2 §5)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[ord(c) for c in chars])
        subsetter.subset(font)
        _to_truetype(font)
        out = io.BytesIO()
        font.save(out)
    finally:
        font.close()
    return woff2(out.getvalue())


def _write_cache(folder: Path, key: str, data: bytes) -> None:
    """Store a subset atomically, then keep the folder to the newest MAX_CACHED files."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, folder / f"{key}.woff2")
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    files = list(folder.glob("*.woff2"))
    if len(files) > MAX_CACHED:
        files.sort(key=lambda p: p.stat().st_mtime if p.exists() else 0)
        for old in files[: len(files) - MAX_CACHED * 3 // 4]:
            with contextlib.suppress(OSError):
                old.unlink()


@lru_cache(maxsize=16)
def subset_woff2(chars: str) -> bytes:
    """The WOFF2 subset holding `chars` (those the face has): from memory, from the disk cache, or
    built and stored there. A cache that cannot be read or written is passed over silently: the
    subset is then built, and the page is the same."""
    chars = "".join(sorted(set(chars)))
    key = _key(chars)
    folder = cache_dir()
    cached = folder / f"{key}.woff2"
    with contextlib.suppress(OSError):
        data = cached.read_bytes()
        if data[:4] == b"wOF2":
            with contextlib.suppress(OSError):
                os.utime(cached)  # recently used: kept by the pruning
            return data
    data = _build(chars)
    with contextlib.suppress(OSError):
        _write_cache(folder, key, data)
    return data


def font_face_css(chars: str) -> str:
    """The `@font-face` rule of FAMILY holding `chars`, the font inline as a data: URL."""
    data = base64.b64encode(subset_woff2(chars)).decode("ascii")
    return (
        f'@font-face {{ font-family: "{FAMILY}"; font-style: normal; font-weight: 400; '
        f'font-display: block; src: url(data:font/woff2;base64,{data}) format("woff2"); }}'
    )


def with_webfont(document: str, chars: str | None = None) -> str:
    """The HTML page with its own font: a `<style id="evalcore-webfont">` holding the @font-face of
    the characters the page uses, put just before `</head>` (replacing one put there before).
    The page's CSS names FAMILY first (report.css). `chars` (a superset of the page's characters)
    lets two pages of one run share one subset: it is built once, then read from the cache."""
    document = _OUR_STYLE.sub("", document)
    style = f'<style id="{STYLE_ID}">{font_face_css(chars or page_characters(document))}</style>\n'
    match = _HEAD_END.search(document)
    if match is None:
        return style + document
    return document[: match.start()] + style + document[match.start() :]
