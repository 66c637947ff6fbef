"""The registry of review findings: each finding is one entry — its code, title, severity, and one
or more checks (the condition and the message template) — and every path that reviews reports it.

A check names the scope it looks at (an indicator row, a category, the budget, a budget line item,
a contradiction in the budget block, the project: see `evalcore.findings.subjects`), a condition
over that scope's columns for a whole batch at once (NumPy: it runs over a province's chunk as over
one project), and a message template whose `{fields}` the scope supplies for each subject found
(`{reported:n}` prints a number as written, `{score:pts}` two decimals rounded half up,
`{rate:pct2}` a percentage: see `render`). A message too intricate for a template is a function of
those fields.

To add a finding: `register(...)` it (the product's own are in `catalog.py`), add its rule case
under tests/rule_cases and its line in docs/scoring.md. A finding registered by another module
reaches every process that reviews (notebook kernels, spawned and Dask workers) when that module is
named as a plugin (`plugins.py`); one registered in an interactive session only is seen there and
in the processes it forks.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from ..quantities import format_number
from ..rules.explain import pct, pts

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)

#: The scopes a check can look at, in the order their findings are listed under one code.
SCOPES = ("category", "contradiction", "budget", "budget_item", "indicator", "project")

Condition = Callable[[Any, Any], "np.ndarray | bool"]  # (scope view, scheme) → a mask over its subjects
Message = str | Callable[[Mapping[str, Any]], str]


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding on one project: what is wrong, with its numbers, in Chinese."""

    code: str
    severity: str
    message: str
    subject: str = ""  # the indicator or budget row concerned, or "" for the project
    data: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        rule = REGISTRY.get(self.code)
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "subject": self.subject,
            "title": rule.title if rule else "",
        }


@dataclass(frozen=True, slots=True)
class Check:
    scope: str
    when: Condition
    message: Message
    data: tuple[str, ...] = ()  # fields of the scope kept on the Finding as data


@dataclass(frozen=True, slots=True)
class FindingRule:
    code: str
    title: str  # the finding's stable meaning (SPEC)
    severity: str
    checks: tuple[Check, ...]
    reference: str = ""
    module: str = ""  # the module that registered it
    computed_by: str = ""  # a finding no per-batch check can find (cross-year): the module that computes it


REGISTRY: dict[str, FindingRule] = {}


def register(
    code: str,
    title: str,
    severity: str,
    *,
    scope: str | None = None,
    when: Condition | None = None,
    message: Message | None = None,
    data: tuple[str, ...] = (),
    checks: tuple[Check, ...] = (),
    reference: str = "",
    replace: bool = False,
    computed_by: str = "",
) -> FindingRule:
    """Register a finding: one check (`scope`, `when`, `message`) or several (`checks`).

    A finding that no batch of projects can show on its own (R016–R019 compare a project with its
    previous year) has no checks: `computed_by` names the module that computes it, and it is
    registered all the same so that its title and severity are known wherever findings are shown.

    A code already registered by another module is refused unless `replace` is set (the same
    module registering again, when it is imported a second time, replaces its own)."""
    if severity not in SEVERITIES:
        raise ValueError(f"severity of {code}: one of {SEVERITIES}, not {severity!r}")
    if scope is not None or when is not None or message is not None:
        if scope is None or when is None or message is None:
            raise ValueError(f"{code}: a check needs scope, when and message")
        checks = (*checks, Check(scope, when, message, data))
    if not checks and not computed_by:
        raise ValueError(f"{code}: at least one check, or the module that computes it (computed_by)")
    for c in checks:
        if c.scope not in SCOPES:
            raise ValueError(f"{code}: scope {c.scope!r} is not one of {SCOPES}")
    module = (getattr(checks[0].when, "__module__", "") or "") if checks else computed_by
    rule = FindingRule(code, title, severity, tuple(checks), reference, module, computed_by)
    old = REGISTRY.get(code)
    if old is not None and not replace and old.module != module:
        raise ValueError(f"finding {code} is already registered (by {old.module})")
    REGISTRY[code] = rule
    return rule


def unregister(code: str) -> None:
    REGISTRY.pop(code, None)


def titles() -> dict[str, str]:
    """code → title of every registered finding, by code."""
    return {code: REGISTRY[code].title for code in sorted(REGISTRY)}


class _Formatter(string.Formatter):
    """str.format with the number formats of the forms: `n` (as written: 10, 7.3), `pts` (two
    decimals, half up: 7.30), `pct`/`pct0`/`pct2` (73.0%, 73%, 73.00%)."""

    SPECS: ClassVar[dict[str, Callable[[Any], str]]] = {
        "n": format_number,
        "pts": pts,
        "pct": pct,
        "pct0": lambda x: pct(x, 0),
        "pct2": lambda x: pct(x, 2),
    }

    def format_field(self, value: Any, format_spec: str) -> str:
        special = self.SPECS.get(format_spec)
        return special(value) if special else format(value, format_spec)


_FORMATTER = _Formatter()
_PARSED: dict[str, list[tuple[str, str | None, str]]] = {}


def _parsed(template: str) -> list[tuple[str, str | None, str]]:
    """A template as (literal text, field name, format spec) pieces, parsed once."""
    pieces = _PARSED.get(template)
    if pieces is None:
        pieces = _PARSED[template] = [
            (text, name, spec or "") for text, name, spec, _ in _FORMATTER.parse(template)
        ]
    return pieces


def render(message: Message, fields: Mapping[str, Any]) -> str:
    """A check's message for one subject."""
    if callable(message):
        return message(fields)
    out = []
    for text, name, spec in _parsed(message):
        out.append(text)
        if name is not None:
            value = (
                fields[name] if name in fields else _FORMATTER.get_field(name, (), fields)[0]
            )  # {a.b}, {a[0]}
            out.append(_FORMATTER.format_field(value, spec))
    return "".join(out)
