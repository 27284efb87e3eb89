"""The small texts outside reporting/ (``misc.*`` in ``wording/texts/phrases_misc.yaml``).

Every ``misc.`` key a module passes to ``say()``/``pair()`` is in the data files in both
languages; the texts render as the literals they replaced did (names joined, plan-period
names, scenario titles, the uploader's button); and the modules that held Chinese literals
keep Chinese only in docstrings, comments and lines marked ``# zh-ok: <why>``.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

from suzhou_sim.wording import LANGS, say, texts
from suzhou_sim.wording.problems import Names

REPO = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
#: The modules that held small Chinese literals outside reporting/ (issue #24 item 4).
MODULES = ["app.py", "suzhou_sim/app/views.py", "suzhou_sim/app/state.py",
           "suzhou_sim/app/text.py", "suzhou_sim/app/sidebar.py",
           "suzhou_sim/app/scenario_store.py", "suzhou_sim/app/portfolio_view.py",
           "suzhou_sim/calibration/evidence_priors.py", "suzhou_sim/calibration/conditioning.py",
           "suzhou_sim/studies/effects.py", "suzhou_sim/studies/sensitivity.py",
           "suzhou_sim/studies/optimise.py", "suzhou_sim/studies/backtest.py",
           "suzhou_sim/cli/effects.py", "suzhou_sim/cli/common.py",
           "suzhou_sim/catalogues/targets.py", "suzhou_sim/catalogues/judging.py",
           "suzhou_sim/catalogues/timeline.py", "suzhou_sim/catalogues/observations.py",
           "suzhou_sim/catalogues/observation_checks.py", "suzhou_sim/catalogues/indicators.py",
           "suzhou_sim/wording/problems.py"]
#: ``say("misc.x"``, ``pair("misc.x"`` and f-strings of a family, ``pair(f"misc.period.{p}"``.
CALL = re.compile(r"""(?:say|pair)\(\s*f?["'](misc\.[\w.]*)(\{)?""")


def _used_keys() -> tuple[set[str], set[str]]:
    keys: set[str] = set()
    families: set[str] = set()
    for name in MODULES:
        for key, brace in CALL.findall((REPO / name).read_text(encoding="utf-8")):
            (families if brace else keys).add(key)
    return keys, families


def test_every_misc_key_in_the_source_is_in_both_languages():
    keys, families = _used_keys()
    assert len(keys) >= 10 and families == {"misc.period."}
    assert sorted(keys - set(texts())) == []
    for family in families:
        assert [k for k in texts() if k.startswith(family)], family
    for key in keys:
        assert all(texts()[key][lang] for lang in LANGS), key


@pytest.mark.parametrize("lang, expected", [
    ("zh", ["a、b、c", "“a” 或 “b”", "“a”、“b” 或 “c”", "“a”"]),
    ("en", ["a, b, c", "'a' or 'b'", "'a', 'b' or 'c'", "'a'"]),
])
def test_names_are_joined_in_the_readers_language(lang, expected):
    shown = [Names(["a", "b", "c"]).text(lang), Names(["a", "b"], join="or").text(lang),
             Names(["a", "b", "c"], join="either").text(lang),
             Names(["a"], join="either").text(lang)]
    assert shown == expected


def test_the_plan_periods_and_scenario_titles_read_as_before():
    from suzhou_sim.catalogues.timeline import PERIOD_NAMES

    assert PERIOD_NAMES == {"14th": ("十四五", "14th"), "15th": ("十五五", "15th"),
                            "16th": ("十六五", "16th")}
    assert say("misc.profile_title", "zh", region="kunshan") == "kunshan 现状"
    assert say("misc.profile_title", "en", region="kunshan") == "kunshan profile"
    assert say("misc.adjusted_suffix", "zh") == "(调整)"
    assert say("misc.adjusted_suffix", "en") == " (adjusted)"
    assert say("misc.field_lever", "zh", name="“专项资金”", where="(十五五)") == \
        "杠杆 “专项资金”(十五五)"


def test_the_uploader_button_reads_chinese():
    from suzhou_sim.app.views import UPLOADER_CSS_ZH

    assert 'button::after {content: "选择文件"; font-size: 0.875rem;}' in UPLOADER_CSS_ZH
    assert UPLOADER_CSS_ZH.startswith("\n<style>\n") and UPLOADER_CSS_ZH.endswith("</style>\n")


def test_a_bad_whole_number_is_refused_in_the_cli_language():
    import argparse

    from suzhou_sim.cli.common import whole_number

    with pytest.raises(argparse.ArgumentTypeError, match="^'1.5' is not a whole number$"):
        whole_number("1.5")
    assert say("misc.cli_not_whole_number", "zh", text="1.5") == "“1.5”不是整数"


def _docstring_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
                and isinstance(node.value.value, str):  # docstrings (also of attributes)
            lines.update(range(node.lineno, node.end_lineno + 1))
    return lines


def chinese_in_code(source: str) -> list[int]:
    """Lines of ``source`` with a CJK character in a string that is not a docstring, on a
    line without a ``# zh-ok:`` comment."""
    docs = _docstring_lines(ast.parse(source))
    lines = source.splitlines()
    found: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT or not CJK.search(tok.string):
            continue
        for number in range(tok.start[0], tok.end[0] + 1):
            if number not in docs and "# zh-ok:" not in lines[number - 1] \
                    and CJK.search(lines[number - 1]):
                found.add(number)
    return sorted(found)


@pytest.mark.parametrize("name", MODULES)
def test_no_chinese_literal_left_in_the_module(name):
    assert chinese_in_code((REPO / name).read_text(encoding="utf-8")) == []


def test_the_check_sees_a_chinese_literal():
    assert chinese_in_code('"""文档."""\nX = "中文"\nY = "万"  # zh-ok: a unit\n# 注释\n') == [2]
