"""Dependency direction and privacy, read from the source with :mod:`ast` (nothing is imported).

The package's floors (``model/README.md``, "Package layout"), bottom up: the bottom modules
(``errors``, ``paths``, ``limits``, ``stats``, ``fileio/``), ``engine/``, ``catalogues/``,
``ensemble/``, ``calibration/``, ``studies/``, ``reporting/``, then ``cli/`` and ``app/`` side
by side, and the package's ``__init__``/``__main__`` on top. A module imports only from its
own floor's subpackage or from floors below (also lazily), and no modules import each other
in a circle. The layers under the app (``reporting``, ``studies``, ``calibration``, ``catalogues``,
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


#: Floor of each top-level part of the package (``suzhou_sim.<part>``); higher imports lower.
FLOORS = {
    "errors": 0, "wording": 0, "paths": 0, "limits": 0, "stats": 0, "fileio": 0,
    "engine": 1,
    "catalogues": 2,
    "ensemble": 3,
    "calibration": 4,
    "studies": 5,
    "reporting": 6,
    "cli": 7, "app": 7,
    "": 8, "__main__": 8,
}


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


def _part(module: str) -> str:
    """``suzhou_sim.studies.sweep`` -> ``studies``; the package itself -> ``""``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _resolve(target: str, modules: set[str]) -> str:
    """The project module ``target`` names (an imported name resolves to its module)."""
    while target and target not in modules:
        target = target.rpartition(".")[0]
    return target


def project_imports(source: str, module: str, is_package: bool, modules: set[str]
                    ) -> set[tuple[str, int]]:
    """The project modules ``source`` imports (anywhere in the file), with line numbers."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module, is_package)
            targets = [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for target in targets:
            resolved = _resolve(target, modules)
            if resolved.startswith(PACKAGE) and resolved != module:
                found.add((resolved, node.lineno))
    return found


def floor_problems(module: str, imported: set[tuple[str, int]]) -> list[str]:
    """Imports of ``module`` that run up a floor or sideways into another part of its floor.

    Parameters
    ----------
    module : str
        Dotted name of a module of the package.
    imported : set of (str, int)
        The project modules it imports with their lines (:func:`project_imports`).

    Returns
    -------
    list of str
        One line per problem.
    """
    part = _part(module)
    problems = []
    for target, line in sorted(imported, key=lambda t: t[1]):
        other = _part(target)
        if part not in FLOORS or other not in FLOORS:
            problems.append(f"{module}:{line}: {part or other!r} has no floor in FLOORS")
        elif FLOORS[other] > FLOORS[part] or (
                FLOORS[other] == FLOORS[part] and other != part and FLOORS[part] > 0):
            problems.append(f"{module}:{line}: imports {target} (floor {FLOORS[other]} "
                            f"{other}) from floor {FLOORS[part]} {part}")
    return problems


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other in a circle (strongly connected, size > 1)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return cycles


def _package_graph() -> dict[str, set[tuple[str, int]]]:
    files = {m: f for m, f in _project_files(REPO).items() if m.startswith(PACKAGE)}
    return {m: project_imports(f.read_text(encoding="utf-8"), m, f.name == "__init__.py",
                               set(files)) for m, f in files.items()}


def test_every_import_runs_down_a_floor_and_nothing_is_circular():
    graph = _package_graph()
    assert {_part(m) for m in graph} == set(FLOORS)  # every part has its floor, none is stale
    problems = [p for m, imported in graph.items() for p in floor_problems(m, imported)]
    assert problems == []
    assert import_cycles({m: {t for t, _ in i} for m, i in graph.items()}) == []


@pytest.mark.parametrize(("module", "target", "found"), [
    ("suzhou_sim.calibration.fit", "suzhou_sim.studies.sweep", "floor 5 studies"),
    ("suzhou_sim.calibration.fit", "suzhou_sim.reporting.fit_report", "floor 6 reporting"),
    ("suzhou_sim.studies.backtest", "suzhou_sim.cli.scenarios", "floor 7 cli"),
    ("suzhou_sim.catalogues.scenarios", "suzhou_sim.ensemble.runs", "floor 3 ensemble"),
    ("suzhou_sim.cli.common", "suzhou_sim.app.state", "floor 7 app"),  # sideways
    ("suzhou_sim.fileio.atomic", "suzhou_sim.engine", "floor 1 engine"),
    ("suzhou_sim.newpart.x", "suzhou_sim.errors", "no floor"),
])
def test_the_floor_check_finds_an_arrow_up_or_sideways(module, target, found):
    problems = floor_problems(module, {(target, 3)})
    assert len(problems) == 1 and found in problems[0], problems


@pytest.mark.parametrize(("module", "target"), [
    ("suzhou_sim.studies.sweep", "suzhou_sim.ensemble.runs"),
    ("suzhou_sim.ensemble.inputs", "suzhou_sim.catalogues.regions"),
    ("suzhou_sim.studies.discover", "suzhou_sim.studies.optimise"),  # its own part
    ("suzhou_sim.fileio.outputs", "suzhou_sim.paths"),  # the bottom floor shares
    ("suzhou_sim", "suzhou_sim.studies.backtest"),
])
def test_the_floor_check_allows_arrows_down(module, target):
    assert floor_problems(module, {(target, 3)}) == []


def test_the_cycle_check_finds_a_circle_also_through_a_third_module():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_cycles(graph) == [["a", "b", "c"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


def test_project_imports_resolve_names_lazy_imports_and_relative_levels():
    modules = {"suzhou_sim.fileio.atomic", "suzhou_sim.fileio.outputs", "suzhou_sim.fileio",
               "suzhou_sim.paths", "suzhou_sim"}
    source = ("from .atomic import keep_mode\n"
              "def f():\n    from .outputs import prepare_output_dir\n"
              "from ..paths import REPO_ROOT\nimport numpy\n")
    assert project_imports(source, "suzhou_sim.fileio.atomic", False, modules) == {
        ("suzhou_sim.fileio.outputs", 3), ("suzhou_sim.paths", 4)}


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
