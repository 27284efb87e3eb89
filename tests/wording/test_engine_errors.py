"""Engine errors: bad models, parameters and run settings carry a code, rendered in zh and en.

One table of bad inputs (a bad ``.mdl``, bad ``run`` arguments, bad ``simulate`` options),
each with the code its :class:`~suzhou_sim.engine.EngineError` carries; its English is the
message as before (``str(err)``) and its Chinese (``render_error(err, "zh")``) is Chinese
with every placeholder filled. Then every ``engine.`` text in both languages, and every code
the engine's source passes is in the data files.
"""

from __future__ import annotations

import pickle
import re
import string
import textwrap
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from suzhou_sim.engine import EngineError, UnsupportedConstructError, load_model
from suzhou_sim.engine import functions as fn
from suzhou_sim.engine.ir import AUXILIARY, CONSTANT, CONTROL, HIDDEN, LOOKUP, STATEFUL, STOCK
from suzhou_sim.engine.parse import parse_vensim
from suzhou_sim.engine.simulate import check_declared_ranges, parse_param, simulate_to_csv
from suzhou_sim.errors import render_error
from suzhou_sim.wording import say, texts

#: Every kind of node; all but a constant can be named as what cannot be set.
KINDS = (CONSTANT, AUXILIARY, STOCK, STATEFUL, LOOKUP, CONTROL, HIDDEN)
CJK = re.compile(r"[\u4e00-\u9fff]")
PACKAGE = Path(__file__).resolve().parents[2] / "suzhou_sim"

CONTROL = """
FINAL TIME = {final} ~ Month ~ |
INITIAL TIME = 0 ~ Month ~ |
SAVEPER = TIME STEP ~ Month ~ |
TIME STEP = 1 ~ Month ~ |
\\\\\\---/// Sketch information - do not modify anything except names
V300  Do not put anything below this section - it will be ignored
*View 1
"""

#: A small valid model: a stock (with a declared range on its constant) and its flow.
TANK = """
Level = INTEG(Inflow, 1) ~ litre ~ |
Inflow = Rate * 2 ~ litre/Month ~ |
Rate = 0.5 ~ 1/Month [0,1] ~ |
"""


def _mdl(tmp: Path, equations: str, final: float = 4, name: str = "m.mdl") -> Path:
    path = tmp / name
    path.write_text("{UTF-8}\n" + textwrap.dedent(equations).strip() + "\n"
                    + CONTROL.format(final=final), encoding="utf-8")
    return path


def _load(equations: str, **kw) -> Callable[[Path], object]:
    return lambda tmp: load_model(_mdl(tmp, equations, **kw))


def _run(**kwargs) -> Callable[[Path], object]:
    return lambda tmp: load_model(_mdl(tmp, TANK)).run(**kwargs)


def _not_mdl(tmp: Path) -> object:
    (tmp / "m.txt").write_text("x", encoding="utf-8")
    return parse_vensim(tmp / "m.txt")


def _simulate(out: str, *params: str) -> Callable[[Path], object]:
    return lambda tmp: simulate_to_csv(_mdl(tmp, TANK), tmp / out, params=list(params))


def _out_of_range(tmp: Path) -> object:
    return check_declared_ranges(load_model(_mdl(tmp, TANK)), {"Rate": 2.0})


def _non_finite(tmp: Path) -> object:
    model = _mdl(tmp, "Level = INTEG(1 / (Time - 2), 1) ~ litre ~ |")
    return simulate_to_csv(model, tmp / "out.csv", params=[])


