"""Where a portfolio's tables are, without importing Arrow: discovery runs for every input, and a
single-project report should not pay for the table reader."""

from __future__ import annotations

from pathlib import Path

from ..fields import TABLE_PROJECTS

SUFFIXES = (".csv", ".parquet")


def table_file(folder: Path, stem: str) -> Path | None:
    for suffix in SUFFIXES:
        p = folder / f"{stem}{suffix}"
        if p.is_file():
            return p
    return None


def is_table_folder(folder: Path) -> bool:
    return folder.is_dir() and table_file(folder, TABLE_PROJECTS) is not None
