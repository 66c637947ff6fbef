"""Evaluate projects: pick the scheme, score, review. The one entry point the CLI, the notebooks,
the batch runner and the explorer share, so they can never disagree.

Projects are scored in batches by the one engine (`evalcore.scoring.score_batch`) and reviewed by
every registered finding (`evalcore.review.review_batch`); a single project is a batch of one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .errors import EvalcoreError, InputError, ProjectError, SchemeError, Where
from .findings import Finding
from .inputs import Skipped, load_paths
from .model import Project, columns_of
from .review import review_batch
from .schemes import Scheme, builtin_ids, default_scheme_id, get_scheme
from .scoring import Scorecard, ScoredBatch, score_batch

BATCH = 1000  # projects scored together (memory stays small; NumPy's per-call cost is shared)


@dataclass(slots=True)
class Evaluation:
    card: Scorecard
    findings: list[Finding]

    @property
    def project(self) -> Project:
        return self.card.project

    @property
    def scheme(self) -> Scheme:
        return self.card.scheme

    @property
    def total(self) -> float:
        return self.card.total

    @property
    def grade(self) -> str:
        return self.card.grade


@dataclass
class EvaluationRun:
    evaluations: list[Evaluation] = field(default_factory=list)
    errors: list[EvalcoreError] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)  # files under a folder not read (notices)


def scheme_for(project: Project, override: Scheme | str | None = None) -> Scheme:
    """An explicit scheme wins; else the one the project names; else its evaluation type's default."""
    if isinstance(override, Scheme):
        return override
    if override:
        return get_scheme(override)
    if project.scheme:
        try:
            return get_scheme(project.scheme)
        except SchemeError as exc:
            where = project.scheme_where or project.where or Where(project.origin)
            raise InputError(
                where,
                exc.message,
                f"内置方案 id（{'、'.join(builtin_ids())}）或方案文件路径",
                project_id=project.project_id,
            ) from None
    return fitting_scheme(project, get_scheme(default_scheme_id(project.evaluation_type)))


def fitting_scheme(project: Project, default: Scheme) -> Scheme:
    """The default scheme, unless the form's own 一级指标 do not fit it and fit another built-in one
    whole (a provincial self-evaluation printed on the 决策 · 过程 · 产出 · 效益 frame): then that one,
    said in the project's readings. A project that names no 一级指标 in its rows (a table chunk
    keeps them in columns) keeps the default."""
    labels = {ind.level1 for ind in project.indicators}
    if not labels or all(default.category_for(x) for x in labels):
        return default
    for other_id in builtin_ids():
        other = get_scheme(other_id)
        if other.id != default.id and all(other.category_for(x) for x in labels):
            misfit = "、".join(f"「{x}」" for x in sorted(labels) if not default.category_for(x))
            project.readings = (
                *project.readings,
                (
                    "scheme",
                    f"一级指标{misfit}不属于默认方案 {default.id}，按表上一级指标采用方案 {other.id}（{other.title}）",
                ),
            )
            return other
    return default


def evaluations_of(batch: ScoredBatch) -> list[Evaluation | InputError]:
    """Each project of a scored batch as an Evaluation (or the InputError that stopped it)."""
    findings = review_batch(batch)
    return [
        batch.errors[k] if k in batch.errors else Evaluation(batch.card(k), findings[k])
        for k in range(len(batch))
    ]


def evaluate(project: Project, scheme: Scheme | str | None = None) -> Evaluation:
    """One project; raises InputError when it cannot be scored."""
    (result,) = evaluations_of(score_batch([project], columns_of([project]), scheme_for(project, scheme)))
    if isinstance(result, InputError):
        raise result
    return result


def _scored(projects: Sequence[Project], scheme: Scheme) -> list[Evaluation | EvalcoreError]:
    """Projects under one scheme, in batches; a batch that fails on a bug is scored one project at a
    time, so the bug costs only the project that meets it."""
    out: list[Evaluation | EvalcoreError] = []
    for start in range(0, len(projects), BATCH):
        part = projects[start : start + BATCH]
        try:
            out.extend(evaluations_of(score_batch(part, columns_of(part), scheme)))
        except Exception:
            for p in part:
                try:
                    out.append(evaluate(p, scheme))
                except InputError as exc:
                    out.append(exc)
                except Exception as exc:  # a bug must not cost the other projects their scores
                    out.append(ProjectError(p.project_id, p.where, exc))
    return out


def evaluate_each(
    projects: Iterable[Project], scheme: Scheme | str | None = None
) -> list[Evaluation | EvalcoreError]:
    """Every project scored and reviewed, in the order given: its Evaluation, or the error that
    stopped it (the others are still scored). Projects under the same scheme are scored together."""
    projects = list(projects)
    results: list[Evaluation | EvalcoreError | None] = [None] * len(projects)
    groups: dict[int, tuple[Scheme, list[int]]] = {}
    for n, project in enumerate(projects):
        try:
            chosen = scheme_for(project, scheme)
        except EvalcoreError as exc:
            results[n] = exc
            continue
        groups.setdefault(id(chosen), (chosen, []))[1].append(n)
    for chosen, members in groups.values():
        for n, result in zip(members, _scored([projects[n] for n in members], chosen), strict=True):
            results[n] = result
    return results  # type: ignore[return-value]  # every place was filled


def evaluate_projects(projects: Iterable[Project], scheme: Scheme | str | None = None) -> EvaluationRun:
    """Every project scored and reviewed; a project that cannot be scored becomes an error."""
    run = EvaluationRun()
    for result in evaluate_each(projects, scheme):
        if isinstance(result, Evaluation):
            run.evaluations.append(result)
        else:
            run.errors.append(result)
    return run


def evaluate_paths(
    paths: Iterable[str | os.PathLike[str]], scheme: Scheme | str | None = None, per_year: bool = True
) -> EvaluationRun:
    """Load, score and review everything under paths; bad inputs become errors, the rest is scored.
    `per_year` (the default): a project id may come once per year (a portfolio of several years)."""
    loaded = load_paths(paths, per_year)
    run = evaluate_projects(loaded.projects, scheme)
    run.errors = [*loaded.errors, *run.errors]
    run.skipped = loaded.skipped
    return run
