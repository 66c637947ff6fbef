"""Inputs: find project files under a path, read each carrier, validate into the model.

Nothing here raises for bad input: every problem becomes an `InputError` in the stream or the
result, and every other project is still returned. Readers are registered by file suffix;
portfolio tables are read as a `TablePortfolio` that materialises projects a chunk at a time.

A folder never skips a file silently: a file under it that is not read is a `Skipped` notice (a
file of another kind: 「不是项目文件，未读取」) or an InputError (a WPS file: 「请另存为 .xlsx」; a
workbook that cannot be opened). Excel's `~$` lock files and dotfiles are the only files passed over.
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


def read_workbook(path: Path) -> list[RawProject | InputError]:
    # openpyxl / calamine only when a workbook is read
    from .workbook_reader import read_workbook as read

    return read(path)


#: A reader gives a file's raw projects; a workbook of several form sheets may give an InputError
#: for one sheet beside the projects of the others.
READERS: dict[str, Callable[[Path], list[RawProject | InputError]]] = {
    ".yaml": read_yaml,
    ".yml": read_yaml,
    ".xlsx": read_workbook,
    ".xlsm": read_workbook,
    ".xls": read_workbook,
    ".ods": read_workbook,
}
#: WPS Office's own formats: not read, and said so (WPS saves .xlsx when asked).
WPS_SUFFIXES = (".et", ".ett", ".wps")
WPS_MESSAGE = "WPS 格式，请另存为 .xlsx"
NOT_A_PROJECT = "不是项目文件，未读取"
TABLE_FOLDER_EXTRA = "表格文件夹中 projects/budget/indicators 以外的文件，未读取"
#: A mapping of renamed projects across years (`from,to` project ids, explore/lineage.py): found by
#: its name anywhere under a data folder and read by what compares years (`lineage_files`).
LINEAGE_NAMES = ("项目对照.csv", "项目对照.yaml", "项目对照.yml")
LINEAGE_NOTICE = "项目对照文件：跨年度比较（batch、explore）时读取，评分时未读取"
#: A folder of questionnaire exports (问卷星, 腾讯问卷: .csv or .xlsx) beside the projects that read
#: them: its files are never read as projects (an .xlsx export is no project workbook). Each is
#: listed as not read until a project's 问卷文件 names it (`iter_projects` then drops the notice).
SURVEY_FOLDER = "问卷"
SURVEY_NOTICE = "问卷文件夹中的文件，没有项目的「问卷文件」指向它，未读取"


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file under a data folder that is not read, and why (a notice, not an error)."""

    path: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}

    def __str__(self) -> str:
        return f"{self.path}：{self.reason}"


@dataclass
class LoadResult:
    projects: list[Project] = field(default_factory=list)
    errors: list[InputError | ProjectError] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)  # files under a folder not read (notices)


def _ignored(name: str) -> bool:
    """Excel's lock files (`~$…`), LibreOffice's (`.~lock…`) and other dotfiles."""
    return name.startswith((".", "~$"))


def _table_folder_extras(folder: Path) -> list[Skipped]:
    from .table_layout import SUFFIXES

    tables = {f"{stem}{suffix}" for stem in ("projects", "budget", "indicators") for suffix in SUFFIXES}
    return [
        Skipped(str(folder / name), TABLE_FOLDER_EXTRA)
        for name in sorted(os.listdir(folder))
        if (folder / name).is_file() and not _ignored(name) and name.lower() not in tables
    ]


def discover(path: Path, notices: list[Skipped] | None = None) -> list[Path]:
    """Project files and table folders under path, in a stable order. Files under a folder that
    are not project files are appended to `notices` (WPS files are returned: reading them is the
    error that says so)."""
    if path.is_file():
        return [path]
    if is_table_folder(path):
        if notices is not None:
            notices.extend(_table_folder_extras(path))
        return [path]
    found: list[Path] = []
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        here = Path(root)
        if here != path and is_table_folder(here):
            found.append(here)
            if notices is not None:
                notices.extend(_table_folder_extras(here))
            dirs[:] = []
            continue
        for name in sorted(files):
            if _ignored(name):
                continue
            if SURVEY_FOLDER in here.relative_to(path).parts:  # questionnaires, read by their projects
                if notices is not None:
                    notices.append(Skipped(str(here / name), SURVEY_NOTICE))
                continue
            if name in LINEAGE_NAMES:  # read by what compares years, which drops this notice
                if notices is not None:
                    notices.append(Skipped(str(here / name), LINEAGE_NOTICE))
                continue
            suffix = Path(name).suffix.lower()
            if suffix in READERS or suffix in WPS_SUFFIXES:
                found.append(here / name)
            elif notices is not None:
                notices.append(Skipped(str(here / name), NOT_A_PROJECT))
    return found


def lineage_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The 项目对照 files (LINEAGE_NAMES) under the given data folders, in a stable order."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir() and not is_table_folder(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found += [Path(root) / name for name in sorted(files) if name in LINEAGE_NAMES]
    return found


