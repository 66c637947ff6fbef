"""The one call `notebooks/evaluation.ipynb` makes before its sections: resolve the input and
open the report. (Charts set up their Chinese font themselves when drawn; an analyst adding a plot
of their own calls `evalcore.presentation.charts.setup_fonts()`.) Warnings stay in the executed
notebook for audit; the HTML export drops stderr."""

from __future__ import annotations

import os
from pathlib import Path

from ..schemes import Scheme
from .report import ProjectReport


def resolve_input(project_path: str | os.PathLike[str]) -> Path:
    """As given, else relative to the repository root: in JupyterLab the notebook runs in
    notebooks/, while papermill and `evalcore report` run from the root with absolute paths."""
    p = Path(project_path)
    if p.exists() or p.is_absolute():
        return p
    for base in (Path.cwd().parent, Path(__file__).resolve().parents[2]):
        if (base / p).exists():
            return base / p
    return p


def open_report(
    project_path: str | os.PathLike[str], scheme: Scheme | str | None = None, project_id: str | None = None
) -> ProjectReport:
    return ProjectReport.from_path(resolve_input(project_path), scheme or None, project_id or None)
