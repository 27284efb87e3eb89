"""Every constant of the model says where its value comes from; every variable has units."""

from __future__ import annotations

import re

from suzhou_sim.engine import load_model

# A constant's comment must name its provenance: a cited observation or seed document, a
# national rule, "Calibrated", "Assumption", or "Lever" (plus the few control/switch values).
PROVENANCE = re.compile(
    r"Calibrated|Assumption|Lever|Observed|[Ss]eed \d{3}|National|Griliches|Unit conversion|"
    r"End of|State at|Annual data|Year-end"
)


def test_every_constant_cites_its_source(model_file):
    model = load_model(model_file)
    missing = [n for n, k in model.kinds.items()
               if k == "constant" and not PROVENANCE.search(model.docs.get(n, ""))]
    assert missing == []


def test_every_variable_has_units(model_file):
    model = load_model(model_file)
    assert [n for n in model.variables if not (model.units.get(n) or "").strip()] == []


def test_the_named_loops_are_documented_in_the_model(model_file):
    text = model_file.read_text(encoding="utf-8")
    for loop in ("R1", "R2", "B1", "B2", "B3"):
        assert re.search(rf"[Ll]oop {loop}\b", text), loop
