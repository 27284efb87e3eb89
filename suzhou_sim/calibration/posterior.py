"""The stored calibration: point estimate and posterior sample of each region.

Calibration (``calibration.fit``) writes ``model/calibration/<region>/point.yaml`` and
``posterior.csv``; every other command reads them through :func:`load_posterior`. This module
only reads, writes and resamples those files; it does not fit anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..errors import InputError
from ..fileio.atomic import atomic_write_text
from ..paths import calibration_dir

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
        """Calibrated constant names."""
        return list(self.draws.columns)

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


def load_posterior(region: str, directory: Path | None = None) -> Posterior:
    """Read the stored calibration of ``region``.

    Raises
    ------
    InputError
        When the files are missing or malformed; the message says how to produce them.
    """
    folder = directory or calibration_dir(region)
    point_file, draws_file = folder / "point.yaml", folder / "posterior.csv"
    if not point_file.exists() or not draws_file.exists():
        raise InputError(
            f"{folder}: no stored calibration for {region!r}; "
            f"run `suzhou-sim calibrate --region {region}` first"
        )
    try:
        meta = yaml.safe_load(point_file.read_text(encoding="utf-8"))
        point = {str(k): float(v) for k, v in meta["parameters"].items()}
    except (yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{point_file}: malformed calibration file ({exc})") from None
    try:
        draws = pd.read_csv(draws_file)
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(f"{draws_file}: malformed posterior sample ({exc})") from None
    if list(draws.columns) != list(point) or draws.isna().any().any() or draws.empty:
        raise InputError(
            f"{draws_file}: columns must be the calibrated parameters of {point_file.name} "
            "with numeric values in every row"
        )
    return Posterior(region=region, point=point, draws=draws.astype(float), meta=meta)


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
