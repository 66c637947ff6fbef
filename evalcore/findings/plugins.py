"""Findings registered outside this package, found in every process that reviews.

A finding is registered by calling `evalcore.findings.register(...)` at the import of a module. A
notebook kernel, a spawned worker or a Dask worker is another interpreter, which imports
`evalcore.findings` but not the modules an analyst's session imported; so a module of findings is
named where every process can find it, and imported when `evalcore.findings` is:
- an installed package declares it under the entry-point group `evalcore.findings`
  (`[project.entry-points."evalcore.findings"] my_findings = "my_package.findings"`);
- or the environment variable `EVALCORE_FINDINGS` lists module names, separated by commas
  (inherited by the processes the CLI starts).
"""

from __future__ import annotations

import os
from importlib import import_module
from importlib.metadata import entry_points

from ..errors import PluginError

ENV = "EVALCORE_FINDINGS"
GROUP = "evalcore.findings"


def plugin_modules() -> list[str]:
    """The modules to import: entry points first, then EVALCORE_FINDINGS, each once."""
    names = [ep.value for ep in entry_points(group=GROUP)]
    names += [m.strip() for m in os.environ.get(ENV, "").split(",") if m.strip()]
    return list(dict.fromkeys(names))


def load_plugins() -> list[str]:
    """Import every module of findings; PluginError names the one that fails."""
    loaded = []
    for name in plugin_modules():
        try:
            import_module(name)
        except Exception as exc:
            raise PluginError(name, f"{type(exc).__name__}: {exc}", ENV) from exc
        loaded.append(name)
    return loaded
