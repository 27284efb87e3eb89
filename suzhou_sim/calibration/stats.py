"""Goodness-of-fit statistics for history-versus-model comparisons.

Pure functions on arrays: MAPE, R², Theil's inequality decomposition and band coverage. No
model runs, no file access.
"""

from __future__ import annotations

import numpy as np

__all__ = ["mape", "r_squared", "theil_components", "band_coverage"]


def mape(observed: np.ndarray, simulated: np.ndarray) -> float:
    """Mean absolute percentage error, in percent."""
    y, m = np.asarray(observed, float), np.asarray(simulated, float)
    if y.size == 0:
        return float("nan")
    return float(np.mean(np.abs(m - y) / np.abs(y)) * 100.0)


def r_squared(observed: np.ndarray, simulated: np.ndarray) -> float:
    """Squared correlation between observed and simulated values (Sterman's R²).

    NaN for fewer than three points or a constant series, where it says nothing.
    """
    y, m = np.asarray(observed, float), np.asarray(simulated, float)
    if y.size < 3 or np.std(y) == 0 or np.std(m) == 0:
        return float("nan")
    return float(np.corrcoef(y, m)[0, 1] ** 2)


def theil_components(observed: np.ndarray, simulated: np.ndarray) -> tuple[float, float, float]:
    """Theil's inequality statistics (U^M, U^S, U^C), which sum to one.

    The mean squared error splits into bias (U^M), unequal variation (U^S) and unequal
    covariation (U^C) (Sterman 2000, ch. 21). NaNs for fewer than three points or zero error.
    """
    y, m = np.asarray(observed, float), np.asarray(simulated, float)
    mse = float(np.mean((m - y) ** 2)) if y.size else 0.0
    if y.size < 3 or mse == 0.0:
        nan = float("nan")
        return nan, nan, nan
    sy, sm = np.std(y), np.std(m)
    r = np.corrcoef(y, m)[0, 1] if sy > 0 and sm > 0 else 0.0
    um = (np.mean(m) - np.mean(y)) ** 2 / mse
    us = (sm - sy) ** 2 / mse
    uc = 2.0 * (1.0 - r) * sm * sy / mse
    return float(um), float(us), float(uc)


def band_coverage(observed: np.ndarray, low: np.ndarray, high: np.ndarray) -> float:
    """Share of observed points inside ``[low, high]``."""
    y = np.asarray(observed, float)
    if y.size == 0:
        return float("nan")
    return float(np.mean((y >= np.asarray(low)) & (y <= np.asarray(high))))
