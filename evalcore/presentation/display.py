"""Rich display: a project, an evaluation or a portfolio shown as an HTML card in IPython.

The classes carry no display code (the core imports nothing from the presentation layer): the
cards of `evalcore.presentation.cards` are registered here with IPython's `text/html` formatter,
by module and class name (`for_type_by_name`). Registering imports nothing; the cards module
is imported the first time a card is shown.

When it happens: the package facade (`evalcore/__init__.py`) calls `register` as it is imported
inside an IPython shell, a Jupyter kernel (JupyterLab, papermill, nbclient) or the IPython
terminal. Every import of anything in evalcore runs the facade first, so both
`import evalcore; pf = evalcore.load_portfolio(path); pf.project(pid)` and the explorer notebook's
`from evalcore.presentation.explore_widgets import open_explorer` show cards. Outside IPython the
facade registers nothing and imports nothing from here. A shell started after evalcore was
imported (an embedded IPython) loads this module as an extension:
`%load_ext evalcore.presentation.display`.

The DataFrames the Portfolio API returns are registered here too (`FRAMES`): a DataFrame tagged by
the API (`explore.columns.tag_frame`) shows with Chinese headers, rates as %, amounts in 万元
(`evalcore.presentation.frames`); any other DataFrame shows as pandas shows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from IPython.core.formatters import DisplayFormatter
    from IPython.core.interactiveshell import InteractiveShell

    from ..evaluation import Evaluation
    from ..explore import Portfolio
    from ..model import Project

__all__ = ["CARDS", "FRAMES", "load_ipython_extension", "register"]


def _project(project: Project) -> str:
    from .cards import project_card

    return project_card(project)


def _evaluation(ev: Evaluation) -> str:
    from .cards import evaluation_card

    return evaluation_card(ev)


def _portfolio(portfolio: Portfolio) -> str:
    from .cards import portfolio_card

    return portfolio_card(portfolio)


def _frame(df: object) -> str | None:
    from .frames import frame_html

    return frame_html(df)  # type: ignore[arg-type]


#: (module, class name, what renders its card): the classes a notebook shows as cards.
CARDS = (
    ("evalcore.model", "Project", _project),
    ("evalcore.evaluation", "Evaluation", _evaluation),
    ("evalcore.explore.portfolio", "Portfolio", _portfolio),
)


#: (module, class name, what renders it): pandas' DataFrame, by name, so pandas is not imported
#: (pandas 3 names its module `pandas`, pandas 2 `pandas.core.frame`).
FRAMES = (("pandas", "DataFrame", _frame), ("pandas.core.frame", "DataFrame", _frame))


def register(display_formatter: DisplayFormatter) -> None:
    """Show projects, evaluations and portfolios as cards, and the API's tables for people, wherever this formatter formats
    (normally `get_ipython().display_formatter`). Registering again changes nothing."""
    html = display_formatter.formatters["text/html"]
    for module, name, card in (*CARDS, *FRAMES):
        html.for_type_by_name(module, name, card)


def load_ipython_extension(ipython: InteractiveShell) -> None:
    """`%load_ext evalcore.presentation.display`: register the cards in this shell."""
    register(ipython.display_formatter)
