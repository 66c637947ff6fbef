"""One project through `notebooks/evaluation.ipynb`: papermill executes, nbconvert exports HTML.

What papermill and nbconvert leave to us (../shared/notes/toolchain.md §1.6, §2):
- a cell timeout (`CellTimeoutError`) or a dead kernel (`DeadKernelError`) leaves the output
  notebook looking "completed", and `sys.exit()` in a cell stops execution as a success: we catch
  the first two ourselves and, after every run, check that every code cell executed without error;
- nbconvert does not sanitise and its `lab` template links CDNs: we export with our own slim
  template (`templates/evalcore`), code and prompts excluded, stderr dropped, `lang="zh"`;
- writes are atomic: the HTML and the executed notebook appear under their final names only when
  the run succeeded; a failed run leaves `.failed/<id>.ipynb` for audit and no HTML.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from ..errors import InputError, ReportError
from ..presentation.webfont import page_characters, with_webfont
from ..resources import find_notebook, templates_dir
from ..schemes import Scheme
from .files import atomic_write, file_mode
from .outputs import check_formats, output_paths, write_other_formats

if TYPE_CHECKING:  # papermill/nbformat cost ~1 s to import: only where a notebook runs
    import nbformat

TEMPLATES = templates_dir()
DEFAULT_TIMEOUT = 120  # seconds for a whole notebook run
START_TIMEOUT = 60
REMOVED_TAGS = {"remove-cell", "parameters", "injected-parameters"}
#: The two documents one run of `evaluation.ipynb` makes: the notebook tags the 绩效评价报告's cells
#: `report` and the 复核底稿's cells `worksheet`; each export drops the other document's cells.
DOCUMENT_TAGS = {"report": "worksheet", "worksheet": "report"}


KEY_META = re.compile(
    rb'<meta[^>]*name="evalcore-key"[^>]*content="([0-9a-f]{64})"|'
    rb'<meta[^>]*content="([0-9a-f]{64})"[^>]*name="evalcore-key"'
)


def recorded_key(html: Path) -> str | None:
    """The content key a published report was made from, or None (missing, foreign or partial)."""
    try:
        with html.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    m = KEY_META.search(head)
    return (m[1] or m[2]).decode() if m else None


MAX_NAME_BYTES = 150  # file-name limit is 255 bytes; leave room for temp prefixes and suffixes


def safe_component(text: object) -> str:
    """A path component from input text: no separators or traversal (writers.safe_component), and
    short enough in UTF-8 bytes for every temp/suffix name built from it (a 100-character Chinese
    id is 300 bytes); a shortened name keeps a hash of the whole so two ids stay apart."""
    import hashlib

    from ..authoring.safe_names import safe_component as _safe

    name = _safe(text)
    raw = name.encode("utf-8")
    if len(raw) <= MAX_NAME_BYTES:
        return name
    digest = hashlib.sha256(str(text).encode("utf-8")).hexdigest()[:10]
    return raw[: MAX_NAME_BYTES - 11].decode("utf-8", errors="ignore") + "-" + digest


def make_exporter(template_name: str = "evalcore", document: str | None = "worksheet"):
    """One configured HTMLExporter for one of our templates (`templates/<name>`); reuse it
    (template loading is the slow part of an export). `document` names which of the evaluation
    notebook's two documents it exports ("worksheet" 复核底稿 or "report" 绩效评价报告): the other's
    cells are removed; None for a notebook that holds one document (the index)."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor
    from traitlets.config import Config

    class DropStderr(Preprocessor):
        """stderr (warnings, logging) belongs in the audit notebook, not in the published page."""

        def preprocess_cell(self, cell, resources, index):  # type: ignore[no-untyped-def]
            if cell.get("cell_type") == "code":
                cell.outputs = [
                    o
                    for o in cell.get("outputs", [])
                    if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                ]
            return cell, resources

    c = Config()
    c.TemplateExporter.extra_template_basedirs = [str(TEMPLATES)]
    c.TemplateExporter.extra_template_paths = [str(TEMPLATES)]  # so one of ours can extend another by path
    c.TagRemovePreprocessor.remove_cell_tags = set(REMOVED_TAGS) | (
        {DOCUMENT_TAGS[document]} if document else set()
    )
    c.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=c, template_name=template_name)
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.language_code = "zh"
    exporter.embed_images = False
    exporter.register_preprocessor(TagRemovePreprocessor(config=c), enabled=True)
    exporter.register_preprocessor(DropStderr, enabled=True)
    exporter.evalcore_document = document  # type: ignore[attr-defined]
    return exporter


