"""Which projects of different years are the same project (a "line"), for 历史比较.

A reviewer compares a project with its own previous years, so the explorer has to know which
project of 2023 continues which of 2022. Three kinds of evidence, in this order of trust:

1. the same 项目编号 in several years (the loader allows one id once per year in a portfolio);
2. a mapping file for renamed or renumbered projects: `from → to`, each a 项目编号, meaning "the
   project `from` continues as (or continued from) the project `to`" (`read_mapping`);
3. the same 实施单位 and the same name once the year is taken out of it
   (「2023年度城市道路养护」 → 「城市道路养护」, `base_name`).

A match by name that is ambiguous — two projects of one year with the same unit and name, or a
chain of matches that would put two projects of one year on one line — is never guessed: those
projects are left unmatched by name, and those it leaves with no other year (no id or mapping
match either) are listed in `Lineage.ambiguous`, with the reason.

Pure Python over the projects' ids, units, names and years: no pandas until the table is asked for.
"""

from __future__ import annotations

import csv
import os
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

#: A year with its 年/年度, or a bare 年度: 「2023年度」「2023年」「2023」「年度」. A lone 年 stays
#: (老年助餐, 青年就业).
_YEAR = re.compile(r"(?:19|20)\d{2}\s*(?:年度|年)?|年度")
_EDGE = " \t-_—–·、()（）[]【】"

AMBIGUOUS_COLUMNS = ("year", "project_id", "unit", "name", "reason")


def read_lineage(
    paths: Sequence[str | os.PathLike[str]],
    given: str | os.PathLike[str] | Mapping[str, str] | None,
    notices: list | None = None,
) -> dict[str, str] | None:
    """The mapping of renamed projects for a portfolio read from `paths`: the one given (a file or
    a dict), else every 项目对照 file under the data folders (`inputs.lineage_files`), merged; the
    files read are taken off `notices` (the loader lists them as not read until they are)."""
    from ..inputs import lineage_files

    if isinstance(given, Mapping):
        return dict(given)
    files = [Path(given)] if given is not None else lineage_files(paths)
    if notices is not None and files:
        read = {f.resolve() for f in files}
        notices[:] = [n for n in notices if Path(n.path).resolve() not in read]
    mapping: dict[str, str] = {}
    for f in files:
        mapping.update(read_mapping(f))
    return mapping or None


class LineageError(ValueError):
    """A mapping file that cannot be used (unreadable, unknown ids, or two projects of one year on
    one line); the message is in Chinese and names the file or the ids."""


def base_name(name: str) -> str:
    """A project's name without its year: how one year's project is recognised in another year."""
    return _YEAR.sub("", name).strip(_EDGE).replace(" ", "")


