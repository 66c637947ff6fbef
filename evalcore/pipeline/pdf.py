"""A published HTML page printed to an A4 PDF by headless Chromium.

Why Chromium's own command line (`chromium --headless --print-to-pdf`) and not Playwright: it
needs no Python dependency (Playwright is only a test tool here) and no driver process, and
Chromium ≥ 131 lays out CSS `@page` margin boxes, which is all the footer needs. The footer is
print CSS added to a copy of the page: the report title and 「— N —」 under it
(`@bottom-center`); Chromium's own header and footer (date, file URL) are turned off
(`--no-pdf-header-footer`). The page layout for print (portrait A4, headings kept with what
follows, table rows whole, the table head repeated) lives in the report's CSS (`report.css`).

The text is drawn with the page's embedded font (presentation/webfont.py): the copy is given the
web font again, so the footer's characters are in it too, and a machine without any CJK system
font prints the same PDF.

Each run has its own browser profile (`--user-data-dir` in a temporary folder), so parallel
prints never share one; `--no-sandbox` is passed only to a browser running as root, which
Chromium's sandbox refuses. The PDF is written to a temporary name and renamed into place: a
failed or timed-out print leaves no PDF behind. `EVALCORE_CHROMIUM` names the browser
(a path or a command); without it /usr/bin/chromium, then `chromium` on PATH.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import PrintError
from ..presentation.webfont import FONT_STACK, with_webfont
from .files import file_mode

__all__ = ["CHROMIUM_ENV", "DEFAULT_CHROMIUM", "PRINT_TIMEOUT", "find_chromium", "footer_css", "print_pdf"]

CHROMIUM_ENV = "EVALCORE_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
PRINT_TIMEOUT = 60.0  # seconds; a report prints in 1–3 s
FOOTER_STYLE_ID = "evalcore-print"
_HEAD_END = re.compile(r"</head\s*>", re.I)
_NOISE = ("dbus", "Fontconfig", "sandbox", "GPU", "gpu_", "Fontations")  # stderr lines that are no cause


def find_chromium(page: str = "") -> Path:
    """The browser to print with: EVALCORE_CHROMIUM (a path or a command on PATH) when set, else
    /usr/bin/chromium, else `chromium` or `chromium-browser` on PATH. Raises PrintError (kind
    "browser") naming what to install."""
    named = os.environ.get(CHROMIUM_ENV, "").strip()
    candidates = [named] if named else [DEFAULT_CHROMIUM, "chromium", "chromium-browser"]
    for candidate in candidates:
        found = shutil.which(candidate)
        if found:
            return Path(found)
    raise PrintError(
        page,
        f"未找到 Chromium（{named or DEFAULT_CHROMIUM}）：请安装 Debian 软件包 chromium"
        f"（apt-get install -y chromium），或设置环境变量 {CHROMIUM_ENV} 指向浏览器",
        kind="browser",
    )


def css_string(text: str) -> str:
    """`text` as a CSS string literal that is also safe inside an HTML <style> element: quotes,
    backslashes, line breaks and `<` (which could close the element) are written as CSS escapes."""
    out = []
    for ch in text:
        if ch in '"\\<>&' or ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def footer_css(title: str) -> str:
    """The printed pages' footer: the title, and under it 「— N —」 (en spaces: a text extractor
    keeps them, so the PDF's text reads 「— 1 —」 too)."""
    return (
        "@page { @bottom-center { content: "
        + css_string(" ".join(title.split()))
        + ' "\\a" "—\u2002" counter(page) "\u2002—"; white-space: pre-wrap; text-align: center; '
        f"font-family: {FONT_STACK}; font-size: 8pt; line-height: 1.5; color: #57606a; }} }}"
    )


def printable(document: str, title: str) -> str:
    """The page as it is printed: the footer CSS put before `</head>`, and the web font rebuilt so
    that it covers the footer's characters as well."""
    style = f'<style id="{FOOTER_STYLE_ID}">{footer_css(title)}</style>\n'
    document = re.sub(rf'<style id="{FOOTER_STYLE_ID}">.*?</style>\n?', "", document, flags=re.S)
    match = _HEAD_END.search(document)
    at = match.start() if match else 0
    return with_webfont(document[:at] + style + document[at:])


def _command(browser: Path, profile: Path, pdf: Path, page: Path) -> list[str]:
    args = [
        str(browser),
        "--headless",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-extensions",
        "--disable-sync",
        "--hide-scrollbars",
        "--mute-audio",
        f"--user-data-dir={profile}",
        "--no-pdf-header-footer",
        "--generate-pdf-document-outline",  # bookmarks from the headings
        f"--print-to-pdf={pdf}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.insert(1, "--no-sandbox")  # Chromium refuses to start sandboxed as root
    return [*args, page.resolve().as_uri()]


def _cause(stderr: bytes) -> str:
    lines = [
        line.strip()
        for line in stderr.decode("utf-8", "replace").splitlines()
        if line.strip() and not any(n in line for n in _NOISE)
    ]
    return lines[-1][:300] if lines else "（浏览器未给出原因）"


def _page_copy(html_path: Path, text: str) -> Path:
    """Write the printable copy beside the page (relative links keep pointing where they did),
    or in the temporary folder when the page's folder cannot be written."""
    for folder in (html_path.parent, Path(tempfile.gettempdir())):
        try:
            fd, name = tempfile.mkstemp(prefix=f".{html_path.stem}.print-", suffix=".html", dir=folder)
        except OSError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        return Path(name)
    raise OSError(f"no folder to write a copy of {html_path} in")


def print_pdf(html_path: Path, pdf_path: Path, *, title: str, timeout: float = PRINT_TIMEOUT) -> Path:
    """Print the HTML page `html_path` to the A4 PDF `pdf_path` with headless Chromium, `title`
    and the page number in every page's footer; return pdf_path.

    Raises PrintError: no browser (kind "browser"), no PDF within `timeout` seconds ("timeout"),
    or the browser failed ("run"). Either way no file is left at pdf_path (a PDF already there is
    kept as it was)."""
    html_path, pdf_path = Path(html_path), Path(pdf_path)
    name = html_path.name
    browser = find_chromium(name)
    try:
        document = html_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PrintError(name, f"无法读取页面：{exc}") from None
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{pdf_path.stem}.", suffix=".pdf", dir=pdf_path.parent)
    os.close(fd)
    tmp_pdf = Path(tmp_name)
    copy: Path | None = None
    try:
        copy = _page_copy(html_path, printable(document, title))
        with tempfile.TemporaryDirectory(prefix="evalcore-chromium-", ignore_cleanup_errors=True) as profile:
            proc = subprocess.Popen(
                _command(browser, Path(profile), tmp_pdf, copy),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,  # its own process group: a timeout ends the browser's helpers too
            )
            try:
                _, stderr = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.communicate()
                raise PrintError(
                    name, f"Chromium 在 {timeout:g} 秒内未完成打印，已中止", kind="timeout"
                ) from None
        with tmp_pdf.open("rb") as fh:
            written = fh.read(5) == b"%PDF-"
        if proc.returncode != 0 or not written:
            raise PrintError(name, f"Chromium 未写出 PDF（退出码 {proc.returncode}）：{_cause(stderr)}")
        os.chmod(tmp_pdf, file_mode())
        os.replace(tmp_pdf, pdf_path)
    except OSError as exc:
        raise PrintError(name, f"{type(exc).__name__}: {exc}") from None
    finally:
        tmp_pdf.unlink(missing_ok=True)
        if copy is not None:
            copy.unlink(missing_ok=True)
    return pdf_path
