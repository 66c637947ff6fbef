"""Decode CSV exports from budget systems: UTF-8 (with or without BOM) or GBK/GB18030 without BOM.

Strict UTF-8 first (it almost never decodes GBK Chinese by accident), then GB18030 (a superset of
GBK and GB2312). Only when both fail is charset-normalizer asked to guess: guessing first would
mislabel short Chinese files as Big5 or cp949.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raises UnicodeDecodeError if nothing fits."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise UnicodeDecodeError("unknown", data[:16], 0, 1, "no encoding fits")
    return str(best), best.encoding
