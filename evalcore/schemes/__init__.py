"""Scoring schemes as data. A scheme is one YAML file: categories and weights, the budget-execution
rule, the method per direction, rounding and grade bands, with the references it follows.

Built-in schemes live beside this module; a user's own file is loaded with `load_scheme(path)`
(or `--scheme FILE`). Every user's file is validated by pydantic against the frozen dataclasses
below on load, so a bad scheme fails with its file and key instead of scoring wrongly.

The classes are plain dataclasses (pydantic validates them through a TypeAdapter) so that a
built-in scheme can be read without importing pydantic: pydantic's import and schema building
cost ~0.14 s, a tenth of `score --json` over 20,000 projects, and the built-in files are
validated by the tests instead (tests/test_schemes.py checks that both ways give equal schemes).
"""

from __future__ import annotations

import dataclasses
import os
import re
import types
import typing
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import annotated_types as at  # the bounds pydantic checks, written in the annotations
import yaml

from ..errors import SchemeError

if TYPE_CHECKING:
    from pydantic import TypeAdapter

HERE = Path(__file__).parent
DEFAULT_BY_TYPE = {"self": "self-2020", "department": "dept-2020", "finance": "dept-2020"}


_MEMOS: dict[int, tuple[object, dict]] = {}
_STRICT = {"extra": "forbid"}  # pydantic's config for each class: an unknown key is an error

Fraction = Annotated[float, at.Ge(0), at.Le(1)]
Points = Annotated[float, at.Ge(0), at.Le(100)]


class _KeyedError(ValueError):
    """A cross-field problem that still knows which key is wrong (pydantic would say: the top)."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True, slots=True)
class Category:
    __pydantic_config__ = _STRICT
    name: str
    weight: Points
    aliases: tuple[str, ...] = ()
    catch_all: bool = False  # receives indicators whose 一级指标 matches no other category


@dataclass(frozen=True, slots=True)
class BudgetRule:
    __pydantic_config__ = _STRICT
    category: str
    weight: Points
    floor: Fraction | None = None
    floor_score: Fraction = 0
    explain_below: Fraction | None = None

    def __post_init__(self) -> None:
        # below the floor the score is weight × floor_score; above it weight × rate ≥ weight × floor.
        # A floor_score above the floor would make spending more earn less.
        if self.floor is not None and self.floor_score > self.floor + 1e-9:
            raise _KeyedError(
                "floor_score",
                f"floor_score {self.floor_score:g} 高于 floor {self.floor:g}，"
                "会使执行率越过下限时得分反而下降",
            )


@dataclass(frozen=True, slots=True)
class OverAchievement:
    __pydantic_config__ = _STRICT
    threshold: Annotated[float, at.Gt(1)] = 1.3
    deduct: bool = False


@dataclass(frozen=True, slots=True)
class QuantitativeRules:
    __pydantic_config__ = _STRICT
    reverse_formula: Literal["linear", "ratio"] = "linear"
    deadline_late_fraction: Fraction = 0
    over_achievement: OverAchievement = field(default_factory=OverAchievement)
    far_below: Fraction = 0.5


@dataclass(frozen=True, slots=True)
class Level:
    __pydantic_config__ = _STRICT
    name: str
    min: Fraction
    max: Fraction
    default: Fraction
    keywords: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.min <= self.default <= self.max:
            raise ValueError(f"default {self.default} 不在 [{self.min}, {self.max}] 区间内")


@dataclass(frozen=True, slots=True)
class QualitativeRules:
    __pydantic_config__ = _STRICT
    levels: tuple[Level, ...]
    unrecognised_level: int = 1

    def __post_init__(self) -> None:
        if not self.levels:
            raise ValueError("至少需要一个等级")
        for hi, lo in zip(self.levels, self.levels[1:], strict=False):
            if lo.max > hi.min + 1e-9 and lo.max != hi.min:
                raise ValueError(f"等级「{lo.name}」上限 {lo.max} 高于「{hi.name}」下限 {hi.min}")
        if not 0 <= self.unrecognised_level < len(self.levels):
            raise ValueError(f"unrecognised_level 应在 0–{len(self.levels) - 1} 之间")


@dataclass(frozen=True, slots=True)
class Rounding:
    __pydantic_config__ = _STRICT
    decimals: Annotated[int, at.Ge(0), at.Le(6)] = 2
    whole_points: bool = False


@dataclass(frozen=True, slots=True)
class Itemisation:
    """What a category whose indicator weights add to more than its weight earns (产出 60 itemised
    of 50): `scale` — its points × weight ÷ itemised (按比例折算, the default); `cap` — at most its
    weight. Either way no category earns above its weight and no total above 100."""

    __pydantic_config__ = _STRICT
    over: Literal["scale", "cap"] = "scale"


@dataclass(frozen=True, slots=True)
class ScoreTolerance:
    """A number of points (分) within which two scores are the same."""

    __pydantic_config__ = _STRICT
    value: Annotated[float, at.Ge(0), at.Le(1)]
    unit: Literal["分"] = "分"


@dataclass(frozen=True, slots=True)
class AmountTolerance:
    """An amount within which two budget figures are the same: in 元 or 万元, or `金额单位` for the
    unit the form is filled in (0.005 金额单位 is half a cent of it, whatever it is)."""

    __pydantic_config__ = _STRICT
    value: Annotated[float, at.Ge(0)]
    unit: Literal["金额单位", "元", "万元"] = "金额单位"

    def in_unit(self, amount_unit: str) -> float:
        """The tolerance in a form's amount unit (万元 or 元)."""
        if self.unit == "金额单位" or self.unit == amount_unit:
            return self.value
        return self.value * 10_000 if self.unit == "万元" else self.value / 10_000


