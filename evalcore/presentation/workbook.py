"""`view.to_excel(path)`: a portfolio view written as the standard-form Excel export.

An analyst narrows a portfolio in a notebook (`pf.filter(department=…)`) and wants the selected
projects as the workbook `evalcore export` writes: the 汇总 sheet plus one 项目支出绩效自评表 per
project (`xlsx_export.export_workbook`, the very same code, so the two never differ).

Why a subclass here and not a method in the explore package: the Portfolio API may not depend on
the presentation (tests/test_layers.py counts every import, function-level ones too). So this module
subclasses `Portfolio` with `to_excel`, and the facade's `evalcore.load_portfolio` is this module's
`load_portfolio`: it builds the portfolio through `explore.load_portfolio(portfolio_class=…)`, and
`filter` keeps the class, so every view of it has `to_excel`. `evalcore.explore.load_portfolio`
stays the plain API (no Excel). openpyxl is imported only when a workbook is written.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..explore import Portfolio
from ..explore import load_portfolio as load_tables
from ..schemes import Scheme

__all__ = ["ExcelPortfolio", "load_portfolio"]


class ExcelPortfolio(Portfolio):
    """A portfolio (or a filtered view of one) that writes itself as the standard-form export."""

    def to_excel(self, path: str | os.PathLike[str]) -> Path:
        """Write the projects of this view to `path` (.xlsx) as `evalcore export` does: 汇总 (one row
        per project, each a link to its sheet) and one standard form per project, atomically.
        Inputs that could not be read (`errors`) belong to no department and are not written.
        Returns the path; a ValueError in Chinese for a path not ending in .xlsx or an empty view."""
        from .xlsx_export import export_workbook

        path = Path(path)
        if path.suffix.lower() != ".xlsx":
            raise ValueError(f"{path}：输出文件须以 .xlsx 结尾")
        evaluations = self.evaluations
        if not evaluations:
            raise ValueError("当前筛选结果没有项目，未生成工作簿")
        return export_workbook(evaluations, path)


def load_portfolio(
    path: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    scheme: Scheme | str | None = None,
    lineage: str | os.PathLike[str] | Mapping[str, str] | None = None,
) -> ExcelPortfolio:
    """`evalcore.explore.load_portfolio` (see there), whose portfolio and views have `to_excel`."""
    return load_tables(path, scheme, lineage, portfolio_class=ExcelPortfolio)
