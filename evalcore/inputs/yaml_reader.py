"""The `.yaml` carrier: one project per file, the keys of SPEC (Chinese labels accepted too)."""

from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import InputError, Where
from ..fields import BUDGET_FIELDS, INDICATOR_INPUT_FIELDS, PROJECT_AND_NARRATIVE_FIELDS, header_index
from .records import RawProject, RawRow

_PROJECT_KEYS = header_index(PROJECT_AND_NARRATIVE_FIELDS)
_BUDGET_KEYS = header_index(BUDGET_FIELDS)
_INDICATOR_KEYS = header_index(INDICATOR_INPUT_FIELDS)
_LIST_KEYS = {"budget": "budget", "预算执行": "budget", "indicators": "indicators", "绩效指标": "indicators"}


def _canon(mapping: dict, index: dict[str, str], file: str, path: str, allowed: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in mapping.items():
        canon = index.get("".join(str(key).split()).replace("（", "(").replace("）", ")").lower())
        if canon is None:
            where = Where(file, path=f"{path}.{key}" if path else str(key))
            raise InputError(where, f"未知字段「{key}」", f"{allowed} 之一")
        out[canon] = value
    return out


def _rows(doc: dict, key: str, index: dict[str, str], file: str, allowed: str) -> list[RawRow]:
    items = doc.get(key) or []
    if not isinstance(items, list):
        raise InputError(Where(file, path=key), "应为列表", "以 - 开头的若干行")
    rows = []
    for i, item in enumerate(items):
        path = f"{key}[{i}]"
        if not isinstance(item, dict):
            raise InputError(
                Where(file, path=path), f"应为字段映射，实为「{item}」", "如 {source: 年度资金总额, ...}"
            )
        rows.append(RawRow(_canon(item, index, file, path, allowed), file, path=path))
    return rows


def read_yaml(path: Path) -> list[RawProject]:
    file = str(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = Where(file, row=mark.line + 1 if mark else None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(
            where, f"YAML 无法解析：{problem}", "合法的 YAML（注意缩进与冒号后的空格）"
        ) from None
    except UnicodeDecodeError:
        raise InputError(Where(file), "文件不是 UTF-8 编码", "UTF-8 编码的 YAML 文件") from None
    if not isinstance(doc, dict):
        raise InputError(Where(file), "顶层应为字段映射", "project_id: ... 等字段")
    return [raw_project(doc, file)]


def raw_project(doc: dict, file: str) -> RawProject:
    """One project in the YAML shape (a mapping of the keys of SPEC, Chinese labels accepted) as a
    reader hands it to `records.build_project`; `file` names it in every error."""
    lists = {}
    facts: dict[str, object] = {}
    for key, value in doc.items():
        if key in _LIST_KEYS:
            lists[_LIST_KEYS[key]] = key
        else:
            facts.update(_canon({key: value}, _PROJECT_KEYS, file, "", "项目字段、budget、indicators"))
    budget = _rows(doc, lists.get("budget", "budget"), _BUDGET_KEYS, file, "预算执行字段")
    indicators = _rows(doc, lists.get("indicators", "indicators"), _INDICATOR_KEYS, file, "绩效指标字段")
    return RawProject(
        RawRow(facts, file, path=""),
        budget,
        indicators,
        file,
        Where(file, path="budget"),
        Where(file, path="indicators"),
    )