@dataclass
class Rendered:
    project_id: str
    department: str
    html: Path  # the 复核底稿 (reviewer's worksheet)
    notebook: Path
    timings: dict[str, float] = field(default_factory=dict)
    report: Path | None = None  # the 绩效评价报告 (HTML)
    docx: Path | None = None
    pdf: Path | None = None

    @property
    def outputs(self) -> list[Path]:
        return [p for p in (self.report, self.html, self.docx, self.pdf) if p is not None]


def check_complete(nb: nbformat.NotebookNode, project: str, notebook: Path) -> None:
    """papermill reports success after sys.exit() and leaves later cells unexecuted: refuse that."""
    for n, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code" or "parameters" in cell.get("metadata", {}).get("tags", []):
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                raise ReportError(
                    project, f"第 {n} 个单元格出错：{out.get('ename')}: {out.get('evalue')}", notebook
                )
        if cell.get("execution_count") is None:
            raise ReportError(
                project, f"笔记本未执行完：第 {n} 个单元格没有运行（可能调用了 sys.exit 或被中断）", notebook
            )


def kernel_manager_class(env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """Kernels talk over IPC sockets in a private temp dir, not TCP: no free-port race when many
    start at once (papermill #511) and no "running over TCP without encryption" warning on stderr."""
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kw):  # type: ignore[no-untyped-def]
            super().__init__(**kw)
            self.transport = "ipc"
            self.ip = os.path.join(tempfile.mkdtemp(prefix="evalcore-kernel-"), "k")

        async def _async_launch_kernel(self, kernel_cmd, **kw):  # type: ignore[no-untyped-def]
            # The kernel's own stderr (start-up chatter, "KeyboardInterrupt caught" at shutdown) is
            # not the user's business; what a cell prints is captured in the notebook as usual.
            kw.setdefault("stderr", subprocess.DEVNULL)
            if env:  # per-kernel settings (not os.environ: Dask workers run tasks in threads)
                kw["env"] = {**(kw.get("env") or os.environ), **env}
            return await super()._async_launch_kernel(kernel_cmd, **kw)

        async def _async_cleanup_resources(self, restart: bool = False) -> None:  # type: ignore[override]
            await super()._async_cleanup_resources(restart=restart)
            if not restart:
                import shutil

                shutil.rmtree(os.path.dirname(self.ip), ignore_errors=True)

        cleanup_resources = _async_cleanup_resources  # type: ignore[assignment]

    return IPCKernelManager


def execute(
    notebook: Path,
    output: Path,
    project: str,
    params: dict[str, object],
    *,
    timeout: int,
    kernel_name: str = "python3",
    timings: dict[str, float] | None = None,
    env: dict[str, str] | None = None,
) -> nbformat.NotebookNode:
    """papermill on any of our notebooks, with the failure modes it does not report turned into
    ReportError naming `project` (a project id, or 项目总览). `timings` receives kernel_start (until
    the kernel answered) and execution (the cells)."""
    import nbformat
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    logging.getLogger("papermill").setLevel(logging.CRITICAL)  # its warnings repeat what ReportError says
    marks: dict[str, float] = {"begin": time.perf_counter()}

    seen: dict[str, object] = {}
    deadline = time.perf_counter() + START_TIMEOUT + timeout  # refined when the kernel is up

    def remaining(cell: object = None) -> int:  # nbclient asks before each cell: the time left for the run
        return max(1, int(deadline - time.perf_counter() + 0.999))

    def started(notebook: object = None, **_: object) -> None:  # nbclient hook: the kernel is up
        nonlocal deadline
        marks["started"] = time.perf_counter()
        deadline = marks["started"] + timeout  # the whole notebook, not each cell, gets `timeout`
        seen["nb"] = notebook  # the notebook being executed, kept for an audit copy if the run dies

    def audit() -> None:
        """papermill saves nothing after a cell timeout or a dead kernel: write what ran so far."""
        if seen.get("nb") is not None:
            with contextlib.suppress(Exception):
                nbformat.write(seen["nb"], str(output))

    try:
        pm.execute_notebook(
            str(notebook),
            str(output),
            parameters=params,
            kernel_name=kernel_name,
            progress_bar=False,
            log_output=False,
            execution_timeout=None,
            timeout_func=remaining,
            start_timeout=START_TIMEOUT,
            request_save_on_cell_execute=False,
            kernel_manager_class=kernel_manager_class(env),
            on_notebook_start=started,
        )
    except pm.PapermillExecutionError as exc:
        raise ReportError(
            project, f"第 {exc.cell_index} 个单元格出错：{exc.ename}: {exc.evalue}", output
        ) from None
    except CellTimeoutError:
        audit()
        raise ReportError(project, f"笔记本执行超过 {timeout} 秒的时限，已中止", output) from None
    except DeadKernelError:
        audit()
        raise ReportError(project, "内核意外退出（可能内存不足或被终止）", output) from None
    except (RuntimeError, OSError) as exc:  # kernel failed to start / did not reply / launcher missing
        raise ReportError(
            project, f"内核启动失败：{type(exc).__name__}: {exc}", output, kind="kernel_start"
        ) from None
    finally:
        if timings is not None:
            end, begin = time.perf_counter(), marks["begin"]
            timings["kernel_start"] = marks.get("started", end) - begin
            timings["execution"] = end - marks.get("started", end)
    nb = nbformat.read(str(output), as_version=4)
    check_complete(nb, project, output)
    return nb


