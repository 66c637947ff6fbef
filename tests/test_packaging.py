"""Package data: the notebooks and the nbconvert templates are found through importlib.resources,
the same way from this checkout and from an installed wheel, and a notebook's data parameter
resolves without the package's location.

The wheel test is real and stays outside the checkout: `pip wheel` builds the package from a copy
of its sources (a build leaves build/ and *.egg-info behind), a fresh venv in a temp folder installs
the wheel without dependencies, and a .pth file lends it this venv's site-packages for them (a .pth
line only adds a folder to sys.path: the editable install of the checkout, itself a .pth file in
that folder, is not activated there; their data files under share/jupyter are lent through
JUPYTER_PATH). From a working directory outside the checkout, that venv's `evalcore report` and
`evalcore batch` then publish reports, the kernel running in the same venv.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

from evalcore.errors import EvalcoreError, InputError
from evalcore.presentation.notebook import resolve_input
from evalcore.resources import NOTEBOOKS_ENV, find_notebook, templates_dir

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed" / "nc-scjg-2019-zzxf.yaml"
NOTEBOOKS = ("evaluation.ipynb", "explore.ipynb", "portfolio.ipynb")
RUN_TIMEOUT = 240  # seconds: a bound on every command here, far above what any of them needs


# ------------------------------------------------------------------------------- the package list


def test_the_package_list_names_every_package_of_the_tree_and_maps_the_notebooks() -> None:
    """pyproject.toml lists the packages (packages.find cannot see notebooks/): a new subpackage
    missing from the list would be missing from the wheel."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    tree = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "evalcore").rglob("__init__.py")}
    assert set(config["packages"]) == tree | {"evalcore.notebooks"}
    assert config["package-dir"] == {"evalcore.notebooks": "notebooks"}
    assert not (ROOT / "evalcore" / "notebooks").exists()  # one copy of the notebooks in the repository


# --------------------------------------------------------------------------------- in the checkout


