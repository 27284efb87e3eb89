"""Scenario discovery: PRIM finds a known box; the scenario's inputs and the sentences."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from suzhou_sim.catalogues.scenarios import load_assumptions
from suzhou_sim.reporting.decision_report import discovery_sentences
from suzhou_sim.studies.discover import Discovery, discover, discover_boxes
from tests.posterior_fixture import CALIBRATED


def synthetic(n: int = 2000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Four uniform inputs; failure exactly when a < 0.3 and b > 0.6 (c, d are inert)."""
    x = pd.DataFrame(np.random.default_rng(seed).random((n, 4)), columns=list("abcd"))
    return x, ((x["a"] < 0.3) & (x["b"] > 0.6)).to_numpy()


def test_prim_recovers_the_known_box():
    x, failed = synthetic()
    boxes = discover_boxes(x, failed)
    first = boxes[0]
    limits = {r.name: r for r in first.restrictions}
    assert set(limits) == {"a", "b"}
    assert limits["a"].side == "below" and limits["a"].high == pytest.approx(0.3, abs=0.03)
    assert limits["b"].side == "above" and limits["b"].low == pytest.approx(0.6, abs=0.03)
    assert first.coverage > 0.9 and first.density > 0.9
    # The trajectory starts from the whole space and keeps every step.
    assert first.trajectory.loc[0, "coverage"] == 1.0
    assert first.trajectory.loc[0, "density"] == pytest.approx(failed.mean())


def test_nothing_fails_means_no_box_and_says_so():
    x, failed = synthetic()
    assert discover_boxes(x, np.zeros_like(failed)) == []
    found = Discovery("SZ-HTE-2025", 0.0, [], list(x.columns), 2000, 1)
    (en,) = discovery_sentences(found, "en")
    (zh,) = discovery_sentences(found, "zh")
    assert "reached in every run" in en and "均可实现" in zh


def test_sentences_name_the_restricted_inputs_in_both_languages():
    x, failed = synthetic()
    found = Discovery("SZ-HTE-2025", float(failed.mean()), discover_boxes(x, failed),
                      list(x.columns), len(x), 0)
    en = discovery_sentences(found, "en")[0]
    zh = discovery_sentences(found, "zh")[0]
    limits = {r.name: r for r in found.boxes[0].restrictions}
    a, b = f"{limits['a'].high:.3g}", f"{limits['b'].low:.3g}"
    assert en.startswith(f"SZ-HTE-2025 fails mainly when a < {a} and b > {b}: ")
    assert f"a(校准参数)低于{a}" in zh and f"b(校准参数)高于{b}" in zh and "主要在" in zh
    table = found.table()
    assert table["chosen"].sum() == len(found.boxes)
    assert {"coverage", "density", "mass", "base_failure_rate", "restricted"} <= set(table)


def test_scenario_discovery_uses_posterior_parameters_and_every_uncertain_assumption(
        posterior_dir, baseline):
    scenario = baseline
    found = discover(scenario, "SZ-HTE-2025", draws=300, seed=5, posterior=posterior_dir)
    uncertain = [a.vensim for a in load_assumptions().values() if a.low < a.high]
    assert found.inputs == list(CALIBRATED) + uncertain
    assert 0.0 <= found.base_rate <= 1.0
    again = discover(scenario, "SZ-HTE-2025", draws=300, seed=5, posterior=posterior_dir)
    assert again.table().equals(found.table())
