"""The report writers' texts in the wording room (``wording/texts/reports_misc.yaml``): every
key their modules ask for exists in both languages, every key of the file is asked for, and
the report sections render in Chinese and English."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

from suzhou_sim.catalogues.targets import MIN_BAND_RUNS, load_targets
from suzhou_sim.reporting.answer_text import answer_text, change_text
from suzhou_sim.reporting.backtest_report import SKILL_TEXT, skill_text
from suzhou_sim.reporting.labels import PERIOD_LABELS, fmt_points
from suzhou_sim.reporting.markdown import (
    BOUND_TEXT,
    SECTIONS,
    comparison_text,
    prior_section,
    reach_section,
    vintage_text,
)
from suzhou_sim.studies.driven import Answer
from suzhou_sim.wording import LANGS, texts

ROOT = Path(__file__).resolve().parents[2]
REPORTING = ROOT / "suzhou_sim" / "reporting"
#: The modules whose texts are in ``reports_misc.yaml``.
MODULES = ["markdown.py", "backtest_report.py", "answer_text.py", "labels.py",
           "catalogue_text.py", "plots.py"]
OWN_FILE = ROOT / "suzhou_sim" / "wording" / "texts" / "reports_misc.yaml"
#: Functions whose first argument is a text key (``_both`` is markdown's "English / 中文").
KEY_FUNCTIONS = {"say", "pair", "_both"}
#: The key prefixes of ``reports_misc.yaml``: a string literal starting with one is a key
#: (also when a variable carries it to say()).
OWN_PREFIXES = ("markdown.", "backtest.", "answer.", "labels.", "diagram.", "plots.")
#: File names such as ``backtest.yaml`` share a prefix with the keys but are none.
FILE_NAME = re.compile(r"\.(yaml|csv|png|md|json)$")


def _key_pattern(node: ast.expr) -> str | None:
    """The keys a key argument can be, as a regex: a literal, an f-string whose fields are
    one name segment each (``f"markdown.bound.{key}"``), or either branch of ``a if c else
    b``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return re.escape(node.value)
    if isinstance(node, ast.JoinedStr):
        return "".join(re.escape(v.value) if isinstance(v, ast.Constant) else r"\w+"
                       for v in node.values)
    if isinstance(node, ast.IfExp):
        body, orelse = _key_pattern(node.body), _key_pattern(node.orelse)
        return f"(?:{body}|{orelse})" if body and orelse else None
    return None


def _asked() -> tuple[list[tuple[str, int, re.Pattern]], list[str]]:
    """(module, line, key pattern) of every key passed to say()/pair()/_both() in
    :data:`MODULES` or written as a literal with a prefix of :data:`OWN_PREFIXES`, and the
    prefixes passed to table()."""
    keys, prefixes = [], []
    for module in MODULES:
        tree = ast.parse((REPORTING / module).read_text(encoding="utf-8"))
        # the parts of an f-string and the prefixes given to table() are not whole keys
        parts = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
                 for v in node.values}
        parts |= {id(node.args[0]) for node in ast.walk(tree) if isinstance(node, ast.Call)
                  and isinstance(node.func, ast.Name) and node.func.id == "table" and node.args}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and id(node) not in parts and node.value.startswith(OWN_PREFIXES)
                    and not FILE_NAME.search(node.value)):
                keys.append((module, node.lineno, re.compile(re.escape(node.value))))
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args):
                continue
            pattern = _key_pattern(node.args[0])
            if pattern is None:
                continue
            if node.func.id in KEY_FUNCTIONS:
                keys.append((module, node.lineno, re.compile(pattern)))
            elif node.func.id == "table":
                prefixes.append(re.sub(r"\\(.)", r"\1", pattern) + ".")
    return keys, prefixes


def test_every_key_asked_for_exists_in_both_languages():
    keys, prefixes = _asked()
    assert keys and prefixes
    known = texts()
    missing = [f"{module}:{line}: {pattern.pattern}" for module, line, pattern in keys
               if not any(pattern.fullmatch(k) for k in known)]
    assert missing == []
    for prefix in prefixes:
        assert any(k.startswith(prefix) for k in known), prefix
    asked = [k for k in known if k.startswith(tuple(prefixes))
             or any(p.fullmatch(k) for _, _, p in keys)]
    assert [k for k in asked if not all(known[k][lang].strip() for lang in LANGS)] == []


def test_every_key_of_the_reports_file_is_asked_for():
    keys, prefixes = _asked()
    own = yaml.safe_load(OWN_FILE.read_text(encoding="utf-8"))
    unused = [k for k in own if not k.startswith(tuple(prefixes))
              and not any(p.fullmatch(k) for _, _, p in keys)]
    assert unused == []


