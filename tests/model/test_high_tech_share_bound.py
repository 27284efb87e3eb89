"""The high-tech output share stays under its evidence bound in every run of a scenario table.

The bound (`Max high tech share`) is derived in ``data/evidence/high_tech_share_bound.yaml``;
the share is high-tech output over industrial output, and neither a contraction of industry
nor a large fund may push it above the bound. The ``stress`` case (the fund doubled and
weighted to rewards while GDP and industry shrink) drives the unbounded share far above the
bound, so the test fails if the bound is not applied, also after the state correction.
"""

from __future__ import annotations

import numpy as np
import pytest

from suzhou_sim.calibration.resolve import resolve_posterior
from suzhou_sim.catalogues.evidence import load_share_bound
from suzhou_sim.catalogues.scenarios import Scenario, load_scenario
from suzhou_sim.ensemble.compiled import compiled_model
from suzhou_sim.ensemble.inputs import scenario_inputs
from suzhou_sim.ensemble.runs import run_ensemble
from tests.conftest import REPO

DRAWS = 200
BIG_FUND = {"special_fund": {"15th": 400, "16th": 400}, "enterprise_reward_weight": 0.5}
# case: (scenario file, levers, assumptions, the unbounded share must exceed the bound)
CASES = {
    "baseline": ("baseline", {}, {}, False),
    "austerity": ("austerity", None, {}, False),
    "contraction": ("baseline", {}, {"future_industrial_growth": -0.1,
                                     "future_gdp_growth": 0.0}, False),
    "expansion": ("baseline", BIG_FUND, {"future_gdp_growth": 0.02}, False),
    "stress": ("baseline", BIG_FUND, {"future_gdp_growth": -0.05,
                                      "future_industrial_growth": -0.1}, True),
}
SHARE, UNBOUNDED = "High tech output share", "Unbounded high tech share"


def _scenario(name: str) -> Scenario:
    file, levers, assumptions, _ = CASES[name]
    scenario = load_scenario(REPO / "scenarios" / f"{file}.yaml")
    if levers is None:
        return scenario
    data = scenario.model_dump()
    data.update(name=name, levers=levers, assumptions=assumptions)
    return Scenario(**data)


def test_the_model_holds_the_evidence_bound():
    bound = load_share_bound()
    assert compiled_model().constants[bound.constant] == bound.bound


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_share_stays_under_the_bound_in_every_run(case):
    scenario = _scenario(case)
    posterior, _ = resolve_posterior(None, scenario.region)
    params = scenario_inputs(scenario, DRAWS, scenario.seed, posterior)
    res = run_ensemble(params, DRAWS, [SHARE, UNBOUNDED])
    bound = load_share_bound().bound
    assert np.all(res[SHARE] <= bound + 1e-9), (case, res[SHARE].max())
    if CASES[case][3]:
        assert res[UNBOUNDED].max() > bound + 5, res[UNBOUNDED].max()
        assert res[SHARE].max() == pytest.approx(bound)
