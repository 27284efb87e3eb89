"""The tests mirror the package: each module with logic has its own test module.

Read from the source with :mod:`ast` (nothing is imported). A module "has logic" when it
defines a function or a class at its top level; one that only holds constants, imports and
re-exports does not. Its tests live in the mirror file:

* ``suzhou_sim/<sub>/<mod>.py`` -> ``tests/<sub>/test_<mod>.py`` (also deeper, e.g.
  ``suzhou_sim/app/pages/goal.py`` -> ``tests/app/pages/test_goal.py``);
* a top-level module ``suzhou_sim/<mod>.py`` -> ``tests/test_<mod>.py``;
* a package's ``__init__.py`` -> ``test_<package>.py`` in the package's test folder
  (``suzhou_sim/__init__.py`` -> ``tests/test_suzhou_sim.py``,
  ``suzhou_sim/cli/__init__.py`` -> ``tests/cli/test_cli.py``);
* the app's frame ``app.py`` (at the repository's root) -> ``tests/app/test_app.py``.

The exceptions are explicit and small, each with its reason, and each entry must still
name something that exists, so the lists cannot rot: :data:`TESTED_ELSEWHERE` (a module
with logic whose tests live in another file), :data:`BEHAVIOUR_SUITES` (folders of tests of
the model as a whole) and :data:`TOPIC_FILES` (a test file named for a topic, not for a
module). Any other ``tests/**/test_<x>.py`` must be the mirror of an existing module, so a
test file cannot outlive the module it was named for.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "suzhou_sim"
TESTS = REPO / "tests"

#: Modules outside the package whose mirror is given by hand (path from the repository's root).
SCRIPTS = {
    "app.py": "tests/app/test_app.py",
}

#: Modules with logic whose tests live elsewhere (module path -> where and why).
TESTED_ELSEWHERE: dict[str, str] = {
    # the app's frame and sidebar draw through Streamlit: AppTest drives them as a whole
    "suzhou_sim/app/frame.py": "drawn around every page: tests/app/test_app.py, test_pages.py",
    "suzhou_sim/app/sidebar.py": "the sidebar's controls, through the app: tests/app/test_app.py",
    # the command that is the module's only user holds its tests (on real files)
    "suzhou_sim/catalogues/data_update.py": "``data check``/``data add``: tests/cli/test_data.py",
}

#: Folders of tests of the model or the product as a whole (not of one module).
BEHAVIOUR_SUITES = {
    "tests/model": "the model's behaviour, units, timeline and documentation as a whole",
}

#: Test files named for a topic, not for a module (path -> why they are not a mirror).
TOPIC_FILES = {
    # the repository as a whole
    "tests/test_layout.py": "this check: the tests mirror the package",
    "tests/test_imports.py": "the import direction of every module (model/README.md's floors)",
    "tests/test_vocabulary.py": "each fact defined in one module, over the whole package",
    "tests/test_notebooks.py": "the researchers' notebooks run end to end",
    "tests/test_ci_skips.py": "the pytest plugin tests/ci_skips.py (not a package module)",
    # the wording room: texts of many modules checked in one place
    "tests/wording/test_office_texts.py": "the Word/Excel texts in both languages",
    "tests/wording/test_effects_texts.py": "the lever-effects texts in both languages",
    "tests/wording/test_report_texts.py": "the report texts in both languages",
    "tests/wording/test_no_chinese_in_code.py": "no Chinese text in the code, over the package",
    "tests/wording/test_engine_errors.py": "the engine's errors rendered in both languages",
    "tests/wording/test_misc_phrases.py": "the phrases moved out of the app, CLI and catalogues",
    "tests/wording/test_study_errors.py": "every study's bad-input line, one table per module",
    # behaviour across many modules
    "tests/app/test_app_browser.py": "the app in a real browser (Playwright), end to end",
    "tests/app/test_app_warnings.py": "the input warnings as the app shows them",
    "tests/app/test_pages.py": "every page reached through the view selector and the URL",
    "tests/app/test_structure.py": "the app package's structure: one caching room, arrows down",
    "tests/catalogues/test_malformed_files.py": "every catalogue file, when malformed, one line",
    "tests/catalogues/test_user_texts.py": "the catalogues' user-facing texts cite documents",
    "tests/cli/test_bad_input.py": "bad command-line input: exit 2, one line, nothing written",
    "tests/cli/test_hostile.py": "hostile input per command (issue 26 item 8)",
    "tests/cli/test_new_region.py": "a new region from files alone, end to end",
    "tests/engine/test_folding.py": "folded against unfolded code on every peer model",
    "tests/engine/test_peer_models.py": "conformance of every peer model with Vensim and PySD",
    "tests/studies/test_effects_benchmarks.py": "lever costs against the evidence",
    "tests/studies/test_exceedance.py": "probabilities obey arithmetic over the whole ledger",
    "tests/studies/test_plan_trend.py": "the plan-trend benchmark across backtest and skill",
    "tests/studies/test_predictive_scenarios.py": "scenario runs show the predictive distribution",
    "tests/studies/test_sweep_dask.py": "sweeps on common random numbers, Dask against in-process",
}


def _has_logic(path: Path) -> bool:
    """Whether the module defines a function or a class at its top level."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return any(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
               for node in tree.body)


