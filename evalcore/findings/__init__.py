"""Review findings as a registry (`registry`), the scopes they look at (`subjects`), the product's
own R001–R012 (`catalog`) and findings registered by other modules (`plugins`: entry points and
EVALCORE_FINDINGS, imported here so every process that reviews has them). `evalcore.review` runs
every registered finding over a scored batch; adding a finding is one `register(...)` entry."""

from __future__ import annotations

from . import catalog  # noqa: F401  (registers R001–R012)
from .plugins import PluginError, load_plugins
from .registry import (
    ERROR,
    INFO,
    REGISTRY,
    SCOPES,
    WARNING,
    Check,
    Finding,
    FindingRule,
    register,
    render,
    titles,
    unregister,
)

load_plugins()

__all__ = [
    "ERROR",
    "INFO",
    "REGISTRY",
    "SCOPES",
    "WARNING",
    "Check",
    "Finding",
    "FindingRule",
    "PluginError",
    "register",
    "render",
    "titles",
    "unregister",
]
