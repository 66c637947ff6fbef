"""How the package's modules may import each other, read from the source (every import statement,
at module level or inside a function, counts: a function-level import is still a dependency).

- the core (inputs, model, schemes, rules, scoring, review, evaluation) imports nothing from the
  presentation, the pipeline, the authoring tools or the CLI;
- the Portfolio DataFrame API (the explore package) imports nothing from the presentation;
- no two modules import each other, directly or through others;
- anywhere in the package no private name (leading underscore) is used across modules, and no module
  is longer than 500 lines, except `authoring/catalog.py`: a data table of departments and project
  kinds, long because the city is large, not because it holds several jobs.

"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "evalcore"
CORE = (
    "vocabulary", "fields", "errors", "quantities", "inputs", "model", "schemes", "rules", "scoring", "findings",
    "review", "evaluation",
)  # fmt: skip
OUTER = ("presentation", "pipeline", "authoring", "cli")
MAX_LINES = 500
#: Longer than MAX_LINES by nature: data, not code with several jobs.
LONG_EXEMPT = {"evalcore.authoring.catalog": "a data table of departments and project kinds"}


@dataclass
class Module:
    name: str
    path: Path
    imports: set[str] = field(default_factory=set)  # evalcore modules it imports
    private: list[str] = field(default_factory=list)  # "module._name" it uses from another module


def _modules(package: Path = PACKAGE) -> dict[str, Module]:
    found: dict[str, Module] = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
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
    explore = [m for m in MODULES.values() if _in(m.name, "explore")]
    assert len(explore) > 1  # the package and its modules
    assert not {f"{m.name} → {t}" for m in explore for t in m.imports if _in(t, "presentation")}


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


def _lines(m: Module) -> int:
    return len(m.path.read_text(encoding="utf-8").splitlines())


def test_the_private_name_reader_is_not_blind(tmp_path: Path) -> None:
    """On a small package: a private name imported from a sibling and one read through a module alias
    are seen; a module's own private names and dunders are not."""
    package = tmp_path / "evalcore"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "a.py").write_text("def _hidden(): ...\n_own = _hidden()\n")
    (package / "sub" / "b.py").write_text("from .a import _hidden, __doc__\nfrom . import a\nx = a._other\n")
    found = _modules(package)
    assert sorted(found["evalcore.sub.b"].private) == ["evalcore.sub.a._hidden", "evalcore.sub.a._other"]
    assert found["evalcore.sub.a"].private == []


def test_every_exemption_names_a_module() -> None:
    assert set(LONG_EXEMPT) <= set(MODULES)


def test_no_private_name_crosses_a_module() -> None:
    bad = {f"{m.name} uses {p}" for m in MODULES.values() for p in m.private}
    assert not bad


def test_no_module_is_over_500_lines() -> None:
    long = {m.name: n for m in MODULES.values() if m.name not in LONG_EXEMPT and (n := _lines(m)) > MAX_LINES}
    assert not long
