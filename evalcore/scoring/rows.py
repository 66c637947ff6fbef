"""The distinct rows scored under one scheme: each is scored once by `rules.score_row`, and kept.

A province's portfolio repeats the same rows thousands of times, so the engine scores a batch by
its distinct rows (the scored cells and the project year) and gathers each row's figures from
NumPy columns held here. A store belongs to one scheme and one carrier's key space (rows from
model objects and rows read straight from portfolio tables are keyed differently); it lives in the
scheme's cache for the life of the process and starts over when it grows past `LIMIT`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence

import numpy as np

from ..model import Indicator
from ..rules.indicators import FLAGS, Outcome, score_row
from ..schemes import Scheme
from ..vocabulary import QUANTITATIVE, UPWARD

LIMIT = 200_000  # distinct rows kept per store before it starts over
FLAG_BIT = {flag: 1 << i for i, flag in enumerate(FLAGS)}


class RowStore:
    """Per distinct row: its Outcome and prototype row, and its figures as columns (entry 0 is a
    blank row that rows of projects left out of a batch point at)."""

    COLUMNS = (
        ("score", np.float64),
        ("weight", np.float64),
        ("reported", np.float64),  # NaN: no 自评得分
        ("completion", np.float64),  # NaN: not a ratio
        ("met", bool),
        ("quantitative", bool),
        ("upward", bool),  # ≥ > =: more is better, or exactly the target
        ("flags", np.int64),  # FLAG_BIT of each flag the outcome carries
        ("no_unit", bool),  # a quantitative row whose values carry no unit at all
    )
    _BLANK = (0.0, 0.0, math.nan, math.nan, False, False, False, 0, False)

    def __init__(self) -> None:
        self.index: dict[Hashable, int] = {}
        self.memo: dict[str, dict] = {}  # what a caller derives from an entry (its JSON), by name then entry
        self.outcomes: list[Outcome | None] = [None]
        self.prototypes: list[Indicator | None] = [None]
        for (name, dtype), blank in zip(self.COLUMNS, self._BLANK, strict=True):
            setattr(self, name, np.array([blank], dtype=dtype))

    def __len__(self) -> int:
        return len(self.outcomes) - 1

    def ids(
        self, keys: Sequence[Hashable], rows: Sequence[Indicator], years: Sequence[int], scheme: Scheme
    ) -> np.ndarray:
        """The entry of each (key, year), scoring the rows met for the first time."""
        index, out, new = self.index, [], []
        for key, row, year in zip(keys, rows, years, strict=True):
            full = (key, year)
            i = index.get(full)
            if i is None:
                outcome = score_row(row, scheme, year)
                i = index[full] = len(self.outcomes)
                self.outcomes.append(outcome)
                self.prototypes.append(row)
                new.append(_columns(row, outcome))
            out.append(i)
        if new:
            for (name, dtype), values in zip(self.COLUMNS, zip(*new, strict=True), strict=True):
                setattr(self, name, np.concatenate([getattr(self, name), np.array(values, dtype=dtype)]))
        return np.array(out, dtype=np.int64)


def _columns(row: Indicator, outcome: Outcome) -> tuple:
    quantitative = row.direction in QUANTITATIVE
    flags = 0
    for f in outcome.flags:
        flags |= FLAG_BIT[f]
    return (
        outcome.score,
        row.weight,
        math.nan if row.reported_score is None else row.reported_score,
        math.nan if outcome.completion is None else outcome.completion,
        outcome.met,
        quantitative,
        row.direction in UPWARD,
        flags,
        quantitative and row.target_value is not None and row.unit is None,
    )


def row_store(scheme: Scheme, space: str) -> RowStore:
    """The scheme's store for one carrier's keys (a new one once it holds LIMIT rows)."""
    stores = scheme.cache("row_stores")
    store = stores.get(space)
    if store is None or len(store) > LIMIT:
        store = stores[space] = RowStore()
    return store
