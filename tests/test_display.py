"""Cards in IPython: a project, an evaluation or a portfolio displays as its HTML card.

The classes carry no display code; `evalcore.presentation.display` registers the cards with
IPython's formatter, and the package facade does so when it is imported inside IPython. Checked
for real: in a Jupyter kernel (nbclient) as an analyst types it, and in an IPython shell started
in a fresh interpreter, both when evalcore is imported inside the shell and when the shell comes
later and loads the extension.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from evalcore.evaluation import Evaluation
from evalcore.explore import Portfolio
from evalcore.model import Project

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "portfolio"
SEED = ROOT / "data" / "seed" / "nc-scjg-2019-zzxf.yaml"


def test_the_classes_carry_no_display_code() -> None:
    for cls in (Project, Evaluation, Portfolio):
        assert not hasattr(cls, "_repr_html_"), cls


def _result(cell: nbformat.NotebookNode) -> dict[str, str]:
    [out] = [o for o in cell.outputs if o.output_type == "execute_result"]
    return out["data"]


def test_import_evalcore_in_a_kernel_shows_cards() -> None:
    """`import evalcore; pf = evalcore.load_portfolio(...); pf.project(id)` in a Jupyter kernel."""
    nb = new_notebook(
        cells=[
            new_code_cell(f"import evalcore\npf = evalcore.load_portfolio({str(SAMPLE)!r})"),
            new_code_cell("pf"),
            new_code_cell('ev = pf.project(pf.projects["project_id"].iloc[0])\nev'),
            new_code_cell("ev.project"),
            new_code_cell('pf.filter(department="江城市教育局")'),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    ).execute()
    errors = [o for c in nb.cells for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    portfolio, evaluation, project, view = (_result(c) for c in nb.cells[1:])
    assert 'class="ec-card ec-portfolio"' in portfolio["text/html"]
    assert portfolio["text/plain"].startswith("<Portfolio ")  # the plain form stays the summary line
    assert (
        'class="ec-card ec-evaluation"' in evaluation["text/html"] and "复核得分" in evaluation["text/html"]
    )
    assert 'class="ec-card ec-project"' in project["text/html"] and "尚未评分" in project["text/html"]
    assert "主管部门 江城市教育局" in view["text/html"]  # a filtered view is a Portfolio too


SHELL = textwrap.dedent("""
    import json, sys
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    def html(value):
        return shell.display_formatter.format(value)[0].get("text/html", "")

    late = sys.argv[2] == "late"
    if late:  # evalcore first, the shell afterwards (an embedded IPython)
        import evalcore
    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config)
    shell.run_cell("import evalcore", store_history=False)
    loaded = sorted(m for m in sys.modules if m.startswith("evalcore.presentation"))
    evalcore = sys.modules["evalcore"]
    ev = evalcore.evaluate(evalcore.load_project(sys.argv[1]))
    before = html(ev)
    if late:
        shell.run_line_magic("load_ext", "evalcore.presentation.display")
    print(json.dumps({
        "loaded_on_import": loaded,
        "before": before,
        "evaluation": html(ev),
        "project": html(ev.project),
        "heavy": [m for m in ("pandas", "matplotlib") if m in sys.modules],
    }))
""")


def _shell(mode: str) -> dict:
    run = subprocess.run(
        [sys.executable, "-c", SHELL, str(SEED), mode], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.splitlines()[-1])


def test_importing_evalcore_inside_ipython_registers_the_cards_lazily() -> None:
    out = _shell("inside")
    assert out["loaded_on_import"] == ["evalcore.presentation", "evalcore.presentation.display"]
    assert 'class="ec-card ec-evaluation"' in out["before"]
    assert 'class="ec-card ec-project"' in out["project"]
    assert out["heavy"] == []  # a card needs neither pandas nor matplotlib


def test_a_shell_started_after_the_import_loads_the_cards_as_an_extension() -> None:
    out = _shell("late")
    assert out["before"] == ""  # evalcore was imported outside IPython: nothing was registered
    assert 'class="ec-card ec-evaluation"' in out["evaluation"]
    assert 'class="ec-card ec-project"' in out["project"]
