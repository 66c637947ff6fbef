"""A content-addressed cache of report charts, so a batch does less per report.

A chart is a pure function of one evaluation (`charts/report.py` draws it deterministically). A batch
worker process keeps matplotlib warm and draws a project's charts before its notebook runs; the
notebook's kernel then finds them here by key and never imports matplotlib, which is most of a
kernel's time. Each report still runs in its own kernel; only identical pixels are shared.

The cache is used only where `EVALCORE_CHART_CACHE` names a folder: `render_project(...,
warm_charts=True)` (what the batch does) draws the charts into a temporary folder and sets it in
that one kernel's environment; elsewhere charts are drawn in the kernel as usual. The key covers the
evaluation's data, the chart kind, the package version and the source of every chart module the
report's charts are drawn by (`CHART_SOURCES`: read as files, so a kernel that finds its charts
here still never imports matplotlib).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path

import orjson

ENV = "EVALCORE_CHART_CACHE"
KINDS = ("category", "completion", "budget")
_NONE = b"none"  # a chart that has nothing to show (completion/budget may be None)
#: The modules of the `charts` package that draw the report's charts: the report's own chart
#: module and the shared base it is built on (tests/test_charts.py checks the list is complete).
CHART_SOURCES = ("__init__.py", "fonts.py", "text.py", "base.py", "report.py", "history.py")
#: Modules of the presentation package the report's charts use (the money rule of their labels).
SHARED_SOURCES = ("formats.py", "cjk_font.py")


@cache
def _code_digest() -> str:
    from ..version import __version__

    h = hashlib.sha256(__version__.encode())
    folder = Path(__file__).with_name("charts")
    for name in CHART_SOURCES:
        h.update(name.encode() + b"\0" + (folder / name).read_bytes())
    for name in SHARED_SOURCES:
        h.update(name.encode() + b"\0" + (folder.parent / name).read_bytes())
    return h.hexdigest()


def chart_key(kind: str, ev) -> str:  # type: ignore[no-untyped-def]
    from .records import evaluation_record

    record = evaluation_record(ev)
    record.pop("source", None)
    data = orjson.dumps(record, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(kind.encode() + _code_digest().encode() + data).hexdigest()


def _draw(kind: str, ev) -> bytes | None:  # type: ignore[no-untyped-def]
    from .charts import report

    return {
        "category": report.category_chart,
        "completion": report.completion_chart,
        "budget": report.budget_chart,
    }[kind](ev.card)


def _cached(key: Callable[[], str], draw: Callable[[], bytes | None]) -> bytes | None:
    """A chart's PNG (or None when it has nothing to show): from the cache when one is set and
    holds it, else drawn here (and stored when a cache is set). The key is computed only then."""
    folder = os.environ.get(ENV)
    if not folder:
        return draw()
    path = Path(folder) / f"{key()}.png"
    try:
        data = path.read_bytes()
        return None if data == _NONE else data
    except OSError:
        pass
    png = draw()
    _store(path, png)
    return png


def chart(kind: str, ev) -> bytes | None:  # type: ignore[no-untyped-def]
    """One of an evaluation's report charts (KINDS), through the cache."""
    return _cached(lambda: chart_key(kind, ev), lambda: _draw(kind, ev))


def _store(path: Path, png: bytes | None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(_NONE if png is None else png)
    os.replace(tmp, path)


def warm(ev, folder: str | os.PathLike[str]) -> None:  # type: ignore[no-untyped-def]
    """Draw every chart of one evaluation into the cache folder (in a warm process)."""
    for kind in KINDS:
        path = Path(folder) / f"{chart_key(kind, ev)}.png"
        if not path.exists():
            _store(path, _draw(kind, ev))


def _history_key(history: list[dict]) -> str:
    data = orjson.dumps(history, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(b"history" + _code_digest().encode() + data).hexdigest()


def _draw_history(history: list[dict]) -> bytes | None:
    from .charts.history import report_history_chart

    return report_history_chart(history)


def history_chart(history: list[dict]) -> bytes | None:
    """The 历史比较 chart of a project's years (charts/history.py), cached like the others: keyed
    on the records it draws, not on one evaluation."""
    return _cached(lambda: _history_key(history), lambda: _draw_history(history))


def warm_history(history: list[dict], folder: str | os.PathLike[str]) -> None:
    """Draw the 历史比较 chart into the cache folder (in a warm process)."""
    path = Path(folder) / f"{_history_key(history)}.png"
    if not path.exists():
        _store(path, _draw_history(history))
