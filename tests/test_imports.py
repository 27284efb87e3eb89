"""Dependency direction and privacy, read from the source with :mod:`ast` (nothing is imported).

The layers under the app (``reporting``, ``studies``, ``calibration``, ``catalogues``,
``engine``, ``fileio``) never import ``suzhou_sim.app`` or Streamlit, also not lazily or for
type checking; and no module of the project (the package, ``app.py``, ``benchmarks/``) uses
another module's underscore-private name, whether imported by name (``from .x import _y``),
through a private module (``from .x._y import z``) or as an attribute of an imported module
(``S._y``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = "suzhou_sim"
#: Subpackages that must work without the app (the CLI, notebooks and reports use them).
BELOW_THE_APP = ("reporting", "studies", "calibration", "catalogues", "engine", "fileio")
FORBIDDEN = (f"{PACKAGE}.app", "streamlit")


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _project_files(root: Path) -> dict[str, Path]:
    files = sorted((root / PACKAGE).rglob("*.py")) + sorted((root / "benchmarks").rglob("*.py"))
    files += [root / "app.py"] if (root / "app.py").is_file() else []
    return {_module_name(f, root): f for f in files}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module a ``from ... import`` names (relative levels resolved)."""
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _is_forbidden(target: str) -> bool:
    return any(target == f or target.startswith(f + ".") for f in FORBIDDEN)


def import_problems(source: str, module: str, is_package: bool, modules: set[str]
                    ) -> list[str]:
    """What in ``source`` (the text of ``module``) breaks the two rules.

    Parameters
    ----------
    source : str
        Python source.
    module : str
        Its dotted name (``suzhou_sim.reporting.office``; ``app`` for ``app.py``).
    is_package : bool
        True for an ``__init__.py`` (relative imports start from the package itself).
    modules : set of str
        Dotted names of the project's modules: only their private names count.

    Returns
    -------
    list of str
        One line per problem, with the line number.
    """
    tree = ast.parse(source)
    layer = module.split(".")[1] if module.startswith(PACKAGE + ".") else ""
    guarded = layer in BELOW_THE_APP
    problems = []
    aliases: dict[str, str] = {}  # local name -> project module it is bound to

    def ours(target: str) -> bool:
        return target in modules or any(m.startswith(target + ".") for m in modules)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if guarded and _is_forbidden(alias.name):
                    problems.append(f"{module}:{node.lineno}: imports {alias.name}")
                if ours(alias.name):
                    if any(_private(p) for p in alias.name.split(".")):
                        problems.append(f"{module}:{node.lineno}: imports private {alias.name}")
                    local = alias.asname or alias.name.split(".")[0]
                    aliases[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(node, module, is_package)
            names = [a.name for a in node.names]
            if guarded and (_is_forbidden(target)
                            or any(_is_forbidden(f"{target}.{n}") for n in names)):
                problems.append(f"{module}:{node.lineno}: imports from {target}")
            if not ours(target) or target == module:
                continue
            if any(_private(p) for p in target.split(".")):
                problems.append(f"{module}:{node.lineno}: imports from private {target}")
            for alias in node.names:
                if _private(alias.name):
                    problems.append(f"{module}:{node.lineno}: imports {alias.name} from "
                                    f"{target}")
                elif ours(f"{target}.{alias.name}"):
                    aliases[alias.asname or alias.name] = f"{target}.{alias.name}"
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in aliases and _private(node.attr)
                and aliases[node.value.id] != module):
            problems.append(f"{module}:{node.lineno}: uses {node.value.id}.{node.attr} "
                            f"of {aliases[node.value.id]}")
    return problems


def test_layers_below_the_app_and_privacy_hold_in_the_project():
    files = _project_files(REPO)
    layered = [m for m in files if m.split(".")[1:2] and m.split(".")[1] in BELOW_THE_APP]
    assert len(layered) > 30 and "app" in files  # the walk found the project
    problems = []
    for name, path in files.items():
        problems += import_problems(path.read_text(encoding="utf-8"), name,
                                    path.name == "__init__.py", set(files))
    assert problems == []


MODULES = {"suzhou_sim", "suzhou_sim.app", "suzhou_sim.app.text", "suzhou_sim.reporting",
           "suzhou_sim.reporting.office", "suzhou_sim.reporting.labels", "suzhou_sim.engine",
           "suzhou_sim.engine._private_mod", "app"}


@pytest.mark.parametrize(("source", "module", "found"), [
    # the layers: any spelling of an app or Streamlit import, also lazy ones
    ("from ..app.text import tr\n", "suzhou_sim.reporting.office", "imports from suzhou_sim.app"),
    ("from suzhou_sim.app import text\n", "suzhou_sim.engine.model", "from suzhou_sim.app"),
    ("from .. import app\n", "suzhou_sim.studies.x", "imports from suzhou_sim"),
    ("import streamlit as st\n", "suzhou_sim.fileio.atomic", "imports streamlit"),
    ("def f():\n    import streamlit.components.v1\n", "suzhou_sim.catalogues.x",
     "imports streamlit.components.v1"),
    ("from streamlit import cache_data\n", "suzhou_sim.calibration.fit", "from streamlit"),
    # privacy: by name, through a private module, as an attribute
    ("from .labels import _UNITS\n", "suzhou_sim.reporting.office", "imports _UNITS from"),
    ("from suzhou_sim.engine._private_mod import f\n", "app", "from private"),
    ("import suzhou_sim.app.text as T\nT._STRINGS\n", "app", "uses T._STRINGS"),
    ("from suzhou_sim.app import text\nx = text._BOUNDS\n", "app", "uses text._BOUNDS"),
])
def test_the_checker_finds_each_kind_of_problem(source, module, found):
    problems = import_problems(source, module, False, MODULES)
    assert len(problems) == 1 and found in problems[0], problems


@pytest.mark.parametrize(("source", "module"), [
    ("from .labels import fmt_value\n", "suzhou_sim.reporting.office"),
    ("from ..reporting.labels import unit_label\n", "suzhou_sim.app.text"),
    ("import streamlit as st\n", "suzhou_sim.app.views"),  # the app may use Streamlit
    ("import argparse\nargparse._SubParsersAction\n", "suzhou_sim.engine.x"),  # not ours
    ("__all__ = []\nfrom . import __version__\n", "suzhou_sim.engine.x"),  # dunder names
    ("def _helper():\n    pass\n_helper()\n", "suzhou_sim.reporting.office"),  # its own
])
def test_the_checker_allows_what_the_rules_allow(source, module):
    assert import_problems(source, module, False, MODULES) == []
