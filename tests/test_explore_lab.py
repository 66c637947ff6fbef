"""`notebooks/explore.ipynb` in JupyterLab itself, driven through Debian's chromium with Playwright.

A real `jupyter lab` server is started for the module on 127.0.0.1 (a free port, a random token, its
config, data, runtime and IPython folders in a temporary directory, so nothing from the user's home
leaks in; the kernelspec `python3` still comes from this environment's `share/jupyter`). Its root is
a temporary folder holding a copy of the notebook whose parameters cell points at a small portfolio:
the largest departments of `data/portfolio` until there are at least 30 projects. In headless
chromium the test opens the notebook, runs all cells from the Run menu, waits for the kernel to be
idle and the explorer's widgets to be rendered, reads the variance table of the departments pane
(the `departments-table` part of the live Output widget), selects one department in the filter
Dropdown and reads the table again. What the page showed is recorded once by the module fixture and
checked by the tests below:

- every code cell ran, no stderr or error output, no traceback, no uncaught page error;
- the table changed: before, one row per department of the portfolio; after, exactly the projects
  of the chosen department (by 编号), and the pane's headline and the filter status name it;
- the page asked nothing of any host but the local server (and data:/blob: URLs);
- back to 全部, the departments section's 「排序」 bar set to 执行率 and toggled to 降序: the table's
  rows come by 执行率, highest first, in the order `variance("department")` gives (the API, sorted
  in the test), so the default order (全年预算) would fail it;
- with the department of fewest projects chosen in the filter, a path typed into 保存到 and a click
  on 「导出当前筛选（Excel）」: the line under it says where, and openpyxl finds in that workbook a
  汇总 listing exactly that department's projects (`filter(department=…)`), one sheet per project.

Every wait is bounded, so CI never hangs; the server is shut down through its API, then its process
group is terminated and any kernel it left is killed by pid. A server that cannot start fails the
test with its log (it is not skipped).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"
PORTFOLIO = ROOT / "data" / "portfolio"
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
MIN_PROJECTS = 30
MIN_DEPARTMENTS = 3
SERVER_START_S = 90  # bound on `jupyter lab` answering /api/status
RUN_ALL_S = 75  # bound on all cells having run (kernel start, scoring, charts)
REDRAW_S = 20  # bound on the table changing after the department is chosen
ALL = "全部"  # the Dropdown's "no department filter" option


# ------------------------------------------------------------------------------------------ data


@dataclass
class LabInputs:
    root: Path  # the server's root_dir
    notebook: str  # path of the notebook under root
    code_cells: int
    projects: dict[str, set[str]]  # department -> project ids


def _small_portfolio(target: Path) -> dict[str, set[str]]:
    """Copy the largest departments of the sample portfolio (by project count, ties by name) until
    there are at least MIN_PROJECTS projects in at least MIN_DEPARTMENTS departments."""
    folders = sorted(
        (d for d in PORTFOLIO.iterdir() if d.is_dir()), key=lambda d: (-sum(1 for _ in d.iterdir()), d.name)
    )
    total = 0
    for n, folder in enumerate(folders):
        if total >= MIN_PROJECTS and n >= MIN_DEPARTMENTS:
            break
        shutil.copytree(folder, target / folder.name)
        total += sum(1 for _ in folder.iterdir())
    from evalcore.explore import load_portfolio

    p = load_portfolio(target)
    assert p.errors.empty, p.errors
    projects: dict[str, set[str]] = {}
    for dept, pid in zip(p.projects["department"], p.projects["project_id"], strict=True):
        projects.setdefault(dept, set()).add(pid)
    assert len(projects) >= MIN_DEPARTMENTS and sum(map(len, projects.values())) >= MIN_PROJECTS, projects
    return projects


@pytest.fixture(scope="module")
def lab_inputs(tmp_path_factory: pytest.TempPathFactory) -> LabInputs:
    root = tmp_path_factory.mktemp("lab-root")
    data = root / "data"
    data.mkdir()
    projects = _small_portfolio(data)
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    params = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(params) == 1, "explore.ipynb has one cell tagged parameters"
    source = "".join(params[0]["source"])
    default = 'data_path = "data"'
    assert default in source, f"the parameters cell no longer sets {default}: {source!r}"
    params[0]["source"] = source.replace(default, f"data_path = {json.dumps(str(data))}")
    (root / "explore.ipynb").write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    code_cells = sum(c["cell_type"] == "code" for c in nb["cells"])
    return LabInputs(root, "explore.ipynb", code_cells, projects)


# ---------------------------------------------------------------------------------------- server


@dataclass
class LabServer:
    base: str  # http://127.0.0.1:PORT
    token: str
    port: int
    log: Path

    def url(self, path: str) -> str:
        return f"{self.base}{path}{'&' if '?' in path else '?'}token={self.token}"

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError as e:
            return f"(no server log: {e})"


# Lab settings for a test browser: every cell in the DOM (no windowing, so each output can be read),
# no news or update prompt (their toasts would cover the page; the update check would go to PyPI).
USER_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _isolated_env(base: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("JUPYTER", "JPY_", "IPYTHON")) and k not in ("PYTHONSTARTUP",)
    }
    dirs = {
        "JUPYTER_CONFIG_DIR": "config",
        "JUPYTER_DATA_DIR": "data",
        "JUPYTER_RUNTIME_DIR": "runtime",
        "IPYTHONDIR": "ipython",
        "JUPYTERLAB_SETTINGS_DIR": "config/lab/user-settings",
        "JUPYTERLAB_WORKSPACES_DIR": "config/lab/workspaces",
    }
    for var, sub in dirs.items():
        (base / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(base / sub)
    for rel, settings in USER_SETTINGS.items():
        path = base / "config" / "lab" / "user-settings" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings), encoding="utf-8")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _our_kernels(runtime: Path) -> list[int]:
    """Pids of kernels whose connection file lies in this server's runtime folder (only ours)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes().decode("utf-8", "replace")
            except OSError:
                continue
            if str(runtime) in cmd and "ipykernel" in cmd:
                pids.append(int(proc.name))
    return pids


