"""Plan a batch: find every project under a data folder, validate them all first, and describe one
run per project (a `Job`) with the papermill parameter file that reproduces it by hand.

Parameter files are kept per output folder (`parameters_folder`): `parameters/<out>/<部门>/<编号>.yaml`,
each naming the report it reproduces, so a second batch to another `--out` never replaces the
files that reproduce the first one's reports.

Each job carries a content key: SHA-256 over the project's input, the scheme file, the notebook,
the report template, the package version and the package's code (`code_digest`). An output whose recorded key matches is current and
is skipped on re-run; any change to any of these re-runs exactly the projects it affects.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import orjson
import yaml

from ..errors import EvalcoreError, ProjectError
from ..evaluation import Evaluation, evaluate
from ..inputs import Skipped, iter_projects
from ..model import Project
from ..schemes import Scheme, get_scheme
from ..version import __version__
from .compare import compare_years
from .render import TEMPLATES, find_notebook, safe_component


@dataclass
class Job:
    project_id: str
    name: str
    department: str
    source: str  # the file the kernel reads (a project file, or this project's snapshot of a table row set)
    origin: str  # where the project came from (file or table folder)
    scheme: str | None  # scheme spec passed to the notebook
    key: str  # content key (see module docstring)
    html: str  # output path relative to the output folder
    parameters: str  # the papermill parameter file
    summary: dict[str, object] = field(default_factory=dict)  # the figures the portfolio shows
    formats: tuple[str, ...] = ("html",)  # what the run writes (html always; docx, pdf on request)
    context: str | None = None  # its 历史比较/横向比较 context (explore/context.py), for the notebook

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _file_digest(path: str) -> str:
    st = os.stat(path)  # the cache is keyed on size and mtime too: an edited file is hashed again
    return _digest(path, st.st_size, st.st_mtime_ns)


@cache
def _digest(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode())
            h.update(_file_digest(str(p)).encode())
    return h.hexdigest()


PACKAGE = Path(__file__).resolve().parents[1]


def code_digest(folder: Path = PACKAGE) -> str:
    """The package's own code and built-in schemes: a report scored by other rules is not current,
    even when the version string was not bumped (an upgrade, a local edit)."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if (
            p.suffix in (".py", ".yaml", ".tpl", ".j2", ".css", ".json")
            and p.is_file()
            and "__pycache__" not in p.parts
        ):
            h.update(str(p.relative_to(folder)).encode())
            h.update(_file_digest(str(p)).encode())
    return h.hexdigest()


def project_doc(p: Project) -> dict[str, object]:
    """The project in the YAML shape (raw cells as read), for a table project's snapshot file."""

    def num(x: float | None) -> float | int | None:
        return None if x is None else (int(x) if float(x).is_integer() else x)

    doc: dict[str, object] = {
        "project_id": p.project_id,
        "name": p.name,
        "department": p.department,
        "unit": p.unit,
        "year": p.year,
        "evaluation_type": p.evaluation_type,
        "scheme": p.scheme,
        "amount_unit": p.amount_unit,
        "goal_planned": p.goal_planned,
        "goal_actual": p.goal_actual,
        "reported_total": num(p.reported_total),
        "reported_grade": p.reported_grade,
        "budget_note": p.budget_note,
        "function_class": p.function_class,
    }
    doc = {k: v for k, v in doc.items() if v not in (None, "")}
    doc.update(p.narrative.items())
    doc["budget"] = [
        {
            k: v
            for k, v in {
                "source": r.source,
                "initial": num(r.initial) if r.initial_given else None,
                "adjusted": num(r.adjusted),
                "executed": num(r.executed),
                "reported_score": num(r.reported_score),
            }.items()
            if v is not None
        }
        for r in p.budget
    ]
    doc["indicators"] = [
        {
            k: v
            for k, v in {
                "level1": i.level1,
                "level2": i.level2,
                "name": i.name,
                "direction": i.direction,
                "target": i.target.raw,
                "actual": i.actual.raw,
                "unit": i.unit,
                "weight": num(i.weight),
                "reported_score": num(i.reported_score),
                "deviation_reason": i.deviation_reason,
                "applicable": None if i.applicable else "否",
            }.items()
            if v not in (None, "")
        }
        for i in p.indicators
    ]
    return doc


def summary_row(ev: Evaluation) -> dict[str, object]:
    c, p, b = ev.card, ev.project, ev.card.budget
    return {
        "project_id": p.project_id,
        "name": p.name,
        "department": p.department,
        "year": p.year,
        "scheme": c.scheme.id,
        "adjusted": b.adjusted,
        "executed": b.executed,
        "execution_rate": b.execution_rate,
        "total": c.total,
        "unscored_weight": c.unscored_weight,
        "grade": c.grade,
        "reported_total": p.reported_total,
        "reported_grade": p.reported_grade,
        "findings": len(ev.findings),
        "finding_codes": " ".join(sorted({f.code for f in ev.findings})),
        "amount_unit": p.amount_unit,
    }


