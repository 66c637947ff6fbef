"""`score --json` for a chunk of a portfolio's tables: read by columns, scored by the one engine,
written as JSON without a Python object per row.

`inputs.table_chunk` reads the chunk (facts and budgets per project; indicator rows as columns,
each distinct set of cells read once); `scoring.score_batch` scores it under each scheme its
projects use; `review.review_batch` runs every registered finding over the batch. The record of a
project is `presentation.records`' — `project_record` for its head, `scored_fields` for the part of
an indicator its scored cells determine (serialised once per distinct row), `not_applicable_record`
— so the bytes are those the row-by-row path writes (`tests/test_table_scoring.py` holds the two to
that). A project the chunk reader leaves to the row-by-row path (a cell only it can locate an error
in) goes to `reference`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import orjson

from ..errors import EvalcoreError
from ..evaluation import scheme_for
from ..inputs.records import RawProject
from ..inputs.table_chunk import SKIPPED, TableChunk, combine, eligible
from ..inputs.tables_reader import TablePortfolio
from ..presentation.records import not_applicable_record, project_record, scored_fields
from ..review import review_batch
from ..schemes import Scheme
from ..scoring import ScoredBatch, score_batch

Item = tuple[str | None, int | None, str | None, object, bytes | dict]  # score_stream.Item
Reference = Callable[[Iterable[RawProject]], list[Item]]

__all__ = ["eligible", "score_table_chunk"]


def score_table_chunk(
    portfolio: TablePortfolio, start: int, stop: int, scheme: Scheme | None, reference: Reference
) -> list[Item]:
    """Projects [start, stop) of the portfolio, in order; `reference` scores raw projects row by row
    (build, evaluate, record) for those the chunk reader leaves to it."""
    chunk = TableChunk(portfolio, start, stop)
    groups: dict[int, tuple[Scheme, list[int]]] = {}
    for k, project in enumerate(chunk.projects):
        if project is None:
            continue
        try:
            chosen = scheme_for(project, scheme)
        except EvalcoreError:
            continue  # the row-by-row path reports it
        groups.setdefault(id(chosen), (chosen, []))[1].append(k)
    items: list[Item | None] = [None] * chunk.n
    for chosen, members in groups.values():
        live = np.zeros(chunk.n, dtype=bool)
        live[members] = True
        batch = score_batch(chunk.projects, chunk.columns, chosen, live)
        findings = review_batch(batch)
        writer = _Writer(chunk, batch)
        for k in members:
            if k not in batch.errors and k not in batch.unread:
                items[k] = writer.item(k, findings[k])
    out: list[Item] = []
    for k in range(chunk.n):
        item = items[k]
        if item is not None:
            out.append(item)
        elif chunk.state[k] != SKIPPED:
            out.extend(reference(portfolio.raw_projects(start + k, start + k + 1)))
    return out


class _Writer:
    """The JSON of each project of a scored batch: the head from `project_record`, then every row as
    four pieces joined once per project — its name cells with its category (once per distinct
    combination), its scored part (once per distinct row), its deviation reason, a comma."""

    def __init__(self, chunk: TableChunk, batch: ScoredBatch) -> None:
        self.chunk, self.batch = chunk, batch
        self.names = [c.name for c in batch.scheme.categories]
        self.weights = [c.weight for c in batch.scheme.categories]
        text: dict[str, bytes] = {}

        def js(v: str) -> bytes:
            out = text.get(v)
            if out is None:
                out = text[v] = orjson.dumps(v)
            return out

        coded, texts = chunk.coded, chunk.texts
        rows = len(batch.columns)
        first, group = combine(
            [coded["level1"].codes, coded["level2"].codes, coded["name"].codes, batch.category],
            [len(coded["level1"].values), len(coded["level2"].values), len(coded["name"].values), len(self.names)],
        ) if rows else (np.zeros(0, np.int64), np.zeros(0, np.int64))  # fmt: skip
        heads = []
        for j in first.tolist():
            cells = (texts[k][coded[k].codes[j]] for k in ("level1", "level2", "name"))
            level1, level2, name = (js(v) for v in cells)
            category = js(self.names[int(batch.category[j])])
            heads.append(b"".join((b'{"level1":', level1, b',"level2":', level2, b',"name":', name,
                                   b',"category":', category, b",")))  # fmt: skip
        tails = [b',"deviation_reason":' + js(v) + b',"applicable":true}' for v in texts["deviation_reason"]]
        mids = self._mids()
        self.flat: list[bytes] = [b","] * (4 * rows)
        self.flat[0::4] = list(map(heads.__getitem__, group.tolist()))
        self.flat[1::4] = list(map(mids.__getitem__, batch.ids.tolist()))
        self.flat[2::4] = list(map(tails.__getitem__, coded["deviation_reason"].codes.tolist()))
        # per project, as Python values (NumPy's per-element access costs more than the lookups)
        self.dropped = (
            np.bincount(batch.owner, weights=~batch.columns.applicable, minlength=len(batch)) > 0
        ).tolist()
        self.bounds = batch.columns.bounds.tolist()
        self.itemised, self.earned = batch.itemised.tolist(), batch.earned.tolist()
        self.total, self.total_raw, self.scale = (
            batch.total.tolist(),
            batch.total_raw.tolist(),
            batch.scale.tolist(),
        )
        self.grade, self.scheme_id = batch.grade, batch.scheme.id
        self.unscored = [0.0] * len(batch) if batch.unscored is None else batch.unscored.tolist()

    def _mids(self) -> list[bytes]:
        """The part of a row's record its scored cells determine, per store entry, kept in the store
        beside the entries (a portfolio meets the same rows chunk after chunk): made for new ones."""
        store = self.batch.store
        mids: list[bytes] = store.memo.setdefault("json", [b""])  # entry 0: the blank row
        for sid in range(len(mids), len(store.prototypes)):
            row, o = store.prototypes[sid], store.outcomes[sid]
            assert row is not None and o is not None
            e = o.explanation
            mids.append(
                orjson.dumps(
                    scored_fields(
                        row.direction, row.target.raw, row.actual.raw, row.unit, row.weight, o.score,
                        row.reported_score, o.completion, o.met, o.level, e.rule, e.formula, e.text,
                    )
                )[1:-1]
            )  # fmt: skip
        return mids

    def item(self, k: int, findings: list) -> Item:
        project, budget = self.chunk.projects[k], self.batch.budgets[k]
        assert project is not None and budget is not None
        parts = zip(self.names, self.weights, self.itemised[k], self.earned[k], strict=True)
        head = orjson.dumps(
            project_record(
                project,
                self.scheme_id,
                self.total[k],
                self.total_raw[k],
                self.grade[k],
                self.scale[k],
                budget,
                parts,
                self.unscored[k],
            )
        )
        lo, hi = self.bounds[k], self.bounds[k + 1]
        if not self.dropped[k]:
            rows = self.flat[4 * lo : 4 * hi - 1]
        else:  # applicable rows first, then the dropped ones, as the row-by-row record lists them
            applicable, source = self.batch.columns.applicable, self.batch.columns.rows
            kept = [b"".join(self.flat[4 * i : 4 * i + 3]) for i in range(lo, hi) if applicable[i]]
            dropped = [
                orjson.dumps(not_applicable_record(source.indicator(i)))
                for i in range(lo, hi)
                if not applicable[i]
            ]
            rows = [b",".join(kept + dropped)]
        payload = b"".join(
            (
                head[:-1],
                b',"indicators":[',
                *rows,
                b'],"findings":',
                orjson.dumps([f.as_dict() for f in findings]) if findings else b"[]",
                b"}",
            )
        )
        return project.project_id, project.year, project.origin, self.chunk.start + k, payload
