"""The calibrated parameters' priors: free parameters, the population prior, how far the data
inform each.

Lives here: :class:`FreeParameter` and :func:`load_free_parameters` (``parameters.yaml``,
or a parent region's posterior for a region with a parent), :class:`JointPrior` and
:func:`population_prior` (the parent's posterior as a joint prior), and
:func:`informed_parameters` (prior against posterior spread). A scenario run reads these to
find the weakly informed parameters; they are apart from ``fit`` so that it does not import
the fit's optimiser and sampler (``scipy.optimize``, ``emcee`` and through it
``scipy.stats``, about 0.5 CPU-s). Must not: fit, sample or store a calibration (``fit``,
``posterior``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from ..catalogues.regions import DEFAULT_REGION, Region, load_region
from ..ensemble.compiled import compiled_model
from ..errors import InputError
from ..fileio.safe_yaml import load_yaml
from ..paths import MODEL_FILE, PARAMETERS_FILE
from .posterior import Posterior, load_posterior

__all__ = [
    "FreeParameter",
    "Identified",
    "INFORMED_SD_RATIO",
    "JointPrior",
    "informed_parameters",
    "load_free_parameters",
    "population_prior",
]

# A region's scale parameters widen the Suzhou posterior by these log-scale / relative amounts.
KUNSHAN_EXTRA_LOG_SD = 0.5
KUNSHAN_EXTRA_REL_SD = 1.0
# A region effect may move a behavioural parameter this far from Suzhou's (log scale, or as a
# share of the parameter's own prior sd for normal priors).
REGION_EFFECT_LOG_SD = 0.3
REGION_EFFECT_REL_SD = 0.5
# The data inform a parameter when its posterior sd is at most this share of its prior sd
# (its variance at most about half the prior's).
INFORMED_SD_RATIO = 0.7


@dataclass(frozen=True)
class FreeParameter:
    """A calibrated constant with its bounds and prior.

    ``lognormal`` priors (and their search) work on the log of the value, ``normal`` and
    ``flat`` on the value itself.
    """

    name: str
    lower: float
    upper: float
    prior: str
    sd: float
    centre: float
    # Shared with the population (Suzhou): its prior is the joint one of JointPrior, so it
    # adds no prior residual of its own.
    shared: bool = False
    # Where the prior comes from: "judgement" or "evidence: <citation>" (parameters.yaml),
    # or, for a region with a parent, how it derives from the parent's posterior.
    source: str = "judgement"

    @property
    def log(self) -> bool:
        return self.prior == "lognormal"

    def to_x(self, theta: np.ndarray | float) -> np.ndarray:
        return np.log(theta) if self.log else np.asarray(theta, float)

    def from_x(self, x: np.ndarray | float) -> np.ndarray:
        return np.exp(x) if self.log else np.asarray(x, float)

    @property
    def x_bounds(self) -> tuple[float, float]:
        return float(self.to_x(self.lower)), float(self.to_x(self.upper))

    def prior_residual(self, x: np.ndarray) -> np.ndarray:
        if self.prior == "flat" or self.shared:
            return np.zeros_like(x)
        return (x - self.to_x(self.centre)) / self.sd


def _read_spec(path: Path) -> dict:
    spec = load_yaml(path, "parameter specification")
    if not isinstance(spec, dict) or not spec:
        raise InputError(code="err.params_not_mapping", file=path)
    return spec


def load_free_parameters(
    region: str = DEFAULT_REGION,
    path: Path = PARAMETERS_FILE,
    suzhou_posterior: Posterior | None = None,
    model_file: Path = MODEL_FILE,
) -> list[FreeParameter]:
    """Free parameters of ``region`` with their priors.

    A region without a ``parent`` in its profile (Suzhou) takes its priors from
    ``parameters.yaml`` centred on the model's defaults, or on the entry's ``centre`` where
    evidence gives one (each entry's ``source`` says ``judgement`` or ``evidence: ...``;
    without one it counts as judgement). A region with a parent (Kunshan) is
    informed by the parent's fit: centred on the parent's posterior median (multiplied by the
    region's scale for stocks and absolute rates) with the posterior spread widened, so the
    region's sparse data move them only where they say something. ``suzhou_posterior`` is the
    parent's posterior (default: its stored calibration).
    """
    spec = _read_spec(path)
    model = compiled_model(Path(model_file))
    out: list[FreeParameter] = []
    for name, entry in spec.items():
        if name not in model.constants:
            raise InputError(code="err.params_not_constant", file=path, field=name,
                             model=model_file.name)
        try:
            lower, upper = float(entry["lower"]), float(entry["upper"])
            prior, sd = str(entry["prior"]), float(entry.get("sd", 1.0))
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(code="err.params_needs_fields", file=path, field=name,
                             detail=str(exc)) from None
        if prior not in ("lognormal", "normal", "flat") or not lower < upper:
            raise InputError(code="err.params_prior", file=path, field=name)
        source = str(entry.get("source", "judgement")).strip()
        if source != "judgement" and not (source.startswith("evidence:")
                                          and source[len("evidence:"):].strip()):
            raise InputError(code="err.params_source", file=path, field=name, value=source)
        try:
            centre = float(entry.get("centre", model.constants[name]))
        except (TypeError, ValueError):
            raise InputError(code="err.params_centre_number", file=path, field=name) from None
        if not lower <= centre <= upper:
            raise InputError(code="err.params_centre_range", file=path, field=name,
                             centre=centre, lower=lower, upper=upper)
        out.append(FreeParameter(name, lower, upper, prior, sd, centre, source=source))
    reg = load_region(region)
    if reg.parent is None:
        return out
    suz = suzhou_posterior or load_posterior(reg.parent)
    derived = []
    for p in out:
        draws = suz.draws[p.name].to_numpy()
        x = p.to_x(draws)
        if p.name in reg.scaled_parameters:
            # Scale parameter: Suzhou's estimate times the region's size, widely uncertain.
            factor = reg.scale
            extra_log, extra_rel, shared = KUNSHAN_EXTRA_LOG_SD, KUNSHAN_EXTRA_REL_SD, False
            how = f"{reg.parent} posterior x {reg.scale:g} (region size), widened"
        elif p.name in reg.region_effects:
            factor, shared = 1.0, False
            extra_log, extra_rel = REGION_EFFECT_LOG_SD, REGION_EFFECT_REL_SD
            how = f"{reg.parent} posterior, widened (region effect)"
        else:
            factor, extra_log, extra_rel, shared = 1.0, 0.0, 0.0, True
            how = f"{reg.parent} posterior (population prior)"
        centre = float(np.median(draws)) * factor
        lower, upper = p.lower * factor, p.upper * factor
        if p.log:
            sd = float(np.hypot(np.std(x), extra_log))
        else:
            sd = float(np.hypot(np.std(draws) * factor, extra_rel * p.sd * factor))
        centre = float(np.clip(centre, lower, upper))
        derived.append(FreeParameter(p.name, lower, upper, p.prior, sd, centre, shared,
                                     source=f"{how}; {reg.parent}'s prior: {p.source}"))
    return derived


@dataclass(frozen=True)
class JointPrior:
    """A joint normal prior on some parameters' sampler coordinates (log for lognormal ones).

    ``residuals`` are the whitened deviations ``L^-1 (x - mean)`` with ``L`` the Cholesky
    factor of ``cov``, so their sum of squares is the prior's minus twice log density.
    """

    names: tuple[str, ...]
    mean: np.ndarray
    cov: np.ndarray

    @property
    def whitener(self) -> np.ndarray:
        return np.linalg.inv(np.linalg.cholesky(self.cov))

    def residuals(self, X: np.ndarray) -> np.ndarray:
        return (np.atleast_2d(X) - self.mean) @ self.whitener.T


def population_prior(
    parameters: list[FreeParameter], suzhou_posterior: Posterior | None = None,
    parent: str = DEFAULT_REGION,
) -> JointPrior | None:
    """The parent's posterior as the joint prior of the ``shared`` parameters (None if none).

    Mean and covariance of the parent's draws (``suzhou_posterior``, default the stored
    calibration of ``parent``) in the sampler's coordinates, so the correlations the parent's
    data imply between behavioural parameters carry over to the region.
    """
    shared = [p for p in parameters if p.shared]
    if not shared:
        return None
    suz = suzhou_posterior or load_posterior(parent)
    X = np.column_stack([p.to_x(suz.draws[p.name].to_numpy()) for p in shared])
    cov = np.atleast_2d(np.cov(X.T))
    cov = cov + np.diag(1e-9 + 1e-6 * np.diag(cov))  # numerically positive definite
    return JointPrior(tuple(p.name for p in shared), X.mean(axis=0), cov)

class Identified(Protocol):
    """What :func:`informed_parameters` reads of a calibrator."""

    parameters: list[FreeParameter]
    joint_prior: JointPrior | None
    region: Region


def informed_parameters(cal: Identified, draws: pd.DataFrame) -> pd.DataFrame:
    """How far the data narrow each parameter: prior against posterior spread.

    Spreads are standard deviations in the sampler's coordinates (log for lognormal
    parameters). A parameter counts as informed when its posterior sd is at most
    ``INFORMED_SD_RATIO`` of its prior sd. ``1 - variance ratio`` summed over the parameters
    is the effective number of parameters the data determine. ``cal`` is a
    :class:`~suzhou_sim.calibration.fit.Calibrator` or anything with its ``parameters``,
    ``joint_prior`` and ``region``.

    Returns
    -------
    pandas.DataFrame
        ``parameter, group, prior_sd, posterior_sd, sd_ratio, informed, prior_source,
        prior_citation``; ``group`` is ``scale``, ``region effect``, ``shared`` (population
        prior) or ``own``; ``prior_source`` is ``evidence`` or ``judgement`` (for a region
        with a parent: that of the parent's prior), ``prior_citation`` the full source.
    """
    prior_sd = {}
    for p in cal.parameters:
        lo, hi = p.x_bounds
        prior_sd[p.name] = (hi - lo) / np.sqrt(12.0) if p.prior == "flat" else p.sd
    if cal.joint_prior:
        prior_sd.update(zip(cal.joint_prior.names, np.sqrt(np.diag(cal.joint_prior.cov)),
                            strict=True))
    region = cal.region
    rows = []
    for p in cal.parameters:
        post = float(np.std(p.to_x(draws[p.name].to_numpy())))
        group = ("shared" if p.shared else "scale" if p.name in region.scaled_parameters
                 else "region effect" if p.name in region.region_effects else "own")
        ratio = post / prior_sd[p.name]
        rows.append({"parameter": p.name, "group": group, "prior_sd": float(prior_sd[p.name]),
                     "posterior_sd": post, "sd_ratio": ratio,
                     "informed": bool(ratio <= INFORMED_SD_RATIO),
                     "prior_source": "judgement" if p.source.endswith("judgement")
                     else "evidence", "prior_citation": p.source})
    return pd.DataFrame(rows)
