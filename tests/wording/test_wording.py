"""The wording room: say(), its data files, structured errors rendered from their code."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from suzhou_sim.errors import InputError
from suzhou_sim.fileio.safe_yaml import parse_yaml
from suzhou_sim.wording import LANGS, WordingKeyError, keys, placeholders, say, texts
from suzhou_sim.wording.problems import Names, Problem

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "suzhou_sim"
CJK = re.compile(r"[\u4e00-\u9fff]")

#: Modules whose every ``raise InputError(...)`` carries a code (or coded problems).
CONVERTED = [
    "catalogues/scenarios.py",
    "fileio/safe_yaml.py",
    "fileio/text.py",
    "limits.py",
    "catalogues/observations.py",
    "app/scenario_store.py",
    "studies/goal_seek.py",
    "cli/__init__.py",
    "cli/backtest.py",
    "cli/calibrate.py",
    "cli/common.py",
    "cli/decision.py",
    "cli/report.py",
    "cli/scenarios.py",
    "cli/sensitivity.py",
    "cli/sketch.py",
    "cli/effects.py",
    "cli/data.py",
    "cli/listing.py",
    "studies/backtest.py",
    "studies/discover.py",
    "studies/driven.py",
    "studies/effects.py",
    "studies/optimise.py",
    "studies/predictive.py",
    "studies/prior_sensitivity.py",
    "studies/scenario_runs.py",
    "studies/sensitivity.py",
    "studies/skill.py",
    "studies/sweep.py",
    "catalogues/evidence.py",
    "catalogues/regions.py",
    "catalogues/indicators.py",
    "catalogues/targets.py",
    "catalogues/csv_tables.py",
    "catalogues/observation_checks.py",
    "catalogues/data_update.py",
    "calibration/fit.py",
    "calibration/sbc.py",
    "calibration/evidence_priors.py",
    "calibration/posterior.py",
    "calibration/provenance.py",
    "calibration/resolve.py",
    "fileio/outputs.py",
    "ensemble/cluster.py",
    "ensemble/inputs.py",
    "reporting/backtest_report.py",
    "reporting/office.py",
    "reporting/sensitivity_text.py",
    "errors.py",
]


def _error_keys() -> list[str]:
    import yaml

    keys: list[str] = []
    # One file per area (errors.yaml, errors_<area>.yaml), so areas can grow side by side.
    for path in sorted((PACKAGE / "wording/texts").glob("errors*.yaml")):
        keys += list(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    return keys


def _sample_values(text: str) -> dict[str, object]:
    values: dict[str, object] = {}
    for _, name, spec, _ in string.Formatter().parse(text):
        if not name:
            continue
        if spec.endswith(("g", "%")):
            values[name] = 0.25
        elif spec.endswith((",", "x")):
            values[name] = 4096
        else:
            values[name] = "X"
    return values


@pytest.mark.parametrize("key", keys())
def test_every_key_has_both_languages_with_the_same_placeholders(key):
    entry = texts()[key]
    assert set(entry) == set(LANGS)
    if key != "unit.Dmnl":  # dimensionless: no name in either language
        assert entry["zh"].strip() and entry["en"].strip(), key
    assert placeholders(entry["zh"]) == placeholders(entry["en"]), key


@pytest.mark.parametrize("path", sorted((PACKAGE / "wording" / "texts").glob("*.yaml")),
                         ids=lambda p: p.name)
def test_the_texts_read_fast_are_what_the_checking_reader_reads(path):
    # texts() uses libyaml's loader, which keeps the last of two equal keys; the product's
    # checking reader refuses a duplicate key, so a translator's repeated key fails here.
    checked = parse_yaml(path.read_text(encoding="utf-8"), path) or {}
    assert checked, path
    assert all(texts()[key] == entry for key, entry in checked.items())


def test_a_repeated_key_in_a_texts_file_is_caught_by_the_checking_reader():
    with pytest.raises(InputError, match="duplicate"):
        parse_yaml("a:\n  zh: 甲\n  en: A\na:\n  zh: 乙\n  en: B\n", "texts/x.yaml")


def test_say_fills_values_and_defaults_to_chinese():
    assert say("upload_ok", name="甲") == "已导入情景 甲。"
    assert say("upload_ok", "en", name="A") == "Scenario A loaded."


def test_an_unknown_key_is_a_programming_error():
    with pytest.raises(WordingKeyError, match="no_such_key") as info:
        say("no_such_key", "zh")
    assert isinstance(info.value, KeyError)


def test_the_app_wrappers_read_the_wording_room():
    from suzhou_sim.app.text import tr
    from suzhou_sim.reporting.headline_text import HEADLINE_TITLE
    from suzhou_sim.reporting.markdown import STATUS_TEXT

    assert tr("app_title", "zh") == say("app_title", "zh")
    assert tr("headline", "en") == HEADLINE_TITLE[1] == say("headline_title", "en")
    assert STATUS_TEXT["met"][:2] == (say("status_met", "en"), say("status_met", "zh"))
    assert "{" not in STATUS_TEXT["prior_driven"][2] + STATUS_TEXT["prior_driven"][3]


@pytest.mark.parametrize("code", _error_keys())
def test_every_error_code_renders_in_both_languages(code):
    entry = texts()[code]
    values = _sample_values(entry["en"])
    zh, en = say(code, "zh", **values), say(code, "en", **values)
    assert "{" not in zh and "{" not in en
    assert zh != en, code
    if code.startswith("err."):
        assert CJK.search(zh), code


def test_every_code_used_in_the_package_is_in_the_data_files():
    used = set()
    for path in PACKAGE.rglob("*.py"):
        used |= set(re.findall(r"""(?:code=|Problem\(|Phrase\()["'](err\.[\w.]+)["']""",
                               path.read_text(encoding="utf-8")))
    assert used, "no coded problems found"
    assert sorted(used - set(texts())) == []


@pytest.mark.parametrize("module", CONVERTED)
def test_converted_modules_raise_only_coded_input_errors(module):
    tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
    bare = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "InputError":
            if not {k.arg for k in node.keywords} & {"code", "problems"}:
                bare.append(node.lineno)
    assert bare == [], f"{module}: InputError without a code at lines {bare}"


def test_the_app_renders_a_scenario_problem_from_its_code_without_patterns():
    import suzhou_sim.app.text as text
    from suzhou_sim.app.views import problem_lines
    from suzhou_sim.catalogues.scenarios import load_levers, parse_scenario

    assert not hasattr(text, "problem_reason") and not hasattr(text, "_PROBLEMS_ZH")
    lever = next(iter(load_levers()))
    data = {"name": "a", "title_en": "A", "title_zh": "甲", "rationale": "r",
            "levers": {lever + "x": 1, lever: {"15th": -1e9}}}
    with pytest.raises(InputError) as info:
        parse_scenario(data, "s.yaml")
    codes = [p.code for p in info.value.problems]
    assert codes == ["err.unknown_lever", "err.out_of_range"]
    lines = problem_lines(info.value, "zh")
    label = load_levers()[lever].label("zh")
    assert lines[0].startswith("s.yaml:") and "未知的杠杆" in lines[0] and label in lines[0]
    assert "超出允许范围" in lines[1] and "其他问题" not in "".join(lines)
    assert problem_lines(info.value, "en") == str(info.value).splitlines()


def test_url_problems_render_from_their_code_with_the_region_labels():
    import suzhou_sim.app.text as text
    from suzhou_sim.app.state import apply_query
    from suzhou_sim.app.views import url_problem

    assert not hasattr(text, "url_problem")  # one renderer: views.problem_lines
    p = Problem("err.url_no_scenario", file="scenario=zz", region=Names(["suzhou"]))
    assert url_problem(p, "en") == "scenario=zz: no such scenario file for suzhou"
    assert url_problem(p, "zh") == "scenario=zz:该地区(苏州市)没有这个情景"
    state: dict = {}
    problems = apply_query({"region": "shanghai", "scenario": "zz"}, state)
    zh = [url_problem(q, "zh") for q in problems]
    assert zh[0] == "region=shanghai:允许的取值:苏州市、昆山市", zh
    assert zh[1] == "scenario=zz:该地区(苏州市)没有这个情景", zh
    assert url_problem(problems[1], "en") == "scenario=zz: no such scenario file for suzhou"


def test_every_target_cites_a_document_of_the_sources_table():
    from suzhou_sim.catalogues.targets import load_targets
    from suzhou_sim.reporting.documents import cite

    sources = {t.source_doc for t in load_targets().values()}
    assert sources and [s for s in sources if cite(s) == s] == []


def test_the_backtest_notes_take_their_example_number_from_the_sources_table():
    from suzhou_sim.reporting import backtest_report
    from suzhou_sim.reporting.documents import DOCUMENTS

    text = (PACKAGE / "reporting/backtest_report.py").read_text(encoding="utf-8")
    assert "〔" not in text and DOCUMENTS[0].number in backtest_report.PLAN_EXAMPLE
