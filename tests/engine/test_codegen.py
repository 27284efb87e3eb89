"""Tests of :mod:`suzhou_sim.engine.codegen`: structure of the generated code."""

from __future__ import annotations

import pytest

from suzhou_sim.engine import load_model
from suzhou_sim.engine.codegen import Plan, generate

from .pysd_compare import PEER_MODELS


@pytest.mark.parametrize("mode", ["scalar", "vector"])
def test_run_invariant_values_are_computed_before_the_loop(write_model, mode):
    path = write_model("""
        Rate = 2
            ~ ~ |
        Scaled Rate = Rate * 3 + EXP(1)
            ~ ~ |
        Stock = INTEG(Scaled Rate * Time, 0)
            ~ ~ |
        """)
    source = load_model(path).source(mode)
    head, loop = source.split("while True:")
    assert "scaled_rate = " in head and "scaled_rate = " not in loop
    assert "stock = " in loop
    assert "for " not in source  # no Python loop over runs or stages


def test_only_needed_variables_are_computed(write_model):
    path = write_model("""
        A = Time * 2
            ~ ~ |
        B = A + 1
            ~ ~ |
        Unused = SIN(Time)
            ~ ~ |
        """)
    source = load_model(path).source("vector", return_columns=["B"])
    assert "unused" not in source and "b = " in source


def test_generated_function_returns_records():
    model = load_model(PEER_MODELS / "teacup" / "teacup.mdl")
    program = generate(model.ir, Plan("scalar", ("teacup_temperature", "room_temperature")))
    assert program.dynamic_record == ("teacup_temperature",)
    assert program.invariant_record == ("room_temperature",)
    values = {"room_temperature": 70.0, "characteristic_time": 10.0}
    out, n_saved, times, dts, invariant = program.function(values, 1)
    assert n_saved == 241 and len(out) == 241 and invariant == {"room_temperature": 70.0}
    assert times[0] == 0 and dts[0] == 0.125
