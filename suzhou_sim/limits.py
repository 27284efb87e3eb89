"""The draws limit: the largest ensemble any study, scenario file or command accepts.

Defined once here, at the bottom floor, because the scenario catalogue validates a file's
``draws`` with it and the ensemble kernel (``ensemble/``) enforces it for every run; both
import it from this module. Only the limit and its check live here; nothing that runs the
model or reads files.
"""

from __future__ import annotations

import numpy as np

from .errors import InputError

__all__ = ["MAX_DRAWS", "check_draws"]

#: The largest ensemble any study runs in one go (memory: ~2 kB per run and saved variable).
MAX_DRAWS = 100_000


def check_draws(n: object, what: str = "draws", maximum: int = MAX_DRAWS) -> int:
    """``n`` as a whole number of runs within 1..``maximum``, else :class:`InputError`.

    Parameters
    ----------
    n : object
        The requested number (booleans and non-integral numbers are refused).
    what : str
        Name of the field in the message (``draws``, ``--draws``, ``--samples``, ...).
    maximum : int
        Upper limit; defaults to :data:`MAX_DRAWS`.

    Returns
    -------
    int
        The number of runs.

    Raises
    ------
    InputError
        When ``n`` is not a whole number within the range.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer | float) or (
            isinstance(n, float) and not float(n).is_integer()):
        raise InputError(f"{what}: {n!r} is not a whole number (allowed: 1-{maximum})")
    value = int(n)
    if not 1 <= value <= maximum:
        raise InputError(f"{what}: {value} is outside the allowed range 1-{maximum}")
    return value
