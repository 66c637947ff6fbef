"""Where the package's own files are: the report notebooks and the nbconvert templates.

Both are package data, found through `importlib.resources`, so a checkout (an editable install)
and an installed wheel find them the same way; nothing is computed from `__file__` parents, which
point into site-packages in a wheel. The notebooks stay at the repository root, `notebooks/`
(SPEC: `papermill notebooks/evaluation.ipynb ...` by hand), and pyproject.toml maps that folder
onto the package `evalcore.notebooks`; the templates live in `evalcore/pipeline/templates/`.

`EVALCORE_NOTEBOOKS` names a folder of notebooks that is looked at first (a customised report, a
test's notebook, a cluster whose workers keep the notebooks elsewhere).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from .errors import EvalcoreError

NOTEBOOKS_ENV = "EVALCORE_NOTEBOOKS"
NOTEBOOKS_PACKAGE = "evalcore.notebooks"


def package_folder(package: str, *parts: str) -> Path:
    """A folder of package data as a real path: papermill and nbconvert take paths, not resource
    objects. An installed wheel is unpacked on disk, so this holds for every supported install; a
    zip import would not, and says so rather than failing later inside nbconvert."""
    folder = resources.files(package).joinpath(*parts)
    if not isinstance(folder, Path):
        raise EvalcoreError(
            f"{package} 的数据文件不在文件系统中（{folder}）：请以普通方式安装 evalcore（pip install），不要从压缩包导入"
        )
    return folder


def templates_dir() -> Path:
    """`evalcore/pipeline/templates`: the nbconvert templates of the report and the index."""
    return package_folder("evalcore.pipeline", "templates")


def packaged_notebooks() -> Path | None:
    """The notebooks that came with this installation, or None when `evalcore.notebooks` cannot be
    imported (a checkout used from PYTHONPATH without being installed)."""
    try:
        return package_folder(NOTEBOOKS_PACKAGE)
    except ModuleNotFoundError:
        return None


def notebook_candidates(name: str) -> list[Path]:
    """Where `find_notebook(name)` looks, in order: EVALCORE_NOTEBOOKS, the installed notebooks,
    then notebooks/ of the working directory (a checkout that is not installed). The installed
    copy goes before the working directory so that a report always comes from the notebook of the
    code that scores it; a customised notebook is chosen explicitly, by EVALCORE_NOTEBOOKS."""
    folders: list[Path] = []
    env = os.environ.get(NOTEBOOKS_ENV)
    if env:
        folders.append(Path(env))
    packaged = packaged_notebooks()
    if packaged is not None:
        folders.append(packaged)
    folders.append(Path.cwd() / "notebooks")
    return [folder / name for folder in folders]


def find_notebook(name: str = "evaluation.ipynb") -> Path:
    """The notebook `name` (evaluation.ipynb, portfolio.ipynb, explore.ipynb); the error names
    every place that was tried."""
    candidates = notebook_candidates(name)
    for path in candidates:
        if path.is_file():
            return path
    tried = "、".join(str(p) for p in candidates)
    raise EvalcoreError(
        f"找不到笔记本 {name}（已查找：{tried}）；可用环境变量 {NOTEBOOKS_ENV} 指定笔记本所在的文件夹"
    )
