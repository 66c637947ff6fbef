"""How the package's modules may import each other, read from the source (every import statement,
at module level or inside a function, counts: a function-level import is still a dependency).

- the core (inputs, model, schemes, rules, scoring, review, evaluation) imports nothing from the
  presentation, the pipeline, the authoring tools or the CLI;
- the Portfolio DataFrame API (explore.py) imports nothing from the presentation;
- no two modules import each other, directly or through others;
- in the presentation layer no private name (leading underscore) is used across modules, and no
  module is longer than 500 lines.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "evalcore"
CORE = ("inputs", "model", "schemes", "rules", "scoring", "review", "evaluation")
OUTER = ("presentation", "pipeline", "authoring", "cli")
MAX_LINES = 500


@dataclass
class Module:
    name: str
    path: Path
    imports: set[str] = field(default_factory=set)  # evalcore modules it imports
    private: list[str] = field(default_factory=list)  # "module._name" it uses from another module


def _modules() -> dict[str, Module]:
    found: dict[str, Module] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = Module(".".join(parts), path)
    for mod in found.values():
        package = mod.name if mod.path.name == "__init__.py" else mod.name.rpartition(".")[0]
        aliases: dict[str, str] = {}  # local name → evalcore module it is bound to
        tree = ast.parse(mod.path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name in found:
                        mod.imports.add(a.name)
                        aliases[a.asname or a.name] = a.name
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, *([node.module] if node.module else [])])
                if base not in found:
                    continue
                for a in node.names:
                    target = f"{base}.{a.name}"
                    if target in found:  # `from . import charts`: the submodule
                        mod.imports.add(target)
                        aliases[a.asname or a.name] = target
                    else:
                        mod.imports.add(base)
                        if a.name.startswith("_") and not a.name.startswith("__"):
                            mod.private.append(f"{base}.{a.name}")
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                mod.private.append(f"{aliases[node.value.id]}.{node.attr}")
        mod.imports.discard(mod.name)
    return found


MODULES = _modules()


def _in(name: str, group: str) -> bool:
    return name == f"evalcore.{group}" or name.startswith(f"evalcore.{group}.")


def test_the_module_graph_is_read() -> None:
    """The reader is not blind: it sees imports that are known to exist, at both levels."""
    assert "evalcore.evaluation" in MODULES["evalcore.presentation.cards"].imports
    assert "evalcore.presentation.display" in MODULES["evalcore"].imports  # inside a function
    assert "evalcore.presentation.charts.base" in MODULES["evalcore.presentation.charts.report"].imports


@pytest.mark.parametrize("core", CORE)
def test_the_core_imports_nothing_from_the_outer_layers(core: str) -> None:
    bad = {
        f"{m.name} → {t}"
        for m in MODULES.values()
        if _in(m.name, core)
        for t in m.imports
        if any(_in(t, outer) for outer in OUTER)
    }
    assert not bad


def test_the_portfolio_api_imports_nothing_from_the_presentation() -> None:
    assert not {t for t in MODULES["evalcore.explore"].imports if _in(t, "presentation")}


def test_no_import_cycles() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in MODULES[v].imports:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in MODULES:
        if name not in index:
            visit(name)
    assert cycles == []


def test_no_private_name_crosses_a_presentation_module() -> None:
    bad = {f"{m.name} uses {p}" for m in MODULES.values() if _in(m.name, "presentation") for p in m.private}
    assert not bad


def test_no_presentation_module_is_over_500_lines() -> None:
    long = {
        m.name: n
        for m in MODULES.values()
        if _in(m.name, "presentation")
        and (n := len(m.path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long
