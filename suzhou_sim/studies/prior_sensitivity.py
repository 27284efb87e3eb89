"""Prior sensitivity of every target, read off the ensemble's own runs (no extra runs).

Every ensemble already draws, per run, the assumptions (from their catalogue ranges) and a
posterior row of the calibrated parameters. For each target and each *candidate driver*
(a drawn assumption, or a fitted parameter the data inform only weakly: posterior sd above
:data:`~suzhou_sim.calibration.priors.INFORMED_SD_RATIO` of its prior sd, the calibration's
identification table :func:`~suzhou_sim.calibration.priors.informed_parameters`), the runs are
ranked by the driver's value and cut into bands: the lowest, the middle and the highest
:data:`BAND` of the runs (a fifth each). The share of runs reaching the target within a band
is P(target reached | driver in that band), the other inputs drawn as in the ensemble; the
low and high bands' probabilities are the target's prior-sensitivity range over that driver.

Why bands of the ensemble and not more runs: with the inputs drawn independently (the
assumptions through one uniform matrix, the posterior rows independently of it), a band's
share estimates the probability averaged over the driver's values in the band, at
``sqrt(p (1 - p) / n_band)`` sampling error and no extra engine call, for all drivers and
all targets at once. It is narrower than the assumption curves of
:mod:`suzhou_sim.studies.scenario_runs`, which fix a driver at the end points of its range:
a band's centre lies at the 10th/90th percentile of the driver's draws. A parameter's band
reflects its posterior spread (the prior where the data say little), and correlations
between posterior columns are not removed: a band of one parameter also shifts the
parameters correlated with it, as the posterior says they move together.

The status rule applied to these numbers (``prior_driven``) is
:func:`suzhou_sim.catalogues.targets.prior_driven`. Lives here: the candidate drivers and
the band probabilities. Must not: word results, write files or run the model.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ..calibration.posterior import Posterior
from ..catalogues.regions import Region, load_region
from ..catalogues.scenarios import load_assumptions
from ..catalogues.targets import PRIOR_BAND, SENSITIVITY_COLUMNS, Target, reached_per_run

__all__ = ["BAND", "BandProbabilities", "band_probabilities", "candidate_drivers",
           "weak_parameters", "prior_sensitivity"]

#: Share of the runs in each band (the lowest, the middle and the highest fifth).
BAND = PRIOR_BAND


@dataclass(frozen=True)
class BandProbabilities:
    """P(target reached) with a driver in its low, middle and high band of the runs.

    ``runs`` is the number of runs per band; ``value_low``/``value_high`` the driver's
    median value in the low/high band (what the band stands for).
    """

    low: float
    mid: float
    high: float
    runs: int
    value_low: float
    value_high: float

    @property
    def spread(self) -> float:
        """``|high - low|``: how far the driver moves the probability."""
        return abs(self.high - self.low)

    @property
    def se(self) -> float:
        """Binomial standard error of ``high - low`` (the two bands are disjoint runs)."""
        var = (self.low * (1 - self.low) + self.high * (1 - self.high)) / self.runs
        return float(np.sqrt(var))


def _bands(driver: np.ndarray, n: int, band: float) -> tuple[np.ndarray, np.ndarray,
                                                               np.ndarray]:
    """Run indices of the low, middle and high band of ``driver`` (``floor(band * n)`` runs
    each; ranked by a stable sort, the middle band centred on the median rank)."""
    k = int(np.floor(band * n))
    if not 0 < band <= 1 / 3 or k < 1 or len(driver) != n:
        raise ValueError(f"bands of {band} of {n} runs: need 0 < band <= 1/3 and a driver "
                         "value per run")
    order = np.argsort(np.asarray(driver, dtype=float), kind="stable")
    start = (n - k) // 2
    return order[:k], order[start:start + k], order[n - k:]


def band_probabilities(reached: np.ndarray, driver: np.ndarray,
                       band: float = BAND) -> BandProbabilities:
    """Shares of ``reached`` runs in the low, middle and high band of ``driver``.

    Runs are ranked by ``driver`` (ties in run order, a stable sort); the low band is the
    first ``k = floor(band * n)`` runs, the high band the last ``k``, the middle band the
    ``k`` runs centred on the median rank.

    Parameters
    ----------
    reached : numpy.ndarray
        Boolean per run: the target is reached.
    driver : numpy.ndarray
        The driver's value per run (same length).
    band : float
        Share of the runs per band, in (0, 1/3].

    Returns
    -------
    BandProbabilities
    """
    reached = np.asarray(reached, dtype=bool)
    driver = np.asarray(driver, dtype=float)
    low, mid, high = _bands(driver, len(reached), band)
    return BandProbabilities(float(reached[low].mean()), float(reached[mid].mean()),
                             float(reached[high].mean()), len(low),
                             float(np.median(driver[low])), float(np.median(driver[high])))


@dataclass(frozen=True)
class _Identification:
    """What :func:`~suzhou_sim.calibration.priors.informed_parameters` reads of a calibrator:
    the region's free parameters with their priors and the joint prior of shared ones."""

    parameters: list
    joint_prior: object
    region: Region


@lru_cache(maxsize=8)
def _priors(region: str) -> _Identification:
    # the calibration module (and its sampler) is imported only when a run asks for it
    from ..calibration.priors import load_free_parameters, population_prior

    reg = load_region(region)
    params = load_free_parameters(region)
    # None without shared parameters (a region with no parent): nothing is read then
    return _Identification(params, population_prior(params, parent=reg.parent or region), reg)


