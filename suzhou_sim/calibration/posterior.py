"""The stored calibration: point estimate and posterior sample of each region.

Calibration (``calibration.fit``) writes ``model/calibration/<region>/point.yaml`` and
``posterior.csv``; every other command reads them through :func:`load_posterior`. This module
only reads, writes and resamples those files; it does not fit anything.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..catalogues.regions import load_region
from ..errors import InputError
from ..fileio.atomic import atomic_write_text
from ..fileio.safe_yaml import load_yaml
from ..fileio.text import read_text
from ..paths import PARAMETERS_FILE, calibration_dir
from ..wording.problems import Names, Phrase

__all__ = ["Posterior", "load_posterior", "save_posterior"]


@dataclass(frozen=True)
class Posterior:
    """Calibrated parameters of one region.

    Attributes
    ----------
    region : str
    point : dict[str, float]
        Point estimate (maximum a posteriori) by Vensim constant name.
    draws : pandas.DataFrame
        Posterior sample, one row per parameter set, one column per calibrated constant.
    meta : dict
        Seed, diagnostics and fit statistics written by the calibration.
    """

    region: str
    point: dict[str, float]
    draws: pd.DataFrame
    meta: dict

    @property
    def names(self) -> list[str]:
        """Calibrated constant names (fitted parameters and state corrections)."""
        return list(self.draws.columns)

    @property
    def fitted(self) -> list[str]:
        """The parameters fitted to the data (without the state corrections that start each
        draw from the published state, ``calibration.conditioning``)."""
        return [n for n in self.draws.columns if not _is_correction(n)]

    @property
    def corrections(self) -> list[str]:
        """The state-correction constants (and their years) stored with the draws."""
        return [n for n in self.draws.columns if _is_correction(n)]

    def sample(self, n: int, seed: int = 0) -> dict[str, np.ndarray]:
        """Draw ``n`` parameter sets (rows of the posterior) reproducibly.

        Rows are taken without replacement while ``n`` does not exceed the sample size, so
        small ensembles are not dominated by repeats; larger ensembles cycle through a fresh
        permutation. The same ``(n, seed)`` always gives the same sets, which is what makes
        scenario comparisons use common random numbers.
        """
        rng = np.random.default_rng(seed)
        total = len(self.draws)
        reps = -(-n // total)
        idx = np.concatenate([rng.permutation(total) for _ in range(reps)])[:n]
        values = self.draws.to_numpy()[idx]
        return {name: values[:, j].copy() for j, name in enumerate(self.draws.columns)}


def _is_correction(name: str) -> bool:
    return name.endswith((" correction", " correction time"))


def load_posterior(region: str, directory: Path | None = None) -> Posterior:
    """Read the stored calibration of ``region``.

    Raises
    ------
    InputError
        When the files are missing (the message says how to produce them) or malformed: not
        UTF-8, bad YAML, a cell that is not a finite number, columns that do not match the
        point file (the message names the file, row and column).
    """
    folder = directory or calibration_dir(region)
    point_file, draws_file = folder / "point.yaml", folder / "posterior.csv"
    if not point_file.exists() or not draws_file.exists():
        raise InputError(code="err.posterior_missing", file=folder, region=region)
    meta = load_yaml(point_file, "calibration point file")
    try:
        point = {str(k): float(v) for k, v in meta["parameters"].items()}
    except (KeyError, TypeError, ValueError, AttributeError):
        raise InputError(code="err.posterior_point_mapping", file=point_file,
                         field="parameters") from None
    bad = [k for k, v in point.items() if not math.isfinite(v)]
    if bad:
        raise InputError(code="err.not_finite", file=point_file, field=f"parameters.{bad[0]}",
                         value=point[bad[0]])
    draws = _read_draws(draws_file, list(point), point_file.name)
    _check_bounds(draws, draws_file, region)
    return Posterior(region=region, point=point, draws=draws, meta=meta)


def _check_bounds(draws: pd.DataFrame, path: Path, region: str) -> None:
    """Refuse a posterior value outside the parameter's hard bounds (``parameters.yaml``).

    A region fitted on the priors of the file (no ``parent``) has the file's bounds; a
    region fitted under a parent has scale parameters of the parent's times its size, so for
    it only the sign is checked (a bound >= 0 stays >= 0). A region without a profile (a
    posterior read from elsewhere) is checked by sign only.
    """
    try:
        own_bounds = load_region(region).parent is None
    except InputError:
        own_bounds = False
    spec = load_yaml(PARAMETERS_FILE, "parameter specification")
    if not isinstance(spec, dict):
        return
    for name in draws.columns:
        entry = spec.get(name)
        try:
            lower, upper = float(entry["lower"]), float(entry["upper"])
        except (KeyError, TypeError, ValueError):
            continue
        if not own_bounds:
            lower, upper = (0.0 if lower >= 0 else -math.inf), math.inf
        values = draws[name].to_numpy()
        outside = np.flatnonzero((values < lower) | (values > upper))
        if outside.size:
            row = int(outside[0])
            shown = (Phrase("err.bounds_between", {"low": lower, "high": upper})
                     if math.isfinite(upper) else Phrase("err.bounds_at_least", {"low": lower}))
            raise InputError(code="err.obs_at", file=path, row=row + 2, column=name,
                             reason=Phrase("err.posterior_out_of_bounds", {
                                 "value": values[row], "bounds": shown,
                                 "spec_file": PARAMETERS_FILE.name}))


def _read_draws(path: Path, names: list[str], point_name: str) -> pd.DataFrame:
    """The posterior sample, every cell a finite number, columns those of the point file."""
    try:
        draws = pd.read_csv(io.StringIO(read_text(path, "posterior sample")))
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(code="err.posterior_malformed", file=path, reason=reason) from None
    if list(draws.columns) != names or draws.empty:
        raise InputError(code="err.posterior_columns", file=path, point=point_name,
                         names=Names(names))
    # Numeric columns parse as float; a text cell leaves its column as text and shows here.
    numbers = draws.apply(pd.to_numeric, errors="coerce").astype(float)
    bad = ~np.isfinite(numbers.to_numpy())
    if bad.any():
        row, col = (int(i) for i in np.argwhere(bad)[0])
        raise InputError(code="err.obs_at", file=path, row=row + 2, column=names[col],
                         reason=Phrase("err.not_finite", {"value": str(draws.iat[row, col])}))
    return numbers


def save_posterior(posterior: Posterior, directory: Path | None = None) -> Path:
    """Write ``posterior`` atomically (each file to a temporary name, then renamed)."""
    folder = directory or calibration_dir(posterior.region)
    folder.mkdir(parents=True, exist_ok=True)
    meta = dict(posterior.meta)
    meta["region"] = posterior.region
    meta["parameters"] = {k: float(v) for k, v in posterior.point.items()}
    atomic_write_text(folder / "posterior.csv", posterior.draws.to_csv(index=False))
    atomic_write_text(
        folder / "point.yaml", yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    )
    return folder
