"""Scoring schemes as data. A scheme is one YAML file: categories and weights, the budget-execution
rule, the method per direction, rounding and grade bands, with the references it follows.

Built-in schemes live beside this module; a user's own file is loaded with `load_scheme(path)`
(or `--scheme FILE`). Every file is validated against `Scheme` on load, so a bad scheme fails
with its file and key instead of scoring wrongly.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import SchemeError

HERE = Path(__file__).parent
DEFAULT_BY_TYPE = {"self": "self-2020", "department": "dept-2020", "finance": "dept-2020"}


_MEMOS: dict[int, tuple[object, dict]] = {}


class _KeyedError(ValueError):
    """A cross-field problem that still knows which key is wrong (pydantic would say: the top)."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Category(_Strict):
    name: str
    weight: float = Field(ge=0, le=100)
    aliases: tuple[str, ...] = ()
    catch_all: bool = False  # receives indicators whose 一级指标 matches no other category


class BudgetRule(_Strict):
    category: str
    weight: float = Field(ge=0, le=100)
    floor: float | None = Field(default=None, ge=0, le=1)
    floor_score: float = Field(default=0, ge=0, le=1)
    explain_below: float | None = Field(default=None, ge=0, le=1)

    @model_validator(mode="after")
    def _monotone(self) -> BudgetRule:
        # below the floor the score is weight × floor_score; above it weight × rate ≥ weight × floor.
        # A floor_score above the floor would make spending more earn less.
        if self.floor is not None and self.floor_score > self.floor + 1e-9:
            raise _KeyedError("floor_score", f"floor_score {self.floor_score:g} 高于 floor {self.floor:g}，"
                              "会使执行率越过下限时得分反而下降")
        return self


class OverAchievement(_Strict):
    threshold: float = Field(default=1.3, gt=1)
    deduct: bool = False


class QuantitativeRules(_Strict):
    reverse_formula: Literal["linear", "ratio"] = "linear"
    deadline_late_fraction: float = Field(default=0, ge=0, le=1)
    over_achievement: OverAchievement = OverAchievement()
    far_below: float = Field(default=0.5, ge=0, le=1)


class Level(_Strict):
    name: str
    min: float = Field(ge=0, le=1)
    max: float = Field(ge=0, le=1)
    default: float = Field(ge=0, le=1)
    keywords: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _band(self) -> Level:
        if not self.min <= self.default <= self.max:
            raise ValueError(f"default {self.default} 不在 [{self.min}, {self.max}] 区间内")
        return self


class QualitativeRules(_Strict):
    levels: tuple[Level, ...]
    unrecognised_level: int = 1

    @model_validator(mode="after")
    def _ordered(self) -> QualitativeRules:
        if not self.levels:
            raise ValueError("至少需要一个等级")
        for hi, lo in zip(self.levels, self.levels[1:], strict=False):
            if lo.max > hi.min + 1e-9 and lo.max != hi.min:
                raise ValueError(f"等级「{lo.name}」上限 {lo.max} 高于「{hi.name}」下限 {hi.min}")
        if not 0 <= self.unrecognised_level < len(self.levels):
            raise ValueError(f"unrecognised_level 应在 0–{len(self.levels) - 1} 之间")
        return self


class Rounding(_Strict):
    decimals: int = Field(default=2, ge=0, le=6)
    whole_points: bool = False


class Grade(_Strict):
    name: str
    min: float = Field(ge=0, le=100)


