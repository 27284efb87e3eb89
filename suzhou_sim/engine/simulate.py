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

import numpy as np

from ..fileio.outputs import check_output_file, write_output_file
from .errors import EngineError
from .model import load_model

__all__ = ["check_declared_ranges", "first_non_finite", "parse_param", "simulate_to_csv"]

#: The writer recorded beside the CSV files ``simulate`` writes.
WRITER = "suzhou-sim simulate"


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
        raise EngineError(code="engine.param_malformed", text=text)
    try:
        number = float(value)
    except ValueError:
        raise EngineError(code="engine.param_not_number", text=text,
                          value=value.strip()) from None
    if not math.isfinite(number):
        raise EngineError(code="engine.param_not_finite", text=text, value=value.strip())
    return name, number


def check_declared_ranges(model, values: dict[str, float]) -> None:  # noqa: ANN001 - Model
    """Refuse a parameter value outside the range the model file declares for it (``[lo,hi]``).

    Raises
    ------
    EngineError
        Naming the parameter, the value and the declared range.
    """
    for name, value in values.items():
        node = model.ir.nodes.get(model.ir.resolve(str(name), "parameter"))
        low, high = node.limits if node is not None else (None, None)
        if (low is not None and value < low) or (high is not None and value > high):
            shown = f"[{'' if low is None else f'{low:g}'}, {'' if high is None else f'{high:g}'}]"
            raise EngineError(code="engine.param_out_of_range", name=name, value=value,
                              range=shown)


def first_non_finite(frame) -> tuple[str, float] | None:  # noqa: ANN001 - a DataFrame
    """The first (variable, time) of ``frame`` (times as index) whose value is NaN or inf."""
    bad = ~np.isfinite(frame.to_numpy(dtype=float))
    if not bad.any():
        return None
    row, col = np.argwhere(bad)[np.argmin(np.argwhere(bad)[:, 0])]
    return str(frame.columns[col]), float(frame.index[row])


def simulate_to_csv(model_path: str | os.PathLike[str], out_path: str | os.PathLike[str],
                    params: Iterable[str] | dict[str, float] = (),
                    return_columns: Sequence[str] | None = None,
                    time_step: float | None = None, keep_non_finite: bool = False) -> Path:
    """Run a model once and write a time x variables CSV like ``python -m pysd``.

    The file is written to a temporary file in the destination directory and moved into
    place, so a failed run never leaves a partial output. An existing file is replaced
    only when this tool wrote it (:func:`suzhou_sim.fileio.outputs.write_output_file`).

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
    keep_non_finite : bool
        Write NaN/inf values instead of refusing the run (``--keep-non-finite``).

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    EngineError
        For bad paths, unknown parameters, a parameter outside its declared range,
        unsupported constructs, failed runs or (unless ``keep_non_finite``) a NaN or inf
        value, naming the variable and the time.
    InputError
        An output path the tool may not write (checked before the run).
    """
    values = dict(params) if isinstance(params, dict) else dict(parse_param(p) for p in params)
    out = Path(out_path)
    if not out.parent.is_dir():
        raise EngineError(code="engine.out_dir_missing", path=str(out.parent))
    if out.is_dir():
        raise EngineError(code="engine.out_is_folder", path=str(out))
    check_output_file(out, option="-o", writer=WRITER)
    model = load_model(model_path)
    check_declared_ranges(model, values)
    result = model.run(params=values, return_columns=return_columns, time_step=time_step)
    frame = result.to_dataframe(0)
    fault = None if keep_non_finite else first_non_finite(frame)
    if fault is not None:
        raise EngineError(code="engine.output_not_finite", name=fault[0], time=fault[1])
    text = frame.to_csv(index_label="time", lineterminator="\n")
    write_output_file(out, text.encode("utf-8"), option="-o", writer=WRITER)
    return out
