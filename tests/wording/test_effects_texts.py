"""The wording of the effects and sensitivity reports: every key they use is in the wording
room in both languages, every text of theirs is used, and their sections render in both."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

from suzhou_sim.catalogues.evidence import BENCHMARK_STEPS
from suzhou_sim.reporting.effects_report import (
    money_rule,
    skipped_lines,
    step_label,
    text,
    verdict_text,
)
from suzhou_sim.reporting.sensitivity_text import sensitivity_summary_markdown, summarise
from suzhou_sim.studies import sensitivity as sa
from suzhou_sim.studies.effects import SKIP_REASONS
from suzhou_sim.wording import LANGS, texts

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "suzhou_sim/wording/texts/reports_effects.yaml"
#: Module -> {look-up function: key prefix it adds}; ``say`` takes whole keys.
CALLERS = {
    "suzhou_sim/reporting/effects_report.py": {"text": "effects.", "_both": "effects.",
                                               "say": ""},
    "suzhou_sim/app/effects_view.py": {"text": "effects."},
    "suzhou_sim/reporting/sensitivity_text.py": {"_t": "sensitivity.", "_item": "sensitivity.",
                                                 "say": ""},
}
#: The modules whose wording lives in :data:`DATA`.
OWN_MODULES = ("suzhou_sim/reporting/effects_report.py", "suzhou_sim/reporting/sensitivity_text.py")
#: Keys built at run time: their fixed start -> the endings it can take.
ENDINGS = {
    "effects.rule_": ("relative", "money", "fund_share", "catalogue"),
    "effects.cost_": ("unbounded_above", "undefined"),
    "effects.verdict_": ("inside", "above", "below", "undefined", "not_computed"),
    "effects.skip_": SKIP_REASONS,
    "effects.bench_step_": BENCHMARK_STEPS,
    "sensitivity.none_": ("assumption", "calibrated"),
    "sensitivity.next_": ("assumption", "calibrated"),
}
#: ``_item(key, ...)`` picks one of these forms of ``key``.
ITEM_FORMS = ("_first", "", "_kind")


def _head(arg: ast.expr) -> str | None:
    """The fixed start of a key built at run time (``f"rule_{x}"``, ``"skip_" + x``)."""
    if isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant):
        return arg.values[0].value
    if (isinstance(arg, ast.BinOp) and isinstance(arg.left, ast.Constant)
            and isinstance(arg.left.value, str)):
        return arg.left.value
    return None


def _used_keys() -> set[str]:
    """The keys the modules pass to their look-ups: literal keys, and every ending of a key
    built at run time (which must start like one of :data:`ENDINGS`)."""
    used: set[str] = set()
    for module, callers in CALLERS.items():
        tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in callers and node.args):
                continue
            prefix, arg = callers[node.func.id], node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                keys = [prefix + arg.value]
            elif (head := _head(arg)) is not None:
                head = prefix + head
                if head.endswith("."):  # a wrapper's say(f"effects.{key}"): key from a caller
                    continue
                assert head in ENDINGS, f"{module}: key {head}... has no listed endings"
                keys = [head + end for end in ENDINGS[head]]
            else:
                continue  # a key passed on from a caller
            if node.func.id == "_item":
                keys = [k + form for k in keys for form in ITEM_FORMS]
            used.update(keys)
    return used


def test_every_key_the_reports_use_exists_in_both_languages():
    used = _used_keys()
    assert {"effects.method", "effects.title", "sensitivity.factors"} <= used
    missing = sorted(k for k in used if k not in texts())
    assert missing == []
    for key in used:
        assert all(texts()[key][lang].strip() for lang in LANGS), key


def test_every_text_of_the_reports_is_used_and_no_chinese_is_left_in_their_code():
    own = set(yaml.safe_load(DATA.read_text(encoding="utf-8")))
    assert all(k.startswith(("effects.", "sensitivity.")) for k in own)
    # a key may also be picked before the call (``key = "why_dynamics" if ... else ...``)
    picked = {prefix + node.value for module, callers in CALLERS.items()
              for node in ast.walk(ast.parse((ROOT / module).read_text(encoding="utf-8")))
              if isinstance(node, ast.Constant) and isinstance(node.value, str)
              for prefix in set(callers.values())}
    assert sorted(own - _used_keys() - picked) == []
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for module in OWN_MODULES:
        tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
        docs = {id(n.body[0].value) for n in ast.walk(tree)
                if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                and isinstance(n.body[0], ast.Expr)}
        strings = [n for n in ast.walk(tree) if isinstance(n, ast.Constant)
                   and isinstance(n.value, str) and id(n) not in docs]
        assert [s.value for s in strings if cjk.search(s.value)] == [], module


@pytest.mark.parametrize("lang", LANGS)
def test_steps_verdicts_and_money_rules_render(lang):
    for rule in (*ENDINGS["effects.rule_"], "relative_down"):
        row = SimpleNamespace(step_rule=rule, step=20.0, step_basis=200.0)
        assert "{" not in step_label(row, lang)
    for verdict in ENDINGS["effects.verdict_"]:
        row = SimpleNamespace(verdict=verdict, cost_p50=2.0, evidence_high=1.0, evidence_low=1.0)
        assert "{" not in verdict_text(row, lang)
    assert "10%" in money_rule(float("nan"), 0.1, lang)
    assert "5" in money_rule(5.0, 0.1, lang, command_line=False)


def test_skipped_steps_render_in_both_languages():
    skipped = pd.DataFrame(
        [("lever", "special_fund", "14th", "", r) for r in SKIP_REASONS
         if r not in ("no_path", "trend_only")]
        + [("lever", "special_fund", "14th", "SZ-HTE-2025", "no_path"),
           ("", "", "", "SZ-NEWRD-2025", "trend_only")],
        columns=["kind", "lever", "period", "target_id", "reason"])
    lines = skipped_lines(skipped)
    assert len(lines) == len(SKIP_REASONS)
    assert all(" / " in line and "{" not in line for line in lines)
    assert text("skip_trend_only", "zh") in lines[-2]


def test_a_sensitivity_summary_renders_in_both_languages():
    sobol = pd.DataFrame(
        [("sobol", "SZ-HTE-2025", "margin", f, k, "", s1, 0.01, st, c)
         for f, k, s1, st, c in [("Approval stringency", "assumption", 0.3, 0.6, 0.2),
                                 ("Initial HTE", "calibrated", 0.1, 0.25, 0.03),
                                 ("RD per HTE", "calibrated", 0.1, 0.2, 0.03),
                                 ("p0", "calibrated", 0.0, 0.01, 0.01)]],
        columns=sa.SOBOL_COLUMNS)
    morris = pd.DataFrame(
        [("morris", "SZ-HTE-2025", "effect", f, k, "", 1.0, mu, 0.1, sigma)
         for f, k, mu, sigma in [("Approval stringency", "assumption", 1200.0, 2000.0),
                                 ("Initial HTE", "calibrated", 300.0, 10.0),
                                 ("p0", "calibrated", 1.0, 0.0)]],
        columns=sa.MORRIS_COLUMNS)
    for indices in (sobol, morris):
        for lang in LANGS:
            paragraph = summarise(indices, lang)["SZ-HTE-2025"]
            assert paragraph and "{" not in paragraph
        report = sensitivity_summary_markdown(
            indices, {"scenario": "baseline"}, {"heatmap": "h.png", "SZ-HTE-2025": "c.png"})
        assert "## English" in report and "## 中文" in report and "{" not in report
