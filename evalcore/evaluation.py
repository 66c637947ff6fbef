"""Evaluate projects: pick the scheme, score, review. The one entry point the CLI, the notebooks
and the batch runner share, so they can never disagree."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import EvalcoreError, InputError, ProjectError, SchemeError, Where
from .inputs import load_paths
from .model import Project
from .review import Finding, review
from .schemes import Scheme, default_scheme_id, get_scheme
from .scoring import Scorecard, score_project


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
                "内置方案 id（self-2020、dept-2020）或方案文件路径",
                project_id=project.project_id,
            ) from None
    return get_scheme(default_scheme_id(project.evaluation_type))


def evaluate(project: Project, scheme: Scheme | str | None = None) -> Evaluation:
    card = score_project(project, scheme_for(project, scheme))
    return Evaluation(card, review(card))


def evaluate_projects(projects: Iterable[Project], scheme: Scheme | str | None = None) -> EvaluationRun:
    run = EvaluationRun()
    for project in projects:
        try:
            run.evaluations.append(evaluate(project, scheme))
        except InputError as exc:
            run.errors.append(exc)
        except Exception as exc:  # a bug must not cost the other projects their scores
            run.errors.append(ProjectError(project.project_id, project.where, exc))
    return run


def evaluate_paths(
    paths: Iterable[str | os.PathLike[str]], scheme: Scheme | str | None = None
) -> EvaluationRun:
    """Load, score and review everything under paths; bad inputs become errors, the rest is scored."""
    loaded = load_paths(paths)
    run = evaluate_projects(loaded.projects, scheme)
    run.errors = [*loaded.errors, *run.errors]
    return run
