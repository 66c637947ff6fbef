"""The distinct rows scored under one scheme: each is scored once by the rulebook, and kept.

A province's portfolio repeats the same rows thousands of times, so the engine scores a batch by
its distinct rows (the scored cells and the project year) and gathers each row's figures from
NumPy columns held here; a row met for the first time is scored by `rules.score_row`. A store
belongs to one scheme and one carrier's key space
(rows from model objects and rows read straight from portfolio tables are keyed differently); it
lives in the scheme's cache for the life of the process and starts over when it grows past `LIMIT`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence

import numpy as np

from ..model import Indicator
from ..rules.indicators import score_row
from ..rules.outcome import FLAGS, Outcome
from ..schemes import Scheme
from ..vocabulary import DEADLINE, QUANTITATIVE, UPWARD

LIMIT = 200_000  # distinct rows kept per store before it starts over
FLAG_BIT = {flag: 1 << i for i, flag in enumerate(FLAGS)}


class RowStore:
    """Per distinct row: its prototype row and Outcome, and its figures as columns (entry 0 is a blank row that rows of projects left out of a batch point at)."""

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
        ("timed", bool),  # a 时限 row (met: done by its deadline)
    )
    _BLANK = (0.0, 0.0, math.nan, math.nan, False, False, False, 0, False, False)

    def __init__(self) -> None:
        self.index: dict[Hashable, int] = {}
        self.memo: dict[str, list] = {}  # what a caller derives from each entry (its JSON), by name
        self.prototypes: list[Indicator | None] = [None]
        self.outcomes: list[Outcome | None] = [None]
        for (name, dtype), blank in zip(self.COLUMNS, self._BLANK, strict=True):
            setattr(self, name, np.array([blank], dtype=dtype))

    def __len__(self) -> int:
        return len(self.prototypes) - 1

    def outcome(self, i: int) -> Outcome:
        """Entry i's Outcome (score, completion, met, explanation, level, flags)."""
        out = self.outcomes[i]
        assert out is not None, "the blank entry has no outcome"
        return out

    def ids(
        self,
        keys: Sequence[Hashable],
        row: Callable[[int], Indicator | None],
        years: Sequence[int],
        scheme: Scheme,
    ) -> np.ndarray:
        """The entry of each (key, year), scoring the rows met for the first time; `row(j)` reads the
        j-th only then (None: a row the carrier's reader refused, entry -1)."""
        index, out = self.index, []
        new_rows: list[Indicator] = []
        new_years: list[int] = []
        first = len(self.prototypes)
        for j, (key, year) in enumerate(zip(keys, years, strict=True)):
            full = (key, year)
            i = index.get(full)
            if i is None:
                read = row(j)
                if read is None:
                    i = index[full] = -1
                else:
                    i = index[full] = first + len(new_rows)
                    new_rows.append(read)
                    new_years.append(year)
            out.append(i)
        if new_rows:
            self._add(new_rows, new_years, scheme)
        return np.array(out, dtype=np.int64)

    def _add(self, rows: list[Indicator], years: list[int], scheme: Scheme) -> None:
        """Score new rows, one by one (each by the rule its cells call for), and append them."""
        new = []
        prototypes, outcomes = self.prototypes, self.outcomes
        for row, year in zip(rows, years, strict=True):
            o = score_row(row, scheme, year)
            flags = 0
            for f in o.flags:
                flags |= FLAG_BIT[f]
            quantitative = row.direction in QUANTITATIVE
            new.append(
                (
                    o.score,
                    row.weight,
                    math.nan if row.reported_score is None else row.reported_score,
                    math.nan if o.completion is None else o.completion,
                    o.met,
                    quantitative,
                    row.direction in UPWARD,
                    flags,
                    quantitative and row.target_value is not None and row.unit is None,
                    row.direction == DEADLINE,
                )
            )
            prototypes.append(row)
            outcomes.append(o)
        for (name, dtype), values in zip(self.COLUMNS, zip(*new, strict=True), strict=True):
            setattr(self, name, np.concatenate([getattr(self, name), np.array(values, dtype=dtype)]))


def row_store(scheme: Scheme, space: str) -> RowStore:
    """The scheme's store for one carrier's keys (a new one once it holds LIMIT rows)."""
    stores = scheme.cache("row_stores")
    store = stores.get(space)
    if store is None or len(store) > LIMIT:
        store = stores[space] = RowStore()
    return store
