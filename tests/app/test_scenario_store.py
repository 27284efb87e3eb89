"""Saved scenarios on disk (``app/scenario_store.py``): written and read back, a taken name
refused, only files the app wrote are replaced or deleted, safe file names, stable ids.

Every test has its own folder (``SUZHOU_SIM_SCENARIO_DIR``, the ``scenario_store`` fixture
of ``tests/app/conftest.py``).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from suzhou_sim.app.scenario_store import (
    HEADER,
    ScenarioExists,
    delete_scenario,
    read_store,
    store_dir,
    stored_by_id,
    write_scenario,
)
from suzhou_sim.catalogues.scenarios import load_scenario, scenario_to_yaml
from suzhou_sim.errors import InputError
from suzhou_sim.paths import SCENARIOS_DIR

TITLE = "人才加码"


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