def test_the_checkout_finds_its_notebooks_and_templates_from_any_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(NOTEBOOKS_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    for name in NOTEBOOKS:
        assert find_notebook(name) == ROOT / "notebooks" / name
    assert templates_dir() == ROOT / "evalcore" / "pipeline" / "templates"
    assert (templates_dir() / "evalcore" / "index.html.j2").is_file()


def test_evalcore_notebooks_overrides_and_a_missing_notebook_names_every_place_tried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "own"
    own.mkdir()
    shutil.copy(ROOT / "notebooks" / "evaluation.ipynb", own / "evaluation.ipynb")
    monkeypatch.setenv(NOTEBOOKS_ENV, str(own))
    monkeypatch.chdir(tmp_path)
    assert find_notebook() == own / "evaluation.ipynb"
    assert find_notebook("portfolio.ipynb") == ROOT / "notebooks" / "portfolio.ipynb"  # not overridden
    with pytest.raises(EvalcoreError) as info:
        find_notebook("absent.ipynb")
    message = str(info.value)
    for place in (own, ROOT / "notebooks", tmp_path / "notebooks"):
        assert str(place / "absent.ipynb") in message
    assert NOTEBOOKS_ENV in message


def test_notebook_inputs_resolve_from_the_working_directory_or_the_folder_above(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """papermill and `evalcore report` run where they are started; JupyterLab runs a notebook in
    notebooks/, so the defaults (data/...) are found from the folder above too."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "p.yaml").write_text("x", encoding="utf-8")
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path)
    assert resolve_input("data/p.yaml") == Path("data/p.yaml")
    monkeypatch.chdir(tmp_path / "notebooks")
    assert resolve_input("data/p.yaml") == tmp_path / "data" / "p.yaml"
    assert resolve_input(tmp_path / "gone.yaml") == tmp_path / "gone.yaml"  # the reader reports it
    with pytest.raises(InputError) as info:
        resolve_input("data/none.yaml")
    message = str(info.value)
    assert "不存在" in message
    assert str(tmp_path / "notebooks" / "data" / "none.yaml") in message
    assert str(tmp_path / "data" / "none.yaml") in message


# --------------------------------------------------------------------------------------- the wheel


def _run(cmd: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT
    )
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    return proc


def _build_wheel(tmp: Path) -> Path:
    """The wheel of a copy of the sources, so that the build writes nothing into the checkout."""
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for folder in ("evalcore", "notebooks"):
        shutil.copytree(ROOT / folder, src / folder, ignore=skip)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp / "dist", src], cwd=tmp)
    (wheel,) = (tmp / "dist").glob("evalcore-*.whl")
    return wheel


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A fresh venv outside the checkout with the wheel installed; its python, evalcore and work dir."""
    tmp = tmp_path_factory.mktemp("wheel")
    wheel = _build_wheel(tmp)
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp)
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel], cwd=tmp)
    site = Path(
        _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp).stdout.strip()
    )
    (site / "_evalcore_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    work = tmp / "work"
    work.mkdir()
    return {
        "wheel": wheel,
        "venv": venv,
        "python": python,
        "evalcore": venv / "bin" / "evalcore",
        "work": work,
    }


def _env() -> dict[str, str]:
    """The user's environment without anything that would point back at the checkout, and the
    dependencies' data files (nbconvert's base templates, the kernel spec) lent like their code:
    pip puts them under the prefix of the venv it installs into, share/jupyter, which the fresh
    venv does not have."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", NOTEBOOKS_ENV, "VIRTUAL_ENV")}
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    return env


def test_the_wheel_carries_the_notebooks_and_the_templates(installed: dict[str, Path]) -> None:
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    for name in NOTEBOOKS:
        assert f"evalcore/notebooks/{name}" in names
    for p in (ROOT / "evalcore" / "pipeline" / "templates").rglob("*"):
        if p.is_file():
            assert p.relative_to(ROOT).as_posix() in names
    assert {"evalcore/schemes/self-2020.yaml", "evalcore/schemes/dept-2020.yaml"} <= names


def test_the_installed_package_finds_its_own_files_outside_the_checkout(installed: dict[str, Path]) -> None:
    code = (
        "import evalcore, evalcore.resources as r\n"
        "print(evalcore.__file__); print(r.find_notebook()); print(r.find_notebook('portfolio.ipynb'))\n"
        "print(r.templates_dir())\n"
    )
    out = _run([installed["python"], "-c", code], installed["work"], _env()).stdout.split("\n")[:4]
    venv = installed["venv"].resolve()
    for line in out:  # the wheel's copy, not the checkout's editable install
        assert Path(line).resolve().is_relative_to(venv), out
    assert out[1].endswith("evalcore/notebooks/evaluation.ipynb") and out[3].endswith("pipeline/templates")


def test_a_kernel_started_by_the_installed_package_imports_the_installed_package(
    installed: dict[str, Path],
) -> None:
    """Reports are computed in the kernel: it must run the wheel's evalcore too."""
    code = (
        "import nbformat, pathlib\n"
        "from nbformat.v4 import new_code_cell, new_notebook\n"
        "from evalcore.pipeline.render import execute\n"
        "nb = new_notebook(cells=[new_code_cell('import evalcore; print(evalcore.__file__)')])\n"
        "nbformat.write(nb, 'probe.ipynb')\n"
        "done = execute(pathlib.Path('probe.ipynb'), pathlib.Path('probe.out.ipynb'), 'probe', {}, timeout=60)\n"
        "print(done.cells[-1].outputs[0]['text'].strip())\n"
    )
    out = _run([installed["python"], "-c", code], installed["work"], _env()).stdout.strip().splitlines()[-1]
    assert Path(out).resolve().is_relative_to(installed["venv"].resolve()), out


def test_the_installed_report_command_publishes_a_report_outside_the_checkout(
    installed: dict[str, Path],
) -> None:
    work = installed["work"]
    project = work / "项目.yaml"
    shutil.copy(SEED, project)
    name = yaml.safe_load(SEED.read_text(encoding="utf-8"))["name"]
    _run([installed["evalcore"], "report", project.name, "--out", "out"], work, _env())
    sheet, document = sorted((work / "out").rglob("*.html"), key=lambda p: "绩效评价报告" in p.name)
    assert name in sheet.read_text(encoding="utf-8") and name in document.read_text(encoding="utf-8")
    assert document.name.endswith("-绩效评价报告.html")


def test_the_installed_batch_command_publishes_reports_and_the_index(installed: dict[str, Path]) -> None:
    work = installed["work"]
    data = work / "data" / "某局"
    data.mkdir(parents=True)
    shutil.copy(SEED, data / "seed.yaml")
    proc = _run(
        [
            installed["evalcore"],
            "batch",
            "data",
            "--out",
            "batch",
            "--parameters",
            "params",
            "--workers",
            "1",
        ],
        work,
        _env(),
    )
    assert "完成 1，" in proc.stdout
    assert (
        len(list((work / "batch").rglob("*.html"))) == 3
    )  # the project's report, its 复核底稿 and index.html
    assert "总览" in (work / "batch" / "index.html").read_text(encoding="utf-8")
