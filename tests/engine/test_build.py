"""Tests of :mod:`suzhou_sim.engine.build`: PySD's abstract model turned into the IR (PySD's
safe names, the kinds of nodes and states, the model's errors)."""

from __future__ import annotations

import pytest

from suzhou_sim.engine import EngineError
from suzhou_sim.engine.build import build_ir
from suzhou_sim.engine.ir import init_key
from suzhou_sim.engine.parse import parse_vensim

from .pysd_compare import PEER_MODELS, pysd_model


def built(path):
    """The IR of a model file, parsed and built."""
    return build_ir(parse_vensim(path))


@pytest.mark.parametrize("folder", ["teacup", "delays", "lookups", "smooth", "SIR"])
def test_safe_names_are_pysds(folder, tmp_path):
    mdl = next((PEER_MODELS / folder).glob("*.mdl"))
    ours = built(mdl).original_to_safe
    theirs = {k: v for k, v in pysd_model(mdl, tmp_path).namespace.items() if k != "Time"}
    assert ours == theirs


def test_kinds_and_hidden_nodes(write_model):
    ir = built(write_model("""
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


def test_model_errors(write_model):
    with pytest.raises(EngineError, match="unknown name 'missing'"):
        built(write_model("A = Missing + 1\n ~ ~ |", name="a.mdl"))
    with pytest.raises(EngineError, match="without an argument"):
        built(write_model("T(\n [(0,0)-(1,1)],(0,0),(1,1))\n ~ ~ |\nA = T + 1\n ~ ~ |",
                        name="b.mdl"))
    with pytest.raises(EngineError, match="not a lookup"):
        built(write_model("B = 2\n ~ ~ |\nA = B(3)\n ~ ~ |", name="c.mdl"))
