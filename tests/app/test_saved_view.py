"""The saved-scenario controls (``app/saved_view.py``) through AppTest: a saved scenario
survives a new session, a taken name asks before it is replaced, only files the app wrote
can be deleted, a broken file is one line, links name a saved scenario by its id.

Every test has its own folder (``SUZHOU_SIM_SCENARIO_DIR``, the ``scenario_store`` fixture of
``tests/app/conftest.py``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from suzhou_sim.app import state as S
from suzhou_sim.app.saved_view import store_problems
from suzhou_sim.app.scenario_store import HEADER, read_store
from suzhou_sim.app.text import tr
from suzhou_sim.catalogues.scenarios import load_scenario, scenario_to_yaml
from suzhou_sim.paths import SCENARIOS_DIR
from tests.app.apptest import APP, lever, on_page, open_page
from tests.app.test_scenario_store import TITLE


def _session() -> AppTest:
    """A new session without URL parameters (as another planner opening the app)."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def _save(at: AppTest, title: str) -> None:
    on_page(at).text_input(key="save_name").input(title).run()
    at.button(key="save_scenario").click().run()
    assert not at.exception, at.exception


def _talent_15th(path: Path) -> float:
    return load_scenario(path).lever_value("talent_weight", "15th")


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_saved_scenario_survives_a_new_session_and_is_compared(scenario_store):
    at = _session()
    lever(at, "talent_weight", "15th").set_value(0.4).run()
    _save(at, TITLE)
    assert any(TITLE in s.value for s in at.success)
    [path] = scenario_store.glob("*.yaml")
    assert path.read_text(encoding="utf-8").startswith(HEADER) and _talent_15th(path) == 0.4
    # the folder and who sees it are stated where one saves
    assert tr("saved_folder", "zh", folder=scenario_store) in [c.value for c in at.caption]

    fresh = _session()  # no URL: the scenario comes from the folder
    assert TITLE in S.saved_scenarios(fresh.session_state, "suzhou")
    assert any(TITLE in c.value for c in fresh.caption)  # the saved list
    fresh.selectbox(key=S.K_PICK).set_value(S.SAVED_PREFIX + TITLE).run()
    assert lever(fresh, "talent_weight", "15th").value == 0.4
    open_page(fresh, "compare")
    fresh.multiselect(key="compare.suzhou").set_value(["baseline", S.SAVED_PREFIX + TITLE]).run()
    fresh.button(key="run_compare").click().run()
    assert not fresh.exception, fresh.exception
    assert TITLE in fresh.dataframe[-1].value.columns


def test_saving_a_taken_name_asks_first(scenario_store):
    at = _session()
    lever(at, "talent_weight", "15th").set_value(0.4).run()
    _save(at, TITLE)
    [path] = scenario_store.glob("*.yaml")
    fresh = _session()  # the name is taken on disk, not in this session
    lever(fresh, "talent_weight", "15th").set_value(0.3).run()
    _save(fresh, TITLE)
    assert tr("save_exists", "zh", name=TITLE) in [w.value for w in fresh.warning]
    assert _talent_15th(path) == 0.4  # nothing replaced yet
    fresh.button(key="save_cancel").click().run()
    assert tr("save_exists", "zh", name=TITLE) not in [w.value for w in fresh.warning]
    assert _talent_15th(path) == 0.4
    _save(fresh, TITLE)
    fresh.button(key="save_replace").click().run()
    assert not fresh.exception, fresh.exception
    assert list(scenario_store.glob("*.yaml")) == [path] and _talent_15th(path) == 0.3
    assert fresh.session_state[S.K_PICK] == S.SAVED_PREFIX + TITLE