#: Bad input -> the code of the engine error it raises.
CASES: dict[str, tuple[Callable[[Path], object], str]] = {
    # the .mdl file and its equations
    "no model file": (lambda tmp: load_model(tmp / "none.mdl"), "engine.model_not_found"),
    "not a .mdl": (_not_mdl, "engine.not_mdl"),
    "unparsable equation": (_load("Broken = (1 + ~ dmnl ~ |"), "engine.parse_failed_in"),
    "GAME": (_load("Flag = GAME(3) ~ ~ |"), "engine.unsupported"),
    "subscripts": (_load("Region: North, South ~ ~ |\nPop[Region] = 5, 6 ~ ~ |"),
                   "engine.unsupported"),
    "macro": (_load(":MACRO: DOUBLE(x)\nDOUBLE = 2 * x ~ ~ |\n:END OF MACRO:\n"
                    "Twice = DOUBLE(Time) ~ ~ |"), "engine.unsupported"),
    "A FUNCTION OF": (_load("Stored = A FUNCTION OF(Time) ~ ~ |"), "engine.unsupported"),
    "unknown function": (_load("X = NOSUCH(Time) ~ ~ |"), "engine.unsupported"),
    "lookup without argument": (_load("Tab((0,0),(1,1)) ~ ~ |\nX = Tab ~ ~ |"),
                                "engine.lookup_no_argument"),
    "lookup with two arguments": (_load("Tab((0,0),(1,1)) ~ ~ |\nX = Tab(1, 2) ~ ~ |"),
                                  "engine.lookup_arguments"),
    "repeated lookup x": (_load("Tab((0,0),(0,1)) ~ ~ |\nX = Tab(Time) ~ ~ |"),
                          "engine.lookup_repeated_x"),
    "MIN with one argument": (_load("X = MIN(Time) ~ ~ |"), "engine.function_arguments"),
    "delay order 0": (_load("X = DELAY N(Time, 1, 0, 0) ~ ~ |"),
                      "engine.delay_order_literal"),
    "circular equations": (lambda tmp: load_model(_mdl(
        tmp, "A = B + 1 ~ ~ |\nB = A * 2 ~ ~ |")).run(), "engine.cycle_step"),
    "circular initialisation": (lambda tmp: load_model(_mdl(
        tmp, "S1 = INTEG(1, S2) ~ ~ |\nS2 = INTEG(1, S1) ~ ~ |")).run(), "engine.cycle_init"),
    "FINAL TIME before INITIAL TIME": (lambda tmp: load_model(_mdl(tmp, TANK, final=0)).run(),
                                       "engine.final_before_initial"),
    # the arguments of a run
    "unknown parameter": (_run(params={"Rat": 1}), "engine.unknown_name_close"),
    "unknown parameter, nothing close": (_run(params={"Zzzzzzzz": 1}), "engine.unknown_name"),
    "a stock as parameter": (_run(params={"Level": 1}), "engine.set_variable"),
    "a control as parameter": (_run(params={"TIME STEP": 1}), "engine.set_control"),
    "the clock as parameter": (_run(params={"Time": 1}), "engine.set_clock"),
    "series as parameter": (_run(params={"Rate": pd.Series([1.0])}), "engine.param_series"),
    "2-D parameter": (_run(params={"Rate": np.ones((2, 2))}), "engine.param_shape"),
    "text parameter": (_run(params={"Rate": "fast"}), "engine.not_numeric"),
    "no runs": (_run(n_runs=0), "engine.n_runs"),
    "runs disagree": (_run(params={"Rate": np.ones(3)}, n_runs=2), "engine.runs_inconsistent"),
    "TIME STEP 0": (_run(time_step=0), "engine.control_positive"),
    "TIME STEP per run": (_run(time_step=[1, 2]), "engine.control_shared"),
    "TIME STEP nan": (_run(time_step=float("nan")), "engine.control_finite"),
    "unknown output": (_run(return_columns=["Levl"]), "engine.unknown_name_close"),
    "override of a list": (_run(overrides={"Rate": [1, 2, 3]}), "engine.override_type"),
    "override misshaped": (_run(overrides={"Rate": ([0, 1], [1, 2, 3])}),
                           "engine.override_values_shape"),
    "override no times": (_run(overrides={"Rate": ([], [])}), "engine.override_times_shape"),
    "override nan time": (_run(overrides={"Rate": ([0, np.nan], [1, 2])}),
                          "engine.override_times_finite"),
    "override repeated times": (_run(overrides={"Rate": ([0, 0], [1, 2])}),
                                "engine.override_times_repeated"),
    "override a control": (_run(overrides={"TIME STEP": ([0, 1], [1, 2])}),
                           "engine.override_kind"),
    "override the clock": (_run(overrides={"Time": ([0, 1], [1, 2])}),
                           "engine.override_clock"),
    "params and overrides": (_run(params={"Rate": 1}, overrides={"Rate": ([0, 1], [1, 2])}),
                             "engine.params_and_overrides"),
    # the engine's run-time checks
    "delay order per run": (lambda tmp: fn.delay_order(np.array([1.0, 2.0]), 1, 5, "x"),
                            "engine.delay_order_per_run"),
    "delay too short": (lambda tmp: fn.delay_order(1, 0.5, 0.25, "x"), "engine.delay_too_short"),
    "delay order lowered for some runs": (
        lambda tmp: fn.delay_order(3, 0.5, np.array([2.0, 1.2]), "x"),
        "engine.delay_order_some_runs"),
    "smooth order per run": (lambda tmp: fn.smooth_order(np.array([1.0, 2.0]), "x"),
                             "engine.smooth_order_per_run"),
    "smooth order 1.5": (lambda tmp: fn.smooth_order(1.5, "x"), "engine.smooth_order"),
    "control per run": (lambda tmp: fn.check_control(np.array([1.0, 2.0]), "TIME STEP"),
                        "engine.value_per_run"),
    "control nan": (lambda tmp: fn.check_control(np.nan, "FINAL TIME"),
                    "engine.value_not_finite"),
    # the simulate command
    "--param without =": (lambda tmp: parse_param("Rate"), "engine.param_malformed"),
    "--param not a number": (lambda tmp: parse_param("Rate=fast"), "engine.param_not_number"),
    "--param inf": (lambda tmp: parse_param("Rate=inf"), "engine.param_not_finite"),
    "--param out of range": (_out_of_range, "engine.param_out_of_range"),
    "-o in a missing folder": (_simulate("no/out.csv"), "engine.out_dir_missing"),
    "-o a folder": (_simulate("."), "engine.out_is_folder"),
    "a non-finite output": (_non_finite, "engine.output_not_finite"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_raises_a_coded_engine_error(case, tmp_path):
    make, code = CASES[case]
    with pytest.raises(EngineError) as caught:
        make(tmp_path)
    err = caught.value
    assert err.code == code, str(err)
    assert render_error(err, "en") == err.render("en") == str(err)
    zh = render_error(err, "zh")
    assert CJK.search(zh) and "{" not in zh and zh != str(err), zh
    again = pickle.loads(pickle.dumps(err))  # from a worker process: still coded
    assert type(again) is type(err) and again.code == code and str(again) == str(err)
    assert again.render("zh") == zh


def test_an_unsupported_construct_names_variable_and_construct():
    err = UnsupportedConstructError("Twice", "engine.construct.macro", name="DOUBLE")
    assert str(err) == ("variable 'Twice' uses the MACRO DOUBLE, which the ensemble engine "
                        "does not support")
    assert (err.variable, err.construct) == ("Twice", "the MACRO DOUBLE")
    assert err.render("zh") == "变量“Twice”使用了宏 MACRO DOUBLE,集合模拟引擎不支持它"
    vensim = UnsupportedConstructError("Flag", "GAME")
    assert vensim.construct == "GAME" and "Vensim" in vensim.render("zh")


def test_an_uncoded_engine_error_is_an_engine_bug():
    err = EngineError("runs saved different numbers of time points")
    assert err.code is None and str(err) == err.render("zh") == err.render("en")


def _sample_values(text: str) -> dict[str, object]:
    values: dict[str, object] = {}
    for _, name, spec, _ in string.Formatter().parse(text):
        if name:
            values[name] = 0.25 if spec.endswith("g") else "X"
    return values


ENGINE_KEYS = [key for key in texts() if key.startswith("engine.")]


@pytest.mark.parametrize("key", ENGINE_KEYS)
def test_every_engine_text_renders_in_both_languages(key):
    values = _sample_values(texts()[key]["en"])
    zh, en = say(key, "zh", **values), say(key, "en", **values)
    assert "{" not in zh and "{" not in en
    assert zh != en, key
    words = re.sub(r"\{[^}]*\}", "", texts()[key]["en"])
    if re.search("[A-Za-z]", words):  # a text of words (not only "{first} -> {rest}")
        assert CJK.search(zh), key


def _codes_in_source() -> set[str]:
    used: set[str] = set()
    for path in [*(PACKAGE / "engine").glob("*.py"), PACKAGE / "ensemble" / "cluster.py",
                 PACKAGE / "studies" / "predictive.py"]:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""["'](engine\.[\w.]*\w)["']""", text))
        # codes made from a name: f"engine.what.{what}" -> every text of that family
        for family in re.findall(r"""f["'](engine\.[\w.]+\.)\{""", text):
            assert any(k.startswith(family) for k in ENGINE_KEYS), family
    return used


def test_every_engine_code_of_the_source_is_in_the_data_files():
    used = _codes_in_source()
    assert len(used) > 40
    assert sorted(used - set(texts())) == []


@pytest.mark.parametrize("kind", sorted(set(KINDS) - {"constant"}))
def test_every_kind_a_variable_can_have_is_named(kind):
    assert f"engine.a_kind.{kind}" in texts()


def test_the_cli_prints_a_coded_engine_error_and_keeps_a_bugs_traceback(capsys):
    import argparse

    from suzhou_sim.cli.common import EXIT_USAGE, run_command

    def refuse(args):
        raise EngineError(code="engine.n_runs", value=0)

    def fail(args):
        raise EngineError("runs saved different numbers of time points")

    args = argparse.Namespace(command="simulate")
    assert run_command(refuse, args) == EXIT_USAGE
    assert capsys.readouterr().err == (
        "suzhou-sim simulate: error: n_runs must be a positive integer, got 0\n")
    with pytest.raises(EngineError, match="different numbers"):
        run_command(fail, args)
