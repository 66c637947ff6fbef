"""Scope `indicator`: every applicable indicator row of the scored projects of a batch, its columns
(gathered from the scoring engine's store of distinct rows) and the fields its messages name."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np

from ..rules.outcome import (
    CLAMPED,
    CONTRADICTED,
    DEDUCTED,
    DETAIL,
    FRACTION,
    INFERRED,
    MISSING_ACTUAL,
    NEGATIVE_ACTUAL,
    PLACED,
    SURVEY_FEW,
    SURVEY_OUTSIDE,
    UNMEASURABLE,
    UNRECOGNISED,
)
from ..scoring import FLAG_BIT, ScoredBatch
from .view import View


class IndicatorRows(View):
    """Scope `indicator`: every applicable row of a scored project.

    Columns: score, weight, reported (NaN: none), has_reported, completion (NaN: not a ratio),
    has_completion, met, quantitative, upward (≥ > =), timed (时限), no_unit, has_reason, and the rule's flags
    unmeasurable, unrecognised, clamped, negative_actual, deducted, missing_actual, and how the row
    was read: inferred (指标性质), contradicted (指标性质 against the target's sign), fraction (0.93 as 93%),
    placed (一级指标 taken from the 二级指标); and what a questionnaire behind the row says: survey_few
    (fewer than 30 valid responses), survey_outside (the form's rate outside its 95% interval).
    Detail rows (其中…, no 分值) are not subjects: they are carried, not scored.
    Fields: name, level1, level2, direction, target, actual, unit, weight, reported, score,
    completion, level, explanation, reason (偏差原因), unmeasurable (why the value is not a number),
    readings (how its cells were read), survey (the questionnaire behind it, with its findings), over_threshold (how far above target a target counts as set too low: 30%)."""

    scope = "indicator"

    def __init__(self, batch: ScoredBatch) -> None:
        super().__init__(batch)
        detail = (batch.column("flags") & FLAG_BIT[DETAIL]) != 0  # carried, not scored: nothing to find
        self.rows = np.nonzero(batch.live[batch.owner] & batch.columns.applicable & ~detail)[0]
        self.project = batch.owner[self.rows]
        self.order = self.rows
        self.ids = batch.ids[self.rows]

    def _store(self, name: str) -> np.ndarray:
        return getattr(self.batch.store, name)[self.ids]

    def _flag(self, flag: str) -> np.ndarray:
        return (self.flags & FLAG_BIT[flag]) != 0

    @cached_property
    def score(self) -> np.ndarray:
        return self._store("score")

    @cached_property
    def weight(self) -> np.ndarray:
        return self._store("weight")

    @cached_property
    def reported(self) -> np.ndarray:
        return self._store("reported")

    @cached_property
    def has_reported(self) -> np.ndarray:
        return ~np.isnan(self.reported)

    @cached_property
    def completion(self) -> np.ndarray:
        return self._store("completion")

    @cached_property
    def has_completion(self) -> np.ndarray:
        return ~np.isnan(self.completion)

    @cached_property
    def met(self) -> np.ndarray:
        return self._store("met")

    @cached_property
    def quantitative(self) -> np.ndarray:
        return self._store("quantitative")

    @cached_property
    def upward(self) -> np.ndarray:
        return self._store("upward")

    @cached_property
    def timed(self) -> np.ndarray:
        return self._store("timed")

    @cached_property
    def no_unit(self) -> np.ndarray:
        return self._store("no_unit")

    @cached_property
    def flags(self) -> np.ndarray:
        return self._store("flags")

    @cached_property
    def has_reason(self) -> np.ndarray:
        return self.batch.columns.has_reason[self.rows]

    @cached_property
    def unmeasurable(self) -> np.ndarray:
        return self._flag(UNMEASURABLE)

    @cached_property
    def unrecognised(self) -> np.ndarray:
        return self._flag(UNRECOGNISED)

    @cached_property
    def clamped(self) -> np.ndarray:
        return self._flag(CLAMPED)

    @cached_property
    def negative_actual(self) -> np.ndarray:
        return self._flag(NEGATIVE_ACTUAL)

    @cached_property
    def deducted(self) -> np.ndarray:
        return self._flag(DEDUCTED)

    @cached_property
    def missing_actual(self) -> np.ndarray:
        return self._flag(MISSING_ACTUAL)

    @cached_property
    def inferred(self) -> np.ndarray:
        return self._flag(INFERRED)

    @cached_property
    def contradicted(self) -> np.ndarray:
        return self._flag(CONTRADICTED)

    @cached_property
    def fraction(self) -> np.ndarray:
        return self._flag(FRACTION)

    @cached_property
    def placed(self) -> np.ndarray:
        return self._flag(PLACED)

    @cached_property
    def survey_few(self) -> np.ndarray:
        return self._flag(SURVEY_FEW)

    @cached_property
    def survey_outside(self) -> np.ndarray:
        return self._flag(SURVEY_OUTSIDE)

    def subject(self, j: int) -> str:
        return self.batch.columns.rows.indicator(int(self.rows[j])).name

    def fields(self, j: int) -> dict[str, Any]:
        """The row's fields, each computed when a message or a finding's data first names it."""
        return _RowFields(self, j)


class _RowFields(dict):
    """IndicatorRows.fields of one subject, filled on first use (a message names a few of them)."""

    def __init__(self, view: IndicatorRows, j: int) -> None:
        super().__init__()
        self.view, self.j = view, j

    def __missing__(self, key: str) -> Any:
        view, j = self.view, self.j
        if key in ("score", "completion", "level", "explanation", "unmeasurable", "readings", "survey"):
            o = view.batch.store.outcome(int(view.ids[j]))
            e = o.explanation
            self.update(
                score=o.score, completion=o.completion, level=o.level, explanation=e.text,
                unmeasurable=e.inputs.get("reason") or "", readings="；".join(e.inputs.get("readings") or ()), survey=e.inputs.get("survey") or "",
            )  # fmt: skip
        elif key == "over_threshold":
            self[key] = view.scheme.quantitative.over_achievement.threshold - 1
        else:
            ind = view.batch.columns.rows.indicator(int(view.rows[j]))
            self.update(
                name=ind.name, level1=ind.level1, level2=ind.level2, direction=ind.direction, target=ind.target.raw,
                actual=ind.actual.raw, unit=ind.unit or "", weight=ind.weight, reported=ind.reported_score,
                reason=ind.deviation_reason,
            )  # fmt: skip
        return dict.__getitem__(self, key)

    def __contains__(self, key: object) -> bool:
        return key in _ROW_FIELDS


_ROW_FIELDS = frozenset(
    ("name", "level1", "level2", "direction", "target", "actual", "unit", "weight", "reported", "score", "completion",
     "level", "explanation", "reason", "unmeasurable", "readings", "survey", "over_threshold")
)  # fmt: skip
