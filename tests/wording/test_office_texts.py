"""The texts of the Word/Excel reports and the decision reports in the wording room.

Every key that ``reporting/office.py``, ``reporting/documents.py`` and
``reporting/decision_report.py`` look up exists in both languages, their sections render in
both languages, and their code holds Chinese only in docstrings, comments and ``# zh-ok:``
lines.
"""

from __future__ import annotations

import ast
import io
import math
import re
import string
import tokenize
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from suzhou_sim.wording import LANGS, say, texts

PACKAGE = Path(__file__).resolve().parents[2] / "suzhou_sim"
MODULES = ["reporting/office.py", "reporting/documents.py", "reporting/decision_report.py"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _say_keys(module: str) -> set[str]:
    """The literal keys of the module's ``say(...)`` calls, and the ``office.col.*`` /
    ``office.sheet.*`` keys behind its ``COL[...]`` / ``_SHEET[...]`` look-ups."""
    tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "say"
                and node.args and isinstance(node.args[0], ast.Constant)):
            found.add(node.args[0].value)
        if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
                and isinstance(node.slice, ast.Constant)):
            prefix = {"COL": "office.col.", "_SHEET": "office.sheet."}.get(node.value.id)
            if prefix:
                found.add(prefix + node.slice.value)
    return found


#: Keys the modules build from a value (``decision.{side}``, ``<key>_brief``).
BUILT = ["decision.below", "decision.above", "decision.between",
         "decision.rationale_feasible_brief", "decision.rationale_infeasible_brief"]


@pytest.mark.parametrize("module", MODULES)
def test_every_key_a_module_looks_up_exists_in_both_languages(module):
    used = _say_keys(module) | (set(BUILT) if module.endswith("decision_report.py") else set())
    if module != "reporting/documents.py":  # the sources table is data, not wording
        assert used, module
    missing = [k for k in sorted(used) if k not in texts()]
    assert missing == [], missing
    for key in used:
        assert all(texts()[key][lang].strip() for lang in LANGS), key


@pytest.mark.parametrize("module", MODULES)
def test_chinese_only_in_docstrings_comments_and_zh_ok_lines(module):
    source = (PACKAGE / module).read_text(encoding="utf-8")
    docstrings: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)):
            docstrings |= set(range(node.lineno, node.end_lineno + 1))
    lines = source.splitlines()
    bad = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT or not CJK.search(tok.string):
            continue
        row = tok.start[0]
        if row not in docstrings and "# zh-ok:" not in lines[tok.end[0] - 1]:
            bad.append(row)
    assert bad == [], f"{module}: Chinese in code at lines {sorted(set(bad))}"


def _sample_values(text: str) -> dict[str, object]:
    """A value for each placeholder of ``text``: a number where its format asks for one."""
    return {name: 0.25 if spec.endswith(("g", "%", "f", ",")) else "X"
            for _, name, spec, _ in string.Formatter().parse(text) if name}


def test_every_office_and_decision_text_renders_in_both_languages():
    for key, entry in texts().items():
        if key.startswith(("office.", "decision.")):
            values = _sample_values(entry["en"])
            assert "{" not in say(key, "zh", **values) + say(key, "en", **values), key


def _discovery(rate: float, boxes: list) -> SimpleNamespace:
    return SimpleNamespace(target_id="SZ-HTE-2025", base_rate=rate, boxes=boxes, min_lift=2.0,
                           min_coverage=0.2, scenario="baseline", draws=100, seed=1,
                           inputs=["a", "b"])


@pytest.mark.parametrize("lang", LANGS)
def test_the_discovery_sentences_render_in_both_languages(lang):
    from suzhou_sim.reporting.decision_report import discovery_sentences

    restriction = SimpleNamespace(name="some constant", side="below", low=0.0, high=3.2,
                                  lower=0.0, upper=10.0)
    box = SimpleNamespace(restrictions=[restriction], density=0.8, lift=2.5, coverage=0.6)
    for discovery in (_discovery(0, []), _discovery(1, []), _discovery(0.3, []),
                      _discovery(0.7, []), _discovery(0.3, [box])):
        (sentence,) = discovery_sentences(discovery, lang)
        assert "SZ-HTE-2025" in sentence and "{" not in sentence
        assert bool(CJK.search(sentence)) == (lang == "zh"), sentence
    (sentence,) = discovery_sentences(_discovery(0.3, [box]), lang)
    assert ("低于3.2" if lang == "zh" else "some constant < 3.2") in sentence


@pytest.mark.parametrize("lang", LANGS)
def test_a_comparisons_range_reads_in_both_languages(lang):
    from suzhou_sim.reporting.office import compared_probabilities

    table = pd.DataFrame({"p_a": [0.5, math.nan], "lo_a": [math.nan, 0.1],
                          "hi_a": [math.nan, 0.9]})
    number, ranged = compared_probabilities(table, "a", lang)
    assert number == 0.5 and ranged.endswith(say("office.over_assumption", lang))


def test_the_report_columns_are_the_wording_rooms():
    from suzhou_sim.reporting.office import BOARD_COLUMNS, COL, REACH_COLUMNS, REACH_TITLE

    assert COL["probability"] == say("office.col.probability", "zh") == "达成概率"
    assert set(BOARD_COLUMNS) <= set(COL.values())
    assert REACH_TITLE == say("office.reach_title", "zh")
    assert list(REACH_COLUMNS.values()) == [say("office.reach_column", "zh", p=p)
                                            for p in (50, 80, 90)]
