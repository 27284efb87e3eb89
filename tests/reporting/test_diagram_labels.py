"""The structure diagram's labels (``reporting/diagram_labels.py``): read from their table."""

from __future__ import annotations

from suzhou_sim.reporting.diagram_labels import SECTOR_LABELS, VARIABLE_LABELS, node_label
from suzhou_sim.reporting.structure_diagram import (
    structure_dot,
    wrap_label,
)


def test_labels_come_from_the_table(model):
    structure, loops, sectors = model
    dot = structure_dot(*model, lang="zh")
    label = wrap_label(VARIABLE_LABELS["Tech SME pool"][0])
    assert f'"Tech SME pool" [label={label}' in dot
    assert node_label("Cumulative first time recognitions", "zh") == "累计首次认定"
    assert node_label("Cumulative first time recognitions", "en") == \
        "Cumulative first time recognitions"
    assert set(sectors) <= set(SECTOR_LABELS)
