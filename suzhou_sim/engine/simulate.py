"""The ``simulate`` command: run one parameter set and write a PySD-style CSV.

Lives here: :func:`simulate_to_csv` (used by the CLI and usable from Python) and the
parsing of ``NAME=VALUE`` parameter strings.
Must not: do argument parsing for the CLI (that is :mod:`suzhou_sim.cli`), print, or
exit the process.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..fileio.atomic import atomic_write_text
from .errors import EngineError
from .model import load_model

__all__ = ["parse_param", "simulate_to_csv"]


def parse_param(text: str) -> tuple[str, float]:
    """Parse ``"NAME=VALUE"`` into ``(name, value)``.

    Parameters
    ----------
    text : str
        Assignment such as ``"Room Temperature=68"``; the name may contain spaces and
        the last ``=`` separates the value.

    Returns
    -------
    tuple of (str, float)

    Raises
    ------
    EngineError
        If there is no ``=``, the name is empty or the value is not a finite number.
    """
    name, sep, value = text.rpartition("=")
    name = name.strip()
    if not sep or not name:
        raise EngineError(f"malformed --param '{text}': expected NAME=VALUE")
    try:
        number = float(value)
    except ValueError:
        raise EngineError(f"malformed --param '{text}': '{value.strip()}' is not a number") \
            from None
    if not math.isfinite(number):
        raise EngineError(f"malformed --param '{text}': '{value.strip()}' is not allowed; "
                          "use a finite number")
    return name, number


def simulate_to_csv(model_path: str | os.PathLike[str], out_path: str | os.PathLike[str],
                    params: Iterable[str] | dict[str, float] = (),
                    return_columns: Sequence[str] | None = None,
                    time_step: float | None = None) -> Path:
    """Run a model once and write a time x variables CSV like ``python -m pysd``.

    The file is written to a temporary file in the destination directory and moved into
    place, so a failed run never leaves a partial output.

    Parameters
    ----------
    model_path : path-like
        Vensim ``.mdl`` file.
    out_path : path-like
        Destination CSV.
    params : iterable of str or dict, optional
        ``NAME=VALUE`` strings or a mapping name -> value (constants only).
    return_columns : sequence of str, optional
        Variables to write (default: all).
    time_step : float, optional
        Override TIME STEP.

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    EngineError
        For bad paths, unknown parameters, unsupported constructs or failed runs.
    """
    values = dict(params) if isinstance(params, dict) else dict(parse_param(p) for p in params)
    out = Path(out_path)
    if not out.parent.is_dir():
        raise EngineError(f"output directory does not exist: {out.parent}")
    if out.is_dir():
        raise EngineError(f"-o {out}: is a folder; give a CSV file name")
    model = load_model(model_path)
    result = model.run(params=values, return_columns=return_columns, time_step=time_step)
    frame = result.to_dataframe(0)
    atomic_write_text(out, frame.to_csv(index_label="time", lineterminator="\n"))
    return out