def _questionnaires(projects: Iterable[Project]) -> set[Path]:
    """The questionnaire exports the projects' 满意度 rows read (问卷文件, relative to the project file)."""
    return {
        (Path(p.origin).parent / i.survey).resolve()
        for p in projects
        for i in p.indicators
        if i.survey and not Path(p.origin).is_dir()
    }


SUPPORTED = ".yaml、.yml、.xlsx、.xlsm、.xls、.ods，或含 projects/budget/indicators 表格的文件夹"


def open_source(path: Path) -> list[RawProject | InputError] | TablePortfolio:
    """One discovered item: a project file's raw projects (and the InputErrors of the sheets of a
    workbook that cannot be read), or a table folder. Raises InputError."""
    if path.is_dir():
        from .tables_reader import TablePortfolio  # Arrow only when a table folder is read

        return TablePortfolio(path)
    suffix = path.suffix.lower()
    if suffix in WPS_SUFFIXES:
        raise InputError(Where(str(path)), WPS_MESSAGE, "在 WPS 中「另存为」Excel 工作簿（.xlsx）")
    reader = READERS.get(suffix)
    if reader is None:
        raise InputError(Where(str(path)), f"不支持的文件类型「{path.suffix}」", SUPPORTED)
    return reader(path)


def iter_sources(
    paths: Iterable[str | os.PathLike[str]], notices: list[Skipped] | None = None
) -> Iterator[list[RawProject | InputError] | TablePortfolio | InputError]:
    """Each project file or table folder under paths, opened; files not read go to `notices`."""
    for given in paths:
        path = Path(given)
        if not path.exists():
            yield InputError(Where(str(path)), "文件或文件夹不存在", "已存在的项目文件或数据文件夹")
            continue
        for item in discover(path, notices):
            try:
                yield open_source(item)
            except InputError as exc:
                yield exc


def iter_raw(
    paths: Iterable[str | os.PathLike[str]], notices: list[Skipped] | None = None
) -> Iterator[RawProject | InputError]:
    for source in iter_sources(paths, notices):
        if isinstance(source, InputError):
            yield source
        elif not isinstance(source, list):  # a TablePortfolio
            yield from source.errors
            yield from source.raw_projects()
        else:
            yield from source


class DuplicateGuard:
    """A project id comes once per year in everything read in one run: a portfolio of several
    years matches a project across years by its id, and every record carries its year (a batch
    names the files of an id found in several years `<id>-<year>`). Twice in one year is the
    error, naming both files. `per_year=False` (one id once, whatever the year) is for a caller
    that names things by the id alone."""

    def __init__(self, per_year: bool = True) -> None:
        self.per_year = per_year
        self.seen: dict[object, str] = {}

    def key(self, project_id: str, year: int | None) -> object:
        return (project_id, year) if self.per_year else project_id

    def seen_before(self, project_id: str, year: int | None = None) -> bool:
        return self.key(project_id, year) in self.seen

    def check(
        self, project_id: str, origin: str, where: Where | None, year: int | None = None
    ) -> InputError | None:
        key = self.key(project_id, year)
        if key in self.seen:
            within = f"在 {year} 年度" if self.per_year else ""
            return InputError(
                where or Where(origin),
                f"项目编号「{project_id}」{within}重复",
                f"唯一的项目编号（已在 {self.seen[key]} 中出现）",
                project_id=project_id,
            )
        self.seen[key] = origin
        return None


def iter_projects(
    paths: Iterable[str | os.PathLike[str]], notices: list[Skipped] | None = None, per_year: bool = True
) -> Iterator[Project | InputError | ProjectError]:
    """Every project under paths, or the error that stopped it; ids unique (per year: `DuplicateGuard`)."""
    guard = DuplicateGuard(per_year)
    read: list[Project] = []  # whose questionnaires are read, not files passed over
    for raw in iter_raw(paths, notices):
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
        dup = guard.check(project.project_id, project.origin, project.where, project.year)
        if not dup and any(i.survey for i in project.indicators):
            read.append(project)
        yield dup if dup else project
    if notices and read:  # a questionnaire a project read is not a file left unread
        used = _questionnaires(read)
        notices[:] = [n for n in notices if Path(n.path).resolve() not in used]


def load_paths(paths: Iterable[str | os.PathLike[str]], per_year: bool = True) -> LoadResult:
    """Everything under paths; `per_year` lets one project id come once in each year (several years)."""
    result = LoadResult()
    for item in iter_projects(paths, result.skipped, per_year):
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
    "NOT_A_PROJECT",
    "READERS",
    "WPS_MESSAGE",
    "DuplicateGuard",
    "LoadResult",
    "Skipped",
    "discover",
    "iter_projects",
    "iter_raw",
    "iter_sources",
    "lineage_files",
    "load_paths",
    "load_project",
    "open_source",
]
