"""Sensitivity analysis: problem construction, the generic core on analytic functions, the
model layer against the target definitions and the effect of a lever step (the summaries'
words: ``tests/reporting/test_sensitivity_text.py``; the command: ``tests/cli/``)."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest

from suzhou_sim.calibration.resolve import resolve_posterior
from suzhou_sim.catalogues.scenarios import assumption_ranges, load_assumptions, load_scenario
from suzhou_sim.catalogues.targets import load_targets, reached_per_run, target_values
from suzhou_sim.engine import load_model
from suzhou_sim.errors import InputError
from suzhou_sim.reporting.sensitivity_text import summarise
from suzhou_sim.studies import sensitivity as sa
from tests.conftest import REPO

BASELINE = REPO / "scenarios" / "baseline.yaml"


@pytest.fixture(scope="module")
def posterior(posterior_root):
    return resolve_posterior(posterior_root, "suzhou")[0]


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(BASELINE)


@pytest.fixture(scope="module")
def problem(scenario, posterior):
    return sa.build_problem(scenario, posterior)


# --- problem ------------------------------------------------------------------------------


def test_problem_has_calibrated_parameters_then_assumptions_with_their_ranges(
    problem, posterior, scenario, model_file
):
    catalogue = load_assumptions()
    ranges = assumption_ranges(scenario)
    assumed = [a.vensim for key, a in catalogue.items() if ranges[key][1] < ranges[key][2]]
    assert problem.names == posterior.names + assumed
    assert problem.kinds == ["calibrated"] * len(posterior.names) + ["assumption"] * len(assumed)
    units = load_model(model_file).units
    assert problem.units == [units[n] for n in problem.names]
    salib = problem.salib()
    assert salib["num_vars"] == len(problem) and salib["names"] == problem.names
    for f in problem.factors:
        if f.kind == "calibrated":
            draws = posterior.draws[f.name]
            assert draws.min() <= f.low < f.high <= draws.max()
            assert f.low == pytest.approx(draws.quantile(0.05))
            assert f.high == pytest.approx(draws.quantile(0.95))
        else:
            key = next(k for k, a in catalogue.items() if a.vensim == f.name)
            assert (f.low, f.high) == pytest.approx(ranges[key][1:])
            assert f.unit == catalogue[key].unit and f.label_zh == catalogue[key].label_zh
    assert problem.fixed == posterior.point


def test_problem_leaves_out_fixed_assumptions_and_can_be_restricted(scenario, posterior):
    data = scenario.model_dump(by_alias=True, exclude_none=True)
    data["assumptions"] = {"external_shock": 0.9}  # a single number fixes the assumption
    fixed = scenario.model_validate(data)
    names = sa.build_problem(fixed, posterior).names
    assert "External shock" not in names and "Future GDP growth" in names
    sub = sa.build_problem(scenario, posterior, ["Initial HTE", "listing_openness"])
    assert sub.names == ["Initial HTE", "Listing openness"]
    assert sub.kinds == ["calibrated", "assumption"]


@pytest.mark.parametrize("names, message", [
    (["Initial HTEs"], "did you mean 'Initial HTE'"),
    (["no such factor"], "unknown sensitivity factor"),
])
def test_problem_rejects_unknown_factors(scenario, posterior, names, message):
    with pytest.raises(InputError, match=message):
        sa.build_problem(scenario, posterior, names)


def test_state_corrections_are_held_at_the_point_not_ranged(scenario, posterior):
    """The conditioning's per-draw corrections are no uncertainty of the model: never factors,
    never nameable, and held at the posterior point like any parameter left out."""
    draws = posterior.draws.copy()
    draws["HTE state correction"] = np.linspace(-0.05, 0.05, len(draws))
    point = {**posterior.point, "HTE state correction": 0.01}
    with_corrections = dataclasses.replace(posterior, draws=draws, point=point)
    assert with_corrections.corrections == ["HTE state correction"]
    problem = sa.build_problem(scenario, with_corrections)
    assert "HTE state correction" not in problem.names
    assert problem.names == sa.build_problem(scenario, posterior).names
    assert problem.fixed["HTE state correction"] == 0.01
    with pytest.raises(InputError, match="unknown sensitivity factor"):
        sa.build_problem(scenario, with_corrections, ["HTE state correction"])


def test_problem_rejects_a_posterior_of_another_region(posterior_root):
    kunshan = resolve_posterior(posterior_root, "kunshan")[0]
    with pytest.raises(InputError, match="kunshan"):
        sa.build_problem(load_scenario(BASELINE), kunshan)


# --- the generic core on analytic functions -----------------------------------------------

ISHIGAMI = sa.SensitivityProblem.from_bounds(["x1", "x2", "x3"], [[-np.pi, np.pi]] * 3)


def test_ishigami_recovers_its_published_indices():
    indices = sa.sobol_analysis(ISHIGAMI, sa.ishigami, n_base=4096, seed=0)
    assert indices.attrs["model_runs"] == 4096 * (3 + 2)
    assert list(indices.columns) == sa.SOBOL_COLUMNS
    for name in ("S1", "ST"):
        for j, expected in enumerate(sa.ISHIGAMI_INDICES[name]):
            got, conf = indices[name].iloc[j], indices[f"{name}_conf"].iloc[j]
            assert abs(got - expected) <= max(conf, 0.05), (name, j, got, conf)


def test_sobol_is_deterministic_for_a_seed():
    a = sa.sobol_analysis(ISHIGAMI, sa.ishigami, n_base=256, seed=0)
    b = sa.sobol_analysis(ISHIGAMI, sa.ishigami, n_base=256, seed=0)
    c = sa.sobol_analysis(ISHIGAMI, sa.ishigami, n_base=256, seed=1)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["ST"], c["ST"])


def test_morris_gives_an_inert_factor_zero_mu_star():
    problem = sa.SensitivityProblem.from_bounds(["a", "b", "inert"], [[0, 1], [-1, 1], [5, 9]])
    indices = sa.morris_analysis(problem, lambda X: X[:, 0] + 3 * X[:, 1] ** 2, 40, seed=0)
    assert list(indices.columns) == sa.MORRIS_COLUMNS
    mu_star = dict(zip(indices["factor"], indices["mu_star"], strict=True))
    assert mu_star["inert"] == pytest.approx(0.0, abs=1e-12)
    assert mu_star["a"] == pytest.approx(1.0) and mu_star["b"] > 0.5
    again = sa.morris_analysis(problem, lambda X: X[:, 0] + 3 * X[:, 1] ** 2, 40, seed=0)
    pd.testing.assert_frame_equal(indices, again)


def test_constant_output_gets_zero_indices_and_a_warning():
    with pytest.warns(UserWarning, match="does not vary"):
        indices = sa.sobol_analysis(ISHIGAMI, lambda X: {"flat": np.ones(len(X))}, 16, 0)
    assert (indices["ST"] == 0).all()
    assert "hardly varies" in summarise(indices)["flat"]


@pytest.mark.parametrize("bad", [0, 1])
def test_sample_sizes_below_two_are_input_errors(bad):
    with pytest.raises(InputError, match="at least 2"):
        sa.sobol_analysis(ISHIGAMI, sa.ishigami, n_base=bad)
    with pytest.raises(InputError, match="at least 2"):
        sa.morris_analysis(ISHIGAMI, sa.ishigami, n_trajectories=bad)


# --- the model ----------------------------------------------------------------------------


def test_margins_say_exactly_whether_targets_are_reached(problem, scenario, model_file):
    rng = np.random.default_rng(0)
    lows, highs = np.array(problem.bounds).T
    X = lows + (highs - lows) * rng.random((64, len(problem)))
    out = sa.evaluate(problem, X, scenario)
    in_scope = [t for t in load_targets().values() if t.region == "suzhou" and t.in_scope]
    assert list(out.columns) == [(t.target_id, o) for t in in_scope for o in ("value", "margin")]
    # the same runs through the engine directly, for catalogues.targets' own verdicts
    params = {**sa._constants(problem, scenario),
              **{n: X[:, j] for j, n in enumerate(problem.names)}}
    results = load_model(model_file).run(params=params, n_runs=len(X))
    for t in in_scope:
        value = target_values(results, t, [t.year])[:, 0]
        np.testing.assert_allclose(out[(t.target_id, "value")], value)
        reached = reached_per_run(results, t)
        np.testing.assert_array_equal(out[(t.target_id, "margin")].to_numpy() >= 0, reached)


def test_model_sobol_and_morris_label_every_factor_and_target(scenario, posterior, problem):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # few samples: SALib notes constant subsets
        sobol = sa.sobol(scenario, n_base=8, seed=3, posterior=posterior)
        morris = sa.morris(scenario, n_trajectories=3, seed=3, posterior=posterior)
        again = sa.sobol(scenario, n_base=8, seed=3, posterior=posterior)
    pd.testing.assert_frame_equal(sobol, again)
    n_targets = sum(t.region == "suzhou" and t.in_scope for t in load_targets().values())
    for indices, runs in ((sobol, 8 * (len(problem) + 2)), (morris, 3 * (len(problem) + 1))):
        assert len(indices) == n_targets * 2 * len(problem)
        assert indices.attrs["model_runs"] == runs
        first = indices[(indices["target_id"] == "SZ-HTE-2025") & (indices["output"] == "margin")]
        assert first["factor"].tolist() == problem.names
        assert first["kind"].tolist() == problem.kinds
    # the future-industry base is an assumption that only future-industry targets can see
    base = morris[(morris["factor"] == "Future industry base 2023")
                  & (morris["output"] == "margin")].set_index("target_id")["mu_star"]
    assert base["SZ-FUTURE-2030"] > 0 and base["SZ-HTE-2025"] == 0


# --- command line -------------------------------------------------------------------------


# --- sensitivity of a policy effect -----------------------------------------------------------


def test_effect_of_a_lever_step_is_the_paired_difference(scenario, posterior_root, problem):
    step = sa.effect_step(scenario, "special_fund", "15th")
    assert step.changes == {"Special fund 15th": step.new_value} and step.step > 0
    # the effects study's money rule: a share of the region's own fund in the period
    assert step.step == pytest.approx(0.1 * scenario.lever_value("special_fund", "15th"))
    assert sa.effect_step(scenario, "special_fund", "15th", money_step=50).step == 50
    rng = np.random.default_rng(0)
    lows, highs = np.array(problem.bounds).T
    X = lows + (highs - lows) * rng.random((6, len(problem)))
    both = sa.evaluate(problem, X, scenario, effect=step.changes, years=[2025, 2030])
    assert set(both.columns.get_level_values("output")) == {"effect"}
    level = sa.evaluate(problem, X, scenario, years=[2030])
    stepped = sa.evaluate(problem, X, scenario.with_lever("special_fund", "15th",
                                                          step.new_value), years=[2030])
    for tid in ("SZ-FUTURE-2030",):
        np.testing.assert_allclose(both[(tid, "effect")],
                                   stepped[(tid, "value")] - level[(tid, "value")])
    # a 15th-plan step acts from 2026: it cannot move a 2025 target
    assert (both[("SZ-HTE-2025", "effect")] == 0).all()


def test_effect_sensitivity_counts_both_runs_and_words_the_effect(scenario, posterior_root):
    step = sa.effect_step(scenario, "special_fund", "15th")
    out = sa.morris(scenario, 2, 0, posterior=posterior_root, effect=step.changes,
                    years=[2030, 2035])
    assert set(out["output"]) == {"effect"}
    assert set(out["target_id"]) <= {t.target_id for t in sa._targets("suzhou", [2030, 2035])}
    assert out.attrs["model_runs"] == 2 * 2 * (out["factor"].nunique() + 1)
    text = summarise(out, "en")["SZ-FUTURE-2035"]
    assert text.startswith("How much the lever step changes SZ-FUTURE-2035")
    assert summarise(out, "zh")["SZ-FUTURE-2035"].startswith("杠杆步长对")


