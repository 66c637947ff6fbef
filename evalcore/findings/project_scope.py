"""Scopes of a whole project: each category (一级指标) of each scored project (`category`) and the
project itself (`project`: reported total and grade, itemisation)."""

from __future__ import annotations

import math
from functools import cached_property
from typing import Any

import numpy as np

from ..rules.outcome import DETAIL, INFERRED, UNWEIGHTED
from ..rules.precision import PRECISION_NAMES, as_printed
from ..rules.totals import FULL_MARKS, grade, grades, itemisation_gap
from ..scoring import FLAG_BIT, ScoredBatch
from ..vocabulary import same_grade
from .view import View, printed_decimals


class Categories(View):
    """Scope `category`: each category (一级指标) of the scheme in each scored project.
    Columns: weight (the scheme's), itemised (indicator weights, and the budget's where it sits),
    gap (weight the form did not itemise, negative beyond it; 0 within the weight tolerance).
    Fields: category, weight, itemised, gap (weight − itemised), excess (itemised − weight)."""

    scope = "category"

    def __init__(self, batch: ScoredBatch) -> None:
        super().__init__(batch)
        ncat = len(batch.scheme.categories)
        live = np.nonzero(batch.live)[0]
        self.project = np.repeat(live, ncat)
        self.order = np.tile(np.arange(ncat, dtype=np.int64), len(live))
        self.weight = np.tile(
            np.array([c.weight for c in batch.scheme.categories], dtype=np.float64), len(live)
        )
        self.itemised = batch.itemised[live].reshape(-1)
        self.gap = itemisation_gap(self.weight, self.itemised, batch.scheme)

    def subject(self, j: int) -> str:
        return self.scheme.categories[int(self.order[j])].name

    def fields(self, j: int) -> dict[str, Any]:
        w, it = float(self.weight[j]), float(self.itemised[j])
        k, c = int(self.project[j]), int(self.order[j])
        b = self.batch
        raw = b.earned[k, c] if b.earned_raw is None else b.earned_raw[k, c]
        return {
            "category": self.subject(j), "weight": w, "itemised": it, "gap": w - it, "excess": it - w,
            "earned_raw": float(raw), "earned": float(b.earned[k, c]), "over": self.scheme.itemisation.over,
        }  # fmt: skip


