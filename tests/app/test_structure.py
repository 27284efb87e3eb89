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
    """The modules of ``suzhou_sim.app`` that ``path`` imports (by their last name)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level == 1 and module:
                out.add(module.split(".")[0])
            elif node.level == 1:
                out.update(a.name for a in node.names)
            elif module.startswith("suzhou_sim.app."):
                out.add(module.split(".")[2])
            elif module == "suzhou_sim.app":
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
    """No arrows up a floor: the compute room and the settings value import nothing that
    draws (views, pages, app.py); settings and state import neither Streamlit nor compute."""
    assert _app_imports(APP_DIR / "compute.py") == set()
    assert _app_imports(APP_DIR / "settings.py") == {"state"}
    for name in ("settings.py", "state.py"):
        text = (APP_DIR / name).read_text(encoding="utf-8")
        assert "import streamlit" not in text and "compute" not in _app_imports(APP_DIR / name)


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


@pytest.mark.parametrize("name", ["settings.py", "compute.py"])
def test_app_modules_say_what_lives_there(name):
    doc = ast.get_docstring(ast.parse((APP_DIR / name).read_text(encoding="utf-8")))
    assert doc and "Must not" in doc
