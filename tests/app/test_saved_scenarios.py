"""Saved scenarios on disk: they survive a new session, a taken name asks before it is
replaced, only files the app wrote are replaced or deleted, a broken file is one line.

Every test has its own folder (``SUZHOU_SIM_SCENARIO_DIR``, the ``scenario_store`` fixture
of ``tests/app/conftest.py``).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from suzhou_sim.app import state as S
from suzhou_sim.app.saved_view import store_problems
from suzhou_sim.app.scenario_store import (
    HEADER,
    ScenarioExists,
    delete_scenario,
    read_store,
    store_dir,
    stored_by_id,
    write_scenario,
)
from suzhou_sim.app.text import tr
from suzhou_sim.catalogues.scenarios import load_scenario, scenario_to_yaml
from suzhou_sim.errors import InputError
from suzhou_sim.paths import SCENARIOS_DIR
from tests.app.test_app import APP, lever, on_page, open_page

TITLE = "人才加码"


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


# --- the store without Streamlit --------------------------------------------------------------


def test_folder_comes_from_the_environment(scenario_store, monkeypatch):
    assert store_dir() == scenario_store
    monkeypatch.delenv("SUZHOU_SIM_SCENARIO_DIR")
    assert store_dir() == Path.home() / ".suzhou-sim" / "scenarios"


def test_store_writes_reads_and_refuses_to_replace_silently(scenario_store):
    base = load_scenario(SCENARIOS_DIR / "baseline.yaml")
    first = base.model_copy(update={"title_zh": TITLE, "title_en": TITLE})
    saved = write_scenario(first)
    path = scenario_store / f"{saved.name}.yaml"
    assert path.read_text(encoding="utf-8").startswith(HEADER)
    assert list(scenario_store.iterdir()) == [path]  # no temporary file left behind
    stored, problems = read_store()
    assert problems == [] and stored[TITLE].path == path and stored[TITLE].ours
    assert stored[TITLE].scenario == load_scenario(path)
    with pytest.raises(ScenarioExists):
        write_scenario(first)
    # another title whose file name would be the same gets a file of its own
    other = write_scenario(base.model_copy(update={"title_zh": "人才优先", "title_en": "x"}))
    assert other.name != saved.name and len(list(scenario_store.glob("*.yaml"))) == 2
    again = write_scenario(first, replace=True)
    assert again.name == saved.name and len(list(scenario_store.glob("*.yaml"))) == 2
    assert delete_scenario(TITLE) == path and not path.exists()


def test_files_not_written_by_the_app_are_listed_but_never_replaced_or_deleted(scenario_store):
    scenario_store.mkdir()
    hand = scenario_store / "by_hand.yaml"
    shutil.copy(SCENARIOS_DIR / "talent_first.yaml", hand)
    before = hand.read_bytes()
    title = load_scenario(hand).title_zh
    stored, _ = read_store()
    assert not stored[title].ours
    with pytest.raises(InputError, match="not saved by the app"):
        write_scenario(stored[title].scenario, replace=True)
    with pytest.raises(InputError, match="not saved by the app"):
        delete_scenario(title)
    assert hand.read_bytes() == before


# --- in the app ---------------------------------------------------------------------------------


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


def test_a_huge_file_in_the_folder_is_refused_by_its_size_without_reading_it(scenario_store,
                                                                              monkeypatch):
    scenario_store.mkdir()
    shutil.copy(SCENARIOS_DIR / "talent_first.yaml", scenario_store / "good.yaml")
    with (scenario_store / "huge.yaml").open("wb") as handle:
        handle.truncate(400 * 10**6)  # sparse: 400 MB that take no disk
    real_read = __import__("os").read
    sizes = []
    monkeypatch.setattr("os.read", lambda fd, n: (
        lambda data: sizes.append(len(data)) or data)(real_read(fd, n)))
    stored, problems = read_store(scenario_store)
    assert list(stored) == [load_scenario(SCENARIOS_DIR / "talent_first.yaml").title_zh]
    [problem] = [p for p in problems if p.file == "huge.yaml"]
    assert "larger than the limit of 1,000,000 bytes" in problem.message
    assert sum(sizes) < 50 * 10**6  # the 400 MB were never read


# --- names in any language, reserved titles, no shadowing -------------------------------------


@pytest.mark.parametrize("title, stem, download", [
    ("Plan A", "Plan_A", "Plan A.docx"),
    ("人才优先", "saved-", "人才优先.docx"),
    ("2026 人才计划", "2026-", "2026 人才计划.docx"),
    ('a/b:c?"', "a_b_c-", "a_b_c.docx"),
])
def test_titles_in_any_language_give_safe_file_and_download_names(title, stem, download):
    from suzhou_sim.app.scenario_store import download_name, file_stem

    assert file_stem(title).startswith(stem)
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", file_stem(title))  # a scenario name
    assert download_name(title, ".docx") == download


def test_two_chinese_titles_get_two_files_named_apart(scenario_store):
    base = load_scenario(SCENARIOS_DIR / "baseline.yaml")
    names = {write_scenario(base.model_copy(update={"title_zh": t, "title_en": t})).name
             for t in ("人才优先", "资本优先")}
    assert len(names) == 2 and not any(n in ("saved", "saved_2") for n in names)


def test_the_apps_own_file_is_never_hidden_by_a_copy_with_its_title(scenario_store):
    base = load_scenario(SCENARIOS_DIR / "baseline.yaml")
    ours = write_scenario(base.model_copy(update={"title_zh": TITLE, "title_en": TITLE}))
    # a hand-made copy named to sort first, with the same title and other levers
    copy = base.with_lever("special_fund", "15th", 500).model_copy(
        update={"name": "aaa", "title_zh": TITLE, "title_en": TITLE})
    (scenario_store / "aaa.yaml").write_text(scenario_to_yaml(copy), encoding="utf-8")
    stored, problems = read_store()
    assert stored[TITLE].ours and stored[TITLE].path.stem == ours.name
    assert [p.file for p in problems] == ["aaa.yaml"]  # reported, not silent


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


# --- stable ids -------------------------------------------------------------------------------


def _scenario(title: str, talent: float = 0.4):
    base = load_scenario(SCENARIOS_DIR / "talent_first.yaml")
    return base.model_copy(update={"title_zh": title, "title_en": title}).with_lever(
        "talent_weight", "15th", talent)


def test_a_saved_scenario_keeps_its_id_when_replaced_and_a_copy_does_not_share_it(
        scenario_store):
    write_scenario(_scenario(TITLE), scenario_store)
    [path] = scenario_store.glob("*.yaml")
    first = read_store(scenario_store)[0][TITLE].id
    assert path.read_text(encoding="utf-8").splitlines()[1] == f"# id: {first}"
    write_scenario(_scenario(TITLE, 0.3), scenario_store, replace=True)
    assert read_store(scenario_store)[0][TITLE].id == first
    write_scenario(_scenario("另一个"), scenario_store)
    assert read_store(scenario_store)[0]["另一个"].id != first
    # a whole copy of the app's file (its id line too) does not take the id over
    shutil.copy(path, scenario_store / "zz_copy.yaml")
    stored, problems = read_store(scenario_store)
    assert stored[TITLE].path == path and stored[TITLE].id == first
    assert any(p.file == "zz_copy.yaml" for p in problems)
    # a file made by hand gets an id from its file name, the same on every read
    shutil.copy(SCENARIOS_DIR / "talent_first.yaml", scenario_store / "by_hand.yaml")
    hand = next(s for s in read_store(scenario_store)[0].values()
                if s.path.name == "by_hand.yaml")
    assert hand.id.startswith("f-") and hand.id not in (first,)
    assert stored_by_id(hand.id, scenario_store).path == hand.path
    assert stored_by_id(first, scenario_store).path == path


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
