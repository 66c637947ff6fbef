"""What one project's run writes besides its 复核底稿: the 绩效评价报告 as HTML, Word and PDF.

The names are fixed here once (`output_paths`), for the renderer that writes them, the batch that
decides whether a run is current and the index that links them.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import PrintError, ReportError

if TYPE_CHECKING:
    from ..presentation.report import ProjectReport

REPORT_SUFFIX = "-绩效评价报告"  # <id>-绩效评价报告.html/.docx/.pdf beside the 复核底稿 <id>.html
FORMATS = ("html", "docx", "pdf")


def output_paths(html_path: Path) -> dict[str, Path]:
    """Every file one project's run may write, from its worksheet path `<stem>.html`."""
    stem = html_path.name.removesuffix(".html")
    base = html_path.parent / f"{stem}{REPORT_SUFFIX}"
    return {
        "worksheet": html_path,
        "html": base.with_name(base.name + ".html"),
        "docx": base.with_name(base.name + ".docx"),
        "pdf": base.with_name(base.name + ".pdf"),
    }


def check_formats(formats: tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """The requested output formats, in a stable order; html is always written (the PDF is
    printed from it, the index links it)."""
    wanted = {"html", *(formats or ())}
    unknown = wanted - set(FORMATS)
    if unknown:
        raise ValueError(f"未知的输出格式：{'、'.join(sorted(unknown))}（可选 html、docx、pdf）")
    return tuple(f for f in FORMATS if f in wanted)


def write_other_formats(
    report: ProjectReport,
    project_id: str,
    paths: dict[str, Path],
    formats: tuple[str, ...],
    timings: dict[str, float],
) -> dict[str, Path]:
    """The 绩效评价报告 as Word (from the same Document the HTML shows) and as PDF (Chromium
    printing that HTML), by format. A failure is a ReportError naming the project and what to
    install; the HTML already written stays (it is complete), and no partial .docx/.pdf is left."""
    written: dict[str, Path] = {}
    if "docx" in formats:
        t = time.perf_counter()
        from ..presentation.document_docx import write_docx

        try:
            written["docx"] = write_docx(report.document, paths["docx"])
        except OSError as exc:
            raise ReportError(project_id, f"写出 Word 文件失败：{exc}") from None
        timings["docx"] = time.perf_counter() - t
    if "pdf" in formats:
        t = time.perf_counter()
        from .pdf import print_pdf

        try:
            written["pdf"] = print_pdf(paths["html"], paths["pdf"], title=report.title)
        except PrintError as exc:  # a failed project like any other: the batch lists it with its cause
            raise ReportError(project_id, str(exc)) from None
        timings["pdf"] = time.perf_counter() - t
    return written
