"""The one call `notebooks/evaluation.ipynb` makes before its sections: resolve the input and
open the report. (Charts set up their Chinese font themselves when drawn; an analyst adding a plot
of their own calls `evalcore.presentation.charts.setup_fonts()`.) Warnings stay in the executed
notebook for audit; the HTML export drops stderr."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError, Where
from ..schemes import Scheme
from .report import ProjectReport


def resolve_input(project_path: str | os.PathLike[str]) -> Path:
    """A notebook's data parameter as a path: absolute as given; relative to the working directory
    (papermill and `evalcore report` run from where they are started, the repository root for the
    defaults), else to the folder above it (JupyterLab runs a notebook in its own folder,
    notebooks/, and the defaults name data/ of the repository). Nothing is looked up next to the
    installed package: an installed wheel has no data/. Raises InputError naming what was tried."""
    p = Path(project_path)
    if p.is_absolute():
        return p  # a missing absolute path is reported by the reader, with the same message as ever
    cwd = Path.cwd()
    tried = list(dict.fromkeys([cwd / p, cwd.parent / p]))
    for candidate in tried:
        if candidate.exists():
            return p if candidate == cwd / p else candidate
    raise InputError(
        Where(str(p)),
        f"文件或文件夹不存在（相对路径按当前工作目录及其上一级查找，已尝试：{'、'.join(map(str, tried))}）",
        "已存在的文件或文件夹；可给出绝对路径",
    )


def open_report(
    project_path: str | os.PathLike[str],
    scheme: Scheme | str | None = None,
    project_id: str | None = None,
    context_path: str | os.PathLike[str] | None = None,
) -> ProjectReport:
    """The report of one project; `context_path` the comparison file a batch wrote for it."""
    context = resolve_input(context_path) if context_path else None
    return ProjectReport.from_path(resolve_input(project_path), scheme or None, project_id or None, context)