def keep_failed(tmp: Path, failed: Path) -> Path | None:
    """Move a failed run's notebook to `.failed/` for audit; None when there is nothing to keep."""
    if tmp.exists() and tmp.stat().st_size:
        failed.parent.mkdir(exist_ok=True)
        os.chmod(tmp, file_mode())
        os.replace(tmp, failed)
        return failed
    tmp.unlink(missing_ok=True)
    return None


@contextlib.contextmanager
def _chart_cache(report, warm: bool):  # type: ignore[no-untyped-def]
    """The kernel environment pointing at this project's charts, drawn here; None when not warming
    or when drawing failed (the kernel then draws them itself and reports any problem)."""
    if not warm:
        yield None
        return
    from ..presentation import chart_cache

    with tempfile.TemporaryDirectory(prefix="evalcore-charts-") as folder:
        try:
            chart_cache.warm(report.ev, folder)
            if report.comparison is not None and report.comparison.has_history:
                chart_cache.warm_history(report.comparison.history, folder)
            env: dict[str, str] | None = {chart_cache.ENV: folder}
        except Exception:
            env = None
        yield env


def render_project(
    project_path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    scheme: Scheme | str | None = None,
    project_id: str | None = None,
    timeout: int = DEFAULT_TIMEOUT,
    kernel_name: str = "python3",
    exporter=None,
    notebook: Path | None = None,
    html_path: Path | None = None,
    key: str | None = None,
    warm_charts: bool = False,
    formats: tuple[str, ...] | list[str] = ("html",),
    report_exporter=None,
    context: str | os.PathLike[str] | None = None,
    compare: Sequence[str | os.PathLike[str]] = (),
) -> Rendered:
    """Execute and export one project; raise InputError (bad input) or ReportError (run failed).

    The HTML goes to `<out>/<department>/<project_id>.html` (both made safe as path components)
    unless `html_path` is given; `key` is recorded in the page (`<meta name="evalcore-key">`) so a
    batch can tell a current output from a stale one by reading the output itself. The same run
    writes the 绩效评价报告 beside it (`<id>-绩效评价报告.html`, and `.docx`/`.pdf` when `formats`
    asks: the Word file from the same `Document`, the PDF printed from that HTML). With
    `warm_charts`, the charts are drawn here (in a process that keeps matplotlib imported) and
    handed to the kernel through a temporary chart cache (presentation/chart_cache.py). `context`
    is the batch's comparison file for this project (历史比较, 横向比较: presentation/comparison.py);
    without one, `compare` names data folders to compare the project with (`compare.context_for`),
    and the context is written beside the report (`<stem>.context.json`), so the run can be
    repeated by hand with papermill."""
    from ..presentation.report import ProjectReport

    t0 = time.perf_counter()
    formats = check_formats(formats)
    src = Path(project_path).resolve()
    context = str(Path(context).resolve()) if context else None
    report = ProjectReport.from_path(src, scheme, project_id, context)  # validate before paying for a kernel
    p = report.project
    if compare and context is None:
        from .compare import context_for

        found = context_for(p, compare, scheme)
        if html_path is None:
            where = (
                Path(out_dir) / safe_component(p.department) / f"{safe_component(p.project_id)}.context.json"
            )
        else:
            where = html_path.with_name(html_path.name.removesuffix(".html") + ".context.json")
        where.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(where, orjson.dumps(found, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
        context = str(where.resolve())
        report = ProjectReport.from_path(src, scheme, project_id, context)
    scheme_arg = scheme.source if isinstance(scheme, Scheme) else scheme
    if scheme_arg and Path(scheme_arg).is_file():
        scheme_arg = str(Path(scheme_arg).resolve())  # the kernel may run elsewhere
    with _chart_cache(report, warm_charts) as env:
        if html_path is None:
            dest, stem = Path(out_dir) / safe_component(p.department), safe_component(p.project_id)
        else:
            dest, stem = html_path.parent, html_path.name.removesuffix(".html")
        dest.mkdir(parents=True, exist_ok=True)
        # audit notebooks of failed runs live apart (`.failed/`): no project id can name one of them
        html_path, nb_path, failed = (
            dest / f"{stem}.html",
            dest / f"{stem}.ipynb",
            dest / ".failed" / f"{stem}.ipynb",
        )
        fd, tmp_name = tempfile.mkstemp(prefix=f".{stem}.", suffix=".ipynb", dir=dest)
        os.close(fd)
        tmp = Path(tmp_name)
        timings: dict[str, float] = {"validate": time.perf_counter() - t0}
        try:
            t1 = time.perf_counter()
            params = {"project_path": str(src), "scheme": scheme_arg, "project_id": project_id}
            if context:
                params["context_path"] = context
            nb = execute(
                notebook or find_notebook(),
                tmp,
                p.project_id,
                params,
                timeout=timeout,
                kernel_name=kernel_name,
                timings=timings,
                env=env,
            )
            timings["execute"] = time.perf_counter() - t1
            t2 = time.perf_counter()
            exporter = exporter or make_exporter()
            report_exporter = report_exporter or make_exporter(document="report")
            body, _ = exporter.from_notebook_node(
                nb,
                resources={
                    "evalcore_title": f"{report.title}（复核底稿）",
                    "evalcore_key": key,
                    "language_code": "zh",
                },
            )
            document, _ = report_exporter.from_notebook_node(
                nb,
                resources={
                    "evalcore_title": report.title,
                    "evalcore_key": key,
                    "evalcore_kind": "document",
                    "language_code": "zh",
                },
            )
            # the pages' own Chinese font (presentation/webfont.py): one subset for both documents
            chars = page_characters(body + document)
            body, document = with_webfont(body, chars), with_webfont(document, chars)
            timings["export"] = time.perf_counter() - t2
        except ReportError as exc:
            exc.notebook = keep_failed(tmp, failed)
            raise
        except (KeyboardInterrupt, SystemExit):
            tmp.unlink(missing_ok=True)
            raise
        except Exception as exc:  # the export (or anything unforeseen): still one error naming the project
            raise ReportError(
                p.project_id, f"导出 HTML 失败：{type(exc).__name__}: {exc}", keep_failed(tmp, failed)
            ) from None
        paths = output_paths(html_path)
        try:
            atomic_write(paths["html"], document.encode("utf-8"))
            atomic_write(html_path, body.encode("utf-8"))
            os.chmod(tmp, file_mode())
            os.replace(tmp, nb_path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise ReportError(p.project_id, f"写出报告失败：{exc}") from None
        failed.unlink(missing_ok=True)
        done = Rendered(p.project_id, p.department, html_path, nb_path, timings, report=paths["html"])
        extra = write_other_formats(report, p.project_id, paths, formats, timings)
        done.docx, done.pdf = extra.get("docx"), extra.get("pdf")
        timings["total"] = time.perf_counter() - t0
        return done


__all__ = [
    "InputError",
    "Rendered",
    "check_complete",
    "file_mode",
    "find_notebook",
    "make_exporter",
    "render_project",
]
