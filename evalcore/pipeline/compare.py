"""历史比较 and 横向比较 for reports: what a project's report needs of the other projects.

A batch has every project of its data folders at hand (`compare_years`); a single report may be
given data folders to compare with (`evalcore report PATH --compare DIR`: `context_for`). Both
match the years (`explore/lineage.py`, with any 项目对照 file under the folders), add R016–R019
(`explore/history.py`) and compute each project's context (`explore/context.py`), which the
notebook shows through `presentation/comparison.py`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..errors import EvalcoreError, InputError, Where
from ..evaluation import Evaluation, evaluate
from ..explore.context import contexts
from ..explore.history import history_findings
from ..explore.lineage import LineageError, match_years, read_lineage
from ..inputs import Skipped, iter_projects
from ..model import Project
from ..schemes import Scheme

__all__ = ["compare_years", "context_for"]


def compare_years(
    paths: Sequence[str | os.PathLike[str]],
    evs: list[Evaluation],
    skipped: list[Skipped],
    errors: list[EvalcoreError],
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Each evaluation's context for 历史比较 and 横向比较, after the lines of the years are matched
    and R016–R019 added to the later years' evaluations (so a batch's summary counts them), and the
    projects left unmatched (ambiguous). A mapping file that cannot be used is an error (in
    `errors`); the years are then matched without it."""
    projs = [ev.project for ev in evs]
    columns = ([p.project_id for p in projs], [p.unit for p in projs], [p.name for p in projs])
    try:
        mapping = read_lineage(paths, None, skipped)
        lines = match_years(*columns, [p.year for p in projs], mapping)
    except LineageError as exc:
        errors.append(InputError(Where("项目对照"), str(exc), "有效的项目对照文件（from,to 两列项目编号）"))
        lines = match_years(*columns, [p.year for p in projs], None)
    history_findings(evs, lines)
    return contexts(evs, lines), list(lines.ambiguous)


def context_for(
    project: Project, compare: Sequence[str | os.PathLike[str]], scheme: Scheme | str | None = None
) -> dict[str, object]:
    """One project's context against the projects under `compare` (the project itself may be among
    them, or not: the given project's own figures are used either way). Projects under `compare`
    that cannot be read or scored are left out of the comparison (they are not this report's
    inputs). Raises InputError for a folder that does not exist or a 项目对照 file that cannot be used."""
    for given in compare:
        if not Path(given).exists():
            raise InputError(Where(str(given)), "--compare 给出的数据文件夹不存在", "已存在的数据文件夹")
    evs: list[Evaluation] = []
    for item in iter_projects(compare, []):
        if isinstance(item, EvalcoreError):
            continue
        try:
            evs.append(evaluate(item, scheme))
        except EvalcoreError:
            continue
    own = evaluate(project, scheme)
    key = (project.project_id, project.year)
    at = next((n for n, ev in enumerate(evs) if (ev.project.project_id, ev.project.year) == key), None)
    if at is None:
        evs.append(own)
        at = len(evs) - 1
    else:
        evs[at] = own
    errors: list[EvalcoreError] = []
    found, _ = compare_years(compare, evs, [], errors)
    if errors:
        raise errors[0]  # type: ignore[misc]
    return found[at]
