"""The app package's structure: one room that caches, arrows that point down, and a lever
step that writes no scenario text."""

from __future__ import annotations

import ast
import re

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from suzhou_sim.app import state as S
from suzhou_sim.catalogues.scenarios import Scenario
from suzhou_sim.paths import REPO_ROOT
from tests.app.apptest import APP, lever, needs_suzhou, scoreboard

APP_DIR = REPO_ROOT / "suzhou_sim" / "app"


def _sources():
    return {p: p.read_text(encoding="utf-8") for p in [REPO_ROOT / "app.py",
                                                      *sorted(APP_DIR.rglob("*.py"))]}


def _app_imports(path) -> set[str]:
    """The modules of ``suzhou_sim.app`` that ``path`` imports (by their first name below
    ``suzhou_sim.app``: ``pages`` for any page)."""
    # the dotted package of ``path``, for relative imports
    package = ["suzhou_sim", *path.relative_to(REPO_ROOT / "suzhou_sim").parent.parts] \
        if path.is_relative_to(REPO_ROOT / "suzhou_sim") else []
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = package[:len(package) - node.level + 1]
            module = ".".join(base + ([node.module] if node.module else []))
        else:
            module = node.module or ""
        parts = module.split(".")
        if parts[:2] != ["suzhou_sim", "app"]:
            continue
        if len(parts) > 2:
            out.add(parts[2])
        else:
            out.update(a.name for a in node.names)
    return out


def test_only_compute_caches_with_streamlit():
    """``st.cache_data``/``st.cache_resource`` appear in ``app/compute.py`` alone (one cache
    per kind of result, shared across sessions); no other app module keeps results."""
    found = {p.relative_to(REPO_ROOT).as_posix() for p, text in _sources().items()
             if re.search(r"\bcache_(?:data|resource)\b", "\n".join(
                 line for line in text.splitlines() if not line.lstrip().startswith("#")))}
    # the docstring of compute.py names them too; every other module must not
    assert found == {"suzhou_sim/app/compute.py"}, found


def test_compute_imports_no_app_module_and_settings_no_streamlit():
    """No arrows up a floor: the compute room imports only the display builders
    (``app.views``), nothing that draws a page; settings and state import neither Streamlit
    nor compute; the pages import no other page and not the sidebar."""
    assert _app_imports(APP_DIR / "compute.py") == {"views"}
    assert _app_imports(APP_DIR / "settings.py") == {"state"}
    for name in ("settings.py", "state.py"):
        text = (APP_DIR / name).read_text(encoding="utf-8")
        assert "import streamlit" not in text and "compute" not in _app_imports(APP_DIR / name)
    pages = sorted((APP_DIR / "pages").glob("*.py"))
    assert {p.stem for p in pages} >= {"scoreboard", "charts", "compare", "goal", "about"}
    for path in pages:
        assert not _app_imports(path) & ({p.stem for p in pages} | {"sidebar", "pages"}), path
    for path in sorted(APP_DIR.glob("*.py")):  # below the pages: nothing imports them
        assert "pages" not in _app_imports(path), path


#: What a page may take from the floors that compute (``studies``): types and pure
#: predicates of the catalogues, nothing that runs the model. Everything else comes from
#: ``app.compute``.
PAGE_STUDIES_ALLOWED = {("suzhou_sim.studies.driven", "driver_settings"),
                        ("suzhou_sim.studies.driven", "is_range"),
                        ("suzhou_sim.studies.goal_seek", "GoalSeekResult")}
#: Floors a page must not import at all: they run the model or fit it.
COMPUTING = ("suzhou_sim.engine", "suzhou_sim.ensemble", "suzhou_sim.calibration")
#: Names that keep results: Streamlit's caches and functools'.
CACHES = {"cache_data", "cache_resource", "lru_cache", "cache", "cached_property"}