@dataclass(frozen=True, slots=True)
class ReviewRules:
    """复核容差: how far apart two figures may be and still be the same. A province whose forms print
    whole points, or that checks budgets to the 元, sets its own."""

    __pydantic_config__ = _STRICT
    # printed scores have two decimals: a gap under half a hundredth is rounding
    score_tolerance: ScoreTolerance = field(default_factory=lambda: ScoreTolerance(0.0051))
    # weights are whole or half points: any gap is a real one
    weight_tolerance: ScoreTolerance = field(default_factory=lambda: ScoreTolerance(1e-6))
    # budget rows that should add up (年度资金总额 and its sub-rows, a line item and its budget)
    amount_tolerance: AmountTolerance = field(default_factory=lambda: AmountTolerance(0.005))

    def scores_differ(self, a: Any, b: Any) -> Any:
        """Two scores (or NumPy columns of scores) that are not the same at the score tolerance."""
        return abs(a - b) > self.score_tolerance.value


@dataclass(frozen=True, slots=True)
class Grade:
    __pydantic_config__ = _STRICT
    name: str
    min: Points


@dataclass(frozen=True, slots=True)
class Scheme:
    __pydantic_config__ = _STRICT
    id: str
    title: str
    categories: tuple[Category, ...]
    qualitative: QualitativeRules
    grades: tuple[Grade, ...]
    description: str = ""
    references: tuple[str, ...] = ()
    evaluation_types: tuple[Literal["self", "department", "finance"], ...] = ()
    budget_execution: BudgetRule | None = None
    quantitative: QuantitativeRules = field(default_factory=QuantitativeRules)
    rounding: Rounding = field(default_factory=Rounding)
    review: ReviewRules = field(default_factory=ReviewRules)
    itemisation: Itemisation = field(default_factory=Itemisation)
    source: str = ""  # the file it was loaded from (set by the loader)

    def __post_init__(self) -> None:
        total = sum(c.weight for c in self.categories)
        if abs(total - 100) > 1e-6:
            raise _KeyedError("categories", f"一级指标分值合计 {total:g}，应为 100")
        names = [c.name for c in self.categories]
        if len(set(names)) != len(names):
            raise _KeyedError("categories", "一级指标名称重复")
        if self.budget_execution is not None:
            if self.budget_execution.category not in names:
                raise _KeyedError(
                    "budget_execution.category", f"「{self.budget_execution.category}」不是已定义的一级指标"
                )
            cat = self.categories[names.index(self.budget_execution.category)]
            if self.budget_execution.weight > cat.weight + 1e-9:
                raise _KeyedError("budget_execution.weight", "预算执行率分值大于所在一级指标分值")
        if sum(c.catch_all for c in self.categories) > 1:
            raise _KeyedError("categories", "最多一个 catch_all 一级指标")
        mins = [g.min for g in self.grades]
        if mins != sorted(mins, reverse=True) or not mins or mins[-1] != 0:
            raise _KeyedError("grades", "等级应按下限从高到低排列，最后一档下限为 0")

    # -- lookups used by the rules ---------------------------------------------------------
    def category_for(self, level1: str) -> Category | None:
        """The category an indicator's 一级指标 belongs to (cached: portfolios repeat a few labels)."""
        cache = self.cache("categories")
        if level1 not in cache:
            cache[level1] = self._find_category(level1)
        return cache[level1]  # type: ignore[no-any-return]

    def cache(self, name: str) -> dict:
        """A named cache of things computed under this scheme (categories of labels, distinct
        scored rows), kept outside the frozen scheme: hashing a scheme for each lookup would be too
        slow for something done once per indicator row."""
        entry = _MEMOS.get(id(self))
        if entry is None or entry[0] is not self:
            entry = _MEMOS[id(self)] = (self, {})
        caches = entry[1]
        out = caches.get(name)
        if out is None:
            out = caches[name] = {}
        return out

    def _find_category(self, level1: str) -> Category | None:
        key = _strip(level1)
        for c in self.categories:
            if key == _strip(c.name) or key in {_strip(a) for a in c.aliases}:
                return c
        for c in self.categories:
            if c.catch_all:
                return c
        return None


def _strip(text: str) -> str:
    """A 一级指标 label as compared: spaces, a printed weight (`产出指标(50分)`, `（30分）`) and the
    ending 指标 dropped."""
    t = "".join(str(text).split())
    t = _PRINTED_WEIGHT.sub("", t)
    return t[:-2] if t.endswith("指标") and len(t) > 2 else t


