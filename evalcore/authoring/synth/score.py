"""Drafts scored by the engine (`evalcore.scoring`) under their scheme, and finished as a unit hands
them in: the engine's scores printed as 自评得分, a reporting defect written over them, the total,
its grade and the goals.

Synth computes no score itself: a draft goes through the same `build_project` and `score_batch`
as any project read from a file.
"""

from __future__ import annotations

from ...inputs.records import RawProject, build_project
from ...inputs.yaml_reader import raw_project
from ...model import columns_of
from ...rules.totals import FULL_MARKS, grade
from ...scoring import score_batch
from .defects import report_defect
from .draft import Draft
from .form import Form
from .goals import goals
from .maker import Maker
from .numbers import printed


def _raw(d: Draft) -> RawProject:
    """The draft read as its YAML file would be."""
    return raw_project(
        {**d.project, "indicators": [i.row for i in d.inds]}, f"<synth {d.project['project_id']}>"
    )


def score_drafts(form: Form, drafts: list[Draft]) -> None:
    """Score the drafts with the engine and write its scores as the forms' 自评得分, printed to two
    decimals; `met` becomes the engine's."""
    projects = [build_project(_raw(d)) for d in drafts]
    batch = score_batch(projects, columns_of(projects), form.scheme)
    if batch.errors:  # a draft the scheme cannot score is a bug here, not a finding
        raise next(iter(batch.errors.values()))
    scores, met = batch.column("score").tolist(), batch.column("met").tolist()
    for k, d in enumerate(drafts):
        for i, r in zip(d.inds, batch.rows_of(k), strict=True):
            i.row["reported_score"] = i.score = printed(scores[r])
            i.met = met[r]
        budget = batch.budgets[k]
        assert budget is not None
        if budget.weight > 0:
            d.project["budget"][0]["reported_score"] = d.budget_score = printed(budget.score)


def finish_draft(m: Maker, d: Draft) -> dict:
    """The scored draft as the unit hands it in: a reporting defect written over the scores, the
    total as the sum of the printed scores and its grade, the goals."""
    defect, scheme = d.defect, m.form.scheme
    if defect is not None and d.later is not None:
        defect = d.defect = report_defect(d.later, d, defect)
    total = printed(d.budget_score + sum(i.score for i in d.inds))
    reported = total
    if defect == "total_not_sum":
        assert d.later is not None
        reported = printed(min(FULL_MARKS, total + d.later.choice((0.5, 1, 1.5, 2, 3, 5))))
        if reported == total:
            reported = printed(total - d.later.choice((1, 2, 3)))
    grade_ = grade(reported, scheme)
    if defect == "grade_mismatch":  # the grade next to the right one
        names = [g.name for g in scheme.grades]
        idx = names.index(grade_)
        grade_ = names[idx - 1] if idx > 0 else names[1]
    p = d.project
    p["goal_planned"], p["goal_actual"] = goals(m.year, d.title, d.inds, d.phrases)
    p["reported_total"] = reported
    p["reported_grade"] = grade_
    p["indicators"] = [i.row for i in d.inds]
    return p
