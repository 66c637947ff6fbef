"""Inputs: find project files under a path, read each carrier, validate into the model.

Nothing here raises for bad input: every problem becomes an `InputError` in the stream or the
result, and every other project is still returned. Readers are registered by file suffix;
portfolio tables are read as a `TablePortfolio` that materialises projects a chunk at a time.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError, ProjectError, Where
from ..model import Project
from .records import RawProject, build_project

if TYPE_CHECKING:
    from .tables_reader import TablePortfolio
from .table_layout import is_table_folder


def read_yaml(path: Path) -> list[RawProject]:
    from .yaml_reader import read_yaml as read  # PyYAML only when a YAML project is read

    return read(path)


def read_workbook(path: Path) -> list[RawProject]:
    from .workbook_reader import read_workbook as read  # openpyxl only when a workbook is read

    return read(path)


READERS: dict[str, Callable[[Path], list[RawProject]]] = {
    ".yaml": read_yaml,
    ".yml": read_yaml,
    ".xlsx": read_workbook,
}


@dataclass
class LoadResult:
    projects: list[Project] = field(default_factory=list)
    errors: list[InputError | ProjectError] = field(default_factory=list)


def discover(path: Path) -> list[Path]:
    """Project files and table folders under path, in a stable order."""
    if path.is_file() or is_table_folder(path):
        return [path]
    found: list[Path] = []
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        here = Path(root)
        if here != path and is_table_folder(here):
            found.append(here)
            dirs[:] = []
            continue
        for name in sorted(files):
            if name.startswith((".", "~$")):
                continue
            if Path(name).suffix.lower() in READERS:
                found.append(here / name)
    return found


def open_source(path: Path) -> list[RawProject] | TablePortfolio:
    """One discovered item: a project file's raw projects, or a table folder. Raises InputError."""
    if path.is_dir():
        from .tables_reader import TablePortfolio  # Arrow only when a table folder is read

        return TablePortfolio(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(
            Where(str(path)),
            f"不支持的文件类型「{path.suffix}」",
            ".yaml、.xlsx，或含 projects/budget/indicators 表格的文件夹",
        )
    return reader(path)


def iter_sources(
    paths: Iterable[str | os.PathLike[str]],
) -> Iterator[list[RawProject] | TablePortfolio | InputError]:
    for given in paths:
        path = Path(given)
        if not path.exists():
            yield InputError(Where(str(path)), "文件或文件夹不存在", "已存在的 .yaml/.xlsx 文件或数据文件夹")
            continue
        for item in discover(path):
            try:
                yield open_source(item)
            except InputError as exc:
                yield exc


def iter_raw(paths: Iterable[str | os.PathLike[str]]) -> Iterator[RawProject | InputError]:
    for source in iter_sources(paths):
        if isinstance(source, InputError):
            yield source
        elif not isinstance(source, list):  # a TablePortfolio
            yield from source.errors
            yield from source.raw_projects()
        else:
            yield from source


class DuplicateGuard:
    """Project ids must be unique across everything read in one run."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def check(self, project_id: str, origin: str, where: Where | None) -> InputError | None:
        if project_id in self.seen:
            return InputError(
                where or Where(origin),
                f"项目编号「{project_id}」重复",
                f"唯一的项目编号（已在 {self.seen[project_id]} 中出现）",
                project_id=project_id,
            )
        self.seen[project_id] = origin
        return None


def iter_projects(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Project | InputError | ProjectError]:
    guard = DuplicateGuard()
    for raw in iter_raw(paths):
        if isinstance(raw, InputError):
            yield raw
            continue
        try:
            project = build_project(raw)
        except InputError as exc:
            yield from exc.each()
            continue
        except Exception as exc:  # a bug must not cost the other projects their scores
            yield ProjectError(
                str(raw.facts.values.get("project_id") or "") or None, raw.facts.where(None, "project"), exc
            )
            continue
        dup = guard.check(project.project_id, project.origin, project.where)
        yield dup if dup else project


def load_paths(paths: Iterable[str | os.PathLike[str]]) -> LoadResult:
    result = LoadResult()
    for item in iter_projects(paths):
        if isinstance(item, InputError | ProjectError):
            result.errors.append(item)
        else:
            result.projects.append(item)
    return result


def load_project(path: str | os.PathLike[str]) -> Project:
    """Exactly one project from a file; raises the first InputError otherwise."""
    result = load_paths([path])
    if result.errors:
        raise result.errors[0]
    if len(result.projects) != 1:
        raise InputError(Where(str(path)), f"包含 {len(result.projects)} 个项目", "恰好一个项目")
    return result.projects[0]


__all__ = [
    "READERS",
    "DuplicateGuard",
    "LoadResult",
    "discover",
    "iter_projects",
    "iter_raw",
    "iter_sources",
    "load_paths",
    "load_project",
    "open_source",
]