def test_broken_files_are_one_line_with_a_chinese_line_each_naming_it(scenario_store):
    scenario_store.mkdir()
    (scenario_store / "坏文件.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    text = (SCENARIOS_DIR / "talent_first.yaml").read_text(encoding="utf-8")
    (scenario_store / "bad_lever.yaml").write_text(
        text.replace("talent_weight", "talent_wieght", 1), encoding="utf-8")
    at = _session()
    # one line above the levers for every user; the files on demand (an expander)
    assert [e.label for e in at.expander if "⚠" in e.label or "无法读取" in e.label] == [
        tr("broken_files", "zh", n=2)]
    shown = [c.value for c in at.caption
             if c.value.startswith(tr("saved_broken", "zh", line=""))]
    for name in ("坏文件.yaml", "bad_lever.yaml"):
        [line] = [s for s in shown if name in s]
        assert "\n" not in line and "Traceback" not in line and _cjk(line), line
    assert len(store_problems("en")) == 2


def test_only_app_written_scenarios_can_be_deleted(scenario_store):
    scenario_store.mkdir()
    shutil.copy(SCENARIOS_DIR / "talent_first.yaml", scenario_store / "by_hand.yaml")
    hand_title = load_scenario(scenario_store / "by_hand.yaml").title_zh
    at = _session()
    at.selectbox(key=S.K_PICK).set_value(S.SAVED_PREFIX + hand_title).run()
    assert at.button(key="delete_saved").disabled
    lever(at, "talent_weight", "15th").set_value(0.4).run()
    _save(at, TITLE)
    [ours] = [p for p in scenario_store.glob("*.yaml") if p.name != "by_hand.yaml"]
    at.button(key="delete_saved").click().run()
    assert tr("delete_confirm", "zh", name=TITLE) in [w.value for w in at.warning]
    assert ours.exists()  # not before it is confirmed
    at.button(key="delete_yes").click().run()
    assert not at.exception, at.exception
    assert not ours.exists() and (scenario_store / "by_hand.yaml").exists()
    assert at.session_state[S.K_PICK] == "baseline"
    assert lever(at, "talent_weight", "15th").value == 0.4  # the settings stay on screen
    assert TITLE not in S.saved_scenarios(_session().session_state)


@pytest.mark.parametrize("title, key", [
    ("", "save_empty"),
    (load_scenario(SCENARIOS_DIR / "baseline.yaml").title_zh, "save_reserved"),
    (load_scenario(SCENARIOS_DIR / "kunshan_2026.yaml").title_en, "save_reserved"),
])
def test_empty_and_built_in_names_are_refused_in_chinese(scenario_store, title, key):
    at = _session()
    on_page(at).text_input(key="save_name").input(title).run()
    at.button(key="save_scenario").click().run()
    assert not at.exception, at.exception
    assert tr(key, "zh", name=title) in [w.value for w in at.warning]
    assert not scenario_store.exists() or not list(scenario_store.glob("*.yaml"))


def _link_without_records(at: AppTest) -> dict[str, str]:
    """The page's link as another planner gets it when the scenario is on the server's
    disk: without the ``saved`` records (the scenario is then found by its id only)."""
    return {k: v if isinstance(v, str) else v[-1] for k, v in at.query_params.items()
            if k != S.Q_SAVED}


def _open(params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update(params)
    at.run()
    assert not at.exception, at.exception
    return at


def test_links_name_a_saved_scenario_by_its_id_not_its_title(scenario_store):
    at = _session()
    lever(at, "talent_weight", "15th").set_value(0.4).run()
    _save(at, TITLE)
    ident = read_store()[0][TITLE].id
    params = _link_without_records(at)
    assert params[S.Q_SCENARIO] == S.SAVED_PREFIX + ident and TITLE not in params.values()
    opened = _open(params)
    assert opened.session_state[S.K_PICK] == S.SAVED_PREFIX + TITLE
    assert lever(opened, "talent_weight", "15th").value == 0.4
    # the app's file goes; a file copied in by hand under the same title cannot answer
    [ours] = scenario_store.glob("*.yaml")
    ours.unlink()
    (scenario_store / "by_hand.yaml").write_text(
        scenario_to_yaml(load_scenario(SCENARIOS_DIR / "talent_first.yaml").model_copy(
            update={"title_zh": TITLE, "title_en": TITLE})), encoding="utf-8")
    assert TITLE in read_store()[0]
    missing = _open(params)
    assert missing.session_state[S.K_PICK] == "baseline"
    [warning] = [w.value for w in missing.warning if ident in w.value]
    assert "没有此编号的已保存情景" in warning and "可能已被删除" in warning, warning
    english = _open({**params, S.Q_LANG: "en"})
    [warning] = [w.value for w in english.warning if ident in w.value]
    assert "no saved scenario with this id" in warning, warning


def test_a_link_keeps_its_id_through_the_saved_record_on_another_server(scenario_store):
    at = _session()
    lever(at, "talent_weight", "15th").set_value(0.4).run()
    _save(at, TITLE)
    ident = read_store()[0][TITLE].id
    params = {k: v for k, v in at.query_params.items()}
    for path in scenario_store.glob("*.yaml"):  # another server: an empty folder
        path.unlink()
    opened = AppTest.from_file(str(APP), default_timeout=60)
    opened.query_params.update(params)
    opened.run()
    assert not opened.exception, opened.exception
    assert opened.session_state[S.K_PICK] == S.SAVED_PREFIX + TITLE
    assert opened.query_params[S.Q_SCENARIO] == S.SAVED_PREFIX + ident
