"""The explorer's sections of issue #16 beside the ones `explore_widgets.Explorer` builds itself:
复核发现 (`explore_findings.FindingsPanel`), 无法读取的输入 and 导出当前筛选（Excel）.

A mixin, because `explore_widgets` may not grow past 500 lines: `Explorer` inherits these methods
and calls `update_sections(view)` from its `refresh`, so the 复核发现 section follows the year and
every filter like the others. The mixin needs only the explorer's `portfolio` and `view()`.
"""

from __future__ import annotations

from typing import Any

from ..explore import Portfolio
from .explore_export import ExportBox
from .explore_findings import FindingsPanel, input_errors
from .html import Fragment

__all__ = ["ExtraSections"]


class ExtraSections:
    """复核发现, the unreadable inputs and the export, for `Explorer` (see the module docstring)."""

    portfolio: Portfolio

    def view(self) -> Portfolio:  # provided by Explorer
        raise NotImplementedError

    def _sections(self) -> dict[str, Any]:
        return self.__dict__.setdefault("_extra_sections", {})

    def findings(self) -> Any:
        """复核发现: 主管部门 × code counts of the current view, a code filter and the findings."""
        sections = self._sections()
        if "findings" not in sections:
            sections["findings"] = FindingsPanel(self.portfolio, self.view())
        return sections["findings"].widget()

    def input_errors(self) -> Fragment:
        """The inputs that could not be read (collapsed), or a sentence saying all were read."""
        return input_errors(self.portfolio)

    def export(self) -> Any:
        """A path box and 「导出当前筛选（Excel）」 writing the current view's projects."""
        sections = self._sections()
        if "export" not in sections:
            sections["export"] = ExportBox(self.view)
        return sections["export"].widget()

    def update_sections(self, view: Portfolio) -> None:
        """What `Explorer.refresh` calls: the 复核发现 section follows the new selection."""
        panel = self._sections().get("findings")
        if panel is not None:
            panel.update(view)
