"""Ensemble results: arrays shaped (n_runs, n_times) keyed by Vensim name.

Lives here: :class:`EnsembleResult` and its conversions to ``xarray.Dataset`` and to a
PySD-like ``pandas.DataFrame``.
Must not: simulate, compile or know about model internals beyond names, units and docs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .errors import EngineError

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["EnsembleResult"]


class EnsembleResult(Mapping[str, np.ndarray]):
    """Outputs of an ensemble run.

    Behaves as a read-only mapping from Vensim name to an array shaped
    ``(n_runs, n_times)``. Values that do not change during a run are stored as
    read-only broadcast views (no memory per time step); copy an array before writing
    to it.

    Parameters
    ----------
    times : numpy.ndarray
        Save times, shape ``(n_times,)``.
    data : dict
        Vensim name -> array ``(n_runs, n_times)``, in output order.
    units, docs : dict
        Vensim name -> unit string / documentation.
    safe_names : dict
        Vensim name -> python-safe name, so either can be used for lookup.
    """

    def __init__(self, times: np.ndarray, data: dict[str, np.ndarray],
                 units: Mapping[str, str] | None = None,
                 docs: Mapping[str, str] | None = None,
                 safe_names: Mapping[str, str] | None = None) -> None:
        self.times = np.asarray(times, dtype=float)
        self._data = dict(data)
        self._units = {k: (units or {}).get(k, "") for k in self._data}
        self._docs = {k: (docs or {}).get(k, "") for k in self._data}
        self._safe = {k: (safe_names or {}).get(k, k) for k in self._data}
        self._by_safe = {v: k for k, v in self._safe.items()}
        n_runs = {a.shape[0] for a in self._data.values()}
        self.n_runs = n_runs.pop() if n_runs else 0

    # ------------------------------------------------------------------ mapping protocol
    def _key(self, name: str) -> str:
        if name in self._data:
            return name
        if name in self._by_safe:
            return self._by_safe[name]
        clean = " ".join(name.split()).lower()
        for key in self._data:
            if key.lower() == clean or self._safe[key] == clean.replace(" ", "_"):
                return key
        raise KeyError(name)

    def __getitem__(self, name: str) -> np.ndarray:
        """Array ``(n_runs, n_times)`` for a Vensim name or safe name."""
        return self._data[self._key(name)]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        try:
            self._key(name)
        except KeyError:
            return False
        return True

    def __repr__(self) -> str:
        return (f"EnsembleResult(n_runs={self.n_runs}, n_times={len(self.times)}, "
                f"variables={len(self._data)})")

    # ------------------------------------------------------------------ metadata
    @property
    def variables(self) -> list[str]:
        """Vensim names of the stored variables, in output order."""
        return list(self._data)

    @property
    def units(self) -> dict[str, str]:
        """Vensim name -> unit string."""
        return dict(self._units)

    @property
    def docs(self) -> dict[str, str]:
        """Vensim name -> documentation string."""
        return dict(self._docs)

    # ------------------------------------------------------------------ conversions
    def to_xarray(self) -> xr.Dataset:
        """Return the results as an ``xarray.Dataset``.

        Returns
        -------
        xarray.Dataset
            One data variable per model variable (Vensim names) with dims
            ``("run", "time")`` and ``units`` / ``doc`` attributes.
        """
        import xarray as xr  # here: 0.3 CPU-s to import, and only this conversion uses it

        coords = {"run": np.arange(self.n_runs), "time": self.times}
        data_vars = {
            name: xr.Variable(("run", "time"), np.array(values, dtype=float),
                              attrs={"units": self._units[name], "doc": self._docs[name]})
            for name, values in self._data.items()
        }
        return xr.Dataset(data_vars, coords=coords)

    def to_dataframe(self, run: int = 0) -> pd.DataFrame:
        """Return one run as a DataFrame shaped like PySD's ``Model.run()`` output.

        Parameters
        ----------
        run : int, optional
            Run index (default 0; negative indices count from the end).

        Returns
        -------
        pandas.DataFrame
            Indexed by ``time``, one column per variable (Vensim names).

        Raises
        ------
        EngineError
            If ``run`` is out of range.
        """
        if not -self.n_runs <= run < self.n_runs:
            raise EngineError(f"run {run} out of range for {self.n_runs} runs")
        frame = pd.DataFrame({name: np.asarray(values[run], dtype=float)
                              for name, values in self._data.items()},
                             index=pd.Index(self.times, name="time"))
        return frame