def mirror(module: Path) -> Path:
    """The test file of a package module (``suzhou_sim/...``), as a path from the repository."""
    rel = module.relative_to(REPO)
    folder = Path("tests", *rel.parts[1:-1])
    name = rel.parent.name if rel.name == "__init__.py" else rel.stem
    return folder / f"test_{name}.py"


def modules_with_logic() -> list[str]:
    """Every module of the package with logic, as paths from the repository's root."""
    return sorted(p.relative_to(REPO).as_posix() for p in PACKAGE.rglob("*.py")
                  if _has_logic(p))


def expected_test_files() -> dict[str, str]:
    """Mirror test file -> the module it tests, for every package module and :data:`SCRIPTS`."""
    found = {mirror(p).as_posix(): p.relative_to(REPO).as_posix()
             for p in PACKAGE.rglob("*.py")}
    found.update({test: module for module, test in SCRIPTS.items()})
    return found


def test_the_mirror_rule_by_example():
    assert mirror(PACKAGE / "errors.py") == Path("tests/test_errors.py")
    assert mirror(PACKAGE / "__init__.py") == Path("tests/test_suzhou_sim.py")
    assert mirror(PACKAGE / "cli" / "__init__.py") == Path("tests/cli/test_cli.py")
    assert mirror(PACKAGE / "app" / "pages" / "goal.py") == Path("tests/app/pages/test_goal.py")
    assert mirror(PACKAGE / "studies" / "skill.py") == Path("tests/studies/test_skill.py")


def test_a_module_of_only_constants_has_no_logic(tmp_path: Path):
    plain = tmp_path / "plain.py"
    plain.write_text('"""Doc."""\nfrom x import y\nA = 1\n__all__ = ["y"]\n', encoding="utf-8")
    logic = tmp_path / "logic.py"
    logic.write_text("A = 1\n\nclass B:\n    pass\n", encoding="utf-8")
    assert not _has_logic(plain)
    assert _has_logic(logic)


@pytest.mark.parametrize("module", modules_with_logic())
def test_each_module_with_logic_has_its_test_module(module: str):
    if module in TESTED_ELSEWHERE:
        return
    test_file = mirror(REPO / module).as_posix()
    assert (REPO / test_file).is_file(), (
        f"{module} has logic but no test module {test_file}: move its tests there, or "
        f"list it in TESTED_ELSEWHERE with a reason")


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_each_script_has_its_test_module(script: str):
    assert (REPO / script).is_file(), f"{script} in SCRIPTS is gone"
    assert (REPO / SCRIPTS[script]).is_file(), f"{script} has no test module {SCRIPTS[script]}"


def test_the_exceptions_name_what_exists():
    with_logic = set(modules_with_logic())
    for module, reason in TESTED_ELSEWHERE.items():
        assert module in with_logic, f"TESTED_ELSEWHERE names {module}: gone or without logic"
        assert not (REPO / mirror(REPO / module)).is_file(), (
            f"{module} has its test module now: drop it from TESTED_ELSEWHERE")
        assert reason.strip()
    for listed in (*BEHAVIOUR_SUITES, *TOPIC_FILES):
        assert (REPO / listed).exists(), (
            f"{listed} is listed as a topic or behaviour suite but does not exist")
    for path in TOPIC_FILES:
        assert path not in expected_test_files(), (
            f"{path} is the mirror of {expected_test_files()[path]}: not a topic file")


def test_no_test_file_is_named_for_a_missing_module():
    expected = expected_test_files()
    stray = []
    for path in sorted(TESTS.rglob("test_*.py")):
        rel = path.relative_to(REPO).as_posix()
        if rel in expected or rel in TOPIC_FILES:
            continue
        if any(rel.startswith(folder + "/") for folder in BEHAVIOUR_SUITES):
            continue
        stray.append(rel)
    assert not stray, (
        f"test files named for no module of the package: {stray}; rename them to the "
        f"module they test, or list them in TOPIC_FILES with a reason")
