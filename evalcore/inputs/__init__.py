"""Inputs: find project files under a path, read each carrier, validate into the model.

`load_paths` never raises for bad input: every problem becomes an `InputError` in the result,
and every other project is still returned. Readers are registered by file suffix.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Where
from ..model import Project
from .records import RawProject, build_project
from .tables_reader import is_table_folder, read_tables
from .workbook_reader import read_workbook
from .yaml_reader import read_yaml

READERS: dict[str, Callable[[Path], list[RawProject]]] = {
    ".yaml": read_yaml,
    ".yml": read_yaml,
    ".xlsx": read_workbook,
}


@dataclass
class LoadResult:
    projects: list[Project] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)


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


def _read(path: Path) -> tuple[list[RawProject], list[InputError]]:
    if path.is_dir():
        return read_tables(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(Where(str(path)), f"不支持的文件类型「{path.suffix}」",
                         ".yaml、.xlsx，或含 projects/budget/indicators 表格的文件夹")
    return reader(path), []


def load_paths(paths: Iterable[str | os.PathLike[str]]) -> LoadResult:
    result = LoadResult()
    seen: dict[str, str] = {}
    for given in paths:
        path = Path(given)
        if not path.exists():
            result.errors.append(InputError(Where(str(path)), "文件或文件夹不存在", "已存在的 .yaml/.xlsx 文件或数据文件夹"))
            continue
        for item in discover(path):
            try:
                raws, errors = _read(item)
            except InputError as exc:
                result.errors.append(exc)
                continue
            result.errors.extend(errors)
            for raw in raws:
                try:
                    project = build_project(raw)
                except InputError as exc:
                    result.errors.append(exc)
                    continue
                if project.project_id in seen:
                    result.errors.append(InputError(
                        project.where or Where(project.origin), f"项目编号「{project.project_id}」重复",
                        f"唯一的项目编号（已在 {seen[project.project_id]} 中出现）", project_id=project.project_id))
                    continue
                seen[project.project_id] = project.origin
                result.projects.append(project)
    return result


def load_project(path: str | os.PathLike[str]) -> Project:
    """Exactly one project from a file; raises the first InputError otherwise."""
    result = load_paths([path])
    if result.errors:
        raise result.errors[0]
    if len(result.projects) != 1:
        raise InputError(Where(str(path)), f"包含 {len(result.projects)} 个项目", "恰好一个项目")
    return result.projects[0]


__all__ = ["READERS", "LoadResult", "discover", "load_paths", "load_project"]
