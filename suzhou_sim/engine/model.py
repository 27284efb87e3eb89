"""Run stage: ``load_model`` and ``CompiledModel.run`` for ensembles of parameter sets.

Lives here: loading (parse + build, cached per path and modification time, and on disk
between processes by :mod:`.ir_cache`), model
metadata, validation of parameters / overrides / control settings, choice of the
compiled dialect (one plain-Python run when all runs are identical, numpy arrays over
runs otherwise, split in chunks across threads), and assembly of
:class:`~.results.EnsembleResult`.
Must not: parse Vensim text or generate code itself, keep any state between runs
(every run is a pure function of model, parameters and overrides), or write files.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..wording.problems import Phrase
from . import functions as fn
from .codegen import SCALAR, VECTOR, Plan, Program, emit_value, generate
from .errors import EngineError
from .ir import (
    CONSTANT,
    CONTROL,
    FIXED,
    HIDDEN,
    LOOKUP,
    SERIES,
    STOCK,
    ModelIR,
)
from .ir_cache import load_ir, store_ir
from .results import EnsembleResult

__all__ = ["CompiledModel", "load_model"]

#: Runs per chunk in vector mode; bounds the size of temporaries for huge ensembles.
#: Chunks run one after another: threads were measured slower (per-operation GIL
#: hand-offs outweigh the overlap of numpy kernels at these array sizes).
CHUNK_SIZE = 16384

_CACHE: dict[tuple[str, int, int], CompiledModel] = {}
_CACHE_LOCK = threading.Lock()


def load_model(path: str | os.PathLike[str]) -> CompiledModel:
    """Parse and build a Vensim model, reusing the result while the file is unchanged.

    Parameters
    ----------
    path : str or os.PathLike
        Path to the ``.mdl`` file.

    Returns
    -------
    CompiledModel

    Raises
    ------
    EngineError
        If the file is missing or malformed.
    UnsupportedConstructError
        If the model uses a construct the engine does not compile.
    """
    mdl = Path(path).resolve()
    try:
        stat = mdl.stat()
    except OSError as exc:
        raise EngineError(code="engine.model_not_found", path=str(path)) from exc
    key = (str(mdl), stat.st_mtime_ns, stat.st_size)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
    if cached is not None:
        return cached
    content = mdl.read_bytes()
    ir = load_ir(mdl, content)  # built by an earlier process from the same file and engine
    if ir is None:
        from .build import build_ir  # PySD's translator and structures: only when building
        from .parse import parse_vensim

        ir = build_ir(parse_vensim(mdl))
        # stored under the key of the bytes it was built from, and only if the file still
        # holds them: a file saved during the build must not file an old build under it
        if mdl.read_bytes() == content:
            store_ir(mdl, ir, content)
    model = CompiledModel(ir)
    with _CACHE_LOCK:
        for old in [k for k in _CACHE if k[0] == key[0]]:
            del _CACHE[old]
        _CACHE[key] = model
    return model


class CompiledModel:
    """A Vensim model compiled for vectorised ensemble runs.

    Parameters
    ----------
    ir : ModelIR
        The built model (see :func:`load_model`).
    fold : bool, optional
        Compute what does not depend on the states outside the time loop (vector mode;
        see :class:`~.codegen.Plan`). False runs every equation at every step, as the
        model is written; the results are the same.
    """

    def __init__(self, ir: ModelIR, fold: bool = True) -> None:
        self.ir = ir
        self.fold = fold
        self._programs: dict[Plan, Program] = {}
        self._lock = threading.Lock()
        visible = [n for n in ir.nodes.values() if n.kind != HIDDEN]
        controls = [n for n in visible if n.kind == CONTROL]
        others = [n for n in visible if n.kind not in (CONTROL, LOOKUP)]
        # PySD lists control variables first, then the model variables.
        self._default_columns = tuple(n.name for n in controls + others)
        self._constants = {n.name: _evaluate_constant(n.expr, n.original)
                           for n in visible if n.kind == CONSTANT}

    # ------------------------------------------------------------------ metadata
    @property
    def path(self) -> Path:
        """Model file."""
        return self.ir.path

    @property
    def variables(self) -> list[str]:
        """Vensim names of all variables that can be returned (lookups excluded)."""
        return [self.ir.nodes[s].original for s in self._default_columns]

    @property
    def lookups(self) -> list[str]:
        """Vensim names of the named lookup tables."""
        return [n.original for n in self.ir.nodes.values() if n.kind == LOOKUP]

    @property
    def stocks(self) -> list[str]:
        """Vensim names of the stocks (INTEG variables)."""
        return [n.original for n in self.ir.nodes.values() if n.kind == STOCK]

    @property
    def constants(self) -> dict[str, float]:
        """Vensim name -> default value of every constant (the names ``params`` accepts)."""
        return {self.ir.nodes[s].original: v for s, v in self._constants.items()}

    @property
    def units(self) -> dict[str, str]:
        """Vensim name -> unit string, for variables and lookups."""
        return {n.original: n.units for n in self.ir.nodes.values() if n.kind != HIDDEN}

    @property
    def docs(self) -> dict[str, str]:
        """Vensim name -> documentation, for variables and lookups."""
        return {n.original: n.doc for n in self.ir.nodes.values() if n.kind != HIDDEN}

    @property
    def limits(self) -> dict[str, tuple]:
        """Vensim name -> ``(min, max)`` declared in the model (``None`` when absent)."""
        return {n.original: n.limits for n in self.ir.nodes.values() if n.kind != HIDDEN}

    @property
    def kinds(self) -> dict[str, str]:
        """Vensim name -> ``constant``, ``auxiliary``, ``stock``, ``stateful``, ``lookup``
        or ``control``."""
        return {n.original: n.kind for n in self.ir.nodes.values() if n.kind != HIDDEN}

    @property
    def original_names(self) -> list[str]:
        """Vensim names of all variables and lookups, in model order."""
        return [n.original for n in self.ir.nodes.values() if n.kind != HIDDEN]

    @property
    def safe_names(self) -> dict[str, str]:
        """Vensim name -> PySD python-safe name."""
        return self.ir.original_to_safe

    def resolve(self, name: str) -> str:
        """Vensim name for a Vensim or safe name (case and spacing insensitive).

        Parameters
        ----------
        name : str
            e.g. ``"room_temperature"`` or ``"ROOM temperature"``.

        Returns
        -------
        str
            The Vensim name (``"Time"`` for the clock).

        Raises
        ------
        EngineError
            Unknown name, with suggestions.
        """
        safe = self.ir.resolve(name)
        return "Time" if safe == "time" else self.ir.nodes[safe].original

    def source(self, mode: str = VECTOR, return_columns: Sequence[str] | None = None) -> str:
        """Generated Python source of the simulation function, for inspection.

        Parameters
        ----------
        mode : {"vector", "scalar"}
            Dialect: numpy arrays over runs, or the single-run Python-float fast path.
        return_columns : sequence of str, optional
            Recorded variables (default: all).

        Returns
        -------
        str
        """
        record = self._record(return_columns)
        return self._program(Plan(mode, record, fold=self.fold)).source

    def __repr__(self) -> str:
        return (f"CompiledModel({self.path.name!r}, variables={len(self._default_columns)}, "
                f"stocks={len(self.stocks)})")

    # ------------------------------------------------------------------ running
    def run(self, params: Mapping[str, Any] | None = None, n_runs: int | None = None,
            time_step: float | None = None, final_time: float | None = None,
            initial_time: float | None = None, saveper: float | None = None,
            return_columns: Sequence[str] | None = None,
            overrides: Mapping[str, Any] | None = None) -> EnsembleResult:
        """Simulate one or many parameter sets at once.

        Parameters
        ----------
        params : mapping, optional
            Constant name (Vensim or safe) -> scalar, or array shaped ``(n_runs,)`` with
            one value per run. Only constants can be set.
        n_runs : int, optional
            Number of runs; inferred from array parameters and per-run overrides, and
            required to match them. Defaults to 1 when everything is scalar.
        time_step, final_time, initial_time, saveper : float, optional
            Override the model's control variables (shared by all runs).
        return_columns : sequence of str, optional
            Variables to return (Vensim or safe names, ``"Time"`` allowed). Default: every
            variable except lookup tables, control variables first.
        overrides : mapping, optional
            Variable name -> time series that replaces its equation: a ``pandas.Series``
            indexed by time, or ``(times, values)`` with values shaped ``(n_times,)`` or
            ``(n_runs, n_times)``. Values are interpolated linearly in time and hold the
            end values outside the given range, as PySD does for Series parameters.

        Returns
        -------
        EnsembleResult
            Arrays shaped ``(n_runs, n_times)`` keyed by Vensim name.

        Raises
        ------
        EngineError
            Unknown or non-constant parameter names (with suggestions), bad shapes, bad
            control settings, or a failing simulation.
        """
        values, per_run_sizes = self._parse_params(params or {})
        series, series_sizes = self._parse_overrides(overrides or {})
        sizes = per_run_sizes | series_sizes
        if n_runs is not None:
            if int(n_runs) != n_runs or n_runs < 1:
                raise EngineError(code="engine.n_runs", value=n_runs)
            sizes.add(int(n_runs))
        if len(sizes) > 1:
            raise EngineError(code="engine.runs_inconsistent", sizes=sorted(sizes))
        total = sizes.pop() if sizes else 1

        both = [self.ir.nodes[n].original for n in series if n in (params or {})
                or self.ir.nodes[n].original in (params or {})]
        if both:
            raise EngineError(code="engine.params_and_overrides", name=both[0])
        replaced: dict[str, str] = {name: SERIES for name in series}
        controls = {"time_step": time_step, "final_time": final_time,
                    "initial_time": initial_time, "saveper": saveper}
        for name, value in controls.items():
            if value is not None:
                values[name] = _control_value(value, name)
                replaced[name] = FIXED
        record = self._record(return_columns)
        replaced_key = tuple(sorted(replaced.items()))

        per_run = bool(per_run_sizes or series_sizes)
        if not per_run or total == 1:
            return self._run_single(values, series, record, replaced_key, total)
        return self._run_vector(values, series, record, replaced_key, total)

    # ------------------------------------------------------------------ helpers
    def _program(self, plan: Plan) -> Program:
        with self._lock:
            program = self._programs.get(plan)
            if program is None:
                program = generate(self.ir, plan)
                self._programs[plan] = program
        return program

    def _record(self, return_columns: Sequence[str] | None) -> tuple[str, ...]:
        if return_columns is None:
            return self._default_columns
        if isinstance(return_columns, str):
            return_columns = [return_columns]
        record: list[str] = []
        for name in return_columns:
            safe = self.ir.resolve(name)
            if safe != "time" and self.ir.nodes[safe].kind == LOOKUP:
                raise EngineError(code="engine.return_lookup", name=name)
            if safe not in record:
                record.append(safe)
        return tuple(record)

    def _parse_params(self, params: Mapping[str, Any]) -> tuple[dict[str, Any], set[int]]:
        values: dict[str, Any] = dict(self._constants)
        sizes: set[int] = set()
        for name, value in params.items():
            safe = self.ir.resolve(str(name), "parameter")
            node = self.ir.nodes.get(safe)
            if safe == "time" or node is None:
                raise EngineError(code="engine.set_clock", name=name)
            if node.kind != CONSTANT:
                raise _not_settable(node.original, node.kind)
            if isinstance(value, pd.Series | pd.DataFrame):
                raise EngineError(code="engine.param_series", name=name)
            arr = _float_array(value, Phrase("engine.what.param_named", {"name": name}))
            if arr.ndim == 0:
                values[safe] = float(arr)
            elif arr.ndim == 1 and arr.size:
                values[safe] = arr
                sizes.add(arr.size)
            else:
                raise EngineError(code="engine.param_shape", name=name, shape=arr.shape)
        return values, sizes

    def _parse_overrides(self, overrides: Mapping[str, Any]
                         ) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], set[int]]:
        out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        sizes: set[int] = set()
        for name, spec in overrides.items():
            safe = self.ir.resolve(str(name))
            node = self.ir.nodes.get(safe)
            if node is None or node.kind in (LOOKUP, CONTROL):
                if node is None:
                    raise EngineError(code="engine.override_clock", name=name)
                raise EngineError(code="engine.override_kind", name=name,
                                  kind=Phrase(f"engine.kind.{node.kind}"))
            times, vals = _parse_series(spec, name)
            if vals.ndim == 2:
                sizes.add(vals.shape[0])
            out[safe] = (times, vals)
        return out, sizes

    def _run_single(self, values: dict[str, Any], series: dict[str, tuple],
                    record: tuple[str, ...], replaced: tuple, total: int) -> EnsembleResult:
        # Every run is identical: simulate once with Python floats and broadcast.
        scalars = {k: (float(v[0]) if isinstance(v, np.ndarray) else v)
                   for k, v in values.items()}
        program = self._program(Plan(SCALAR, record, replaced))
        P = self._inputs(program, scalars, series, None, vector=False)
        try:
            out, n_saved, times, dts, inv = program.function(P, 1)
        except EngineError:
            raise
        except (ArithmeticError, ValueError, TypeError):
            # Python floats raise where numpy returns inf/nan: redo the run with numpy.
            return self._run_vector(values, series, record, replaced, total, n_sim=1)
        dyn = program.dynamic_record
        mat = (np.frombuffer(out, dtype=float).reshape(n_saved, len(dyn)).T.copy()
               if dyn else np.empty((0, n_saved)))
        data = {}
        for name in record:
            if name in inv:
                row = np.full((1, n_saved), float(inv[name]))
            else:
                row = mat[dyn.index(name)][None, :]
            data[name] = row if total == 1 else np.broadcast_to(row, (total, n_saved))
        return self._result(fn.round_times(times, dts), data)

    def _run_vector(self, values: dict[str, Any], series: dict[str, tuple],
                    record: tuple[str, ...], replaced: tuple, total: int,
                    n_sim: int | None = None) -> EnsembleResult:
        n_sim = total if n_sim is None else n_sim
        program = self._program(Plan(VECTOR, record, replaced, fold=self.fold))
        bounds = [(lo, min(lo + CHUNK_SIZE, n_sim)) for lo in range(0, n_sim, CHUNK_SIZE)]
        shared = _SharedOutput(n_sim)
        chunks = []
        for lo, hi in bounds:
            P = self._inputs(program, values, series, (lo, hi), vector=True)
            P["__alloc"] = shared.allocator(lo, hi)
            with np.errstate(all="ignore"):
                try:
                    chunks.append(program.function(P, hi - lo))
                except EngineError:
                    raise
                except (ArithmeticError, ValueError, TypeError) as exc:
                    raise EngineError(code="engine.run_failed", model=self.path.name,
                                      error=type(exc).__name__, detail=str(exc)) from exc

        dyn = program.dynamic_record
        n_saved = chunks[0][1]
        if any(c[1] != n_saved for c in chunks):  # pragma: no cover - clock is shared
            raise EngineError("runs saved different numbers of time points")
        out = shared.collect(bounds, [c[0] for c in chunks], n_saved)
        data = {}
        for name in record:
            if name in dyn:
                block = out[dyn.index(name)].T
            else:
                parts = [np.broadcast_to(np.asarray(c[4][name], dtype=float), (hi - lo,))
                         for (lo, hi), c in zip(bounds, chunks, strict=True)]
                block = np.broadcast_to(np.concatenate(parts)[:, None], (n_sim, n_saved))
            if n_sim != total:
                block = np.broadcast_to(block, (total, n_saved))
            data[name] = block
        return self._result(fn.round_times(chunks[0][2], chunks[0][3]), data)

    def _inputs(self, program: Program, values: dict[str, Any], series: dict[str, tuple],
                bounds: tuple[int, int] | None, vector: bool) -> dict[str, Any]:
        P: dict[str, Any] = {}
        for name in program.constants:
            value = values[name]
            if isinstance(value, np.ndarray):
                value = value[bounds[0]:bounds[1]] if bounds else float(value[0])
            elif vector:
                value = np.float64(value)
            P[name] = value
        for name, (times, vals) in series.items():
            if vals.ndim == 2:
                vals = vals[bounds[0]:bounds[1]] if bounds else vals[0]
            P[f"__ov_{name}"] = fn.make_series(times, vals, vector)
        return P

    def _result(self, times: np.ndarray, data: dict[str, np.ndarray]) -> EnsembleResult:
        names = {k: ("Time" if k == "time" else self.ir.nodes[k].original) for k in data}
        out = {names[k]: v for k, v in data.items()}
        units = {names[k]: ("" if k == "time" else self.ir.nodes[k].units) for k in data}
        docs = {names[k]: ("Current time of the model." if k == "time"
                           else self.ir.nodes[k].doc) for k in data}
        return EnsembleResult(times, out, units, docs, {names[k]: k for k in data})


# --------------------------------------------------------------------------- utilities
class _SharedOutput:
    """One output buffer ``(n_vars, capacity, n_runs)`` that every chunk writes into."""

    def __init__(self, n_runs: int) -> None:
        self.n_runs = n_runs
        self.buffer: np.ndarray | None = None

    def allocator(self, lo: int, hi: int) -> Any:
        def alloc(n_vars: int, cap: int, n: int) -> np.ndarray:
            if self.buffer is None:
                self.buffer = np.empty((n_vars, cap, self.n_runs))
            if self.buffer.shape[:2] != (n_vars, cap):  # pragma: no cover - shared clock
                return np.empty((n_vars, cap, n))
            return self.buffer[:, :, lo:hi]
        return alloc

    def collect(self, bounds: list[tuple[int, int]], outs: list[np.ndarray],
                n_saved: int) -> np.ndarray:
        """Full ``(n_vars, n_saved, n_runs)`` array; copies only chunks that had to grow."""
        if len(outs) == 1:
            return outs[0][:, :n_saved]
        full = self.buffer
        if full is not None and all(np.shares_memory(o, full) for o in outs):
            return full[:, :n_saved]
        full = np.empty((outs[0].shape[0], n_saved, self.n_runs))
        for (lo, hi), out in zip(bounds, outs, strict=True):
            full[:, :, lo:hi] = out[:, :n_saved]
        return full


def _evaluate_constant(expr: Any, name: str) -> float:
    """Default value of a constant (its expression has no references)."""
    for mode in (SCALAR, VECTOR):
        namespace = dict(fn.SCALAR_FUNCTIONS if mode == SCALAR else fn.VECTOR_FUNCTIONS)
        code = emit_value(expr, mode, namespace)
        try:
            with np.errstate(all="ignore"):
                return float(eval(code, namespace))  # noqa: S307 - code generated from the IR
        except (ArithmeticError, ValueError, TypeError):
            if mode == VECTOR:
                raise EngineError(code="engine.constant_value", name=name) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _float_array(value: Any, what: Phrase | str) -> np.ndarray:
    """``value`` as a float array; ``what`` names it (a control's Vensim name or a phrase)."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise EngineError(code="engine.not_numeric", what=what,
                          type=type(value).__name__) from exc
    return arr


