"""The indicator registry: which model output measures each statistic and target indicator.

Reads ``model/indicators.yaml`` and turns model results into indicator values by year
(levels, annual counts, cumulative sums since a base year). It does not run the model and
knows nothing of targets' thresholds or of observations.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from .errors import InputError
from .paths import INDICATORS_FILE

__all__ = ["Indicator", "load_indicators", "indicator_values", "required_variables"]


@dataclass(frozen=True)
class Indicator:
    """One indicator of the registry (see the header of ``model/indicators.yaml``)."""

    name: str
    label_en: str
    label_zh: str
    unit: str
    variable: str | None = None
    counter: str | None = None
    reason: str | None = None
    note: str | None = None

    @property
    def in_scope(self) -> bool:
        """True when a model output measures this indicator."""
        return self.variable is not None or self.counter is not None

    def label(self, lang: str = "zh") -> str:
        """Display label in ``lang`` (``zh`` or ``en``)."""
        return self.label_zh if lang == "zh" else self.label_en


@lru_cache(maxsize=4)
def load_indicators(path: Path = INDICATORS_FILE) -> dict[str, Indicator]:
    """Read the registry; raise :class:`InputError` naming the file and entry on errors."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read indicator registry ({exc})") from None
    out: dict[str, Indicator] = {}
    for name, entry in raw.items():
        try:
            ind = Indicator(name=name, **entry)
        except TypeError as exc:
            raise InputError(f"{path}: {name}: {exc}") from None
        if not ind.in_scope and not ind.reason:
            raise InputError(f"{path}: {name}: needs a variable, a counter or a reason")
        out[name] = ind
    return out


def required_variables(names: list[str] | None = None) -> list[str]:
    """Model variables needed to compute the given indicators (all in-scope ones by default)."""
    reg = load_indicators()
    wanted = names if names is not None else list(reg)
    out: list[str] = []
    for n in wanted:
        ind = reg[n]
        for v in (ind.variable, ind.counter):
            if v and v not in out:
                out.append(v)
    return out


def _column(times: np.ndarray, year: float) -> int:
    idx = np.flatnonzero(np.isclose(times, year))
    if idx.size == 0:
        raise InputError(f"year {year:g} is outside the simulated years {times[0]:g}-{times[-1]:g}")
    return int(idx[0])


def indicator_values(
    results,
    indicator: str,
    years: np.ndarray | list[int],
    measure: str = "level",
    base_year: int | None = None,
) -> np.ndarray:
    """Indicator values per run and year from an ensemble result.

    Parameters
    ----------
    results
        Engine result: ``results[variable]`` is an array ``(n_runs, n_times)`` and
        ``results.times`` the save times (model time t = end of calendar year t).
    indicator : str
        Registry name.
    years : sequence of int
        Calendar years.
    measure : {"level", "ratio", "annual", "cumulative"}
        ``level``/``ratio`` read the variable at t = year; ``annual`` is the count in the
        calendar year (the variable when it is an in-year count, else the counter
        difference); ``cumulative`` sums additions from ``base_year`` through the year.
    base_year : int, optional
        First calendar year counted by ``cumulative``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_runs, len(years))``.
    """
    ind = load_indicators()[indicator]
    if not ind.in_scope:
        raise InputError(f"indicator {indicator!r} is outside model scope: {ind.reason}")
    times = np.asarray(results.times, dtype=float)
    cols = [_column(times, y) for y in years]
    if measure == "cumulative":
        if ind.counter is None or base_year is None:
            raise InputError(f"indicator {indicator!r}: cumulative needs a counter and base_year")
        counter = results[ind.counter]
        start = counter[:, _column(times, base_year - 1)][:, None]
        return counter[:, cols] - start
    if measure == "annual" and ind.variable is None:
        counter = results[ind.counter]
        prev = [_column(times, y - 1) for y in years]
        return counter[:, cols] - counter[:, prev]
    if ind.variable is None:
        raise InputError(f"indicator {indicator!r} has no level variable (measure {measure!r})")
    return results[ind.variable][:, cols]
