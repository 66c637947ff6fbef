"""The base of every scope a finding's check looks at (see `subjects`): the batch, the scheme's
tolerances, which project each subject belongs to and its place in that project."""

from __future__ import annotations

from typing import Any

import numpy as np

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

    def subject(self, j: int) -> str:
        return ""

    def fields(self, j: int) -> dict[str, Any]:
        raise NotImplementedError