def parameters_folder(params_dir: str | os.PathLike[str], out_dir: str | os.PathLike[str]) -> Path:
    """Where a batch to `out_dir` keeps its parameter files: `params_dir/<key>`, the key being the
    output folder's path relative to the working directory (`reports` → `parameters/reports/`, so
    `make clean` finds it), or, for a folder outside it, its name and a hash of its absolute path
    (`out-1a2b3c4d`). Two outputs never share a key; one output always gets the same one."""
    out = Path(os.path.abspath(out_dir))
    try:
        key = out.relative_to(Path(os.path.abspath(Path.cwd()))).as_posix()
    except ValueError:
        digest = hashlib.sha256(str(out).encode("utf-8")).hexdigest()[:8]
        key = f"{safe_component(out.name or 'out')}-{digest}"
    return Path(params_dir) / key


def _parameters_text(body: dict[str, object], html: Path) -> str:
    """A parameter file: the report it reproduces as a comment (papermill reads only the keys, so
    the notebook gets no extra parameter), then the parameters."""
    head = f"# 参数文件：重现报告 {html}\n# papermill notebooks/evaluation.ipynb out.ipynb -f <本文件>\n"
    return head + yaml.safe_dump(body, allow_unicode=True, sort_keys=False)


@dataclass
class Plan:
    jobs: list[Job]
    errors: list[EvalcoreError]
    skipped: list[Skipped] = field(default_factory=list)  # files under the data folders not read
    #: projects not matched across years because a match by name would be a guess (lineage.py)
    ambiguous: list[dict[str, object]] = field(default_factory=list)


def plan_batch(
    data_dir: str | os.PathLike[str] | list,
    out_dir: Path,
    params_dir: Path,
    *,
    scheme: str | None = None,
    notebook: Path | None = None,
) -> Plan:
    """Validate everything under data_dir and write one parameter file per project, under
    `parameters_folder(params_dir, out_dir)`.

    Projects from portfolio tables get a YAML snapshot of their own rows under
    `<out>/.inputs/`, so each kernel reads one small file instead of the whole year's tables."""
    notebook = notebook or find_notebook()
    base = hashlib.sha256()
    base.update(__version__.encode())
    base.update(code_digest().encode())
    base.update(_file_digest(str(notebook)).encode())
    base.update(_tree_digest(TEMPLATES / "evalcore").encode())  # the report template (not the index's)
    scheme_obj: Scheme | None = get_scheme(scheme) if scheme else None
    spec = str(Path(scheme).resolve()) if scheme and Path(scheme).is_file() else scheme
    jobs: list[Job] = []
    errors: list[EvalcoreError] = []
    seen: set[str] = set()
    skipped: list[Skipped] = []
    params_root = parameters_folder(params_dir, out_dir)
    paths = list(data_dir) if isinstance(data_dir, list | tuple) else [data_dir]
    evs: list[Evaluation] = []
    for item in iter_projects(paths, skipped, per_year=True):
        if isinstance(item, EvalcoreError):
            errors.append(item)
            continue
        try:
            evs.append(evaluate(item, scheme_obj))  # validation includes scoring (an unknown 一级指标)
        except EvalcoreError as exc:
            errors.append(exc)
        except Exception as exc:
            errors.append(ProjectError(item.project_id, item.where, exc))
    comparisons, ambiguous = compare_years(paths, evs, skipped, errors)
    years_of: dict[str, set[int]] = {}
    for ev in evs:
        years_of.setdefault(ev.project.project_id, set()).add(ev.project.year)
    for ev, context in zip(evs, comparisons, strict=True):
        p = ev.project
        dept, stem = safe_component(p.department), safe_component(p.project_id)
        if len(years_of[p.project_id]) > 1:  # one id in several years: each year's files apart
            stem = f"{stem}-{p.year}"
        while f"{dept}/{stem}" in seen:  # two ids that clean to the same file name
            stem += "_"
        seen.add(f"{dept}/{stem}")
        origin = Path(p.origin)
        if origin.is_dir():
            snapshot = out_dir / ".inputs" / dept / f"{stem}.yaml"
            snapshot.parent.mkdir(parents=True, exist_ok=True)
            text = yaml.safe_dump(project_doc(p), allow_unicode=True, sort_keys=False)
            if not snapshot.exists() or snapshot.read_text(encoding="utf-8") != text:
                snapshot.write_text(text, encoding="utf-8")
            source = snapshot
        else:
            source = origin
        source = source.resolve()
        h = base.copy()
        h.update(_file_digest(str(source)).encode())
        h.update(_file_digest(ev.scheme.source).encode() if ev.scheme.source else ev.scheme.id.encode())
        params = params_root / dept / f"{stem}.yaml"
        params.parent.mkdir(parents=True, exist_ok=True)
        context_file = params.with_name(f"{stem}.context.json")
        context_bytes = orjson.dumps(context, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
        h.update(hashlib.sha256(context_bytes).hexdigest().encode())  # its peers and years changed: re-run
        if not context_file.exists() or context_file.read_bytes() != context_bytes:
            context_file.write_bytes(context_bytes)
        body = {"project_path": str(source), "scheme": spec, "project_id": None}
        body["context_path"] = str(context_file.resolve())
        text = _parameters_text(body, Path(os.path.abspath(out_dir)) / dept / f"{stem}.html")
        if not params.exists() or params.read_text(encoding="utf-8") != text:
            params.write_text(text, encoding="utf-8")
        jobs.append(
            Job(
                p.project_id,
                p.name,
                p.department,
                str(source),
                p.origin,
                spec,
                h.hexdigest(),
                f"{dept}/{stem}.html",
                str(params),
                summary_row(ev),
                context=str(context_file.resolve()),
            )
        )
    return Plan(jobs, errors, skipped, ambiguous)
