"""evalcore: the tested core of 绩效评价工作台 — read a project, score it by the scheme's rules,
explain and review every number.

Reading order: inputs → model → schemes/rules → scoring → review → evaluation → presentation → cli.

The public names below are imported on first use (PEP 562), so a command that needs only part of
the package (`evalcore score --json` starts reading its tables while the rest imports) does not
pay for all of it up front.

Inside IPython (a Jupyter kernel, the IPython terminal) importing the package also registers the
HTML cards of projects, evaluations and portfolios (`evalcore.presentation.display`); elsewhere it
registers nothing and imports nothing for it.

`load_portfolio` is the Portfolio API (`evalcore.explore`) whose views also write the standard
Excel export, `view.to_excel(path)` (`evalcore.presentation.workbook`: the API itself may not depend
on the presentation).
"""

from __future__ import annotations

import sys
from importlib import import_module
from typing import TYPE_CHECKING

from .errors import EvalcoreError, InputError, SchemeError
from .version import __version__

if TYPE_CHECKING:
    from .evaluation import Evaluation, evaluate, evaluate_paths
    from .inputs import load_paths, load_project
    from .presentation.workbook import load_portfolio
    from .schemes import get_scheme, load_scheme


_LAZY = {
    "Evaluation": "evaluation",
    "evaluate": "evaluation",
    "evaluate_paths": "evaluation",
    "load_portfolio": "presentation.workbook",  # explore.load_portfolio, views with to_excel
    "load_paths": "inputs",
    "load_project": "inputs",
    "get_scheme": "schemes",
    "load_scheme": "schemes",
}

__all__ = [
    "EvalcoreError",
    "Evaluation",
    "InputError",
    "SchemeError",
    "__version__",
    "evaluate",
    "evaluate_paths",
    "get_scheme",
    "load_paths",
    "load_portfolio",
    "load_project",
    "load_scheme",
]


def __getattr__(name: str) -> object:
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'evalcore' has no attribute {name!r}")


def _show_cards_in_ipython() -> None:
    """Register the cards with the running IPython shell, if there is one. IPython is looked up in
    sys.modules, never imported: a process that has not loaded it is not running a shell."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if hasattr(ipython, "get_ipython") else None
    if shell is not None:
        from .presentation.display import register

        register(shell.display_formatter)


_show_cards_in_ipython()
