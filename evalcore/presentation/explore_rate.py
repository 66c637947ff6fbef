"""The explorer's execution-rate bounds typed as well as dragged, and a one-click 「执行率低于 90%」.

A slider of 1% steps across 0–150% is fiddly where it matters most (90%, the under-execution line):
two number boxes (in %) beside it set either bound exactly, and a button sets the filter to 0–90%.
The slider stays the one source of the filter (`Explorer.filters` reads it, its callback redraws):
the boxes and the button only set it, and follow it when it moves (a drag, 重置, `set_filters`).
ipywidgets only here.
"""

from __future__ import annotations

from typing import Any

from ..explore import UNDER_EXECUTED
from .explore_panes import widgets

__all__ = ["RateBounds"]


class RateBounds:
    """Lower and upper bound boxes (in %) kept in step with an execution-rate FloatRangeSlider (whose
    values are fractions), and a button setting it to 0 – UNDER_EXECUTED."""

    def __init__(self, slider: Any) -> None:
        w = widgets()
        self.slider = slider
        self._syncing = False
        top = round(float(slider.max) * 100, 6)
        lo, hi = slider.value
        box = {"min": 0.0, "max": top, "step": 1.0, "style": {"description_width": "5em"}}
        self.lower = w.BoundedFloatText(
            value=round(lo * 100, 6), description="执行率 ≥ %", layout=w.Layout(width="12em"), **box
        )
        self.upper = w.BoundedFloatText(
            value=round(hi * 100, 6), description="≤ %", layout=w.Layout(width="12em"), **box
        )
        self.under = w.Button(
            description=f"执行率低于 {UNDER_EXECUTED:.0%}",
            tooltip=f"只看执行率 0–{UNDER_EXECUTED:.0%} 的项目",
            layout=w.Layout(width="11em"),
        )
        self.lower.observe(self._typed, names="value")
        self.upper.observe(self._typed, names="value")
        slider.observe(self._moved, names="value")
        self.under.on_click(lambda _b: self.set(0.0, UNDER_EXECUTED))
        self.box = w.HBox([self.lower, self.upper, self.under])

    def set(self, lo: float, hi: float) -> None:
        """Set the slider (fractions; a lower bound above the upper is taken as the upper): one
        change, so the explorer redraws once."""
        lo, hi = max(float(self.slider.min), lo), min(float(self.slider.max), hi)
        self.slider.value = (min(lo, hi), hi)

    def _typed(self, _change: object) -> None:
        if not self._syncing:
            self.set(self.lower.value / 100, self.upper.value / 100)
            self._moved(None)  # a clamped bound shows as the slider holds it

    def _moved(self, _change: object) -> None:
        lo, hi = self.slider.value
        self._syncing = True
        try:
            self.lower.value = round(lo * 100, 6)
            self.upper.value = round(hi * 100, 6)
        finally:
            self._syncing = False

    def widget(self) -> Any:
        """The two boxes and the button as one widget."""
        return self.box
