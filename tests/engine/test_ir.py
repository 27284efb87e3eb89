"""Tests of :mod:`suzhou_sim.engine.ir`: names, kinds, dependency graphs."""

from __future__ import annotations

import pytest

from suzhou_sim.engine import EngineError
from suzhou_sim.engine.build import build_ir
from suzhou_sim.engine.ir import init_key
from suzhou_sim.engine.parse import parse_vensim

from .pysd_compare import PEER_MODELS, pysd_model


def _ir(path):
    return build_ir(parse_vensim(path))


@pytest.mark.parametrize("folder", ["teacup", "delays", "lookups", "smooth", "SIR"])
def test_safe_names_are_pysds(folder, tmp_path):
    mdl = next((PEER_MODELS / folder).glob("*.mdl"))
    ours = _ir(mdl).original_to_safe
    theirs = {k: v for k, v in pysd_model(mdl, tmp_path).namespace.items() if k != "Time"}
    assert ours == theirs


def test_kinds_and_hidden_nodes(write_model):
    ir = _ir(write_model("""
        Rate = 2
            ~ 1/Month ~ |
        Table(
            [(0,0)-(2,2)],(0,0),(2,2))
            ~ dmnl ~ |
        Stock = INTEG(Rate * Table(Time), 1)
            ~ Widgets ~ |
        Smoothed = SMOOTH(Stock, 3)
            ~ Widgets ~ |
        Mixed = 1 + INITIAL(Stock)
            ~ Widgets ~ |
        """))
    kinds = {n.original: n.kind for n in ir.nodes.values() if n.kind != "hidden"}
    assert kinds == {"Rate": "constant", "Table": "lookup", "Stock": "stock",
                     "Smoothed": "stateful", "Mixed": "auxiliary", "FINAL TIME": "control",
                     "INITIAL TIME": "control", "SAVEPER": "control", "TIME STEP": "control"}
    assert sorted(s.kind for s in ir.states.values()) == ["initial", "integ", "smooth"]
    flow = ir.states["_integ_stock"].args["flow"]
    assert ir.nodes[flow.name].kind == "hidden"  # complex arguments get their own node
    assert ir.deps(flow.name, "step") == {"rate", "time"}
    assert ir.deps(init_key("_integ_stock"), "init") == set()


def test_orders_respect_dependencies(write_model):
    ir = _ir(write_model("""
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
    ir = _ir(write_model("Room Temperature = 70\n ~ ~ |"))
    assert ir.resolve("Room Temperature") == "room_temperature"
    assert ir.resolve("room_temperature") == "room_temperature"
    assert ir.resolve("ROOM  temperature") == "room_temperature"
    assert ir.resolve("Time") == "time"
    with pytest.raises(EngineError, match="did you mean 'Room Temperature'"):
        ir.resolve("Room Temp")


def test_model_errors(write_model):
    with pytest.raises(EngineError, match="unknown name 'missing'"):
        _ir(write_model("A = Missing + 1\n ~ ~ |", name="a.mdl"))
    with pytest.raises(EngineError, match="without an argument"):
        _ir(write_model("T(\n [(0,0)-(1,1)],(0,0),(1,1))\n ~ ~ |\nA = T + 1\n ~ ~ |",
                        name="b.mdl"))
    with pytest.raises(EngineError, match="not a lookup"):
        _ir(write_model("B = 2\n ~ ~ |\nA = B(3)\n ~ ~ |", name="c.mdl"))
