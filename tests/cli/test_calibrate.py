"""The ``calibrate`` command's note on figures that disagree between sources."""

from __future__ import annotations

from pathlib import Path

from suzhou_sim.catalogues.observations import load_observations, observation_conflicts
from suzhou_sim.cli.calibrate import conflict_note
from suzhou_sim.paths import OBSERVED_FILE


def test_the_note_counts_the_conflicts_and_names_the_largest_first():
    conflicts = observation_conflicts(load_observations(OBSERVED_FILE, region="suzhou"),
                                      OBSERVED_FILE)
    assert conflicts  # the shipped data have indicator-years with several figures
    note = conflict_note(conflicts, "suzhou", OBSERVED_FILE, Path("cal/suzhou"))
    assert note.startswith(f"calibrate: {len(conflicts)} indicator-year(s) of suzhou")
    assert "\n" not in note and "http" not in note  # one line, no source addresses
    worst = max(conflicts, key=lambda c: c.ratio)
    listed = note.split("largest disagreement: ")[1]
    assert listed.startswith(f"{worst.indicator} {worst.year} (ratio {worst.ratio:.3g})")
    assert listed.count("(ratio") == min(3, len(conflicts))
    assert str(Path("cal/suzhou/report.md")) in note


def test_no_conflict_says_nothing():
    assert conflict_note([], "suzhou", OBSERVED_FILE, Path("cal/suzhou")) is None
