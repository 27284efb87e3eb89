"""Summary statistics of ensembles shared by the catalogues and the studies.

Lives here: :func:`percentiles`, numpy's default (``linear``) percentiles along the first
axis computed from one sort instead of numpy's multi-point partition (several times faster
for the scoreboard's and the series table's 10/50/90 percentiles of 1,000 runs); and
:func:`normal_quantile`, ``scipy.special.ndtri`` with the same bits without importing scipy
(0.2 CPU-s of a scenario run, which needs the quantiles of the trend nowcasts).
Must not: read files or know about the model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["normal_quantile", "percentiles"]

# Cephes' ``ndtri`` (scipy.special's): rational approximations in y - 1/2 for the centre and
# in 1/x, x = sqrt(-2 log y), for the tails, with its coefficients and its order of
# operations (Horner's scheme), so that every result is scipy's to the bit.
_S2PI = 2.50662827463100050242E0
_EXP_M2 = 0.13533528323661269189  # exp(-2): the centre is exp(-2) < y < 1 - exp(-2)
_P0 = (-5.99633501014107895267E1, 9.80010754185999661536E1, -5.66762857469070293439E1,
       1.39312609387279679503E1, -1.23916583867381258016E0)
_Q0 = (1.95448858338141759834E0, 4.67627912898881538453E0, 8.63602421390890590575E1,
       -2.25462687854119370527E2, 2.00260212380060660359E2, -8.20372256168333339912E1,
       1.59056225126211695515E1, -1.18331621121330003142E0)
_P1 = (4.05544892305962419923E0, 3.15251094599893866154E1, 5.71628192246421288162E1,
       4.40805073893200834700E1, 1.46849561928858024014E1, 2.18663306850790267539E0,
       -1.40256079171354495875E-1, -3.50424626827848203418E-2, -8.57456785154685413611E-4)
_Q1 = (1.57799883256466749731E1, 4.53907635128879210584E1, 4.13172038254672030440E1,
       1.50425385692907503408E1, 2.50464946208309415979E0, -1.42182922854787788574E-1,
       -3.80806407691578277194E-2, -9.33259480895457427372E-4)


def _horner(x: float, coefficients: tuple[float, ...], leading_one: bool = False) -> float:
    """Cephes' ``polevl`` (``p1evl`` with ``leading_one``: a leading coefficient 1)."""
    value = x + coefficients[0] if leading_one else coefficients[0]
    for c in coefficients[1:]:
        value = value * x + c
    return value


def normal_quantile(p: float) -> float:
    """The standard normal quantile of ``p``: ``scipy.special.ndtri(p)``, the same bits.

    Computed here for ``p`` from about 1.3e-14 to 1 - 1.3e-14 (``tests/test_stats.py``
    checks the equality against scipy itself); further out, and for 0, 1 or a value
    outside ``[0, 1]``, scipy's function is called.
    """
    y, upper = float(p), False
    if not 0.0 < y < 1.0:
        return _scipy_ndtri(y)
    if y > 1.0 - _EXP_M2:
        y, upper = 1.0 - y, True
    if y > _EXP_M2:
        y -= 0.5
        y2 = y * y
        return (y + y * (y2 * _horner(y2, _P0) / _horner(y2, _Q0, leading_one=True))) * _S2PI
    x = math.sqrt(-2.0 * math.log(y))
    if x >= 8.0:  # y below exp(-32): Cephes' far-tail coefficients are scipy's
        return _scipy_ndtri(float(p))
    x0 = x - math.log(x) / x
    z = 1.0 / x
    x = x0 - z * _horner(z, _P1) / _horner(z, _Q1, leading_one=True)
    return x if upper else -x


def _scipy_ndtri(p: float) -> float:
    from scipy.special import ndtri

    return float(ndtri(p))


def percentiles(values: ArrayLike, q: Sequence[float]) -> np.ndarray:
    """``np.percentile(values, q, axis=0)`` with the same bits, from one sort.

    The order statistics around each percentile and their interpolation are those of
    numpy's ``linear`` method (a column holding NaN gives NaN, as in numpy);
    ``tests/test_stats.py`` checks the equality against numpy itself.

    Parameters
    ----------
    values : array_like
        Shape ``(n_runs,)`` or ``(n_runs, ...)``.
    q : sequence of float
        Percentiles in ``[0, 100]``.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(q),) + values.shape[1:]``.
    """
    arr = np.sort(np.asarray(values, dtype=float), axis=0)  # NaN last, as numpy's partition
    n = arr.shape[0]
    quantiles = np.true_divide(np.asarray(q, dtype=float), 100)
    virtual = (n - 1) * quantiles
    previous = np.floor(virtual)
    following = previous + 1
    for where, index in ((virtual >= n - 1, -1), (virtual < 0, 0), (np.isnan(virtual), -1)):
        previous[where] = index
        following[where] = index
    previous = previous.astype(np.intp)
    following = following.astype(np.intp)
    gamma = np.asarray(virtual - previous, dtype=virtual.dtype)
    gamma = gamma.reshape(gamma.shape + (1,) * (arr.ndim - 1))
    low, high = arr[previous], arr[following]
    diff = high - low
    out = np.add(low, diff * gamma)
    np.subtract(high, diff * (1 - gamma), out=out, where=gamma >= 0.5, casting="unsafe",
                dtype=type(out.dtype))
    has_nan = np.isnan(arr[-1, ...])
    if np.any(has_nan):
        np.copyto(out, arr[-1, ...], where=has_nan)
    return out
