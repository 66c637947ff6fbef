"""A project under construction: its facts and budget rows, its indicator rows, and what defects and
the goals need to know about them until the project is finished.

Shared by every step of a draft (drawn, broken by a defect, scored, finished), so it is its own module.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass(slots=True)
class Ind:
    """An indicator row under construction plus what defects need to know about it. `met` is what
    the draft meant until the engine has scored the row, then the engine's; `score` is the 自评得分
    the form prints (the engine's score, unless a reporting defect changed it)."""

    row: dict
    kind: str  # count | rate | reverse | zero | qualitative | deadline | cost
    met: bool
    score: float = 0.0

    @property
    def weight(self) -> int:
        return self.row["weight"]


@dataclass(slots=True)
class Draft:
    """One project from its clean draft to the dict the unit hands in (`project`, the YAML shape)."""

    project: dict
    inds: list[Ind] = field(default_factory=list)
    budget_score: float = 0.0  # the 预算执行率 自评得分 the form prints (0 when the scheme gives none)
    title: str = ""  # the project kind as the goals name it
    phrases: list[str] = field(default_factory=list)  # qualitative benefits, for the goals
    defect: str | None = None
    defect_row: Ind | None = None  # the row a structural defect made (total_differs: reported later)
    later: random.Random | None = None  # draws of the reporting defect, after scoring