_PRINTED_WEIGHT = re.compile(r"[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]$")


def _location(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(顶层)"


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it


def _read_yaml(path: str | os.PathLike[str]) -> dict:
    file = str(path)
    try:
        doc = yaml.load(Path(path).read_text(encoding="utf-8-sig"), Loader=_LOADER)
    except FileNotFoundError:
        raise SchemeError(file, "(文件)", "文件不存在") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise SchemeError(file, f"第 {mark.line + 1} 行" if mark else "(文件)", "YAML 无法解析") from None
    if not isinstance(doc, dict):
        raise SchemeError(file, "(顶层)", "应为字段映射")
    return doc


def load_scheme(path: str | os.PathLike[str]) -> Scheme:
    """Load and validate a scheme file; SchemeError names the file and key on any problem."""
    from pydantic import ValidationError  # only to validate a file (see the module docstring)

    file = str(path)
    doc = _read_yaml(path)
    try:
        return _validator().validate_python({**doc, "source": file})
    except ValidationError as exc:
        err = exc.errors()[0]
        msg = _message(err)
        cause = (err.get("ctx") or {}).get("error")
        key = _location(err["loc"])
        if isinstance(cause, _KeyedError):
            key = f"{key}.{cause.key}" if err["loc"] else cause.key
        raise SchemeError(file, key, msg) from None


# pydantic's messages are English; a scheme's author reads Chinese. By error type, with the value given.
_MESSAGES = {
    "unexpected_keyword_argument": "不认识的键（拼写有误，或本版本不支持）",
    "extra_forbidden": "不认识的键（拼写有误，或本版本不支持）",
    "missing": "缺少必填项",
    "missing_argument": "缺少必填项",
    "less_than_equal": "应不大于 {le:g}",
    "greater_than_equal": "应不小于 {ge:g}",
    "greater_than": "应大于 {gt:g}",
    "less_than": "应小于 {lt:g}",
    "literal_error": "应为 {expected} 之一",
    "float_parsing": "应为数值",
    "float_type": "应为数值",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文本",
    "tuple_type": "应为列表",
    "list_type": "应为列表",
    "dataclass_type": "应为字段映射",
    "dataclass_args_type": "应为字段映射",
}


def _message(err: dict) -> str:
    """One validation error in Chinese: our own checks' messages as written, pydantic's by type."""
    if err["type"] == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    template = _MESSAGES.get(err["type"])
    if template is None:
        return str(err["msg"])
    ctx = {
        k: (str(v).replace(" or ", " 或 ") if k == "expected" else v)
        for k, v in (err.get("ctx") or {}).items()
    }
    try:
        text = template.format(**ctx)
    except (KeyError, ValueError):
        return str(err["msg"])
    given = err.get("input")
    if err["type"].startswith(("missing", "unexpected", "extra")) or isinstance(given, dict | list | tuple):
        return text
    return f"{text}（实际为「{given}」）"


@lru_cache(maxsize=1)
def _validator() -> TypeAdapter[Scheme]:
    from pydantic import TypeAdapter

    return TypeAdapter(Scheme)


def _builtin(path: Path) -> Scheme:
    """A built-in scheme file, read as data without pydantic: these files are validated by the
    tests (load_scheme gives an equal Scheme), and the classes' own checks still run."""
    return _build(Scheme, {**_read_yaml(path), "source": str(path)})


def _build(kind: object, value: object) -> object:
    """value, read from YAML, as kind: dataclasses from mappings, tuples from lists, floats from
    integers (what pydantic's validation makes of a valid document)."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        kind = next(k for k in typing.get_args(kind) if k is not type(None))
        origin = typing.get_origin(kind)
    if origin is tuple:
        item = typing.get_args(kind)[0]
        return tuple(_build(item, v) for v in value)  # type: ignore[attr-defined]
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(**{k: _build(hints[k], v) for k, v in value.items()})  # type: ignore[attr-defined]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def builtin_ids() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.yaml"))


@lru_cache(maxsize=64)
def _cached(spec: str) -> Scheme:
    candidate = HERE / f"{spec}.yaml"
    if "/" not in spec and os.sep not in spec and candidate.is_file():
        return _builtin(candidate)
    if spec.endswith((".yaml", ".yml")) or Path(spec).is_file():
        return load_scheme(spec)
    raise SchemeError(
        spec, "id", f"没有名为「{spec}」的评分方案（内置：{'、'.join(builtin_ids())}；或给出方案文件路径）"
    )


def get_scheme(spec: str) -> Scheme:
    """A built-in id (`self-2020`) or a path to a user's scheme file."""
    return _cached(str(spec))


def default_scheme_id(evaluation_type: str) -> str:
    return DEFAULT_BY_TYPE.get(evaluation_type, "self-2020")


__all__ = ["Scheme", "builtin_ids", "default_scheme_id", "get_scheme", "load_scheme"]
