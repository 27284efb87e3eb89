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

from ..errors import InputError
from ..fileio.safe_yaml import load_yaml
from ..paths import INDICATORS_FILE
from ..wording.problems import Given, Problem

__all__ = [
    "Indicator",
    "load_indicators",
    "missing_translations",
    "Bilingual",
    "indicator_values",
    "required_variables",
    "year_columns",
]


class Bilingual:
    """Mixin for registry and ledger entries with ``label``/``reason``/``note`` in 中文 and English.

    The entry provides ``label_en``, ``label_zh``, ``reason``, ``reason_zh``, ``note`` and
    ``note_zh``; these methods pick the language.
    """

    def label(self, lang: str = "zh") -> str:
        """Display label in ``lang`` (``zh`` or ``en``)."""
        return self.label_zh if lang == "zh" else self.label_en

    def reason_text(self, lang: str = "zh") -> str | None:
        """Why the entry is outside model scope, in ``lang`` (None when in scope)."""
        return self.reason_zh if lang == "zh" else self.reason

    def note_text(self, lang: str = "zh") -> str | None:
        """Where the definition differs from the model's measure, in ``lang``."""
        return self.note_zh if lang == "zh" else self.note


@dataclass(frozen=True)
class Indicator(Bilingual):
    """One indicator of the registry (see the header of ``model/indicators.yaml``)."""

    name: str
    label_en: str
    label_zh: str
    unit: str
    variable: str | None = None
    counter: str | None = None
    reason: str | None = None
    reason_zh: str | None = None
    note: str | None = None
    note_zh: str | None = None
    #: First year of the current statistical basis; earlier rows are another vintage of the
    #: series (a basis change, not growth) and are not fitted as the same statistic.
    #: A count of designations (clusters): read as the model gives it, with no structural
    #: forecast error (an error on a 0/1 value would break P(>= 2) <= P(>= 1)).
    discrete: bool = False
    basis_from: int | None = None
    basis_note: str | None = None
    basis_note_zh: str | None = None

    @property
    def in_scope(self) -> bool:
        """True when a model output measures this indicator."""
        return self.variable is not None or self.counter is not None


def missing_translations(entry: dict) -> list[str]:
    """Fields of a registry or ledger entry whose English or Chinese twin is missing.

    ``reason``/``note`` (English) and ``reason_zh``/``note_zh`` come in pairs: each problem
    reads ``"reason_zh: needed because reason is given"`` (or the other way round).
    """
    return [f"{need}: needed because {have} is given" for need, have in translation_gaps(entry)]


def translation_gaps(entry: dict) -> list[tuple[str, str]]:
    """The ``(missing field, given twin)`` pairs of :func:`missing_translations`."""
    out = []
    for en in ("reason", "note", "basis_note"):
        zh = f"{en}_zh"
        for have, need in ((en, zh), (zh, en)):
            if entry.get(have) and not entry.get(need):
                out.append((need, have))
    return out


@lru_cache(maxsize=4)
def load_indicators(path: Path = INDICATORS_FILE) -> dict[str, Indicator]:
    """Read the registry; raise :class:`InputError` naming the file and entry on errors."""
    raw = load_yaml(path, "indicator registry")
    if not isinstance(raw, dict):
        raise InputError(code="err.indicators_not_mapping", file=path)
    out: dict[str, Indicator] = {}
    for name, entry in raw.items():
        try:
            ind = Indicator(name=name, **entry)
        except TypeError as exc:
            raise InputError(code="err.data_bad_fields", file=path, field=name,
                             detail=str(exc)) from None
        if not ind.in_scope and not ind.reason:
            raise InputError(code="err.indicator_needs_output", file=path, field=name)
        gaps = translation_gaps(entry)
        if gaps:
            raise InputError(problems=[Problem("err.translation_missing", file=path,
                                               field=f"{name}.{need}", have=have)
                                       for need, have in gaps])
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


def _search(times: np.ndarray, year: float) -> int:
    """First column whose save time is close to ``year`` (the reference rule)."""
    idx = np.flatnonzero(np.isclose(times, year))
    if idx.size == 0:
        raise InputError(code="err.year_outside_sim", year=year, first=times[0],
                         last=times[-1])
    return int(idx[0])


@lru_cache(maxsize=32)
def _year_index(key: bytes) -> dict[int, int]:
    """Whole year -> first column close to it (as :func:`_search`), for one times array.

    Keyed by the bytes of the times so that each distinct save-time grid is searched once.
    A save time within ``np.isclose``'s tolerance of a year Y (about 0.02 for years) rounds
    to Y, so the rounded save times are the only whole years with a column.
    """
    times = np.frombuffer(key, dtype=float)
    years = np.unique(np.rint(times))
    close = np.isclose(times[None, :], years[:, None])
    found = close.any(axis=1)
    return {int(y): int(i) for y, i, ok in zip(years, close.argmax(axis=1), found, strict=True)
            if ok}


def year_columns(times, years) -> list[int]:
    """Column of each calendar year in the save times ``times`` (model time t = year t).

    Same result as searching ``times`` with ``np.isclose`` for every year, but whole years
    are looked up in a table built once per distinct ``times``.

    Raises
    ------
    InputError
        When a year is outside the simulated years.
    """
    times = np.ascontiguousarray(times, dtype=float)
    index = _year_index(times.tobytes())
    out = []
    for y in years:
        col = index.get(int(y)) if float(y).is_integer() else None
        out.append(col if col is not None else _search(times, y))
    return out


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
        raise InputError(code="err.indicator_out_of_scope", name=indicator,
                         reason=Given(ind.reason_zh, str(ind.reason)))
    times = results.times
    cols = year_columns(times, years)
    if measure == "cumulative":
        if ind.counter is None or base_year is None:
            raise InputError(code="err.indicator_cumulative", name=indicator)
        counter = results[ind.counter]
        start = counter[:, year_columns(times, [base_year - 1])][:, :1]
        return counter[:, cols] - start
    if measure == "annual" and ind.variable is None:
        counter = results[ind.counter]
        prev = year_columns(times, [y - 1 for y in years])
        return counter[:, cols] - counter[:, prev]
    if ind.variable is None:
        raise InputError(code="err.indicator_no_level", name=indicator, measure=measure)
    return results[ind.variable][:, cols]
