"""Limits of every study and input file, each defined once, with their checks.

Lives here, at the bottom floor (the scenario catalogue, the ensemble kernel and every
command import it): the draws limit :data:`MAX_DRAWS` (the largest ensemble any study,
scenario file or command accepts) and :func:`check_draws`; the limits that keep a command from
running away (total model runs of a study, population and generations of a search, MCMC
steps, posterior sets kept, least-squares starts, values of a sweep, sizes of input files and
rows of the observation file, length of names, the plausibility limit of an assumption's
open end :data:`ASSUMPTION_OPEN_END_FACTOR`) and :func:`check_limit` /
:func:`check_model_runs`, which refuse a value above its limit *before any work starts* with
one line naming the option, the limit and how to go beyond it. Must not: run the model or
read files.
"""

from __future__ import annotations

import numpy as np

from .errors import InputError
from .wording.problems import Phrase

__all__ = [
    "ASSUMPTION_OPEN_END_FACTOR",
    "MAX_DRAWS",
    "check_draws",
    "MAX_GENERATIONS",
    "MAX_INPUT_BYTES",
    "MAX_KEEP",
    "MAX_MODEL_RUNS",
    "MAX_MODEL_RUNS_DASK",
    "MAX_NAME_LENGTH",
    "MAX_OBSERVATION_BYTES",
    "MAX_OBSERVATION_ROWS",
    "MAX_POPULATION",
    "MAX_SCENARIO_BYTES",
    "MAX_STARTS",
    "MAX_STEPS",
    "MAX_SWEEP_VALUES",
    "check_limit",
    "check_model_runs",
]

#: Model runs one study may make in this process (draws x values x plans x generations ...):
#: about a minute or two of a 2-core machine. Larger studies go to a Dask cluster.
MAX_MODEL_RUNS = 5_000_000
#: Model runs one study may make on a Dask cluster (``--dask``).
MAX_MODEL_RUNS_DASK = 500_000_000
#: Plans per generation of ``optimise`` and its generations.
MAX_POPULATION = 1_000
MAX_GENERATIONS = 1_000
#: Values of one ``sweep`` (each value is a whole ensemble).
MAX_SWEEP_VALUES = 200
#: MCMC steps per walker (``calibrate --steps``, ``backtest --steps``).
MAX_STEPS = 100_000
#: Posterior parameter sets a calibration stores (``calibrate --keep``).
MAX_KEEP = 20_000
#: Least-squares starts of a fit (``calibrate --starts``, ``backtest --starts``).
MAX_STARTS = 32
#: Bytes of a scenario file (the shipped ones are a few kB); checked before reading.
MAX_SCENARIO_BYTES = 1_000_000
#: Bytes of any other text input (catalogues, posterior samples); checked before reading.
MAX_INPUT_BYTES = 64_000_000
#: Bytes and data rows of an observation file (``data/observed_history.csv`` has ~200 rows).
MAX_OBSERVATION_BYTES = 8_000_000
MAX_OBSERVATION_ROWS = 50_000
#: Characters of a scenario name (it names output folders and saved files).
MAX_NAME_LENGTH = 100

#: Plausibility limit of an assumption's value where its unit range (``min``/``max`` of
#: ``model/assumptions.yaml``) is open: the uncertainty range's end times this factor (a
#: positive range's open lower end is 0). It is the end of the app's assumption sliders, so a
#: value the app can set is always accepted; ``--assume`` and scenario files use the same
#: limit (a future-industry base of 1e9 overflowed the model).
ASSUMPTION_OPEN_END_FACTOR = 3.0

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
        raise InputError(code="err.cli_not_whole", file=what, value=n, allowed=f"1-{maximum}")
    value = int(n)
    if not 1 <= value <= maximum:
        raise InputError(code="err.cli_out_of_range", file=what, value=value,
                         allowed=f"1-{maximum}")
    return value


def check_limit(value: int, limit: int, option: str, beyond: Phrase | str = "") -> int:
    """Refuse ``value`` above ``limit`` (one line naming ``option`` and the limit).

    Parameters
    ----------
    value : int
        The requested amount.
    limit : int
        The largest amount allowed.
    option : str
        The option or field, for the message (``--population``).
    beyond : Phrase
        How to go beyond the limit, appended to the message: a text of the wording room
        (``Phrase("err.hint_limits_file")``), so it is said in the reader's language.

    Returns
    -------
    int
        ``value`` unchanged.

    Raises
    ------
    InputError
        ``value > limit``.
    """
    if value > limit:
        if beyond:
            raise InputError(code="err.limit_above_hint", file=option, value=value,
                             limit=limit, hint=beyond)
        raise InputError(code="err.limit_above", file=option, value=value, limit=limit)
    return value


def check_model_runs(runs: int, what: str, dask: bool = False) -> int:
    """Refuse a study of more than :data:`MAX_MODEL_RUNS` model runs before it starts.

    Parameters
    ----------
    runs : int
        Total model runs the study would make.
    what : str
        How they add up, for the message (``--values 200 x --draws 100,000``).
    dask : bool
        The study runs on a Dask cluster (limit :data:`MAX_MODEL_RUNS_DASK`).

    Raises
    ------
    InputError
        One line naming the product, the limit and how to go beyond it.
    """
    limit = MAX_MODEL_RUNS_DASK if dask else MAX_MODEL_RUNS
    if runs > limit:
        beyond = (Phrase("err.hint_split_study") if dask else
                  Phrase("err.hint_dask", {"limit": MAX_MODEL_RUNS_DASK}))
        raise InputError(code="err.limit_runs", what=what, runs=runs, limit=limit,
                         hint=beyond)
    return runs
