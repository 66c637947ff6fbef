"""Synthetic city portfolios (`evalcore synth`): realistic enough to demo and test on, any size.

A portfolio is a fictional city's (default 江城市) self-evaluations for one year: real municipal
department names, the projects those departments actually run, indicators that fit them, skewed
budgets, mostly-met targets with explained shortfalls.

Clean projects are internally consistent because evalcore scores them: each project's clean draft
(targets, actuals, rows) is scored by the engine (`evalcore.scoring`) under its scheme (`self-2020`
unless told), and its 自评得分 are the engine's scores as a unit prints them, to two decimals; the
total is their sum and its grade the scheme's. Shortfalls are picked so that the rulebook's score
has two decimals exactly, so printed and recomputed scores and totals agree to the cent. Weights,
category names, qualitative levels and bands and grade lines are the scheme's; synth restates no
formula. Shortfalls and low execution carry their reasons.

About 15% of projects carry one defect reviewers meet in real forms (weights adding to 110, a total
that is not the sum, a zero 年度资金总额 row, …). Structural defects (weights, rows, units, budget
rows) are built into the draft before it is scored; reporting defects (a score, total or grade the
unit wrote wrong) are written over the scores afterwards. Defects are review findings, never input
errors: every project loads.

Which defect a project got is kept out of the files (a reviewer should find it, not read it); tests
get it from `synthesize(..., with_labels=True)` or `defect_labels`. Same seed, same portfolio.

One module per step of a draft: `form` (what the scheme gives a form), `maker` (the random draws and
the indicator rows), `budget` (the budget block), `goals` (年度总体目标 from the indicators),
`project` (the clean draft of one project), `defects` (structural and reporting), `score` (the
engine's scores, the total and grade), `portfolio` (the entry points), `years` (the earlier years
of a portfolio, for 历史比较: `synthesize_history`, `history_labels`); `draft` and `numbers` are
what they share. Importers use this package: the names below are its public face.
"""

from __future__ import annotations

from .defects import DEFECT_RATE, DEFECTS, STRUCTURAL
from .form import SCHEME
from .numbers import fmt
from .portfolio import FORMATS, Labels, defect_labels, synthesize, write_synthetic
from .years import History, history_labels, synthesize_history

__all__ = [
    "DEFECTS",
    "DEFECT_RATE",
    "FORMATS",
    "SCHEME",
    "STRUCTURAL",
    "History",
    "Labels",
    "defect_labels",
    "fmt",
    "history_labels",
    "synthesize",
    "synthesize_history",
    "write_synthetic",
]
