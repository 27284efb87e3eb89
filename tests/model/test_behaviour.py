"""Validation battery on the project model (Sterman ch. 21, Barlas 1996).

Integration error (DT halving), extreme conditions (no fund, no talent inflow, tenfold
funding), and the mass balance of the enterprise chains. Runs use the vectorised engine, which
tests/model/test_model_vs_pysd.py holds to PySD.
"""

from __future__ import annotations

import numpy as np
import pytest

from suzhou_sim.engine import load_model

KEY_OUTPUTS = [
    "High tech enterprises", "Tech SMEs registered", "RD intensity in year",
    "Tech contract turnover",
    "High tech output share", "Listed companies", "Leading talents", "Future industry output",
    "Cumulative new VC fund scale", "HTE recognitions in year", "High level talent",
]
FUND_LEVERS = ["Special fund 14th", "Special fund 15th", "Special fund 16th"]


@pytest.fixture(scope="module")
def model(model_file):
    return load_model(model_file)


def _at(result, name, year):
    col = int(np.flatnonzero(np.isclose(result.times, year))[0])
    return result[name][:, col]


def test_halving_time_step_changes_key_outputs_by_less_than_one_percent(model):
    base = model.run(return_columns=KEY_OUTPUTS)
    fine = model.run(return_columns=KEY_OUTPUTS, time_step=0.125 / 2)  # the .mdl uses 0.125
    for name in KEY_OUTPUTS:
        for year in (2023, 2025, 2030, 2035):
            a, b = _at(base, name, year)[0], _at(fine, name, year)[0]
            assert abs(a - b) <= 0.01 * max(abs(b), 1e-9), (name, year, a, b)


@pytest.fixture(scope="module")
def extremes(model):
    """Baseline, no special fund, tenfold and double funding, and no talent inflow in one call."""
    base = {k: model.constants[k] for k in FUND_LEVERS}
    sets = {
        "baseline": {},
        "no_fund": {k: 0.0 for k in FUND_LEVERS},
        "double_fund": {k: 2 * v for k, v in base.items()},
        "tenfold_fund": {k: 10 * v for k, v in base.items()},
        "no_talent_inflow": {"Base talent attraction": 0.0},
    }
    names = list(sets)
    keys = sorted({k for s in sets.values() for k in s})
    params = {
        k: np.array([sets[n].get(k, model.constants[k]) for n in names], float) for k in keys
    }
    res = model.run(params=params, n_runs=len(names))
    return names, res


def test_no_stock_goes_negative_under_extremes(model, extremes):
    names, res = extremes
    for stock in model.stocks:
        values = res[stock]
        assert np.all(values >= -1e-9), (stock, names[int(np.argmin(values.min(axis=1)))])


@pytest.mark.parametrize(
    "output",
    ["High tech enterprises", "Tech SMEs registered", "RD intensity", "Leading talents",
     "Cumulative new VC fund scale", "Future industry output", "Listed companies"],
)
def test_funding_responses_go_the_expected_way_and_saturate(extremes, output):
    names, res = extremes
    v = {n: _at(res, output, 2035)[i] for i, n in enumerate(names)}
    assert v["no_fund"] <= v["baseline"] <= v["double_fund"] <= v["tenfold_fund"]
    gain2 = v["double_fund"] - v["baseline"]
    gain10 = v["tenfold_fund"] - v["baseline"]
    # Diminishing returns: each of the eight extra fund levels between double and tenfold
    # adds less than the first extra level did (a linear response adds the same).
    assert (gain10 - gain2) / 8 < 0.8 * gain2 + 1e-9 * abs(v["baseline"])
    assert v["tenfold_fund"] < 4 * v["baseline"]


def test_no_funding_leaves_history_untouched(extremes):
    names, res = extremes
    i0, i1 = names.index("baseline"), names.index("no_fund")
    for year in (2019, 2021, 2023, 2024):
        # Year-end levels and calendar-year flows (not instantaneous rates, which at t = 2024
        # already describe the first step of 2025).
        for name in ("High tech enterprises", "RD expenditure in year", "RD intensity in year",
                     "Leading talents"):
            col = int(np.flatnonzero(np.isclose(res.times, year))[0])
            assert res[name][i0, col] == pytest.approx(res[name][i1, col], rel=1e-12)
    # ... and the cut shows from 2025 on.
    rd_2025 = _at(res, "RD expenditure in year", 2025)
    assert rd_2025[i1] < rd_2025[i0]


def test_no_talent_inflow_drains_the_talent_pool(extremes):
    names, res = extremes
    i = names.index("no_talent_inflow")
    talent = res["High level talent"][i]
    assert np.all(np.diff(talent) < 0)
    assert res["Leading talents"][i, -1] < res["Leading talents"][names.index("baseline"), -1]


@pytest.mark.parametrize(
    ("stock", "inflows", "outflows"),
    [
        ("High tech enterprises", ["Cumulative HTE recognitions"],
         ["Cumulative certificate expiries", "Cumulative HTE exits",
          "Cumulative HTE revocations"]),
        ("Tech SME pool", ["Cumulative new tech SMEs", "Cumulative renewal failures"],
         ["Cumulative first time recognitions", "Cumulative SME exits"]),
    ],
)
def test_mass_balance_of_the_enterprise_chain(extremes, stock, inflows, outflows):
    _, res = extremes
    change = res[stock] - res[stock][:, :1]
    net = sum(res[c] for c in inflows) - sum(res[c] for c in outflows)
    np.testing.assert_allclose(change, net, rtol=1e-9, atol=1e-6)


def test_expiring_certificates_are_renewed_or_return_to_the_pool(extremes):
    """Conservation across the chain: every expiry is a renewal or a firm back in the pool,
    so firms leave the pipeline only by SME exit, HTE exit or revocation."""
    _, res = extremes
    renewals = res["Cumulative HTE recognitions"] - res["Cumulative first time recognitions"]
    np.testing.assert_allclose(res["Cumulative certificate expiries"],
                               renewals + res["Cumulative renewal failures"], rtol=1e-9, atol=1e-6)
    firms = res["Tech SME pool"] + res["High tech enterprises"]
    left = (res["Cumulative SME exits"] + res["Cumulative HTE exits"]
            + res["Cumulative HTE revocations"])
    np.testing.assert_allclose(firms - firms[:, :1], res["Cumulative new tech SMEs"] - left,
                               rtol=1e-9, atol=1e-6)
    assert np.all(res["Cumulative renewal failures"][:, -1] > 0)


def test_certificates_expire_after_three_years(model):
    res = model.run(return_columns=["HTE recognitions", "Certificate expiries",
                                    "Certificate survival"], saveper=0.125)
    t = res.times
    rec, exp_ = res["HTE recognitions"][0], res["Certificate expiries"][0]
    surv = res["Certificate survival"][0, 0]
    k = int(round(3 / 0.125))
    start = int(np.flatnonzero(np.isclose(t, 2021.5))[0])
    np.testing.assert_allclose(exp_[start:], rec[start - k:-k] * surv, rtol=1e-12)
