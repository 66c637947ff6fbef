"""The portfolio index of a batch: `notebooks/portfolio.ipynb` through papermill, exported to
`<out>/index.html` by nbconvert with the index template (`templates/evalcore-index`).

The same failure handling as a project report (`render.py`): a cell error, a cell timeout, a dead
kernel, a kernel that does not start, or a notebook that stopped early become a `ReportError`
naming 项目总览 and the cause; the executed notebook is then kept as `<out>/.failed/index.ipynb` for
audit, and no new index is written. On success `index.html` and `index.ipynb` appear atomically.

The page is the slim report page plus one inline script (the table's sort and filter). The script
is read here and passed to the template with its SHA-256, which the page's Content-Security-Policy
names: that script runs and nothing else (no other script, no network request; images from data:
URLs only). With SOURCE_DATE_EPOCH set, two renders of the same folder give byte-identical HTML.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
from functools import cache
from pathlib import Path

from ..errors import ReportError
from ..presentation.webfont import with_webfont
from .render import (
    DEFAULT_TIMEOUT,
    TEMPLATES,
    atomic_write,
    execute,
    file_mode,
    find_notebook,
    keep_failed,
    make_exporter,
)

INDEX_TEMPLATE = "evalcore-index"
NOTEBOOK = "portfolio.ipynb"
SUBJECT = "项目总览"  # what a ReportError names
SCRIPT = TEMPLATES / INDEX_TEMPLATE / "portfolio.js"

__all__ = ["INDEX_TEMPLATE", "make_index_exporter", "render_index", "script"]


@cache
def script() -> tuple[str, str]:
    """The table script and its CSP hash ('sha256-' + base64 of the digest of exactly that text)."""
    text = SCRIPT.read_text(encoding="utf-8")
    if "</" in text or "<!--" in text:  # would end or confuse the inline <script> element
        raise RuntimeError(f"{SCRIPT}: the inline script must not contain '</' or '<!--'")
    return text, base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def make_index_exporter():  # type: ignore[no-untyped-def]
    """The report exporter (same preprocessors: tagged cells removed, stderr dropped, code and
    prompts excluded, lang="zh") with the index template."""
    return make_exporter(INDEX_TEMPLATE)


def index_key(out_dir: Path, notebook: Path | None = None) -> str:
    """What the index shows depends on: the projects' figures and which failed and why (not on
    whether a report was re-rendered or skipped, nor on timings), the notebook, the template and
    the package version. An unchanged batch re-uses the index."""
    import orjson

    from ..version import __version__
    from .plan import code_digest

    out = Path(out_dir)
    summary = orjson.loads((out / "summary.json").read_bytes())["projects"]
    manifest = (
        orjson.loads((out / "manifest.json").read_bytes())["projects"]
        if (out / "manifest.json").exists()
        else []
    )
    rows = [{**r, "status": "failed" if r.get("status") == "failed" else "ok"} for r in summary]
    failures = sorted(
        (str(m.get("project_id")), str(m.get("error")))
        for m in manifest
        if m.get("status") in ("failed", "invalid") and m.get("html") != "index.html"
    )
    h = hashlib.sha256(orjson.dumps([rows, failures], option=orjson.OPT_SORT_KEYS))
    h.update(__version__.encode())
    h.update(code_digest().encode())
    h.update((notebook or find_notebook(NOTEBOOK)).read_bytes())
    for p in sorted((TEMPLATES / INDEX_TEMPLATE).glob("*")) + sorted((TEMPLATES / "evalcore").glob("*")):
        h.update(p.read_bytes())
    return h.hexdigest()


def render_index(
    out_dir: Path,
    timeout: int = DEFAULT_TIMEOUT,
    notebook: Path | None = None,
    *,
    kernel_name: str = "python3",
    exporter=None,
    key: str | None = None,
) -> Path:  # type: ignore[no-untyped-def]
    """Write `<out>/index.html` (and the executed notebook `<out>/index.ipynb`) from the
    `summary.json` and `manifest.json` a batch left in out_dir; return the HTML path.
    Raises ReportError when the notebook run fails (the previous index, if any, stays)."""
    from ..presentation.portfolio_page import TITLE

    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    html_path, nb_path, failed = out / "index.html", out / "index.ipynb", out / ".failed" / "index.ipynb"
    fd, tmp_name = tempfile.mkstemp(prefix=".index.", suffix=".ipynb", dir=out)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        nb = execute(
            notebook or find_notebook(NOTEBOOK),
            tmp,
            SUBJECT,
            {"reports_dir": str(out)},
            timeout=timeout,
            kernel_name=kernel_name,
        )
        text, digest = script()
        exporter = exporter or make_index_exporter()
        body, _ = exporter.from_notebook_node(
            nb,
            resources={
                "evalcore_title": TITLE,
                "language_code": "zh",
                "evalcore_key": key,
                "evalcore_script": text,
                "evalcore_script_hash": digest,
            },
        )
        body = with_webfont(body)  # the page's own Chinese font (presentation/webfont.py)
    except ReportError as exc:
        exc.notebook = keep_failed(tmp, failed)
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    atomic_write(html_path, body.encode("utf-8"))
    os.chmod(tmp, file_mode())
    os.replace(tmp, nb_path)
    failed.unlink(missing_ok=True)
    return html_path
