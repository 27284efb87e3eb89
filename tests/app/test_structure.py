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
from tests.app.test_app import APP, lever, needs_suzhou, scoreboard

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


def test_app_py_is_the_frame_only():
    """``app.py`` sets up the page, the sidebar and the views: under 250 lines, no caches."""
    assert len((REPO_ROOT / "app.py").read_text(encoding="utf-8").splitlines()) < 250


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
                                  "pages/scoreboard.py", "pages/charts.py",
                                  "pages/compare.py", "pages/goal.py", "pages/about.py"])
def test_app_modules_say_what_lives_there(name):
    doc = ast.get_docstring(ast.parse((APP_DIR / name).read_text(encoding="utf-8")))
    assert doc and "Must not" in doc
