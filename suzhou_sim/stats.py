"""Summary statistics of ensembles shared by the catalogues and the studies.

Lives here: :func:`percentiles`, numpy's default (``linear``) percentiles along the first
axis computed from one sort instead of numpy's multi-point partition (several times faster
for the scoreboard's and the series table's 10/50/90 percentiles of 1,000 runs).
Must not: read files or know about the model.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["percentiles"]


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