# --- the sections, rendered in both languages ------------------------------------------------

def _board() -> pd.DataFrame:
    return pd.DataFrame({
        "target_id": ["A", "B"], "label_en": ["Alpha", "Beta"], "label_zh": ["甲", "乙"],
        "year": [2030, 2030], "comparator": [">=", ">="], "threshold": [10.0, 5.0],
        "status": ["lower_bound", "prior_driven"], "reach_50": [9.0, 4.0],
        "reach_80": [8.0, 3.0], "reach_90": [7.0, 2.0], "drivers": ["x", "x"],
        "data_through": [2024, 2024], "in_scope": [True, True]})


def test_the_markdown_sections_render_in_both_languages():
    board = _board()
    reach = reach_section(board)
    assert reach[0] == "### Levels reachable / 可达到的水平"
    assert "the true level is at least this. / 在当前设置下" in reach[2]
    sens = pd.DataFrame({"target_id": ["B"], "driver": ["x"], "kind": ["assumption"],
                         "p_low": [0.1], "p_mid": [0.5], "p_high": [0.9],
                         "runs": [MIN_BAND_RUNS - 1],
                         "se": [0.01]})
    prior = prior_section(SimpleNamespace(sensitivity=sens, targets=board))
    assert prior[0] == "### Prior sensitivity / 先验敏感性"
    assert "prior-driven when the spread exceeds" in prior[2] and "“取决于先验”。" in prior[2]
    assert "| Status / 状态 | Input / 输入 | Kind / 类型 |" in prior[4]
    assert "assumption / 假设" in prior[4]
    assert f"n/a (< {MIN_BAND_RUNS} runs per band / 每组少于 {MIN_BAND_RUNS} 次)" in prior[4]
    assert vintage_text(board, "zh") == "数据截至 2024 年"
    assert vintage_text(board, "en") == "data through 2024"
    assert [en for _, en, _ in SECTIONS][2] == "forecasts" and SECTIONS[2][2] == "预测"
    assert set(BOUND_TEXT) >= {"lower", "upper", "lower_short", "range_prior_short"}
    table = pd.DataFrame({"target_id": ["B"], "year": [2030], "in_scope": [True],
                          "p_a": [0.5], "answer_a": ["0.10–0.90"]})
    text = comparison_text(table)
    assert "scoreboard names) / 取决于假设或先验的目标(p_ 为" in text
    assert "最高五分之一):\nB: answer a: 0.10–0.90" in text


KD = "Knowledge depreciation rate"
BASE = "Future industry base 2023"


@pytest.mark.parametrize("lang", LANGS)
def test_the_answers_render_in_both_languages(lang):
    drivers = load_targets()["SZ-FUTURE-2030"].drivers
    ranged = Answer("SZ-FUTURE-2030", 0.5, drivers, {BASE: (0.0, 0.5, 1.0)}, {},
                    {BASE: (500, 1200, 2500)})
    given = Answer("SZ-FUTURE-2030", 0.6, drivers, {}, {BASE: 1500.0})
    bands = Answer("T", 0.7, (), {KD: (0.1, 0.5, 0.9)}, {}, {KD: (0.08, 0.1, 0.14)},
                   basis="bands")
    texts_ = [answer_text(a, lang) for a in (ranged, given, bands)]
    texts_ += [change_text(ranged, ranged, lang), change_text(bands, bands, lang)]
    zh = lang == "zh"
    assert ("随“" in texts_[0]) == zh and ("假定" in texts_[1]) == zh
    assert ("最低五分之一" in texts_[2]) == zh and ("lowest fifth" in texts_[2]) != zh
    assert texts_[3].startswith("+0.00 低" if zh else "+0.00 low")
    assert texts_[4].startswith("+0.00 最低五分之一" if zh else "+0.00 lowest fifth")


@pytest.mark.parametrize("lang", LANGS)
def test_the_backtest_and_label_texts_render_in_both_languages(lang):
    values = {"origins": "2019, 2021", "path": "skill.csv", "command": "suzhou-sim backtest",
              "tau1": 0.05, "tau7": 0.1, "tau12": 0.2, "df": 4}
    for key in SKILL_TEXT:
        assert skill_text(key, lang, **values)
    assert fmt_points(0.032, lang) == ("+3.2个百分点" if lang == "zh" else "+3.2 pp")
    assert all(pair[0 if lang == "zh" else 1] for pair in PERIOD_LABELS.values())
