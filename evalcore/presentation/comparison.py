"""历史比较 and 横向比较 in a project's two documents, from the context a batch computed.

A report's kernel sees one project; the batch saw the whole data folder and wrote what the report
needs of the rest (`explore/context.py`: the project's earlier years, R016–R019, its position among
its department's projects and among projects of its kind) into a JSON file the notebook is given
(`context_path`). This module reads it and writes the blocks both documents show: a paragraph in
words, the tables and the history chart — the same blocks in the 绩效评价报告 (HTML, Word, PDF) and
the 复核底稿, so they cannot disagree. Without a context (a report made alone), or where the data
has no earlier year or no peer, the sections say so instead of showing empty tables.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from ..errors import InputError, Where
from ..explore.ranking import FUNCTION_PREFIX, LEVEL2_PREFIX
from ..findings import Finding
from .document import Block, Figure, Paragraph, Table
from .formats import rate

#: A scope is compared only when it holds this many projects with the measure (itself included).
MIN_PEERS = 2


def _money(x: object) -> str:
    return "—" if x is None else f"{float(x):,.2f}"  # type: ignore[arg-type]


def _points(x: object) -> str:
    return "—" if x is None else f"{float(x):.2f}"  # type: ignore[arg-type]


def _measure_text(measure: str, value: object) -> str:
    if value is None:
        return "—"
    return rate(float(value)) if measure == "执行率" else f"{float(value):.2f} 分"  # type: ignore[arg-type]


@dataclass
class Comparison:
    """One project's context: its years (oldest first, its own last), the cross-year findings
    and its peer rows (explore/context.py)."""

    history: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    peers: list[dict] = field(default_factory=list)
    kind: str = ""  # its kind (`explore.ranking.kind`): 「功能分类：…」 or 「二级指标：…」

    @classmethod
    def read(cls, path: str | os.PathLike[str] | None) -> Comparison:
        """The context file a batch wrote; an empty comparison for None. InputError when unreadable."""
        if not path:
            return cls()
        try:
            doc = orjson.loads(Path(path).read_bytes())
        except (OSError, orjson.JSONDecodeError) as exc:
            raise InputError(
                Where(str(path)), f"比较数据文件无法读取：{exc}", "evalcore batch 写出的 .context.json"
            ) from None
        return cls(
            doc.get("history") or [], doc.get("findings") or [], doc.get("peers") or [], doc.get("kind") or ""
        )

    @property
    def has_history(self) -> bool:
        return len(self.history) > 1

    @property
    def compared_peers(self) -> list[dict]:
        return [r for r in self.peers if r.get("count", 0) >= MIN_PEERS and r.get("rank") is not None]

    def finding_objects(self) -> list[Finding]:
        return [
            Finding(f["code"], f["severity"], f["message"], f.get("subject") or "") for f in self.findings
        ]

    # -- 历史比较 -----------------------------------------------------------------------------------
    def history_sentence(self) -> str:
        """What changed from last year to this one, in words."""
        if not self.has_history:
            return "数据中没有本项目以前年度的评价，未作历史比较。"
        prev, cur = self.history[-2], self.history[-1]
        y0 = prev["year"]
        parts = [
            f"与{y0}年度相比，全年预算由 {_money(prev['adjusted'])} 万元{_trend(prev['adjusted'], cur['adjusted'], '增至', '减至', '持平于')} {_money(cur['adjusted'])} 万元"
        ]
        r0, r1 = prev.get("execution_rate"), cur.get("execution_rate")
        if r0 is not None and r1 is not None:
            parts.append(f"预算执行率由 {rate(r0)} {_trend(r0, r1, '升至', '降至', '持平于')} {rate(r1)}")
        parts.append(
            f"得分由 {_points(prev['total'])} 分（{prev['grade']}）{_trend(prev['total'], cur['total'], '升至', '降至', '持平于')} "
            f"{_points(cur['total'])} 分（{cur['grade']}）"
        )
        years = "、".join(str(h["year"]) for h in self.history)
        return f"本项目有 {years} 年度共 {len(self.history)} 年的评价数据。" + "，".join(parts) + "。"

    def history_table(self, number: int) -> Table:
        rows = [
            [
                f"{h['year']}",
                h["project_id"],
                _money(h["adjusted"]),
                _money(h["executed"]),
                rate(h.get("execution_rate")),
                _points(h["total"]),
                h["grade"],
            ]
            for h in self.history
        ]
        return Table(
            f"表{number}　历年评价结果（万元）",
            [["年度", "项目编号", "全年预算数", "全年执行数", "执行率", "得分", "等级"]],
            rows,
            align=["center", "left", "right", "right", "right", "right", "center"],
            widths=[1.1, 2.8, 2, 2, 1.9, 1.4, 1],
        )

    def indicator_table(self, number: int) -> Table:
        """This year's indicators: each year's target, actual and points (「—」: not in that year)."""
        years = [h["year"] for h in self.history]
        by_year = [{i["name"]: i for i in h["indicators"]} for h in self.history]
        rows = []
        for ind in self.history[-1]["indicators"]:
            row = [ind["name"]]
            for found in by_year:
                i = found.get(ind["name"])
                row.append(
                    "—"
                    if i is None
                    else f"{i['target'] or '—'} / {i['actual'] or '—'} / {_points(i['score'])}"
                )
            rows.append(row)
        return Table(
            f"表{number}　三级指标历年完成情况（目标 / 实际 / 得分）",
            [["三级指标", *(f"{y}年度" for y in years)]],
            rows,
            align=["left", *(["left"] * len(years))],
            widths=[3, *([3] * len(years))],
        )

    def history_blocks(
        self, first_table: int, chart: bytes | None, figure_caption: str | None
    ) -> list[Block]:
        """The 历史比较 paragraph, its two tables and (when drawn) its chart."""
        blocks: list[Block] = [Paragraph(self.history_sentence())]
        if not self.has_history:
            return blocks
        flags = [f["message"] for f in self.findings]
        if flags:
            blocks.append(Paragraph("比较发现：" + "；".join(flags) + "。"))
        else:
            blocks.append(
                Paragraph(
                    "与上年相比，未发现目标设定偏低、连续两年执行率偏低、同一指标连续未完成或预算增加而得分下降的情况。"
                )
            )
        blocks.append(self.history_table(first_table))
        if chart and figure_caption:
            blocks.append(Figure(chart, figure_caption))
        blocks.append(self.indicator_table(first_table + 1))
        return blocks

    # -- 横向比较 -----------------------------------------------------------------------------------
    def peer_sentences(self) -> list[str]:
        if not self.compared_peers:
            return ["数据中没有同年度、同部门或同类的其他项目，未作横向比较。"]
        out = []
        for scope in dict.fromkeys(r["scope"] for r in self.compared_peers):
            rows = [r for r in self.compared_peers if r["scope"] == scope]
            where = (
                f"{rows[0]['label']}的 {rows[0]['count']} 个项目"
                if scope == "主管部门"
                else f"同年度{self._kind_phrase()}的 {rows[0]['count']} 个项目"
            )
            bits = [
                f"{r['measure']} {_measure_text(r['measure'], r['value'])} 排第 {r['rank']} 位（百分位 {r['percentile']:.0f}%，中位数 {_measure_text(r['measure'], r['median'])}）"
                for r in rows
            ]
            out.append(f"在{where}中，本项目" + "，".join(bits) + "。")
        return out

    def _kind_phrase(self) -> str:
        """How the kind reads in a sentence: 功能分类为「…」 or 二级指标构成相同."""
        if self.kind.startswith(FUNCTION_PREFIX):
            return f"功能分类为「{self.kind.removeprefix(FUNCTION_PREFIX)}」"
        return "二级指标构成相同"

    def _kind_note(self) -> str:
        if self.kind.startswith(FUNCTION_PREFIX):
            return "同类项目指同年度支出功能分类相同的项目。"
        if self.kind.startswith(LEVEL2_PREFIX):
            return f"同类项目指同年度二级指标同为{self.kind.removeprefix(LEVEL2_PREFIX)}的项目。"
        return ""

    def peer_table(self, number: int) -> Table:
        rows = [
            [
                r["scope"],
                r["label"] if r["scope"] == "主管部门" else self._kind_phrase(),
                r["measure"],
                _measure_text(r["measure"], r["value"]),
                f"{r['count']}",
                f"{r['rank']}/{r['count']}",
                f"{r['percentile']:.0f}%",
                _measure_text(r["measure"], r["median"]),
            ]
            for r in self.compared_peers
        ]
        return Table(
            f"表{number}　横向比较（同年度）",
            [["比较范围", "范围", "指标", "本项目", "项目数", "排名", "百分位", "中位数"]],
            rows,
            align=["left", "left", "left", "right", "right", "right", "right", "right"],
            widths=[1.6, 4, 1, 1.6, 1.1, 1.1, 1.1, 1.6],
            note="注：排名按由高到低，并列取较前名次；百分位为不高于本项目的项目所占比例（含本项目）。"
            + self._kind_note(),
        )

    def peer_blocks(self, number: int) -> list[Block]:
        blocks: list[Block] = [Paragraph(t) for t in self.peer_sentences()]
        if self.compared_peers:
            blocks.append(self.peer_table(number))
        return blocks


def _trend(a: object, b: object, up: str, down: str, same: str) -> str:
    x, y = float(a or 0), float(b or 0)  # type: ignore[arg-type]
    if abs(x - y) < 1e-9:
        return same
    return up if y > x else down


__all__ = ["MIN_PEERS", "Comparison"]
