"""Review findings as a registry (`registry`), the scopes they look at (`subjects`) and the
product's own R001–R012 (`catalog`). `evalcore.review` runs every registered finding over a scored
batch; adding a finding is one `register(...)` entry."""

from __future__ import annotations

from . import catalog  # noqa: F401  (registers R001–R012)
from .registry import (
    ERROR,
    INFO,
    REGISTRY,
    SCOPES,
    WARNING,
    Check,
    Finding,
    FindingRule,
    modules,
    register,
    render,
    titles,
    unregister,
)

__all__ = [
    "ERROR",
    "INFO",
    "REGISTRY",
    "SCOPES",
    "WARNING",
    "Check",
    "Finding",
    "FindingRule",
    "modules",
    "register",
    "render",
    "titles",
    "unregister",
]