class Projects(View):
    """Scope `project`: each scored project.

    Columns: total, total_raw, reported_total (NaN: none), has_reported_total, parts_complete
    (every applicable indicator, and the budget where it has points, carries a 自评得分),
    reported_sum (those scores added, rescaled like the total), itemised_total, over_itemised (some
    category itemises more than its weight), has_reported_grade, grade_matches.
    Fields: total, total_raw, grade, reported_total, reported_sum, sum_gap, reported_grade,
    expected_grade (the grade of the reported total), scheme (its id); `batch` and `k` for a
    message written as a function."""

    scope = "project"

    def __init__(self, batch: ScoredBatch) -> None:
        super().__init__(batch)
        self.project = np.nonzero(batch.live)[0]
        self.order = np.zeros(len(self.project), dtype=np.int64)
        self.facts = [batch.projects[k] for k in self.project.tolist()]

    @cached_property
    def total(self) -> np.ndarray:
        return self.batch.total[self.project]

    @cached_property
    def total_raw(self) -> np.ndarray:
        return self.batch.total_raw[self.project]

    @cached_property
    def reported_total(self) -> np.ndarray:
        return np.array([math.nan if p.reported_total is None else p.reported_total for p in self.facts])

    full_marks = FULL_MARKS

    @cached_property
    def has_reported_total(self) -> np.ndarray:
        return ~np.isnan(self.reported_total)

    @cached_property
    def _row_sums(self) -> tuple[np.ndarray, np.ndarray]:
        """Per project: applicable rows without a 自评得分, and the sum of those with one."""
        b = self.batch
        flags = b.column("flags")
        # a `其中` detail row is part of the row above it: its score is not added again (a row that
        # is unweighted because the form prints no 分值 still carries the unit's own score)
        detail = ((flags & FLAG_BIT[DETAIL]) != 0) & ((flags & FLAG_BIT[UNWEIGHTED]) == 0)
        rows = b.live[b.owner] & b.columns.applicable & ~detail
        reported = b.column("reported")[rows]
        owner = b.owner[rows]
        missing = np.bincount(owner, weights=np.isnan(reported), minlength=len(b))
        sums = np.zeros(len(b))
        np.add.at(sums, owner, np.nan_to_num(reported))
        return missing[self.project], sums[self.project]

    @cached_property
    def parts_complete(self) -> np.ndarray:
        missing, _ = self._row_sums
        budgets = [self.batch.budgets[k] for k in self.project.tolist()]
        budget_given = np.array([b.reported_score is not None or b.weight <= 0 for b in budgets], dtype=bool)  # type: ignore[union-attr]
        return (missing == 0) & budget_given

    @cached_property
    def reported_sum(self) -> np.ndarray:
        _, sums = self._row_sums
        budget = np.array([self.batch.budgets[k].reported_score or 0.0 for k in self.project.tolist()])  # type: ignore[union-attr]
        return (sums + budget) * self.batch.scale[self.project]

    @cached_property
    def itemised_total(self) -> np.ndarray:
        return np.array([sum(r) for r in self.batch.itemised[self.project].tolist()], dtype=np.float64)

    @cached_property
    def over_itemised(self) -> np.ndarray:
        weights = np.array([c.weight for c in self.scheme.categories], dtype=np.float64)
        return (itemisation_gap(weights, self.batch.itemised[self.project], self.scheme) < 0).any(axis=1)

    @cached_property
    def has_reported_grade(self) -> np.ndarray:
        return np.array([bool(p.reported_grade) for p in self.facts], dtype=bool)

    @cached_property
    def grade_matches(self) -> np.ndarray:
        graded = [
            (j, p) for j, p in enumerate(self.facts) if p.reported_grade and p.reported_total is not None
        ]
        expected = grades(np.array([p.reported_total for _, p in graded], dtype=np.float64), self.scheme)
        out = np.ones(len(self.facts), dtype=bool)
        for (j, p), name in zip(graded, expected, strict=True):
            out[j] = same_grade(p.reported_grade, name)  # type: ignore[arg-type]
        return out

    def _named(self, flag: str) -> dict[int, list[str]]:
        """Per project (batch index): the 三级指标 of its rows carrying `flag`, in input order."""
        b = self.batch
        flags = b.column("flags")
        rows = np.nonzero(b.live[b.owner] & ((flags & FLAG_BIT[flag]) != 0))[0]
        out: dict[int, list[str]] = {}
        for i in rows.tolist():
            out.setdefault(int(b.owner[i]), []).append(b.columns.rows.indicator(i).name)
        return out

    @cached_property
    def _inferred(self) -> dict[int, list[str]]:
        return self._named(INFERRED)

    @cached_property
    def _unweighted(self) -> dict[int, list[str]]:
        return self._named(UNWEIGHTED)

    @cached_property
    def has_inferred(self) -> np.ndarray:
        return np.array([k in self._inferred for k in self.project.tolist()], dtype=bool)

    @cached_property
    def has_unweighted(self) -> np.ndarray:
        return np.array([k in self._unweighted for k in self.project.tolist()], dtype=bool)

    @cached_property
    def has_readings(self) -> np.ndarray:
        """The project's facts were read by a stated guess (a derived 项目编号, 主管部门 from 实施单位)."""
        return np.array([bool(p.readings) for p in self.facts], dtype=bool)

    @cached_property
    def _rounded_rows(self) -> dict[int, tuple[str, float, float]]:
        """Per project printing fewer than two decimals: its first row whose score that rounding
        changes (name, ours, ours as the form rounds): the convention matters on this form."""
        b = self.batch
        decimals = printed_decimals(b)
        rows = np.nonzero(b.live[b.owner] & b.columns.applicable)[0]
        d = decimals[b.owner[rows]]
        has = ~np.isnan(b.column("reported")[rows])
        score = b.column("score")[rows]
        shown = as_printed(score, d)
        changed = (d < 2) & has & (np.abs(shown - score) > 1e-9)
        out: dict[int, tuple[str, float, float]] = {}
        for i, s, r in zip(
            rows[changed].tolist(), score[changed].tolist(), shown[changed].tolist(), strict=True
        ):
            k = int(b.owner[i])
            if k not in out:
                out[k] = (b.columns.rows.indicator(i).name, s, r)
        return out

    @cached_property
    def rounds_scores(self) -> np.ndarray:
        """The form prints whole points or one decimal, and that rounding changes some score."""
        return np.array([k in self._rounded_rows for k in self.project.tolist()], dtype=bool)

    def fields(self, j: int) -> dict[str, Any]:
        k = int(self.project[j])
        p = self.facts[j]
        rounded = self._rounded_rows.get(k)
        precision = int(printed_decimals(self.batch)[k])
        reported = p.reported_total
        reported_sum = float(self.reported_sum[j])
        return {
            "batch": self.batch,
            "k": k,
            "total": float(self.batch.total[k]),
            "total_raw": float(self.batch.total_raw[k]),
            "grade": self.batch.grade[k],
            "reported_total": reported,
            "reported_sum": reported_sum,
            "sum_gap": abs(reported - reported_sum) if reported is not None else None,
            "reported_grade": p.reported_grade,
            "expected_grade": grade(reported, self.scheme) if reported is not None else None,
            "scheme": self.scheme.id,
            "itemised_total": float(self.itemised_total[j]),
            "full_marks": FULL_MARKS,
            "inferred_rows": "、".join(f"「{n}」" for n in self._inferred.get(k, [])),
            "inferred_count": len(self._inferred.get(k, [])),
            "readings": "；".join(text for _, text in p.readings),
            "unweighted_rows": "、".join(f"「{n}」" for n in self._unweighted.get(k, [])),
            "unweighted_count": len(self._unweighted.get(k, [])),
            "precision": PRECISION_NAMES[precision],
            "rounded_name": rounded[0] if rounded else "",
            "rounded_score": rounded[1] if rounded else None,
            "rounded_as_printed": rounded[2] if rounded else None,
        }