def read_mapping(path: str | os.PathLike[str]) -> dict[str, str]:
    """A mapping file as {from id: to id}: YAML (a mapping `from: to`, or a list of {from, to}) or
    CSV (columns `from,to`, or the first two columns). Raises LineageError naming the file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise LineageError(f"项目对照文件 {p} 无法读取：{exc.strerror or exc}") from None
    pairs: list[tuple[str, str]] = []
    if p.suffix.lower() == ".csv":
        rows = [r for r in csv.reader(text.splitlines()) if any(c.strip() for c in r)]
        if rows and [c.strip().lower() for c in rows[0][:2]] == ["from", "to"]:
            rows = rows[1:]
        for n, row in enumerate(rows, start=1):
            if len(row) < 2 or not row[0].strip() or not row[1].strip():
                raise LineageError(f"项目对照文件 {p} 第 {n} 行应为「原项目编号,现项目编号」")
            pairs.append((row[0].strip(), row[1].strip()))
    else:
        import yaml

        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise LineageError(f"项目对照文件 {p} 不是有效的 YAML：{exc}") from None
        if isinstance(doc, dict):
            pairs = [(str(k), str(v)) for k, v in doc.items()]
        elif isinstance(doc, list) and all(isinstance(d, dict) and {"from", "to"} <= set(d) for d in doc):
            pairs = [(str(d["from"]), str(d["to"])) for d in doc]
        else:
            raise LineageError(f"项目对照文件 {p} 应为「原项目编号: 现项目编号」的映射，或 from/to 列表")
    return dict(pairs)


@dataclass(frozen=True)
class Lineage:
    """The lines of a portfolio: `line_of[n]` is the line of the project at position n, `lines[k]`
    the positions of line k by year (ascending); `ambiguous` the projects left unmatched by name."""

    line_of: tuple[int, ...]
    lines: tuple[tuple[int, ...], ...]
    ambiguous: tuple[dict[str, object], ...]


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, a: int) -> int:
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def match_years(
    ids: Sequence[str],
    units: Sequence[str],
    names: Sequence[str],
    years: Sequence[int],
    mapping: Mapping[str, str] | None = None,
) -> Lineage:
    """The lines of projects given column-wise (position n is one project of one year)."""
    n = len(ids)
    by_id: dict[str, list[int]] = defaultdict(list)
    by_name: dict[tuple[str, str], list[int]] = defaultdict(list)
    for k in range(n):
        by_id[ids[k]].append(k)
        by_name[(units[k], base_name(names[k]))].append(k)
    unknown = [x for pair in (mapping or {}).items() for x in pair if x not in by_id]
    if unknown:
        raise LineageError(f"项目对照文件中的项目编号不在本组合中：{'、'.join(dict.fromkeys(unknown))}")
    ambiguous: list[dict[str, object]] = []
    excluded: set[tuple[str, str]] = set()
    for key, members in by_name.items():
        per_year = defaultdict(list)
        for k in members:
            per_year[years[k]].append(k)
        if any(len(v) > 1 for v in per_year.values()):
            excluded.add(key)
            ambiguous += _listed(
                members, ids, units, names, years, "同一年度有多个同单位、同名称的项目，无法按名称跨年匹配"
            )

    while True:
        union = _Union(n)
        for members in by_id.values():
            for k in members[1:]:
                union.join(members[0], k)
        for a, b in (mapping or {}).items():
            union.join(by_id[a][0], by_id[b][0])
        for key, members in by_name.items():
            if key not in excluded:
                for k in members[1:]:
                    union.join(members[0], k)
        groups: dict[int, list[int]] = defaultdict(list)
        for k in range(n):
            groups[union.find(k)].append(k)
        clashes = [g for g in groups.values() if len({years[k] for k in g}) < len(g)]
        if not clashes:
            break
        newly = {(units[k], base_name(names[k])) for g in clashes for k in g} - excluded
        if not newly:  # ids and the mapping alone put two projects of one year on one line
            g = clashes[0]
            raise LineageError(
                "项目对照文件使同一年度的多个项目归为同一项目："
                + "、".join(f"{ids[k]}（{years[k]}年）" for k in sorted(g, key=lambda k: years[k]))
            )
        excluded |= newly
        for g in clashes:
            ambiguous += _listed(g, ids, units, names, years, "按名称匹配会使同一年度的两个项目归为同一项目")
    lines = sorted((tuple(sorted(g, key=lambda k: years[k])) for g in groups.values()), key=lambda t: t[0])
    line_of = [0] * n
    for number, line in enumerate(lines):
        for k in line:
            line_of[k] = number
    # listed once each, and only when left alone: one matched by its id or the mapping is not unmatched
    alone = {(ids[line[0]], years[line[0]]) for line in lines if len(line) == 1}
    unique = {(a["project_id"], a["year"]): a for a in ambiguous if (a["project_id"], a["year"]) in alone}
    return Lineage(tuple(line_of), tuple(lines), tuple(unique.values()))


def _listed(
    members: Sequence[int],
    ids: Sequence[str],
    units: Sequence[str],
    names: Sequence[str],
    years: Sequence[int],
    reason: str,
) -> list[dict[str, object]]:
    return [
        {"year": years[k], "project_id": ids[k], "unit": units[k], "name": names[k], "reason": reason}
        for k in sorted(members, key=lambda k: (years[k], ids[k]))
    ]
