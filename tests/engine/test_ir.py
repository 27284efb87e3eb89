"""Tests of :mod:`suzhou_sim.engine.ir`: names and dependency graphs."""

from __future__ import annotations

import pytest

from suzhou_sim.engine import EngineError
from suzhou_sim.engine.ir import init_key
from tests.engine.test_build import built


def test_orders_respect_dependencies(write_model):
    ir = built(write_model("""
        C = B * 2
            ~ ~ |
        B = A + 1
            ~ ~ |
        A = Stock / 2
            ~ ~ |
        Stock = INTEG(C, A0)
            ~ ~ |
        A0 = 3
            ~ ~ |
        """))
    step = ir.topo_order(["c", "b", "a", "_integ_stock", "stock"], "step")
    assert step.index("a") < step.index("b") < step.index("c")
    assert step.index("stock") < step.index("a")
    init = ir.topo_order(ir.closure({"c"}, "init"), "init")
    assert init.index("a0") < init.index(init_key("_integ_stock")) < init.index("_integ_stock")
    assert ir.dynamic_keys() >= {"a", "b", "c", "stock"}
    assert "a0" not in ir.dynamic_keys()


def test_resolve_names_and_suggestions(write_model):
    ir = built(write_model("Room Temperature = 70\n ~ ~ |"))
    assert ir.resolve("Room Temperature") == "room_temperature"
    assert ir.resolve("room_temperature") == "room_temperature"
    assert ir.resolve("ROOM  temperature") == "room_temperature"
    assert ir.resolve("Time") == "time"
    with pytest.raises(EngineError, match="did you mean 'Room Temperature'"):
        ir.resolve("Room Temp")


