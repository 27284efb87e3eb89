"""Dimensional consistency: the project model is clean (the checker: engine/test_units.py)."""

from __future__ import annotations

from suzhou_sim.engine.units import check_units


def test_project_model_is_dimensionally_consistent(model_file):
    assert check_units(model_file) == []


