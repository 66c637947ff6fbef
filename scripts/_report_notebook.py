"""The shape both published notebooks share (evaluation.ipynb, portfolio.ipynb): an intro cell
that is removed from the page, a `parameters` cell, one hidden cell that opens the data, a header,
then a heading and one call per section; fixed cell ids so published HTML stays byte-identical."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def report_notebook(
    *, intro: str, parameters: str, opening: str, header: str, sections: list[tuple[str, str]], id_prefix: str
) -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell(intro, metadata={"tags": ["remove-cell"]}),
        new_code_cell(parameters, metadata={"tags": ["parameters"]}),
        new_code_cell(opening, metadata={"tags": ["remove-cell"]}),
        new_code_cell(header, metadata={"tags": ["remove-input"]}),
    ]
    for title, call in sections:
        cells.append(new_markdown_cell(f"## {title}"))
        cells.append(new_code_cell(call, metadata={"tags": ["remove-input"]}))
    return notebook(cells, id_prefix)


def notebook(cells: list, id_prefix: str) -> nbformat.NotebookNode:
    """A Python 3 notebook of these cells with fixed ids (`<prefix>-00`, `<prefix>-01`, …)."""
    nb = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
    )
    for n, cell in enumerate(nb.cells):
        cell["id"] = f"{id_prefix}-{n:02d}"
    return nb