def _stop(proc: subprocess.Popen[bytes], server: LabServer, runtime: Path) -> None:
    """Shut down kernels and server through the API, then terminate the process group, then kill."""
    if proc.poll() is None:
        try:
            req = urllib.request.Request(server.url("/api/shutdown"), method="POST")
            urllib.request.urlopen(req, timeout=5).close()
        except (OSError, urllib.error.URLError):
            pass
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
                try:
                    os.killpg(proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    proc.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
    for pid in _our_kernels(runtime):  # kernels run in sessions of their own
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture(scope="module")
def lab_server(lab_inputs: LabInputs, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    base = tmp_path_factory.mktemp("lab-home")
    env = _isolated_env(base)
    port, token = _free_port(), secrets.token_hex(24)
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={lab_inputs.root}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    server = LabServer(f"http://127.0.0.1:{port}", token, port, base / "server.log")
    with server.log.open("wb") as log:
        try:
            proc = subprocess.Popen(
                cmd,
                cwd=lab_inputs.root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as e:
            pytest.fail(f"cannot start jupyter lab ({' '.join(cmd[:3])}): {e}")
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"jupyter lab exited with {proc.returncode} before answering:\n{server.log_tail()}"
                )
            try:
                with urllib.request.urlopen(server.url("/api/status"), timeout=2) as r:
                    if r.status == 200 and "started" in json.loads(r.read()):
                        break
            except (OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"jupyter lab did not answer {server.base}/api/status within {SERVER_START_S} s:\n"
                    f"{server.log_tail()}"
                )
            time.sleep(0.25)
        with urllib.request.urlopen(server.url("/api/kernelspecs"), timeout=10) as r:
            specs = json.loads(r.read())
        assert "python3" in specs["kernelspecs"], f"no python3 kernelspec: {specs}"
        # ... and it is this environment's (sys.prefix/share/jupyter), not one from a home folder
        found = subprocess.run(
            [
                sys.executable,
                "-c",
                "from jupyter_client.kernelspec import find_kernel_specs;"
                "print(find_kernel_specs()['python3'])",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        where = Path(found.stdout.strip() or "?")
        assert where.is_relative_to(Path(sys.prefix) / "share" / "jupyter"), (where, found.stderr[-2000:])
        yield server
    finally:
        _stop(proc, server, Path(env["JUPYTER_RUNTIME_DIR"]))


# --------------------------------------------------------------------------------------- browser


# The departments pane's table as rows of cell texts, read from the live Output widget only (the
# static text/html fallback beside the widget view is not inside .widget-output).
TABLE_JS = r"""() => {
  const parts = [...document.querySelectorAll('.widget-output [data-section="departments-table"]')];
  if (parts.length !== 1) return {count: parts.length, rows: null};
  const table = parts[0].querySelector('table');
  if (!table) return {count: 1, rows: null};
  const rows = [...table.querySelectorAll('tr')].map(tr => [...tr.children].map(c => c.innerText.trim()));
  return {count: 1, rows};
}"""

PANE_JS = r"""() => {
  const part = document.querySelector('.widget-output [data-section="departments"]');
  return part ? part.innerText : null;
}"""

STATE_JS = r"""() => ({
  prompts: [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')]
    .map(e => e.innerText.trim()),
  status: (document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator') || {}).dataset?.status
    ?? null,
})"""

ERRORS_JS = r"""() => ({
  stderr: [...document.querySelectorAll('.jp-Notebook [data-mime-type="application/vnd.jupyter.stderr"]')]
    .map(e => e.innerText.slice(0, 2000)),
  traceback: /Traceback \(most recent call last\)|[A-Za-z]+Error: /.test(
    [...document.querySelectorAll('.jp-Notebook .jp-OutputArea')].map(e => e.innerText).join('\n')),
})"""

STATUS_JS = r"""() => [...document.querySelectorAll('.jp-Notebook .widget-label')].map(e => e.innerText)"""

# The drill-down (the first Dropdown labelled 项目; the second is 历史比较's): its options, the text
# of its department pane and of its project pane (the evaluation card), from the live widgets only.
DRILL_JS = r"""() => {
  const dropdowns = [...document.querySelectorAll('.jp-Notebook .widget-dropdown')]
    .filter(d => (d.querySelector('label') || {}).innerText === '项目');
  const dept = document.querySelector('.widget-output [data-section="drill-department"]');
  const card = document.querySelector('.widget-output .ec-evaluation');
  return {
    projects: dropdowns.length ? [...dropdowns[0].querySelectorAll('option')].map(o => o.innerText) : null,
    department: dept ? dept.innerText : null,
    card: card ? card.innerText : null,
  };
}"""

SEARCH_JS = r"""() => [...document.querySelectorAll('.jp-Notebook .ec-project-search select option')].map(o => o.innerText)"""


@dataclass
class Observed:
    department: str = ""
    before: list[list[str]] = field(default_factory=list)
    after: list[list[str]] | None = None
    pane_after: str | None = None
    labels_after: list[str] = field(default_factory=list)
    prompts: list[str] = field(default_factory=list)
    errors_after_run: dict[str, Any] = field(default_factory=dict)
    errors_after_change: dict[str, Any] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    websockets: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    pageerrors: list[str] = field(default_factory=list)
    stale_upper: float = 0.0  # the typed upper rate bound (%) below every project of the department
    stale: dict[str, Any] = field(default_factory=dict)  # the drill-down then (DRILL_JS)
    widened: dict[str, Any] = field(default_factory=dict)  # … with the bound typed back to 150
    searched: str = ""  # the project id typed into 查找项目
    search_results: list[str] = field(default_factory=list)
    after_search: dict[str, Any] = field(default_factory=dict)  # the drill-down after one click
    errors_after_search: dict[str, Any] = field(default_factory=dict)
    sort_bars: int = -1  # how many 「排序」 bars the departments section showed (one expected)
    sorted_toggle: str = ""  # the direction toggle's text after the click
    sorted_rows: list[list[str]] | None = None  # the departments table sorted by 执行率, 降序
    export_department: str = ""  # the department chosen in the filter before the export
    export_path: str = ""  # the path typed into 保存到
    export_message: str = ""  # the line under the button after the click
    errors_after_export: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    server_log: str = ""


def _fail(what: str, page, server: LabServer, extra: object = "") -> None:  # type: ignore[no-untyped-def]
    try:
        state = page.evaluate(STATE_JS)
        errors = page.evaluate(ERRORS_JS)
    except Exception as e:  # the page itself may be gone
        state, errors = f"(page not readable: {e})", ""
    pytest.fail(f"{what}\nnotebook: {state}\nerrors: {errors}\n{extra}\nserver log:\n{server.log_tail()}")


@pytest.fixture(scope="module")
def observed(
    lab_server: LabServer, lab_inputs: LabInputs, tmp_path_factory: pytest.TempPathFactory
) -> Observed:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium) as root")
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    seen = Observed()
    # the department whose table is checked: the one with most projects (ties by name)
    seen.department = min(lab_inputs.projects, key=lambda d: (-len(lab_inputs.projects[d]), d))
    start = time.monotonic()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, timeout=30_000)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.set_default_timeout(30_000)
            context.on("request", lambda r: seen.requests.append(r.url))
            page = context.new_page()
            page.on("websocket", lambda ws: seen.websockets.append(ws.url))
            page.on("console", lambda m: seen.console.append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: seen.pageerrors.append(str(e)))

            page.goto(lab_server.url(f"/lab/tree/{lab_inputs.notebook}"), wait_until="domcontentloaded")
            try:
                page.locator(".jp-NotebookPanel .jp-Notebook .jp-CodeCell").first.wait_for(
                    state="visible", timeout=60_000
                )
                # the kernel connected and idle in the front end (the status bar's kernel item says so
                # only then; running cells before that opens the Select Kernel dialog instead)
                page.locator(
                    f'.jp-StatusBar-TextItem[title="Change kernel for {lab_inputs.notebook}"]',
                    has_text=re.compile(r"\| Idle$"),
                ).wait_for(state="visible", timeout=60_000)
            except PlaywrightTimeout:
                _fail("the notebook did not open with a connected, idle kernel within 60 s", page, lab_server)
            dialogs = page.locator(".jp-Dialog")
            if dialogs.count():
                _fail(f"a dialog is open before running: {dialogs.first.inner_text()!r}", page, lab_server)
            seen.timings["opened"] = time.monotonic() - start

            # Run → Run All Cells
            page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
            page.locator(
                ".lm-Menu-content .lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")
            ).click()
            try:
                # finished (or stopped at an error): nothing queued or running, some cell has run
                page.wait_for_function(
                    """() => {
                      const p = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')]
                        .map(e => e.innerText.trim());
                      const ind = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');
                      return p.some(t => /^\\[\\d+\\]:$/.test(t)) && !p.includes('[*]:')
                        && ind && ind.dataset.status === 'idle';
                    }""",
                    timeout=RUN_ALL_S * 1000,
                    polling=250,
                )
            except PlaywrightTimeout:
                dialog = dialogs.first.inner_text() if dialogs.count() else "none"
                _fail(
                    f"the {lab_inputs.code_cells} code cells did not all run within {RUN_ALL_S} s",
                    page,
                    lab_server,
                    f"dialog: {dialog!r}",
                )
            seen.prompts = page.evaluate(STATE_JS)["prompts"]
            if not all(re.fullmatch(r"\[\d+\]:", p) for p in seen.prompts):
                _fail(f"Run All Cells stopped before the end: prompts {seen.prompts}", page, lab_server)
            seen.timings["ran"] = time.monotonic() - start
            seen.errors_after_run = page.evaluate(ERRORS_JS)

            # the explorer's widgets: the filter Dropdown (the one offering 全部) and the table
            select = page.locator(".jp-Notebook .widget-dropdown select").filter(
                has=page.locator("option", has_text=re.compile(f"^{ALL}$"))
            )
            try:
                select.wait_for(state="visible", timeout=30_000)
                page.wait_for_function(f"() => ({TABLE_JS})().rows !== null", timeout=30_000, polling=250)
            except PlaywrightTimeout:
                _fail(
                    "the explorer's department Dropdown or the departments table was not rendered",
                    page,
                    lab_server,
                    f"console: {seen.console[-20:]}",
                )
            assert select.count() == 1, f"{select.count()} department Dropdowns offer {ALL}"
            seen.before = page.evaluate(TABLE_JS)["rows"]

            # the Dropdown labels departments by their short name (the shared 江城市 dropped)
            from evalcore.presentation.explore_filters import short_names

            select.select_option(label=short_names(list(lab_inputs.projects))[seen.department])
            # `refresh` swaps every pane, then sets the status label last ("…（重绘 n 秒）"): wait for
            # both the table to differ and the status to name the department, then read what shows
            try:
                page.wait_for_function(
                    f"""([before, dept]) => JSON.stringify(({TABLE_JS})().rows) !== before
                          && ({STATUS_JS})().some(t => t.includes('主管部门 ' + dept) && t.includes('重绘'))""",
                    arg=[json.dumps(seen.before, ensure_ascii=False), seen.department],
                    timeout=REDRAW_S * 1000,
                    polling=250,
                )
            except PlaywrightTimeout:
                pass  # recorded as it shows; the tests below say what did not change
            seen.timings["changed"] = time.monotonic() - start
            seen.after = page.evaluate(TABLE_JS)["rows"]
            seen.pane_after = page.evaluate(PANE_JS)
            seen.labels_after = page.evaluate(STATUS_JS)
            seen.errors_after_change = page.evaluate(ERRORS_JS)
            _stale_drilldown_and_search(page, seen, lab_inputs)
            seen.errors_after_search = page.evaluate(ERRORS_JS)
            _sort_by_rate_descending(page, seen, select, lab_inputs)
            seen.timings["sorted"] = time.monotonic() - start
            _export_one_department(page, seen, select, lab_inputs, tmp_path_factory.mktemp("lab-export"))
            seen.timings["exported"] = time.monotonic() - start
            seen.errors_after_export = page.evaluate(ERRORS_JS)
        finally:
            browser.close()
    seen.server_log = lab_server.log_tail(6000)
    return seen


def _wait(page, condition: str, arg: object = None) -> None:  # type: ignore[no-untyped-def]
    """Wait (at most REDRAW_S) for a condition on DRILL_JS / SEARCH_JS; what shows is recorded anyway."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(condition, arg=arg, timeout=REDRAW_S * 1000, polling=250)
    except PlaywrightTimeout:
        pass  # the tests below say what did not show


def _stale_drilldown_and_search(page, seen: Observed, lab_inputs: LabInputs) -> None:  # type: ignore[no-untyped-def]
    """Issue #16 in the page: with the chosen department, type an upper 执行率 bound below all its
    projects (the drill-down's project list must empty and say so), type it back to 150, then type
    the id of the department's smallest project into 查找项目 and click the one match."""
    from evalcore.explore import load_portfolio

    p = load_portfolio(lab_inputs.root / "data").projects
    mine = p[p["department"] == seen.department]
    seen.stale_upper = float(int(mine["execution_rate"].min() * 100) - 1)
    seen.searched = str(mine.sort_values(["adjusted", "project_id"])["project_id"].iat[0])
    upper = page.locator(".jp-Notebook .widget-text", has=page.locator("label", has_text="≤ %")).locator(
        "input"
    )
    upper.fill(f"{seen.stale_upper:g}")
    upper.press("Enter")
    _wait(page, f"() => {{ const d = ({DRILL_JS})(); return d.projects && d.projects.length === 0; }}")
    seen.stale = page.evaluate(DRILL_JS)
    upper.fill("150")
    upper.press("Enter")
    _wait(page, f"() => {{ const d = ({DRILL_JS})(); return d.projects && d.projects.length > 0; }}")
    seen.widened = page.evaluate(DRILL_JS)
    search = page.locator('.jp-Notebook input[placeholder="项目名称或编号的一部分"]')
    search.fill(seen.searched)
    _wait(page, f"() => ({SEARCH_JS})().length > 0")
    seen.search_results = page.evaluate(SEARCH_JS)
    if seen.search_results:
        page.locator(".jp-Notebook .ec-project-search select").select_option(index=0)
        _wait(
            page,
            f"(pid) => {{ const d = ({DRILL_JS})(); return d.card !== null && d.department !== null"
            " && d.projects.some(t => t.includes(pid)) && d.card.includes(pid); }",
            seen.searched,
        )
    seen.after_search = page.evaluate(DRILL_JS)


EXPORT_S = 60  # bound on the export's line saying where it wrote (scoring is cached; writing is not)

# The departments section's 「排序」 bar: from the departments table up to the first ancestor with a
# child holding a Dropdown labelled 排序 (the section's frame: filters line, bar, pane); that child is
# marked data-ec-test="departments-sort" for Playwright. Returns how many such children it found.
MARK_SORT_JS = r"""() => {
  const parts = [...document.querySelectorAll('.widget-output [data-section="departments-table"]')];
  if (parts.length !== 1) return -1;
  const isBar = c => [...c.querySelectorAll('.widget-dropdown label')].some(l => l.innerText.trim() === '排序');
  for (let up = parts[0].parentElement; up && !up.classList.contains('jp-Notebook'); up = up.parentElement) {
    const bars = [...up.children].filter(isBar);
    if (bars.length) {
      bars.forEach(b => b.setAttribute('data-ec-test', 'departments-sort'));
      return bars.length;
    }
  }
  return 0;
}"""

EXPORT_LINE_JS = r"""() => [...document.querySelectorAll('.jp-Notebook .widget-label')]
  .map(e => e.innerText.trim()).filter(t => /^(已导出|未导出)/.test(t))"""


def _rate_order(root: Path) -> list[str]:
    """The departments of the lab's portfolio by 执行率, highest first, as the API gives them
    (`variance("department")`, sorted stably; a department without a rate last)."""
    from evalcore import load_portfolio

    dv = load_portfolio(root / "data").variance("department")
    return list(dv.sort_values("执行率", ascending=False, kind="stable", na_position="last")["department"])


def _sort_by_rate_descending(page, seen: Observed, select, lab_inputs: LabInputs) -> None:  # type: ignore[no-untyped-def]
    """Back to every department (全部), then, in the departments section's 「排序」 bar, choose 执行率
    and click the direction toggle (升序 → 降序); record the table as it then shows."""
    select.select_option(label=ALL)
    _wait(
        page, f"() => {{ const t = ({TABLE_JS})(); return t.rows !== null && t.rows[0][0] === '主管部门'; }}"
    )
    seen.sort_bars = page.evaluate(MARK_SORT_JS)
    if seen.sort_bars != 1:
        return  # the test says so
    bar = page.locator('[data-ec-test="departments-sort"]')
    bar.locator("select").select_option(label="执行率")
    bar.locator("button").click()
    first = _rate_order(lab_inputs.root)[0]
    _wait(
        page,
        f"""(first) => {{ const t = ({TABLE_JS})();
              const b = document.querySelector('[data-ec-test="departments-sort"] button');
              return b && b.innerText.includes('降序') && t.rows !== null && t.rows.length > 1
                && t.rows[1][0] === first; }}""",
        first,
    )
    seen.sorted_toggle = bar.locator("button").inner_text()
    seen.sorted_rows = page.evaluate(TABLE_JS)["rows"]


def _export_one_department(page, seen: Observed, select, lab_inputs: LabInputs, folder: Path) -> None:  # type: ignore[no-untyped-def]
    """Choose the department with fewest projects (ties by name) in the filter, type a path under
    `folder` into 保存到, click 「导出当前筛选（Excel）」 and record the line that answers."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    from evalcore.presentation.explore_filters import short_names

    seen.export_department = min(lab_inputs.projects, key=lambda d: (len(lab_inputs.projects[d]), d))
    select.select_option(label=short_names(list(lab_inputs.projects))[seen.export_department])
    _wait(
        page,
        f"(dept) => ({STATUS_JS})().some(t => t.includes('主管部门 ' + dept) && t.includes('重绘'))",
        seen.export_department,
    )
    seen.export_path = str(folder / "筛选" / "一个部门.xlsx")
    box = page.locator(".jp-Notebook .widget-text", has=page.locator("label", has_text="保存到")).locator(
        "input"
    )
    box.fill(seen.export_path)
    box.press("Tab")
    page.locator(".jp-Notebook button", has_text="导出当前筛选（Excel）").click()
    try:
        page.wait_for_function(f"() => ({EXPORT_LINE_JS})().length > 0", timeout=EXPORT_S * 1000, polling=250)
    except PlaywrightTimeout:
        pass  # the test says nothing answered
    seen.export_message = "\n".join(page.evaluate(EXPORT_LINE_JS))


# ----------------------------------------------------------------------------------------- tests


def test_all_cells_run_in_jupyterlab_without_error(observed: Observed, lab_inputs: LabInputs) -> None:
    assert len(observed.prompts) == lab_inputs.code_cells
    assert [int(p[1:-2]) for p in observed.prompts] == list(range(1, lab_inputs.code_cells + 1)), (
        observed.prompts
    )
    for moment in (
        observed.errors_after_run,
        observed.errors_after_change,
        observed.errors_after_search,
        observed.errors_after_export,
    ):
        assert moment["stderr"] == [], moment["stderr"]
        assert not moment["traceback"], "an error or traceback shows in an output"
    assert observed.pageerrors == [], observed.pageerrors
    assert [m for m in observed.console if m.startswith("error")] == [], observed.console


def test_changing_the_department_redraws_the_table_with_only_its_projects(
    observed: Observed, lab_inputs: LabInputs
) -> None:
    dept, ids = observed.department, lab_inputs.projects[observed.department]
    every_dept = set(lab_inputs.projects)
    # before: the whole portfolio, one row per department
    head, *rows = observed.before
    assert head[0] == "主管部门", head
    assert {r[0] for r in rows} == every_dept, rows
    # after: the chosen department's projects, and nothing else
    context = (
        f"department {dept!r} chosen; table unchanged after {REDRAW_S} s\nserver log:\n{observed.server_log}"
    )
    assert observed.after is not None, "the departments table disappeared after the change"
    assert observed.after != observed.before, context
    head, *rows = observed.after
    assert head[:2] == ["项目", "编号"], head
    shown = [r[1] for r in rows]
    others = {pid for d, p in lab_inputs.projects.items() if d != dept for pid in p}
    assert set(shown) == ids and len(shown) == len(ids), (shown, sorted(ids))
    assert not others & set(shown)
    # the pane's headline and the filter status say which view this is
    headline = f"主管部门 {dept}：{len(ids)} 个项目"
    assert observed.pane_after is not None and headline in observed.pane_after, observed.pane_after
    assert any(headline in label for label in observed.labels_after), observed.labels_after


def test_jupyterlab_asks_nothing_of_any_host_but_the_local_server(
    observed: Observed, lab_server: LabServer
) -> None:
    local = (f"http://127.0.0.1:{lab_server.port}/", f"ws://127.0.0.1:{lab_server.port}/")
    assert observed.requests, "no request was seen at all: the recorder is broken"
    assert observed.websockets, "no kernel websocket was seen: the recorder is broken"
    outside = [
        u for u in observed.requests + observed.websockets if not u.startswith((*local, "data:", "blob:"))
    ]
    assert outside == [], outside


def test_the_drilldown_follows_a_typed_rate_bound_and_says_when_nothing_is_left(
    observed: Observed, lab_inputs: LabInputs
) -> None:
    ids = lab_inputs.projects[observed.department]
    assert observed.stale.get("projects") == [], observed.stale  # no stale list to pick from
    assert "当前筛选下没有项目" in (observed.stale.get("department") or ""), observed.stale
    assert observed.stale.get("card") is None, observed.stale
    # widened again: the department's projects (and only they) are back
    shown = observed.widened.get("projects") or []
    assert len(shown) == len(ids) and all(any(pid in t for pid in ids) for t in shown), observed.widened
    assert "当前筛选下没有项目" not in (observed.widened.get("department") or ""), observed.widened


def test_a_project_search_opens_the_card_in_one_click(observed: Observed) -> None:
    pid = observed.searched
    assert len(observed.search_results) == 1 and f"（{pid}）" in observed.search_results[0], (
        observed.search_results
    )
    card = observed.after_search.get("card") or ""
    assert pid in card, observed.after_search
    assert pid in (observed.after_search.get("department") or ""), observed.after_search


def _percent(text: str) -> float | None:
    """A rate cell's figure (「97.3%」 → 97.3); None for an empty one (「—」)."""
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*%", text.replace(",", ""))
    return float(m.group(1)) if m else None


def test_sorting_the_departments_table_by_rate_descending_orders_its_rows(
    observed: Observed, lab_inputs: LabInputs
) -> None:
    assert observed.sort_bars == 1, f"{observed.sort_bars} 「排序」 bars beside the departments table"
    assert "降序" in observed.sorted_toggle, observed.sorted_toggle
    assert observed.sorted_rows is not None, "the departments table disappeared after the sort"
    head, *rows = observed.sorted_rows
    assert head[0] == "主管部门" and "执行率" in head, head
    rates = [_percent(r[head.index("执行率")]) for r in rows]
    shown = [r[0] for r in rows]
    assert set(shown) == set(lab_inputs.projects) and len(shown) == len(lab_inputs.projects), shown
    known = [x for x in rates if x is not None]
    assert len(known) >= 2, rates  # an order to check
    assert rates[: len(known)] == known, f"a department without a rate is not last: {rates}"
    assert all(a >= b for a, b in itertools.pairwise(known)), list(zip(shown, rates, strict=True))
    expected = _rate_order(lab_inputs.root)
    assert shown[0] == expected[0], (shown, expected)
    assert shown == expected, list(zip(shown, rates, strict=True))


def test_exporting_a_filtered_view_writes_exactly_its_projects(
    observed: Observed, lab_inputs: LabInputs
) -> None:
    import openpyxl

    from evalcore import load_portfolio
    from evalcore.presentation.xlsx_common import SUMMARY_SHEET
    from evalcore.presentation.xlsx_export import sheet_names

    dept = observed.export_department
    view = load_portfolio(lab_inputs.root / "data").filter(department=dept)
    ids = list(view.projects["project_id"])
    assert ids and set(ids) == lab_inputs.projects[dept], (ids, lab_inputs.projects[dept])
    path = Path(observed.export_path)
    assert observed.export_message == f"已导出 {len(ids)} 个项目到 {path.resolve()}", observed.export_message
    assert path.is_file(), path
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        assert wb.sheetnames[0] == SUMMARY_SHEET, wb.sheetnames
        summary = wb[SUMMARY_SHEET]
        header, *body = [list(r) for r in summary.iter_rows(values_only=True)]
        listed = [r[header.index("项目编号")] for r in body if any(v is not None for v in r)]
        assert sorted(listed) == sorted(ids), (listed, ids)
        assert {r[header.index("主管部门")] for r in body if any(v is not None for v in r)} == {dept}
        # one sheet per project after 汇总, and nothing else (no 输入问题: every input was read)
        assert len(wb.sheetnames) == 1 + len(ids), wb.sheetnames
        assert wb.sheetnames[1:] == sheet_names(listed), wb.sheetnames  # named after 汇总's ids, in order
    finally:
        wb.close()
