"""A whole synthetic portfolio: departments and project kinds drawn in order, drafts made, defected,
scored by the engine in chunks and finished; and the portfolio written as tables or project files.

The entry points of `evalcore synth` and of the tests (`synthesize`, `defect_labels`,
`write_synthetic`).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Literal, overload

from ..catalog import DEPARTMENTS, DISTRICTS
from ..writers import bulk_allocation, write_project_files, write_tables
from .defects import DEFECT_RATE, DEFECTS, STRUCTURAL, build_defect
from .draft import Draft
from .form import SCHEME, Form, scheme_form
from .maker import Maker
from .project import make_project
from .score import finish_draft, score_drafts

CHUNK = 1000  # drafts scored by the engine together

Labels = dict[str, str | None]


@overload
def synthesize(
    projects: int,
    seed: int = ...,
    *,
    year: int = ...,
    city: str = ...,
    city_code: str = ...,
    scheme: str = ...,
    with_labels: Literal[False] = ...,
) -> list[dict]: ...
@overload
def synthesize(
    projects: int,
    seed: int = ...,
    *,
    year: int = ...,
    city: str = ...,
    city_code: str = ...,
    scheme: str = ...,
    with_labels: Literal[True],
) -> tuple[list[dict], Labels]: ...


def synthesize(
    projects: int,
    seed: int = 0,
    *,
    year: int = 2024,
    city: str = "江城市",
    city_code: str = "jc",
    scheme: str = SCHEME,
    with_labels: bool = False,
) -> list[dict] | tuple[list[dict], Labels]:
    """`projects` project dicts (the YAML shape), sorted by project_id.

    Every department appears before any repeats, so 35 or more projects cover all departments.
    With `with_labels`, also returns {project_id: defect kind or None}; kinds are the keys of DEFECTS.
    `scheme` (a built-in id or a scheme file, as `get_scheme` takes it) is the scheme the projects
    are scored by and name: a self-evaluation scheme with 产出, 效益 and 满意度 categories.
    """
    if projects < 0:
        raise ValueError("projects must be ≥ 0")
    form = scheme_form(scheme)
    with bulk_allocation():
        out, labels = _synthesize(projects, seed, year, city, city_code, form)
    return (out, labels) if with_labels else out


def _synthesize(
    projects: int, seed: int, year: int, city: str, city_code: str, form: Form
) -> tuple[list[dict], Labels]:
    m = Maker(seed, year, form)
    rng = m.rng
    order = list(range(len(DEPARTMENTS)))
    rng.shuffle(order)
    cum: list[int] = []
    acc = 0
    for d in DEPARTMENTS:
        acc += d.weight
        cum.append(acc)
    seen = [0] * len(DEPARTMENTS)
    kind_order: dict[int, list[int]] = {}
    defect_names = list(DEFECTS)
    out: list[dict] = []
    labels: Labels = {}
    drafts: list[Draft] = []

    def finish() -> None:
        score_drafts(form, drafts)
        for d in drafts:
            out.append(finish_draft(m, d))
            labels[d.project["project_id"]] = d.defect
        drafts.clear()

    for n in range(projects):
        di = order[n] if n < len(order) else rng.choices(range(len(DEPARTMENTS)), cum_weights=cum)[0]
        dept = DEPARTMENTS[di]
        if di not in kind_order:
            kind_order[di] = rng.sample(range(len(dept.kinds)), len(dept.kinds))
        c = seen[di]
        seen[di] += 1
        kind = dept.kinds[kind_order[di][c % len(dept.kinds)]]
        q = c // len(dept.kinds)
        qualifier = DISTRICTS[(q - 1) % len(DISTRICTS)] if q else ""
        pid = f"{city_code}-{dept.code}-{year}-{seen[di]:04d}"
        defect = rng.choice(defect_names) if m.random() < DEFECT_RATE else None
        # a reporting defect draws from its own stream, after scoring: the main stream, and so every
        # project's draft, does not depend on how many projects are scored together
        later = random.Random(rng.getrandbits(64)) if defect is not None else None
        draft = make_project(m, dept, kind, qualifier, pid, city, defect)
        draft.later = later
        if defect in STRUCTURAL:
            draft.defect = build_defect(m, draft, defect)
        drafts.append(draft)
        if len(drafts) == CHUNK:
            finish()
    finish()
    out.sort(key=lambda p: p["project_id"])
    return out, labels


def defect_labels(projects: int, seed: int = 0, **kwargs: object) -> dict[str, str]:
    """{project_id: defect kind} for the defective projects of `synthesize(projects, seed, ...)`."""
    _, labels = synthesize(projects, seed, with_labels=True, **kwargs)  # type: ignore[call-overload]
    return {pid: kind for pid, kind in labels.items() if kind is not None}


FORMATS = ("tables", "yaml", "xlsx")


def write_synthetic(out: Path, projects: int, seed: int = 0, fmt: str = "tables", **kwargs: object) -> int:
    """Write a synthetic portfolio: tables (projects/budget/indicators .csv in `out`) or one yaml/xlsx
    file per project in department folders. Returns the number of projects written."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, not {fmt!r}")
    data = synthesize(projects, seed, **kwargs)  # type: ignore[call-overload]
    out = Path(out)
    if fmt == "tables":
        write_tables(data, out)
    else:
        write_project_files(data, out, fmt)
    return len(data)
