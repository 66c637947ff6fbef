"""One exception tree. Errors are data: each says where (file, sheet, row, column or YAML path)
and what was expected, so the CLI can print one clear line and carry on with other projects."""

from __future__ import annotations

from dataclasses import dataclass, field
from dataclasses import field as dc_field
from pathlib import Path


@dataclass(slots=True)  # not frozen: one is made per input row, and frozen init costs 3x
class Where:
    """A place in an input: a file, and inside it a sheet/row/column (workbook, CSV) or a YAML path."""

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None  # column letter (workbook) or header name (CSV)
    path: str | None = None  # YAML path such as indicators[3].weight
    field: str | None = None  # the Chinese field label
    # key -> column letter/header of the row this place is in, so a field can be pointed at later
    columns: dict[str, str] | None = dc_field(default=None, compare=False, repr=False)

    def at(self, key: str, label: str) -> Where:
        """The same row, narrowed to one field (column letter, YAML path)."""
        column = (self.columns or {}).get(key)
        path = f"{self.path}.{key}" if self.path else (key if self.path is not None else None)
        return Where(self.file, self.sheet, self.row, column, path, label)

    def describe(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"工作表「{self.sheet}」")
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"{self.column} 列")
        if self.path:
            parts.append(self.path)
        if self.field:
            parts.append(f"「{self.field}」")
        return " ".join(parts)

    def as_dict(self) -> dict[str, object]:
        return {
            k: v
            for k, v in (
                ("file", self.file),
                ("sheet", self.sheet),
                ("row", self.row),
                ("column", self.column),
                ("path", self.path),
                ("field", self.field),
            )
            if v is not None
        }


class EvalcoreError(Exception):
    """Base of every error evalcore raises on purpose."""


@dataclass
class InputError(EvalcoreError):
    """A project input that cannot be used: names the place, what was found and what was expected."""

    where: Where
    message: str
    expected: str | None = None
    project_id: str | None = None
    extra: dict[str, object] = field(default_factory=dict)
    # the other problems of the same project, found in the same reading (validate lists them all)
    also: list[InputError] = field(default_factory=list, compare=False, repr=False)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def each(self) -> list[InputError]:
        """This problem and every other one found in the same project, in reading order."""
        return [self, *self.also]

    def __str__(self) -> str:
        text = f"{self.where.describe()}：{self.message}"
        if self.expected:
            text += f"（应为{self.expected}）"
        return text

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"message": str(self), "where": self.where.as_dict()}
        if self.project_id:
            out["project_id"] = self.project_id
        if self.expected:
            out["expected"] = self.expected
        return out


@dataclass
class SchemeError(EvalcoreError):
    """A scoring scheme that cannot be loaded: names the scheme file and the key."""

    file: str
    key: str
    message: str

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"评分方案 {self.file} 的「{self.key}」：{self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"message": str(self), "where": {"file": self.file, "path": self.key}}


class ProjectError(EvalcoreError):
    """An unexpected failure while handling one project (a bug, not bad input): reported like an
    input error so that the project is named and every other project is still scored."""

    def __init__(self, project_id: str | None, where: Where | None, exc: BaseException) -> None:
        self.project_id, self.where, self.cause = project_id, where, f"{type(exc).__name__}: {exc}"
        super().__init__(str(self))

    def __str__(self) -> str:
        place = self.where.describe() if self.where else ""
        who = f"项目「{self.project_id}」" if self.project_id else "项目"
        return f"{place}：{who}处理时出现内部错误（{self.cause}），其他项目不受影响；请报告此问题".lstrip(
            "："
        )

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"message": str(self), "where": self.where.as_dict() if self.where else {}}
        if self.project_id:
            out["project_id"] = self.project_id
        return out


class ReportError(EvalcoreError):
    """A report could not be produced (a cell error, a timeout, a dead kernel, a notebook that
    stopped early, a failed export): names the project and the cause, and the audit notebook the
    failed run left, if any. `kind` is "kernel_start" when the kernel never came up (a batch
    retries that once) and "run" otherwise."""

    def __init__(self, project: str, cause: str, notebook: Path | None = None, kind: str = "run") -> None:
        self.project, self.cause, self.notebook, self.kind = project, cause, notebook, kind
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"（执行记录：{self.notebook}）" if self.notebook else ""
        return f"项目「{self.project}」的报告生成失败：{self.cause}{where}"

    def __reduce__(self) -> tuple[object, ...]:
        # Exceptions pickle as cls(*args); args holds only the message. A ReportError raised in a
        # pool or Dask worker must arrive whole.
        return (type(self), (self.project, self.cause, self.notebook, self.kind))

    def as_dict(self) -> dict[str, object]:
        return {
            "message": str(self),
            "project_id": self.project,
            "cause": self.cause,
            "notebook": str(self.notebook) if self.notebook else None,
        }


@dataclass
class SettingError(EvalcoreError):
    """An environment setting with a value evalcore cannot use: names the variable, the value and
    what it accepts (a usage error, like a bad option)."""

    name: str
    value: str
    expected: str

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"环境变量 {self.name} 的值「{self.value}」无效（应为 {self.expected} 之一）"

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.name, self.value, self.expected))

    def as_dict(self) -> dict[str, object]:
        return {"message": str(self), "where": {"field": self.name}, "expected": self.expected}


class PluginError(EvalcoreError):
    """A module of review findings (an entry point, or named in an environment variable) that could
    not be imported: names it and why (a usage error, like a bad option)."""

    def __init__(self, module: str, cause: str, setting: str) -> None:
        self.module, self.cause, self.setting = module, cause, setting
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"无法载入复核发现模块「{self.module}」（{self.cause}）；请检查 {self.setting} 或已安装的插件"


class PrintError(EvalcoreError):
    """A page could not be printed to PDF: names the page and the cause. `kind` says what to do
    about it: "browser" (no browser to run: install one or point EVALCORE_CHROMIUM at it, retrying
    will not help), "timeout" (the browser did not finish in time) or "run" (it failed or wrote no
    PDF)."""

    def __init__(self, page: str, cause: str, kind: str = "run") -> None:
        self.page, self.cause, self.kind = page, cause, kind
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"「{self.page}」打印 PDF 失败：{self.cause}"

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.page, self.cause, self.kind))

    def as_dict(self) -> dict[str, object]:
        return {"message": str(self), "where": {"file": self.page}, "cause": self.cause, "kind": self.kind}
