"""Fixtures shared by the reporting tests: the model's structure, loops and sectors."""

from __future__ import annotations

import pytest

from suzhou_sim.reporting.structure_diagram import (
    read_loops,
    read_sectors,
    read_structure,
)


@pytest.fixture(scope="module")
def model():
    """The structure read from the model: (structure, loops, sectors)."""
    structure = read_structure()
    return structure, read_loops(structure=structure), read_sectors(structure=structure)
