"""Grade colours, one table for every place a grade is coloured: the cards, the portfolio index
(page and charts) and the explorer's charts. Plain strings (the grade names from the vocabulary):
a card stays light."""

from __future__ import annotations

from collections.abc import Sequence

from ..vocabulary import GRADE_NAMES

__all__ = ["GRADE_COLOURS", "OTHER_COLOURS", "grade_colour"]

GRADE_COLOURS = dict(zip(GRADE_NAMES, ("#2f855a", "#2b6cb0", "#d69e2e", "#c53030"), strict=True))
OTHER_COLOURS = ("#805ad5", "#319795", "#718096", "#b83280", "#975a16")


def grade_colour(grade: str | None, order: Sequence[str] | None = None) -> str:
    """优良中差 have their own colour. Another grade (a user's scheme) takes one of OTHER_COLOURS:
    when shown alone (a card, no `order`) the first; in a chart, by its place among the other
    grades of `order`, so that a legend never repeats a colour; a grade outside `order` (a row
    without a grade) the last."""
    if grade in GRADE_COLOURS:
        return GRADE_COLOURS[grade]  # type: ignore[index]
    if order is None:
        return OTHER_COLOURS[0]
    others = [g for g in order if g not in GRADE_COLOURS]
    return OTHER_COLOURS[others.index(grade) % len(OTHER_COLOURS)] if grade in others else OTHER_COLOURS[-1]
