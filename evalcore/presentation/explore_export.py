"""The explorer's 「导出当前筛选（Excel）」: the filtered view written as the standard-form workbook.

An analyst who has narrowed the portfolio in the explorer wants exactly those projects in Excel
without writing code. The explorer may hold a plain `Portfolio` (`open_explorer` loads one through
`evalcore.explore`), which has no `to_excel`: `export_view` calls `workbook.ExcelPortfolio.to_excel`
on the view itself (it reads only the view's evaluations), so the workbook is the very one
`view.to_excel` and `evalcore export` write (汇总 plus one 项目支出绩效自评表 per project).
`ExportBox` is the path box, the button and the line saying where it wrote or, in Chinese, why not.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..explore import Portfolio
from .explore_panes import set_fallback, widget_class, widgets
from .workbook import ExcelPortfolio

__all__ = ["ExportBox", "default_path", "export_view"]


def default_path(today: dt.date | None = None) -> str:
    """`导出/筛选结果-<date>.xlsx`, relative to the working directory (the notebook's folder)."""
    return str(Path("导出") / f"筛选结果-{(today or dt.date.today()).isoformat()}.xlsx")


def export_view(view: Portfolio, path: str | os.PathLike[str]) -> Path:
    """Write the view's projects to `path` as `view.to_excel` does (its folder is created); a
    ValueError in Chinese for an empty view or a path not ending in .xlsx."""
    path = Path(path).expanduser()
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"{path}：输出文件须以 .xlsx 结尾")
    if not len(view):
        raise ValueError("当前筛选结果没有项目，未生成工作簿")
    return ExcelPortfolio.to_excel(view, path)  # type: ignore[arg-type]


class ExportBox:
    """A path box and 「导出当前筛选（Excel）」; the line under them says what happened."""

    def __init__(self, current: Callable[[], Portfolio]) -> None:
        w = widgets()
        self._current = current
        self.path = w.Text(
            value=default_path(),
            description="保存到",
            style={"description_width": "5em"},
            layout=w.Layout(width="36em"),
        )
        self.button = w.Button(description="导出当前筛选（Excel）", layout=w.Layout(width="14em"))
        self.result = w.Label(value="")
        self.button.on_click(lambda _b: self.export())
        self.box = widget_class("VBox")([w.HBox([self.path, self.button]), self.result])
        set_fallback(self.box, "导出当前筛选（Excel）：在 JupyterLab 中运行可用")

    def export(self) -> Path | None:
        """Write the current view; say where and how many projects, or why not (in Chinese)."""
        view = self._current()
        try:
            written = export_view(view, self.path.value.strip())
        except (ValueError, OSError) as exc:
            self.result.value = f"未导出：{exc}"
            return None
        self.result.value = f"已导出 {len(view)} 个项目到 {written.resolve()}"
        return written

    def widget(self) -> Any:
        """The box as one widget."""
        return self.box
