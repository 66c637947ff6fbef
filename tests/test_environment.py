"""pyproject.toml is the install path; environment.yml mirrors it for conda users. Keep them in step."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
_REQ = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(\[[^\]]*\])?\s*(.*)$")
#: conda-forge names that differ from the PyPI name of the same module.
CONDA_NAMES = {"brotli-python": "brotli"}


def _parse(spec: str) -> tuple[str, str]:
    m = _REQ.match(spec)
    assert m, spec
    name = m[1].lower().replace("_", "-")
    return CONDA_NAMES.get(name, name), m[3].replace(" ", "")


def test_environment_yml_mirrors_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = dict(_parse(s) for s in project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = dict(
        _parse(s) for s in env["dependencies"] if isinstance(s, str) and not s.startswith(("python", "pip"))
    )
    # Packages conda-forge does not carry come through the `pip:` list (the `-e .` line is the package itself).
    pip = [
        s
        for d in env["dependencies"]
        if isinstance(d, dict)
        for s in d.get("pip", [])
        if not s.startswith("-")
    ]
    conda.update(_parse(s) for s in pip)
    assert conda == wanted


def test_environment_yml_python_matches_requires_python() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pythons = [s for s in env["dependencies"] if isinstance(s, str) and re.match(r"^python\b", s)]
    assert pythons == ["python" + project["requires-python"]]