def _absolute(node: ast.ImportFrom, package: list[str]) -> str:
    if not node.level:
        return node.module or ""
    base = package[:len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def page_problems(source: str, package: str = "suzhou_sim.app.pages") -> list[str]:
    """What makes the module ``source`` more than a page that reads results and draws: a
    cache, an import of a floor that computes, a ``studies`` name outside
    :data:`PAGE_STUDIES_ALLOWED`, another page."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute | ast.Name):
            name = node.attr if isinstance(node, ast.Attribute) else node.id
            if name in CACHES:
                problems.append(f"caches: {name}")
        elif isinstance(node, ast.Import):
            problems += [f"imports {a.name}" for a in node.names
                         if a.name.startswith(COMPUTING) or a.name.startswith(
                             ("suzhou_sim.studies", "functools", "suzhou_sim.app.pages"))]
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, package.split("."))
            names = [a.name for a in node.names]
            problems += [f"caches: {n}" for n in names if n in CACHES]
            if module.startswith(COMPUTING) or module == "functools":
                problems.append(f"imports {module}")
            elif module.startswith("suzhou_sim.studies"):
                problems += [f"imports {module}.{n}" for n in names
                             if (module, n) not in PAGE_STUDIES_ALLOWED]
            elif module.startswith("suzhou_sim.app.pages") or (
                    module == "suzhou_sim.app" and "pages" in names):
                problems.append(f"imports the page(s) {module} {names}")
    return problems


def test_pages_only_read_results_and_draw():
    """Every page module: no cache, no import of what computes (``engine``, ``ensemble``,
    ``calibration``, ``studies`` beyond types and predicates), no other page."""
    pages = sorted(p for p in (APP_DIR / "pages").glob("*.py") if p.stem != "__init__")
    assert len(pages) == 7
    for path in pages:
        assert page_problems(path.read_text(encoding="utf-8")) == [], path


@pytest.mark.parametrize("source", [
    "import streamlit as st\n@st.cache_data\ndef f(): ...\n",
    "from functools import lru_cache\n",
    "from ...studies.scenario_runs import run_scenario\n",
    "from suzhou_sim.studies.goal_seek import goal_seek_all\n",
    "from ...ensemble.runner import run_ensemble\n",
    "import suzhou_sim.engine.simulate\n",
    "from suzhou_sim.app.pages.goal import view_goal\n",
])
def test_the_page_check_finds_a_page_that_caches_or_computes(source):
    assert page_problems(source)


def _calls(tree: ast.AST) -> set[str]:
    """``a.b`` for every call ``a.b(...)`` (and ``x.run`` as ``*.run``)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            value = node.func.value
            out.add(f"{value.id if isinstance(value, ast.Name) else '*'}.{node.func.attr}")
    return out


def frame_problems(source: str) -> list[str]:
    """What makes ``app.py``'s ``source`` more than the frame: no ``st.navigation`` over
    ``st.Page`` pages, no ``.run()`` of the page, or an import of a page or of a view it
    would then draw itself."""
    tree = ast.parse(source)
    calls = _calls(tree)
    problems = [f"no {c}" for c in ("st.navigation", "st.Page") if c not in calls]
    if not any(c.endswith(".run") for c in calls):
        problems.append("the page is never run")
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module, names = node.module or "", [a.name for a in node.names]
            if module.startswith("suzhou_sim.app.pages") or any(
                    n == "pages" or n.endswith("_view") or n.startswith("view_")
                    for n in names):
                problems.append(f"imports {module} {names}")
    return problems


def test_app_py_is_the_frame_only():
    """``app.py`` sets up the page, the sidebar and the navigation: under 250 lines,
    ``st.navigation`` over one ``st.Page`` per page module, no page or view of its own."""
    text = (REPO_ROOT / "app.py").read_text(encoding="utf-8")
    assert len(text.splitlines()) < 250
    assert frame_problems(text) == []
    views = next(ast.literal_eval(node.value) for node in ast.parse(text).body
                 if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "VIEWS")
    assert set(views) == {p.stem for p in (APP_DIR / "pages").glob("*.py")} - {"__init__"}


@pytest.mark.parametrize("source", [
    "import streamlit as st\nst.segmented_control('v', ['a'])\n",  # a selector, no pages
    "import streamlit as st\nst.navigation([])\n",  # no st.Page, nothing run
    "import streamlit as st\npg = st.navigation([st.Page('a.py')])\npg.run()\n"
    "from suzhou_sim.app.pages.goal import view_goal\n",
    "import streamlit as st\npg = st.navigation([st.Page('a.py')])\npg.run()\n"
    "from suzhou_sim.app import portfolio_view\n",
    "import streamlit as st\npg = st.navigation([st.Page('a.py')])\npg.run()\n"
    "from suzhou_sim.app.effects_view import view_effects\n",
])
def test_the_frame_check_finds_an_app_py_that_is_more_than_the_frame(source):
    assert frame_problems(source)


def test_no_app_module_imports_app_py():
    for path, text in _sources().items():
        assert not re.search(r"^\s*(from app import|import app\b)", text, re.M), path


@needs_suzhou
def test_a_lever_step_writes_no_yaml_or_json_of_a_scenario(monkeypatch):
    """A slider step builds the scenario from the settings and keys its runs by the object:
    no ``yaml.dump`` and no ``Scenario.model_dump_json`` on the way (both were used as
    cache keys before)."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception
    before, _ = scoreboard(at)
    slider = lever(at, "special_fund", "14th")
    calls: list[str] = []
    dump, dump_json = yaml.dump, Scenario.model_dump_json

    def counting_dump(*args, **kwargs):
        calls.append("yaml.dump")
        return dump(*args, **kwargs)

    def counting_json(self, *args, **kwargs):
        calls.append("Scenario.model_dump_json")
        return dump_json(self, *args, **kwargs)

    monkeypatch.setattr(yaml, "dump", counting_dump)
    monkeypatch.setattr(Scenario, "model_dump_json", counting_json)
    slider.set_value(float(at.session_state[S.lever_widget_key("special_fund", "14th")])
                     + 100).run()
    assert not at.exception
    after, _ = scoreboard(at)
    assert after != before  # the step did run the new settings
    assert calls == []


@pytest.mark.parametrize("name", ["settings.py", "compute.py", "live.py", "sidebar.py",
                                  "frame.py", "pages/scoreboard.py", "pages/charts.py",
                                  "pages/compare.py", "pages/goal.py", "pages/about.py",
                                  "pages/effects.py", "pages/portfolio.py"])
def test_app_modules_say_what_lives_there(name):
    doc = ast.get_docstring(ast.parse((APP_DIR / name).read_text(encoding="utf-8")))
    assert doc and "Must not" in doc
