"""Score projects under a scheme: budget execution, every indicator, categories, total, grade.

One engine (`engine.score_batch`) scores every batch, whatever its carrier; a single project is a
batch of one (`score_project`). Full precision inside; the scheme's rounding applies to the
official total (and to each score when the scheme rounds to whole points). Not-applicable
indicators are dropped and the total is rescaled to 100 (按百分制折算).
"""

from __future__ import annotations

from ..model import Project, columns_of
from ..rules.totals import FULL_MARKS
from ..schemes import Scheme
from .cards import CategoryScore, Scorecard
from .engine import ScoredBatch, score_batch
from .rows import FLAG_BIT, RowStore, row_store


def score_project(project: Project, scheme: Scheme) -> Scorecard:
    """One project's Scorecard. Raises InputError if an indicator's 一级指标 belongs to no
    category of the scheme."""
    return score_batch([project], columns_of([project]), scheme).card(0)


__all__ = [
    "FLAG_BIT",
    "FULL_MARKS",
    "CategoryScore",
    "RowStore",
    "Scorecard",
    "ScoredBatch",
    "row_store",
    "score_batch",
    "score_project",
]
