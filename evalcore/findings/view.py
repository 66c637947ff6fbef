"""The base of every scope a finding's check looks at (see `subjects`): the batch, the scheme's
tolerances, which project each subject belongs to and its place in that project."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np

from ..rules.precision import MAX_DECIMALS, as_printed, decimals_of
from ..scoring import ScoredBatch


class View:
    """Common to every scope: the batch, the scheme's tolerances, which project each subject belongs
    to (`project`) and its place in that project (`order`)."""

    scope = ""

    def __init__(self, batch: ScoredBatch) -> None:
        self.batch = batch
        self.scheme = batch.scheme
        self.score_tolerance = batch.scheme.review.score_tolerance.value
        self.weight_tolerance = batch.scheme.review.weight_tolerance.value

    project: np.ndarray
    order: np.ndarray

    def __len__(self) -> int:
        return len(self.project)

    def differs(self, a: np.ndarray, b: np.ndarray | float) -> np.ndarray:
        """Two scores that are not the same at the scheme's score tolerance (printed rounding)."""
        with np.errstate(invalid="ignore"):
            return self.scheme.review.scores_differ(a, b)

    @cached_property
    def printed_decimals(self) -> np.ndarray:
        """The precision the subject's form prints its scores at (`rules.precision`)."""
        return printed_decimals(self.batch)[self.project]

    def differs_as_printed(self, reported: np.ndarray, score: np.ndarray) -> np.ndarray:
        """A reported score that is not ours rounded as the form rounds (19.3 for 19.33 is the same)."""
        with np.errstate(invalid="ignore"):
            return self.scheme.review.scores_differ(reported, as_printed(score, self.printed_decimals))

    def subject(self, j: int) -> str:
        return ""

    def fields(self, j: int) -> dict[str, Any]:
        raise NotImplementedError


def printed_decimals(batch: ScoredBatch) -> np.ndarray:
    """Per project of the batch: the precision its form prints scores at (`rules.precision`). The
    most decimals any printed score shows (indicator rows, the budget's 得分, the 总分) — and, when
    that is fewer than two, only if some row shows the rounding: a score below its weight printed as
    ours rounded (7 for 7.46, 19.3 for 19.33). A form whose only whole numbers are full marks proves
    no convention, and is compared exactly. Kept on the batch: every scope asks."""
    cached = getattr(batch, "_printed_decimals", None)
    if cached is not None:
        return cached
    n = len(batch)
    shows = np.zeros(n, dtype=np.int64)
    rows = np.nonzero(batch.live[batch.owner] & batch.columns.applicable)[0]
    reported = batch.column("reported")[rows]
    given = ~np.isnan(reported)
    owner = batch.owner[rows]
    np.maximum.at(shows, owner[given], decimals_of(reported[given]))
    nan = np.nan
    budget_reported = np.array(
        [nan if b is None or b.reported_score is None else b.reported_score for b in batch.budgets],
        dtype=np.float64,
    )
    total_reported = np.array(
        [nan if p is None or p.reported_total is None else p.reported_total for p in batch.projects],
        dtype=np.float64,
    )
    for extra in (budget_reported, total_reported):
        printed = ~np.isnan(extra)
        shows[printed] = np.maximum(shows[printed], decimals_of(extra[printed]))
    score, weight = batch.column("score")[rows], batch.column("weight")[rows]
    d = shows[owner]
    with np.errstate(invalid="ignore"):
        rounded = (
            given
            & (d < MAX_DECIMALS)
            & (reported < weight - 1e-9)
            & (np.abs(as_printed(score, d) - reported) < 1e-6)
            & (np.abs(score - reported) > 1e-6)
        )
    proven = np.zeros(n, dtype=bool)
    proven[owner[rounded]] = True
    out = np.where(proven, shows, MAX_DECIMALS)
    batch._printed_decimals = out  # type: ignore[attr-defined]
    return out
