"""Test helpers: run PySD next to the engine and read canonical Vensim outputs.

Lives here: :func:`compare_with_pysd` (engine ensemble vs N separate PySD runs),
:func:`pysd_model` (PySD on a copy of a model, since PySD writes a ``.py`` beside it),
:func:`read_canonical` (Vensim ``output.csv`` / ``output.tab`` in either layout) and
:func:`relative_error`.
Must not: write anywhere but the directory it is given, or modify the model files.
"""

from __future__ import annotations

import io
import shutil
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from suzhou_sim.engine import load_model

__all__ = [
    "PEER_MODELS",
    "compare_with_pysd",
    "peer_model_files",
    "pysd_model",
    "read_canonical",
    "relative_error",
]

#: Shared conformance models, read in place (never copied into the repository).
PEER_MODELS = Path(__file__).resolve().parents[2] / ".." / "shared" / "peer-models"


def peer_model_files() -> list[Path]:
    """The ``.mdl`` file of every peer model folder, sorted by folder name."""
    return sorted(p for d in sorted(PEER_MODELS.iterdir()) if d.is_dir()
                  for p in d.glob("*.mdl"))


def pysd_model(mdl_path: str | Path, tmp_dir: str | Path) -> Any:
    """Translate a model with PySD from a copy in ``tmp_dir`` (PySD writes a .py there).

    Parameters
    ----------
    mdl_path : path-like
        Original model file (left untouched).
    tmp_dir : path-like
        Scratch directory; the copy and PySD's module go in its ``pysd`` subfolder.

    Returns
    -------
    pysd.py_backend.model.Model
    """
    import pysd

    work = Path(tmp_dir) / "pysd"
    work.mkdir(parents=True, exist_ok=True)
    copy = work / Path(mdl_path).name
    shutil.copyfile(mdl_path, copy)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pysd.read_vensim(str(copy))


def relative_error(expected: np.ndarray, actual: np.ndarray, atol: float = 0.0) -> float:
    """Largest ``|actual - expected| / |expected|`` beyond ``atol`` (NaN==NaN counts as equal).

    Returns 0 when every difference is within ``atol``; infinite where ``expected`` is 0
    and the difference exceeds ``atol``.
    """
    expected = np.asarray(expected, dtype=float)
    actual = np.asarray(actual, dtype=float)
    both_nan = np.isnan(expected) & np.isnan(actual)
    diff = np.where(both_nan, 0.0, np.abs(actual - expected))
    excess = np.where(diff <= atol, 0.0, diff)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(excess == 0, 0.0, excess / np.abs(expected))
    rel = np.where(np.isnan(rel), np.inf, rel)
    return float(rel.max(initial=0.0))


def compare_with_pysd(mdl_path: str | Path, params_list: Sequence[Mapping[str, float]],
                      rtol: float, tmp_dir: str | Path, atol: float = 0.0,
                      min_columns: int = 1, **run_kwargs: Any) -> dict[str, float]:
    """Run the engine once over N parameter sets and PySD N times; assert they agree.

    Parameters
    ----------
    mdl_path : path-like
        Vensim model.
    params_list : sequence of mapping
        One ``{constant name: value}`` per run; every mapping must have the same keys.
    rtol : float
        Largest accepted relative difference per value.
    tmp_dir : path-like
        Scratch directory for PySD's translation (e.g. pytest's ``tmp_path``).
    atol : float, optional
        Differences below this are ignored.
    min_columns : int, optional
        Fail if fewer common variables than this were compared.
    **run_kwargs
        Passed to both ``CompiledModel.run`` and PySD's ``run`` (e.g. ``final_time``).

    Returns
    -------
    dict
        Vensim name -> worst relative error over all runs.

    Raises
    ------
    AssertionError
        If any common variable differs beyond tolerance, or times differ.
    """
    params_list = list(params_list) or [{}]
    keys = set(params_list[0])
    if any(set(p) != keys for p in params_list):
        raise ValueError("every parameter set must have the same names")
    model = load_model(mdl_path)
    arrays = {k: np.array([p[k] for p in params_list], dtype=float) for k in keys}
    result = model.run(params=arrays, n_runs=len(params_list), **run_kwargs)
    reference = pysd_model(mdl_path, tmp_dir)
    worst: dict[str, float] = {}
    for i, params in enumerate(params_list):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = reference.run(params=dict(params), **run_kwargs)
        np.testing.assert_allclose(result.times, expected.index.to_numpy(dtype=float),
                                   rtol=1e-12, atol=1e-12, err_msg="save times differ")
        common = [c for c in expected.columns if c in result]
        assert len(common) >= min_columns, f"only {len(common)} common columns"
        for column in common:
            err = relative_error(expected[column].to_numpy(dtype=float),
                                 result[column][i], atol)
            worst[column] = max(worst.get(column, 0.0), err)
            assert err <= rtol, (f"run {i}: '{column}' differs from PySD by {err:.3g} "
                                 f"(rtol {rtol})")
    return worst


def read_canonical(path: str | Path) -> pd.DataFrame:
    """Read a canonical Vensim output (``.csv`` or tab-separated ``.tab``).

    Handles old Mac line endings and the transposed layout (time in the first row,
    one variable per row).

    Parameters
    ----------
    path : path-like
        ``output.csv`` or ``output.tab``.

    Returns
    -------
    pandas.DataFrame
        Indexed by time (float), one column per Vensim variable name.
    """
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    sep = "\t" if Path(path).suffix == ".tab" else ","
    raw = pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str,
                      skip_blank_lines=True)
    raw = raw.dropna(how="all", axis=1).dropna(how="all", axis=0)
    header = [str(v).strip() for v in raw.iloc[0]]
    first_col = [str(v).strip() for v in raw.iloc[:, 0]]
    if _numeric(header[1:]) and not _numeric(first_col[1:]):
        raw = raw.T  # transposed: variables in rows, times along the first row
    raw.columns = [str(v).strip() for v in raw.iloc[0]]
    frame = raw.iloc[1:].apply(pd.to_numeric, errors="coerce")
    frame = frame.set_index(frame.columns[0])
    frame.index = frame.index.astype(float)
    frame.index.name = "time"
    return frame


def _numeric(values: Sequence[str]) -> bool:
    try:
        [float(v) for v in values if v not in ("", "nan")]
    except ValueError:
        return False
    return True