def _control_value(value: Any, name: str) -> float:
    label = name.upper().replace("_", " ")
    arr = _float_array(value, label)
    if arr.ndim != 0:
        raise EngineError(code="engine.control_shared", name=label)
    out = float(arr)
    if not math.isfinite(out):
        raise EngineError(code="engine.control_finite", name=label)
    if name in ("time_step", "saveper") and out <= 0:
        raise EngineError(code="engine.control_positive", name=label, value=out)
    return out


def _not_settable(original: str, kind: str) -> EngineError:
    """The error for setting a variable that is not a constant (what to do instead)."""
    code = {CONTROL: "engine.set_control", LOOKUP: "engine.set_lookup"}.get(
        kind, "engine.set_variable")
    return EngineError(code=code, name=original, kind=Phrase(f"engine.a_kind.{kind}"))


def _parse_series(spec: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    named = {"name": name}
    if isinstance(spec, pd.Series):
        times = _float_array(spec.index.to_numpy(), Phrase("engine.what.override_times", named))
        vals = _float_array(spec.to_numpy(), Phrase("engine.what.override_values", named))
    elif isinstance(spec, tuple | list) and len(spec) == 2:
        times = _float_array(spec[0], Phrase("engine.what.override_times", named))
        vals = _float_array(spec[1], Phrase("engine.what.override_values", named))
    else:
        raise EngineError(code="engine.override_type", name=name)
    if times.ndim != 1 or not times.size:
        raise EngineError(code="engine.override_times_shape", name=name)
    if vals.ndim not in (1, 2) or vals.shape[-1] != times.size:
        raise EngineError(code="engine.override_values_shape", name=name, n=times.size,
                          shape=vals.shape)
    if not np.all(np.isfinite(times)):
        raise EngineError(code="engine.override_times_finite", name=name)
    order = np.argsort(times, kind="stable")
    times = times[order]
    vals = vals[..., order]
    if np.any(np.diff(times) == 0):
        raise EngineError(code="engine.override_times_repeated", name=name)
    return np.ascontiguousarray(times), np.ascontiguousarray(vals)

