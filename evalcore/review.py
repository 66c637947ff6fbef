"""Review (复核): every registered finding (`evalcore.findings`) over a scored batch.

Each check's condition runs once over the whole batch, column by column; a message is written
only for the subjects it finds. Findings of a project are listed by code, then by scope (category,
budget, indicator, project), then in the order of the form; the review reads the scores and never
changes them: data flows scoring → review.
"""

from __future__ import annotations

import numpy as np

from .findings import REGISTRY, SCOPES, Finding, render
from .findings.subjects import VIEWS, View
from .scoring import ScoredBatch

_RANK = {scope: n for n, scope in enumerate(SCOPES)}


def review_batch(batch: ScoredBatch) -> list[list[Finding]]:
    """The findings of each project of the batch (empty for a project that could not be scored)."""
    views: dict[str, View] = {}
    found: list[tuple[int, str, int, int, int, Finding]] = []
    scheme = batch.scheme
    for code in sorted(REGISTRY):
        rule = REGISTRY[code]
        for n, check in enumerate(rule.checks):
            view = views.get(check.scope)
            if view is None:
                view = views[check.scope] = VIEWS[check.scope](batch)
            if len(view) == 0:
                continue
            mask = np.broadcast_to(np.asarray(check.when(view, scheme), dtype=bool), (len(view),))
            for j in np.nonzero(mask)[0].tolist():
                fields = view.fields(j)
                finding = Finding(
                    code,
                    rule.severity,
                    render(check.message, fields),
                    view.subject(j),
                    {k: fields[k] for k in check.data},
                )
                found.append((int(view.project[j]), code, _RANK[check.scope], int(view.order[j]), n, finding))
    out: list[list[Finding]] = [[] for _ in range(len(batch))]
    for k, *_, finding in sorted(found, key=lambda f: f[:5]):
        out[k].append(finding)
    return out


__all__ = ["Finding", "review_batch"]
