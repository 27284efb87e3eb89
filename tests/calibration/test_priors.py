"""The calibrated parameters' priors (``calibration/priors.py``): the free parameters'
coordinates, the population prior and how far the data inform each parameter. The fit on
them is tested in ``test_fit.py``; the priors of ``parameters.yaml`` in
``test_evidence_priors.py``."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from suzhou_sim.calibration import fit
from suzhou_sim.calibration.posterior import Posterior
from suzhou_sim.calibration.priors import (
    INFORMED_SD_RATIO,
    FreeParameter,
    informed_parameters,
    population_prior,
)
from tests.conftest import REPO


def _region() -> SimpleNamespace:
    return SimpleNamespace(scaled_parameters=(), region_effects=())


def test_a_lognormal_parameter_works_on_the_log_of_its_value():
    p = FreeParameter("a", 0.5, 2.0, "lognormal", 0.3, 1.0)
    assert p.x_bounds == pytest.approx((np.log(0.5), np.log(2.0)))
    assert float(p.from_x(p.to_x(1.7))) == pytest.approx(1.7)
    assert p.prior_residual(np.array([np.log(1.0) + 0.6])) == pytest.approx([2.0])
    flat = FreeParameter("b", 0.0, 1.0, "flat", 1.0, 0.5)
    assert flat.prior_residual(np.array([0.9])) == pytest.approx([0.0])


def test_informed_parameters_compares_posterior_and_prior_spread():
    rng = np.random.default_rng(1)
    narrow = FreeParameter("narrow", -10.0, 10.0, "normal", 1.0, 0.0)
    wide = FreeParameter("wide", -10.0, 10.0, "normal", 1.0, 0.0)
    draws = pd.DataFrame({"narrow": rng.normal(0, 0.2, 4000), "wide": rng.normal(0, 1.0, 4000)})
    cal = SimpleNamespace(parameters=[narrow, wide], joint_prior=None, region=_region())
    table = informed_parameters(cal, draws).set_index("parameter")
    assert table.loc["narrow", "sd_ratio"] == pytest.approx(0.2, abs=0.02)
    assert bool(table.loc["narrow", "informed"]) and not bool(table.loc["wide", "informed"])
    assert table.loc["wide", "sd_ratio"] > INFORMED_SD_RATIO
    assert set(table["group"]) == {"own"} and set(table["prior_source"]) == {"judgement"}


def test_the_population_prior_is_the_parents_draws_of_the_shared_parameters():
    rng = np.random.default_rng(2)
    shared = FreeParameter("s", 0.1, 10.0, "lognormal", 0.5, 1.0, shared=True)
    own = FreeParameter("o", 0.0, 1.0, "normal", 0.1, 0.5)
    values = np.exp(rng.normal(0.2, 0.1, 500))
    parent = Posterior(region="suzhou", point={}, draws=pd.DataFrame({"s": values, "o": 0.5}),
                       meta={})
    prior = population_prior([shared, own], parent)
    assert prior.names == ("s",)
    assert prior.mean == pytest.approx([np.log(values).mean()])
    assert population_prior([own], parent) is None


def test_the_fit_uses_these_priors():
    assert fit.FreeParameter is FreeParameter
    assert fit.informed_parameters is informed_parameters


def test_the_priors_do_not_import_the_fits_optimiser_or_sampler():
    # a scenario run reads the priors: scipy.stats (through emcee) costs 0.5 CPU-s
    code = ("import sys, suzhou_sim.calibration.priors; print(sorted(m for m in "
            "('emcee', 'scipy.optimize', 'scipy.stats') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, check=True)
    assert out.stdout.strip() == "[]", out.stdout
