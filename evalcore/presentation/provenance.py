"""Provenance: when a page was made and from what, so a published report can be traced.

`report_time()` honours SOURCE_DATE_EPOCH (reproducible builds: the same inputs give the same
bytes); `provenance_table()` is the report's 来源与版本 table (input and scheme hashes, versions).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import platform
from importlib import metadata
from pathlib import Path

from ..schemes import Scheme
from .formats import local_time
from .html import Cell, Fragment, table

__all__ = ["VERSIONS", "file_sha256", "provenance_table", "report_time"]

#: The packages whose versions a report names.
VERSIONS = ("evalcore", "pandas", "pyarrow", "matplotlib", "papermill", "nbconvert", "nbclient", "ipykernel")


def report_time() -> dt.datetime:
    """SOURCE_DATE_EPOCH (reproducible builds) when set, else now; in UTC (pages show it in Beijing
    time through `formats.local_time`)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime.now(tz=dt.UTC).replace(microsecond=0)


def file_sha256(path: str | os.PathLike[str]) -> str | None:
    """The file's SHA-256, or None when the path is not a file (a folder of tables)."""
    p = Path(path)
    if not p.is_file():
        return None
    h = hashlib.sha256()
    with p.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def provenance_table(scheme: Scheme, source: str | os.PathLike[str]) -> Fragment:
    """Where the report came from: input file and hash, scheme and its hash, software versions, time."""
    s = scheme
    versions = []
    for name in VERSIONS:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    rows = [
        ["输入文件", Path(source).name],
        ["输入 SHA-256", file_sha256(source) or "（文件夹输入：见各表格）"],
        ["评分方案", f"{s.id} · {s.title}"],
        ["方案依据", "；".join(s.references) or "—"],
        ["方案文件 SHA-256", file_sha256(s.source) or "—"],
        ["软件版本", f"Python {platform.python_version()} · " + " · ".join(versions)],
        ["生成时间", local_time(report_time(), seconds=True)],
    ]
    return Fragment(
        table(None, [[Cell(k, header=True), v] for k, v in rows], cls="facts provenance"), "来源与版本"
    )
