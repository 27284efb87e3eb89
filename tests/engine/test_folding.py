"""Tests of the folded vector code: what does not read a state is computed outside the loop.

Lives here: equality of folded and unfolded runs (``CompiledModel(ir, fold=False)``) on
every peer model and on the innovation-cluster model, with every constant set per run and
with a mix of shared and per-run constants; the structure of the folded source (block function,
hoisted constants); blocks of time steps shorter than the run; the block-size helpers.
Must not: compare with PySD (the peer-model tests do) or time anything.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from suzhou_sim.engine import EngineError, load_model
from suzhou_sim.engine import functions as fn
from suzhou_sim.engine.model import CompiledModel

from .pysd_compare import peer_model_files

MODELS = peer_model_files()
MAIN_MODEL = Path(__file__).resolve().parents[2] / "model" / "innovation_cluster.mdl"


def _unfolded(path: Path) -> CompiledModel:
    return CompiledModel(load_model(path).ir, fold=False)


def _assert_same(folded, unfolded) -> None:
    assert list(folded) == list(unfolded)
    np.testing.assert_array_equal(folded.times, unfolded.times)
    for name in folded:
        a, b = np.asarray(folded[name]), np.asarray(unfolded[name])
        assert a.shape == b.shape, name
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=0, equal_nan=True, err_msg=name)


def _run_both(path: Path, **kwargs):
    folded, unfolded = load_model(path), _unfolded(path)
    try:
        expected = unfolded.run(**kwargs)
    except EngineError as exc:
        with pytest.raises(EngineError) as caught:
            folded.run(**kwargs)
        assert str(caught.value) == str(exc)
        return None
    actual = folded.run(**kwargs)
    _assert_same(actual, expected)
    return actual


@pytest.mark.parametrize("mdl", MODELS, ids=[m.parent.name for m in MODELS])
def test_peer_models_fold_to_the_same_results(mdl):
    model = load_model(mdl)
    rng = np.random.default_rng(3)
    per_run = {k: v * rng.uniform(0.9, 1.1, 4) for k, v in model.constants.items()}
    _run_both(mdl, params=per_run)
    if model.constants:
        # one constant set per run, the others at their defaults
        name, value = next(iter(model.constants.items()))
        _run_both(mdl, params={name: value * np.array([0.5, 1.0, 1.5])})


def test_innovation_cluster_folds_to_the_same_results():
    model = load_model(MAIN_MODEL)
    rng = np.random.default_rng(5)
    names = list(model.constants)
    # every other constant per run (as in the app: levers shared, uncertain inputs drawn)
    params = {k: model.constants[k] * rng.uniform(0.9, 1.1, 40) for k in names[::2]}
    _run_both(MAIN_MODEL, params=params)
    _run_both(MAIN_MODEL, params=params, final_time=2023, return_columns=["GDP", "Time"])


TIME_MODEL = """
    Rate 1 = 0.1
        ~ ~ |
    Rate 2 = 0.3
        ~ ~ |
    Switch Time = 4
        ~ ~ |
    Growth Rate = IF THEN ELSE(Time < Switch Time, Rate 1, Rate 2) + STEP(0.05, 6)
        ~ ~ |
    Seasonal = Season Lookup(Time) * (1 + Rate 1)
        ~ ~ |
    Season Lookup([(0,0)-(10,2)],(0,1),(5,2),(10,1))
        ~ ~ |
    Stock = INTEG(Stock * Growth Rate * Seasonal - Stock / (1 + Rate 2 * 2), 100)
        ~ ~ |
    """


PIECEWISE_MODEL = """
    Switch Time = 4
        ~ ~ |
    Low = 0.1
        ~ ~ |
    High = 0.3
        ~ ~ |
    Period = IF THEN ELSE(Time < Switch Time, 1, IF THEN ELSE(Time < 7, 2, 3))
        ~ ~ |
    Growth Rate = IF THEN ELSE(Period = 1, Low, High) * (1 + Low) / Period
        ~ ~ |
    Stock = INTEG(Stock * Growth Rate, 100)
        ~ ~ |
    """


def test_exogenous_values_are_computed_in_blocks_before_the_steps(write_model):
    path = write_model(TIME_MODEL, final_time=10, time_step=0.25)
    source = load_model(path).source("vector", return_columns=["Stock", "Growth Rate"])
    head, loop = source.split("while True:")
    assert "def __pre(__k0):" in head
    assert "growth_rate = (_fn_where" in head and "_fn_where" not in loop
    assert "growth_rate = __X_growth_rate[__r]" in loop
    # a sub-expression of constants only is computed once, before the loop
    assert "__c0 = (1 + (rate_2 * 2))" in head and "__c0" in loop
    scalar = load_model(path).source("scalar")
    assert "__pre" not in scalar and "__c0" not in scalar


@pytest.mark.parametrize(("window", "rows"), [(1, 1), (7, 1), (7, 3), (64, 7),
                                             (fn.WINDOW_ELEMENTS, fn.BLOCK_ELEMENTS)])
@pytest.mark.parametrize("model", [TIME_MODEL, PIECEWISE_MODEL], ids=["time", "piecewise"])
def test_blocks_shorter_than_the_run_give_the_same_results(write_model, monkeypatch, window,
                                                          rows, model):
    path = write_model(model, final_time=10, time_step=0.25)
    monkeypatch.setattr(fn, "WINDOW_ELEMENTS", window)
    monkeypatch.setattr(fn, "BLOCK_ELEMENTS", rows)
    name = "Low" if model == PIECEWISE_MODEL else "Rate 1"
    result = _run_both(path, params={name: [0.1, 0.12, 0.08, 0.2, 0.1]})
    assert result is not None and result["Stock"].shape == (5, 41)
    assert not np.allclose(result["Stock"][0], result["Stock"][1])


def test_dynamic_time_step_is_not_folded(write_model):
    path = write_model("""
        Stock = INTEG(1, 0)
            ~ ~ |
        Rate = 2 * Time
            ~ ~ |
        """, time_step="IF THEN ELSE(Time < 5, 1, 0.5)")
    source = load_model(path).source("vector")
    assert "__pre" not in source
    _run_both(path, n_runs=2)


def test_block_sizes_fit_the_budgets():
    assert fn.block_sizes(1, 0.0, 10.0, 1.0) == (12, fn.BLOCK_ELEMENTS)  # the whole run
    assert fn.block_sizes(fn.WINDOW_ELEMENTS, 0.0, 10.0, 1.0) == (1, 1)
    window, rows = fn.block_sizes(1000, 2018.0, 2035.0, 0.125)  # 138 steps
    assert window == 138 and rows * 1000 <= fn.BLOCK_ELEMENTS < (rows + 1) * 1000
    assert fn.block_sizes(10, 0.0, float("inf"), 1.0)[0] >= 1


def test_rows_give_one_row_per_step():
    assert fn.rows(np.ones((3, 1)), 3).shape == (3,)
    assert fn.rows(np.ones((3, 4)), 3).shape == (3, 4)
    assert fn.rows(np.ones(4), 3).shape == (3, 4)
    assert fn.rows(2.0, 3).tolist() == [2.0, 2.0, 2.0]
    np.testing.assert_array_equal(fn.step_column(3), [[0], [1], [2]])


@pytest.mark.parametrize("switch", [4.0, np.array([3.0, 4.0, 5.5])])
def test_steps_with_equal_clock_readings_share_one_row(write_model, monkeypatch, switch):
    path = write_model(PIECEWISE_MODEL, final_time=10, time_step=0.5)
    seen: list[tuple[int, int]] = []

    def groups(atoms, m, most=None):
        rep, index = fn.groups(atoms, m, most)
        seen.append((m, len(rep)))
        return rep, index

    monkeypatch.setitem(fn.VECTOR_FUNCTIONS, "_fn_groups", groups)
    source = load_model(path).source("vector", return_columns=["Stock"])
    assert "_fn_groups(((time < switch_time), (time < 7), )" in source
    result = _run_both(path, params={"Switch Time": switch, "High": [0.3, 0.31, 0.32]})
    assert result is not None
    # the 21 steps (and one past the end) in one block: three periods, and with per-run
    # switch times the steps between the first and the last switch
    assert seen and seen[0][0] == 22 and seen[0][1] == (3 if np.ndim(switch) == 0 else 5)


def test_groups_compare_bits_along_the_steps():
    rep, index = fn.groups([np.array([[1.0], [1.0], [2.0], [2.0]]), True], 4)
    assert rep.tolist() == [0, 2] and index == [0, 0, 1, 1]
    per_run = np.array([[0.0, 1.0], [0.0, 1.0], [0.0, 2.0]])
    assert fn.groups([per_run], 3)[1] == [0, 0, 1]
    assert fn.groups([np.array([0.0, -0.0, np.nan, np.nan])], 4)[1] == [0, 1, 2, 2]
    assert fn.groups([np.array([True, False])], 2)[1] == [0, 1]
    assert fn.groups([], 3)[1] == [0, 0, 0] and fn.groups([], 1)[1] == [0]
    # at most two runs: the block ends where the third starts
    rep, index = fn.groups([np.array([1, 1, 2, 3, 3])], 5, most=2)
    assert rep.tolist() == [0, 2] and index == [0, 0, 1]


def test_division_by_a_constant_tests_the_denominator_once(write_model):
    path = write_model("""
        Denominator = 2
            ~ ~ |
        Ratio = ZIDZ(Stock, Denominator) + XIDZ(Stock, Denominator * 2, -1)
            ~ ~ |
        Stock = INTEG(Ratio * 0.1, 1)
            ~ ~ |
        """)
    source = load_model(path).source("vector", return_columns=["Ratio"])
    head, loop = source.split("while True:")
    assert "_fn_small(denominator)" in head and "_fn_div_small(stock, denominator, 0, " in loop
    # some runs divide by zero: ZIDZ gives 0 and XIDZ its third argument there
    result = _run_both(path, params={"Denominator": [2.0, 0.0, 1e-9, -3.0]})
    assert result is not None
    np.testing.assert_array_equal(result["Ratio"][1], np.full(11, -1.0))


def test_small_denominators_and_division():
    assert fn.small_denominators(np.array([1.0, 2.0])) is None
    small = fn.small_denominators(np.array([1.0, 0.0, -1e-7]))
    assert small is not None and small.tolist() == [False, True, True]
    with np.errstate(divide="ignore"):  # as in the runs: the quotient is not used there
        out = fn.divide_unless_small(np.array([1.0, 1.0, 1.0]), np.array([1.0, 0.0, -1e-7]),
                                     5.0, small)
    assert out.tolist() == [1.0, 5.0, 5.0]
    assert fn.divide_unless_small(1.0, 4.0, 0, None) == 0.25


def test_bounds_fixed_for_the_run_are_whole_arrays(write_model):
    path = write_model("""
        Cap = 5
            ~ ~ |
        Clipped = MIN(Cap, MAX(0, Stock - 2))
            ~ ~ |
        Stock = INTEG(1, 0)
            ~ ~ |
        """)
    source = load_model(path).source("vector", return_columns=["Clipped"])
    head, loop = source.split("while True:")
    assert "_fn_full(__n, cap)" in head and "_fn_full(__n, __f" in head
    result = _run_both(path, params={"Cap": [5.0, 3.0]})
    assert result is not None
    np.testing.assert_array_equal(result["Clipped"][1], [0, 0, 0, 1, 2, 3, 3, 3, 3, 3, 3])
    assert fn.full(3, 2).tolist() == [2.0, 2.0, 2.0]
    per_run = np.array([1.0, 2.0])
    assert fn.full(2, per_run) is per_run