class Scheme(_Strict):
    id: str
    title: str
    description: str = ""
    references: tuple[str, ...] = ()
    evaluation_types: tuple[Literal["self", "department", "finance"], ...] = ()
    categories: tuple[Category, ...]
    budget_execution: BudgetRule | None = None
    quantitative: QuantitativeRules = QuantitativeRules()
    qualitative: QualitativeRules
    rounding: Rounding = Rounding()
    grades: tuple[Grade, ...]
    source: str = ""  # the file it was loaded from (set by the loader)

    @model_validator(mode="after")
    def _consistent(self) -> Scheme:
        total = sum(c.weight for c in self.categories)
        if abs(total - 100) > 1e-6:
            raise _KeyedError("categories", f"一级指标分值合计 {total:g}，应为 100")
        names = [c.name for c in self.categories]
        if len(set(names)) != len(names):
            raise _KeyedError("categories", "一级指标名称重复")
        if self.budget_execution is not None:
            if self.budget_execution.category not in names:
                raise _KeyedError("budget_execution.category",
                                  f"「{self.budget_execution.category}」不是已定义的一级指标")
            cat = self.categories[names.index(self.budget_execution.category)]
            if self.budget_execution.weight > cat.weight + 1e-9:
                raise _KeyedError("budget_execution.weight", "预算执行率分值大于所在一级指标分值")
        if sum(c.catch_all for c in self.categories) > 1:
            raise _KeyedError("categories", "最多一个 catch_all 一级指标")
        mins = [g.min for g in self.grades]
        if mins != sorted(mins, reverse=True) or not mins or mins[-1] != 0:
            raise _KeyedError("grades", "等级应按下限从高到低排列，最后一档下限为 0")
        return self

    # -- lookups used by the rules ---------------------------------------------------------
    def category_for(self, level1: str) -> Category | None:
        """The category an indicator's 一级指标 belongs to (cached: portfolios repeat a few labels)."""
        cache = self._memo
        key = ("category", level1)
        if key not in cache:
            cache[key] = self._find_category(level1)
        return cache[key]  # type: ignore[return-value]

    @property
    def _memo(self) -> dict:
        """Per-scheme lookup cache. Kept outside the model: pydantic's private-attribute access
        and model hashing are both too slow for a lookup done once per indicator row."""
        entry = _MEMOS.get(id(self))
        if entry is None or entry[0] is not self:
            entry = _MEMOS[id(self)] = (self, {})
        return entry[1]

    def _find_category(self, level1: str) -> Category | None:
        key = _strip(level1)
        for c in self.categories:
            if key == _strip(c.name) or key in {_strip(a) for a in c.aliases}:
                return c
        for c in self.categories:
            if c.catch_all:
                return c
        return None

    def grade_for(self, total: float) -> str:
        for g in self.grades:
            if total >= g.min - 1e-9:
                return g.name
        return self.grades[-1].name


def _strip(text: str) -> str:
    t = "".join(str(text).split())
    return t[:-2] if t.endswith("指标") and len(t) > 2 else t


def _location(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(顶层)"


def load_scheme(path: str | os.PathLike[str]) -> Scheme:
    """Load and validate a scheme file; SchemeError names the file and key on any problem."""
    file = str(path)
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise SchemeError(file, "(文件)", "文件不存在") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise SchemeError(file, f"第 {mark.line + 1} 行" if mark else "(文件)", "YAML 无法解析") from None
    if not isinstance(doc, dict):
        raise SchemeError(file, "(顶层)", "应为字段映射")
    try:
        return Scheme.model_validate({**doc, "source": file})
    except ValidationError as exc:
        err = exc.errors()[0]
        msg = err["msg"].removeprefix("Value error, ")
        cause = (err.get("ctx") or {}).get("error")
        key = _location(err["loc"])
        if isinstance(cause, _KeyedError):
            key = f"{key}.{cause.key}" if err["loc"] else cause.key
        raise SchemeError(file, key, msg) from None


def builtin_ids() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.yaml"))


@lru_cache(maxsize=64)
def _cached(spec: str) -> Scheme:
    candidate = HERE / f"{spec}.yaml"
    if "/" not in spec and os.sep not in spec and candidate.is_file():
        return load_scheme(candidate)
    if spec.endswith((".yaml", ".yml")) or Path(spec).is_file():
        return load_scheme(spec)
    raise SchemeError(spec, "id", f"没有名为「{spec}」的评分方案（内置：{'、'.join(builtin_ids())}；或给出方案文件路径）")


def get_scheme(spec: str) -> Scheme:
    """A built-in id (`self-2020`) or a path to a user's scheme file."""
    return _cached(str(spec))


def default_scheme_id(evaluation_type: str) -> str:
    return DEFAULT_BY_TYPE.get(evaluation_type, "self-2020")


__all__ = ["Scheme", "builtin_ids", "default_scheme_id", "get_scheme", "load_scheme"]