#: Weakly informed parameters per posterior object (its id, with a weak reference so that a
#: new object at a reused id is not mistaken for it): the app runs one posterior many times.
_WEAK: dict[int, tuple[weakref.ref, list[str]]] = {}


def weak_parameters(posterior: Posterior) -> list[str]:
    """The fitted parameters of ``posterior`` that the data inform only weakly.

    The calibration's identification table (posterior sd over prior sd, in the sampler's
    coordinates) with ``informed`` False: sd ratio above
    :data:`~suzhou_sim.calibration.priors.INFORMED_SD_RATIO`. State corrections are never
    candidates (``Posterior.fitted``). A posterior whose columns are not the region's free
    parameters (a test fixture) gives the columns it shares with them.
    """
    known = _WEAK.get(id(posterior))
    if known is not None and known[0]() is posterior:
        return list(known[1])
    out = _weak_parameters(posterior)
    _WEAK[id(posterior)] = (weakref.ref(posterior), out)
    return list(out)


def _weak_parameters(posterior: Posterior) -> list[str]:
    from ..calibration.priors import informed_parameters

    ident = _priors(posterior.region)
    names = set(posterior.fitted)
    known = [p for p in ident.parameters if p.name in names]
    if not known:
        return []
    table = informed_parameters(_Identification(known, ident.joint_prior, ident.region),
                                posterior.draws)
    return [str(p) for p, ok in zip(table["parameter"], table["informed"], strict=True)
            if not ok]


def candidate_drivers(params: Mapping[str, object], parameters: Iterable[str] = ()
                      ) -> dict[str, tuple[str, np.ndarray]]:
    """The inputs an ensemble draws that may drive a target's probability.

    Every catalogued assumption drawn over a range (its values differ between runs), then
    the given weakly informed ``parameters`` that vary between runs.

    Returns
    -------
    dict
        Constant -> (kind, values per run); kind is ``assumption`` or ``parameter``.
    """
    out: dict[str, tuple[str, np.ndarray]] = {}
    kinds = [(a.vensim, "assumption") for a in load_assumptions().values()]
    kinds += [(p, "parameter") for p in parameters]
    for name, kind in kinds:
        values = params.get(name)
        if values is None or np.ndim(values) == 0 or name in out:
            continue
        arr = np.asarray(values, dtype=float)
        if np.ptp(arr) > 0:
            out[name] = (kind, arr)
    return out


def prior_sensitivity(results, targets: Iterable[Target],
                      drivers: Mapping[str, tuple[str, np.ndarray]],
                      band: float = BAND) -> pd.DataFrame:
    """Band probabilities of every target with a model probability over every driver.

    Parameters
    ----------
    results
        Predictive ensemble results (what the scoreboard reads), ``n`` runs.
    targets : iterable of Target
        Targets of one region; out-of-scope, lever-set and trend targets (whose draws do
        not come from the ensemble's inputs) are skipped.
    drivers : mapping
        :func:`candidate_drivers` of the ensemble's inputs (``n`` values each).
    band : float
        Share of the runs per band.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`~suzhou_sim.catalogues.targets.SENSITIVITY_COLUMNS`, one row per
        target and driver, largest spread first within a target.
    """
    measured = [t for t in targets if t.in_scope and not t.set_by_lever and not t.trend]
    if not measured or not drivers:
        return pd.DataFrame(columns=SENSITIVITY_COLUMNS)
    # one row of runs per target; each driver's bands are ranked once for all targets
    reached = np.vstack([reached_per_run(results, t) for t in measured]).astype(float)
    n = reached.shape[1]
    used = [(name, kind, values) for name, (kind, values) in drivers.items()
            if len(values) == n]
    if not used or int(np.floor(band * n)) < 1:  # too few runs for a band: no range
        return pd.DataFrame(columns=SENSITIVITY_COLUMNS)
    stats = np.empty((len(used), 5, len(measured)))  # p_low, p_mid, p_high, v_low, v_high
    k = int(np.floor(band * n))
    for j, (_, _, values) in enumerate(used):
        low, mid, high = _bands(values, n, band)
        stats[j, :3] = [reached[:, idx].mean(axis=1) for idx in (low, mid, high)]
        stats[j, 3], stats[j, 4] = np.median(values[low]), np.median(values[high])
    p_low, p_mid, p_high, v_low, v_high = (stats[:, i].T.ravel() for i in range(5))
    spread = np.abs(p_high - p_low)
    target = np.repeat(np.arange(len(measured)), len(used))
    driver = np.tile(np.arange(len(used)), len(measured))
    # by target (in ledger order), largest spread first
    order = np.lexsort((-spread, target))
    return pd.DataFrame({
        "target_id": [measured[i].target_id for i in target[order]],
        "driver": [used[j][0] for j in driver[order]],
        "kind": [used[j][1] for j in driver[order]],
        "band": float(band),
        "p_low": p_low[order], "p_mid": p_mid[order], "p_high": p_high[order],
        "value_low": v_low[order], "value_high": v_high[order],
        "runs": k,
        "spread": spread[order],
        "se": np.sqrt((p_low * (1 - p_low) + p_high * (1 - p_high)) / k)[order],
    }, columns=SENSITIVITY_COLUMNS)
