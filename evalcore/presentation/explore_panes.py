"""The explorer's panes: ipywidgets Output widgets that also carry their current view as text/html.

Shared by the explorer's widgets (`explore_widgets.Explorer`) and its 历史比较 panel
(`explore_history_panel.HistoryPanel`), so both redraw in place the same way and both show their
default view when the notebook runs headless (papermill: no widget front end). ipywidgets is
imported when the first widget is built, never when this module is.
"""

from __future__ import annotations

from typing import Any

from .explore_views import Content
from .html import join

__all__ = ["fallback_html", "pane", "set_fallback", "show", "view_key", "widget_class", "widgets"]


def widgets():  # type: ignore[no-untyped-def]
    """The ipywidgets module (imported on first use: the command line never pays for it)."""
    import ipywidgets

    return ipywidgets


def _fallback_class(base):  # type: ignore[no-untyped-def]
    """A widget class whose display bundle also carries its current view as text/html (and a short
    text/plain): what a renderer without a live widget front end shows."""

    class Fallback(base):  # type: ignore[misc, valid-type]
        _fallback_html = ""
        _fallback_text = ""

        def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
            data = super()._repr_mimebundle_(**kwargs) or {}
            data["text/plain"] = self._fallback_text or data.get("text/plain", "")
            if self._fallback_html:
                data["text/html"] = self._fallback_html
            return data

    Fallback.__name__ = f"Explorer{base.__name__}"
    return Fallback


_CLASSES: dict[str, type] = {}


def widget_class(name: str) -> type:
    """The ipywidgets class `name` (Output, VBox …) with the static fallback of its view."""
    if name not in _CLASSES:
        _CLASSES[name] = _fallback_class(getattr(widgets(), name))
    return _CLASSES[name]


def pane(text: str):  # type: ignore[no-untyped-def]
    """An empty Output pane whose plain-text form is `text` until it shows something."""
    out = widget_class("Output")()
    out._fallback_text = text
    return out


def show(target, content: Content, text: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """Swap a pane's outputs in one assignment (no flicker, no output capture inside a comm
    callback); keep the same view as its static fallback."""
    target.outputs = tuple(p.output() for p in content)
    target._fallback_html = str(join(p.html() for p in content))
    if text is not None:
        target._fallback_text = text


def set_fallback(widget, text: str, html: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """What a widget of `widget_class` shows without a live front end: `text` (text/plain) and,
    when given, `html` (text/html)."""
    widget._fallback_text = text
    if html is not None:
        widget._fallback_html = html


def fallback_html(widget) -> str:  # type: ignore[no-untyped-def]
    """The text/html a widget of `widget_class` shows without a live front end."""
    return str(widget._fallback_html)


def view_key(view: object) -> tuple:
    """A view's filters as a hashable key (the explorer's cache of rendered sections is keyed by it)."""
    filters: dict = view.filters  # type: ignore[attr-defined]
    return tuple(sorted((k, tuple(v) if isinstance(v, list | tuple) else v) for k, v in filters.items()))
