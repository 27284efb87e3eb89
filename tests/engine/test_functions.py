"""Tests of :mod:`suzhou_sim.engine.functions`: scalar and numpy helpers agree with PySD."""

from __future__ import annotations

import numpy as np
import pytest
from pysd.py_backend import functions as pysd_functions

from suzhou_sim.engine import EngineError
from suzhou_sim.engine import functions as fn

S, V = fn.SCALAR_FUNCTIONS, fn.VECTOR_FUNCTIONS
GRID = np.array([-7.5, -3.0, -1e-7, 0.0, 1e-7, 0.5, 2.0, 3.0, 7.25, np.nan])


class _Clock:
    """Stand-in for PySD's Time object."""

    def __init__(self, t: float, dt: float) -> None:
        self.t, self.dt = t, dt

    def __call__(self) -> float:
        return self.t

    def time_step(self) -> float:
        return self.dt


@pytest.mark.parametrize("name, pysd_func", [
    ("_fn_xidz", lambda a, b: pysd_functions.xidz(a, b, 42.0)),
    ("_fn_zidz", pysd_functions.zidz),
    ("_fn_modulo", pysd_functions.modulo),
    ("_fn_quantum", pysd_functions.quantum),
    ("_fn_min", np.minimum),
    ("_fn_max", np.maximum),
])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_binary_helpers_match_pysd(name, pysd_func):
    for a in GRID:
        for b in GRID:
            if np.isnan(b) and name in ("_fn_modulo", "_fn_quantum"):
                continue  # PySD's int() raises on NaN; covered by the numpy helper below
            args = (a, b, 42.0) if name == "_fn_xidz" else (a, b)
            try:
                expected = float(pysd_func(a, b))
            except (ZeroDivisionError, ValueError, OverflowError):
                continue
            np.testing.assert_equal(float(S[name](*args)), expected)
            np.testing.assert_equal(float(V[name](*args)), expected)
    a, b = np.meshgrid(GRID, GRID)
    args = (a.ravel(), b.ravel(), 42.0) if name == "_fn_xidz" else (a.ravel(), b.ravel())
    with np.errstate(all="ignore"):
        vector = V[name](*args)
    for i, (x, y) in enumerate(zip(a.ravel(), b.ravel(), strict=True)):
        call = (x, y, 42.0) if name == "_fn_xidz" else (x, y)
        with np.errstate(all="ignore"):
            np.testing.assert_equal(vector[i], V[name](*call))


@pytest.mark.parametrize("kwargs", [
    {"start": 3, "width": 2},
    {"start": 3, "width": 0},
    {"start": 1, "repeat_time": 2, "width": 0.5, "end": 8},
    {"start": 1, "repeat_time": 2.5, "width": 1},
])
def test_pulse_matches_pysd(kwargs):
    dt = 0.25
    times = np.arange(0, 12, dt)
    for t in times:
        expected = pysd_functions.pulse(_Clock(t, dt), **kwargs)
        assert S["_fn_pulse"](t, dt, **kwargs) == expected
        assert V["_fn_pulse"](t, dt, **kwargs) == expected
    vector = V["_fn_pulse"](times[:, None], dt, **kwargs)
    assert vector.shape == (len(times), 1)


def test_scalar_interp_equals_numpy_interp():
    rng = np.random.default_rng(0)
    xs = np.sort(rng.uniform(-5, 5, 12))
    ys = rng.normal(size=12)
    lookup = fn.make_lookup(xs, ys, vector=False)
    points = np.concatenate([rng.uniform(-7, 7, 500), xs, [np.nan, np.inf, -np.inf]])
    for x in points:
        np.testing.assert_equal(lookup(float(x)), np.interp(x, xs, ys))


def test_per_run_series_interpolation_equals_numpy_interp():
    times = np.array([0.0, 2.0, 5.0, 9.0])
    values = np.array([[1.0, 3.0, -2.0, 4.0], [0.0, 0.0, 1.0, 1.0]])
    series = fn.make_series(times, values, vector=True)
    for t in [-1.0, 0.0, 1.0, 2.0, 3.7, 5.0, 8.9, 9.0, 12.0]:
        np.testing.assert_array_equal(series(t), [np.interp(t, times, row) for row in values])


def test_delay_order_is_lowered_like_pysd():
    assert fn.delay_order(3, 0.5, 1.25, "x") == 2
    assert fn.delay_order(3, 0.5, np.array([2.0, 1.6]), "x") == 3
    with pytest.raises(EngineError, match="some runs only"):
        fn.delay_order(3, 0.5, np.array([2.0, 1.2]), "x")
    with pytest.raises(EngineError, match="shorter than TIME STEP"):
        fn.delay_order(1, 0.5, 0.25, "x")


def test_delay_fixed_buffers_scalar_and_vector_agree():
    buf, ptr, k, state = S["_fn_dfx_init"](-1.0, 1.25, 0.5, 1)
    assert k == 3 and state == -1.0  # round(2.5 + 1e-6): PySD's pipe length
    vbuf, vptr, vk, vstate = V["_fn_dfx_init"](-1.0, np.array([1.25, 0.5]), 0.5, 2)
    for step in range(6):
        ptr, state = S["_fn_dfx_step"](buf, ptr, k, float(step))
        vptr, vstate = V["_fn_dfx_step"](vbuf, vptr, vk, np.array([step, step], dtype=float))
        assert vstate[0] == state
        assert vstate[1] == step  # pipe of length 1: output is the last input


def test_check_control():
    assert fn.check_control(np.array([2.0, 2.0]), "TIME STEP", True) == 2.0
    with pytest.raises(EngineError, match="same for every run"):
        fn.check_control(np.array([1.0, 2.0]), "TIME STEP")
    with pytest.raises(EngineError, match="positive"):
        fn.check_control(0.0, "SAVEPER", True)
    with pytest.raises(EngineError, match="not finite"):
        fn.check_control(np.nan, "FINAL TIME")


def test_round_times_like_pysd():
    np.testing.assert_array_equal(fn.round_times([0.1 + 0.2, 1.0000000001], [0.125, 0.125]),
                                  [0.3, 1.0])
