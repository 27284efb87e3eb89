"""Run-time implementations of Vensim builtins called by the generated simulation code.

Lives here: two flat namespaces of helpers that the emitted code calls by name,
``VECTOR_FUNCTIONS`` (numpy, values shaped ``(n_runs,)`` or scalars that broadcast) and
``SCALAR_FUNCTIONS`` (plain Python floats, the single-run fast path), plus the stateful
helpers (DELAY FIXED ring buffer, DELAY N / SMOOTH N cascades) and the interpolation
helpers for lookups and time-series overrides. Every helper mirrors the arithmetic of
PySD 3.14 (``pysd.py_backend.functions``, ``statefuls`` and ``lookups``) operation by
operation so results agree to rounding.
Must not: know about models, names or code generation; keep state between calls (the
stateful helpers take and return their state explicitly).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .errors import EngineError

__all__ = [
    "SMALL_VENSIM",
    "SCALAR_FUNCTIONS",
    "VECTOR_FUNCTIONS",
    "check_control",
    "delay_order",
    "interp_scalar",
    "make_lookup",
    "make_series",
    "round_times",
]

#: What Vensim (and PySD) treat as zero in XIDZ, ZIDZ, RAMP, PULSE and QUANTUM.
SMALL_VENSIM = 1e-6


# --------------------------------------------------------------------------- scalar helpers
def _s_min(a: float, b: float) -> float:
    # Same NaN propagation as np.minimum, which PySD uses.
    return a if a < b or a != a else b


def _s_max(a: float, b: float) -> float:
    return a if a > b or a != a else b


def _s_xidz(num: float, den: float, x: float) -> float:
    return x if abs(den) < SMALL_VENSIM else num / den


def _s_zidz(num: float, den: float) -> float:
    return 0 if abs(den) < SMALL_VENSIM else num / den


def _s_quantum(a: float, b: float) -> float:
    return a if b < SMALL_VENSIM else b * math.trunc(a / b)


def _s_modulo(x: float, m: float) -> float:
    return x - _s_quantum(x, m)


def _s_and(a: Any, b: Any) -> bool:
    return bool(a) and bool(b)


def _s_or(a: Any, b: Any) -> bool:
    return bool(a) or bool(b)


def _s_not(a: Any) -> bool:
    return not a


def _s_pulse(t: float, dt: float, start: float, repeat_time: float = 0,
             width: float | None = None, end: float | None = None) -> int:
    """PySD ``functions.pulse`` (PULSE and PULSE TRAIN, magnitude 1)."""
    width = 0.5 * dt if width is None else width
    if repeat_time == 0:
        return 1 if start - SMALL_VENSIM <= t < start + width else 0
    if start <= t and (end is None or t < end):
        return 1 if (t - start + SMALL_VENSIM) % repeat_time < width else 0
    return 0


def interp_scalar(x: float, xs: Sequence[float], ys: Sequence[float],
                  slopes: Sequence[float]) -> float:
    """Linear interpolation holding the end values, identical to ``np.interp`` for a float.

    Parameters
    ----------
    x : float
        Point to evaluate.
    xs, ys : sequence of float
        Increasing abscissae and ordinates.
    slopes : sequence of float
        ``(ys[i+1]-ys[i])/(xs[i+1]-xs[i])``, precomputed as ``np.interp`` does.

    Returns
    -------
    float
        The interpolated value.
    """
    if x > xs[-1]:
        return ys[-1]
    if x < xs[0]:
        return ys[0]
    if x != x:
        return x
    j = bisect_right(xs, x) - 1
    if j >= len(xs) - 1 or xs[j] == x:
        return ys[j]
    return slopes[j] * (x - xs[j]) + ys[j]


def _slopes(xs: Sequence[float], ys: Sequence[float]) -> list[float]:
    return [(ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]) for i in range(len(xs) - 1)]


# --------------------------------------------------------------------------- vector helpers
def _v_xidz(num: Any, den: Any, x: Any) -> Any:
    return divide_unless_small(num, den, x, small_denominators(den))


def _v_zidz(num: Any, den: Any) -> Any:
    return divide_unless_small(num, den, 0, small_denominators(den))


def full(n: int, value: Any) -> Any:
    """``value`` as an array of ``n`` runs: numpy's binary functions (maximum, minimum)
    are several times faster on two whole arrays than on an array and a broadcast scalar.
    Arrays already holding one value per run are returned as they are."""
    return np.full(n, value, dtype=float) if np.ndim(value) == 0 else value


def small_denominators(den: Any) -> np.ndarray | None:
    """Where ``|den| < SMALL_VENSIM`` (the runs XIDZ/ZIDZ do not divide), None if nowhere."""
    small = np.abs(den) < SMALL_VENSIM
    return small if np.any(small) else None


def divide_unless_small(num: Any, den: Any, fill: Any, small: np.ndarray | None) -> Any:
    """XIDZ/ZIDZ with ``small = small_denominators(den)`` known before the loop: the same
    values as :func:`_v_xidz`, without re-testing a denominator that does not change."""
    quotient = num / den
    return quotient if small is None else np.where(small, fill, quotient)


def _v_quantum(a: Any, b: Any) -> Any:
    return np.where(b < SMALL_VENSIM, a, b * _v_trunc(a / b))


def _v_modulo(x: Any, m: Any) -> Any:
    return x - _v_quantum(x, m)


def _v_pulse(t: Any, dt: Any, start: Any, repeat_time: Any = 0,
             width: Any = None, end: Any = None) -> Any:
    """Vectorised PySD ``functions.pulse`` (magnitude 1)."""
    width = 0.5 * dt if width is None else width
    single = (start - SMALL_VENSIM <= t) & (t < start + width)
    if np.all(np.equal(repeat_time, 0)):
        return single * 1.0
    train = (start <= t) & ((t - start + SMALL_VENSIM) % repeat_time < width)
    if end is not None:
        train = train & (t < end)
    return np.where(np.equal(repeat_time, 0), single, train) * 1.0


def _v_trunc(x: Any) -> Any:
    # "+ 0.0" turns -0.0 into 0.0, as PySD's int() does.
    return np.trunc(x) + 0.0


def _v_log(a: Any, b: Any) -> Any:
    return np.log(a) / np.log(b)


def _s_log(a: float, b: float) -> float:
    return math.log(a) / math.log(b)


# --------------------------------------------------------------------------- control values
def check_control(value: Any, name: str, positive: bool = False) -> float:
    """Return a control variable (TIME STEP, SAVEPER, ...) as a float, shared by all runs.

    Parameters
    ----------
    value : float or numpy.ndarray
        The computed value; an array must hold one value repeated for every run.
    name : str
        Vensim name of the control variable, for error messages.
    positive : bool, optional
        Require a strictly positive value (TIME STEP, SAVEPER).

    Returns
    -------
    float

    Raises
    ------
    EngineError
        If the value differs between runs, is not finite, or is not positive when required.
    """
    arr = np.asarray(value, dtype=float)
    if arr.ndim and arr.size:
        if not np.all(arr == arr.flat[0]):
            raise EngineError(code="engine.value_per_run", name=name)
        arr = arr.flat[0]
    out = float(arr)
    if not math.isfinite(out):
        raise EngineError(code="engine.value_not_finite", name=name, value=out)
    if positive and out <= 0:
        raise EngineError(code="engine.control_positive", name=name, value=out)
    return out


def round_times(times: Sequence[float], dts: Sequence[float]) -> np.ndarray:
    """Round output times like PySD's ``Time.round`` (precision TIME STEP * 1e-5).

    Parameters
    ----------
    times : sequence of float
        Raw accumulated times at which outputs were saved.
    dts : sequence of float
        TIME STEP in force at each of those times.

    Returns
    -------
    numpy.ndarray
        The rounded times.
    """
    t = np.asarray(times, dtype=float)
    if not len(t):
        return t
    decimals = [-int(np.log10(dt * 1e-5)) for dt in dts]
    if len(set(decimals)) == 1:
        return np.round(t, decimals[0])
    return np.array([np.round(v, d) for v, d in zip(t, decimals, strict=True)])


def capacity(t0: float, final_time: float, saveper: float) -> int:
    """Number of output rows to preallocate; the simulation grows the buffer if needed.

    Raises
    ------
    EngineError
        FINAL TIME is not after INITIAL TIME (a run of one row is no simulation).
    """
    if not final_time > t0:
        raise EngineError(code="engine.final_before_initial", final=final_time, initial=t0)
    try:
        est = int((final_time - t0) / saveper) + 2
    except (ArithmeticError, ValueError):
        est = 64
    return max(1, min(est, 1_000_000))


def grow(out: np.ndarray) -> np.ndarray:
    """Double the time capacity (axis 1) of an output buffer."""
    new = np.empty((out.shape[0], 2 * out.shape[1]) + out.shape[2:], dtype=out.dtype)
    new[:, : out.shape[1]] = out
    return new


def alloc(n_vars: int, cap: int, n_runs: int) -> np.ndarray:
    """Allocate an output buffer shaped ``(n_vars, cap, n_runs)``."""
    return np.empty((n_vars, cap, n_runs), dtype=float)


# --------------------------------------------------------------------------- folded blocks
#: Elements per precomputed table (256 KiB of float64, so that a block's tables stay in the
#: processor's cache; larger tables were measured slower): at most 32 distinct rows for
#: 1,000 runs, 2 for 16,384 runs.
BLOCK_ELEMENTS = 1 << 15
#: Elements of the clock readings scanned at once for steps that share a row (8 MiB when
#: they differ per run; one column otherwise).
WINDOW_ELEMENTS = 1 << 20


def block_sizes(n_runs: int, t0: float, final_time: float, dt: float) -> tuple[int, int]:
    """Steps scanned at once for rows they share, and distinct rows computed at once.

    Parameters
    ----------
    n_runs : int
        Runs simulated together.
    t0, final_time, dt : float
        INITIAL TIME, FINAL TIME and TIME STEP.

    Returns
    -------
    window : int
        Steps whose clock readings are compared at once: the whole run when it fits
        :data:`WINDOW_ELEMENTS` for ``n_runs`` runs.
    most : int
        Distinct rows per block, within :data:`BLOCK_ELEMENTS`.
    """
    try:
        steps = max(1, int((final_time - t0) / dt) + 2)
    except (ArithmeticError, ValueError):
        steps = 1
    n = max(1, n_runs)
    return max(1, min(steps, WINDOW_ELEMENTS // n)), max(1, BLOCK_ELEMENTS // n)


def step_column(m: int) -> np.ndarray:
    """Step offsets ``0 .. m-1`` of a block, as a column ``(m, 1)``."""
    return np.arange(m, dtype=np.int64)[:, None]


def groups(atoms: Sequence[Any], m: int, most: int | None = None
           ) -> tuple[np.ndarray, list[int]]:
    """Runs of equal consecutive steps of a window, by the values that read the clock.

    Parameters
    ----------
    atoms : sequence
        Values over the window's ``m`` steps (first axis; scalars and one-row values do not
        tell steps apart). Steps are equal when every atom has the same bits in them.
    m : int
        Steps in the window.
    most : int, optional
        Keep the first ``most`` runs only (the block then ends where the next one starts).

    Returns
    -------
    rep : numpy.ndarray
        The first step of each run kept.
    index : list of int
        For each step of the block, the number of its run.
    """
    if m < 2:
        return np.arange(m), list(range(m))
    change = np.zeros(m - 1, dtype=bool)
    for atom in atoms:
        arr = np.asarray(atom)
        if arr.ndim == 0 or arr.shape[0] != m:
            continue
        if arr.dtype.kind == "f":
            arr = arr.view(np.int64)  # bits: -0.0 differs from 0.0, a NaN equals itself
        change |= (arr[1:] != arr[:-1]).reshape(m - 1, -1).any(axis=1)
    starts = np.flatnonzero(np.concatenate(([True], change)))
    index = np.cumsum(np.concatenate(([0], change)), dtype=np.int64)
    if most is not None and len(starts) > most:
        index = index[:starts[most]]
        starts = starts[:most]
    return starts, index.tolist()


def rows(value: Any, m: int) -> np.ndarray:
    """A block's values with one row per step: ``(m,)`` when shared by all runs, else
    ``(m, n_runs)`` (a value that does not vary with time is broadcast, not copied)."""
    arr = np.asarray(value)
    if arr.ndim == 2:
        return arr[:, 0] if arr.shape[1] == 1 else np.broadcast_to(arr, (m, arr.shape[1]))
    return np.broadcast_to(arr, (m,) + arr.shape)


# --------------------------------------------------------------------------- delay orders
def delay_order(order: Any, dt: float, delay_time: Any, name: str) -> int:
    """Effective order of a DELAY1/DELAY3/DELAY N, as PySD's ``Delay.initialize`` computes it.

    PySD truncates the order to an integer and lowers it while ``order * TIME STEP``
    exceeds the delay time.

    Parameters
    ----------
    order : float or array
        Requested order.
    dt : float
        TIME STEP at initialisation.
    delay_time : float or array
        Delay time at initialisation (per run).
    name : str
        Variable name for error messages.

    Returns
    -------
    int
        The order shared by all runs.

    Raises
    ------
    EngineError
        If runs would need different orders or the order drops to zero.
    """
    base = np.asarray(order, dtype=float)
    if base.ndim and not np.all(base == base.flat[0]):
        raise EngineError(code="engine.delay_order_per_run", name=name)
    k0 = int(base.flat[0]) if base.ndim else int(base)
    d = np.atleast_1d(np.asarray(delay_time, dtype=float))
    ks = np.full(d.shape, k0)
    while True:
        too_big = ks * dt > d
        if not too_big.any():
            break
        ks = np.where(too_big, ks - 1, ks)
        if (ks < 1).any():
            raise EngineError(code="engine.delay_too_short", name=name)
    if not np.all(ks == ks[0]):
        raise EngineError(code="engine.delay_order_some_runs", name=name)
    return int(ks[0])


def smooth_order(order: Any, name: str) -> int:
    """Order of a SMOOTH N (PySD uses it as a list length, so it must be integral)."""
    base = np.asarray(order, dtype=float)
    if base.ndim and not np.all(base == base.flat[0]):
        raise EngineError(code="engine.smooth_order_per_run", name=name)
    value = float(base.flat[0]) if base.ndim else float(base)
    if value != int(value) or value < 1:
        raise EngineError(code="engine.smooth_order", name=name, value=value)
    return int(value)


# --------------------------------------------------------------------------- cascades
# DELAY N and SMOOTH N with an order only known at run time keep their stages in a list;
# the arithmetic mirrors PySD's numpy-array code element by element.
def smooth_init(init: Any, k: int) -> list:
    """Initial stages of a SMOOTH N: every stage starts at the initial value."""
    return [init] * k


def smooth_step(stages: list, inp: Any, smooth_time: Any, k: int, dt: float) -> list:
    """One Euler step of a SMOOTH N cascade (PySD ``Smooth.ddt`` then ``state + ddt*dt``)."""
    new = []
    target = inp
    for s in stages:
        new.append(s + (target - s) * k / smooth_time * dt)
        target = s
    return new


def delayn_init(init: Any, delay_time: Any, k: int) -> tuple[list, list]:
    """Initial stages and stage delay times of a DELAY N."""
    return [init * delay_time] * k, [delay_time] * k


def delayn_step(stages: list, times: list, inp: Any, delay_time: Any, k: int,
                dt: float) -> tuple[list, list]:
    """One Euler step of a DELAY N (PySD ``DelayN.ddt``: stage times shift each step)."""
    times = [delay_time] + times[:-1]
    new = []
    inflow = inp
    for s, tm in zip(stages, times, strict=True):
        outflow = s / tm
        new.append(s + (inflow - outflow) * k * dt)
        inflow = outflow
    return new, times


# --------------------------------------------------------------------------- DELAY FIXED
def _s_dfx_init(init: float, delay_time: float, dt: float, n: int) -> tuple:
    k = round(max(delay_time / dt, 1) + SMALL_VENSIM)
    return [init] * k, 0, k, init


def _s_dfx_step(buf: list, ptr: int, k: int, inp: float) -> tuple[int, float]:
    buf[ptr] = inp
    ptr = (ptr + 1) % k
    return ptr, buf[ptr]


def _v_dfx_init(init: Any, delay_time: Any, dt: float, n: int) -> tuple:
    order = np.maximum(np.asarray(delay_time, dtype=float) / dt, 1)
    ks = np.round(order + SMALL_VENSIM).astype(np.int64)
    kmax = int(np.max(ks))
    buf = np.empty((kmax, n))
    buf[:] = init
    if np.all(ks == ks.flat[0]):
        return buf, 0, int(ks.flat[0]), buf[0].copy()
    # Per-run pipe lengths: one pointer per run.
    ks = np.broadcast_to(ks, (n,)).copy()
    return buf, np.zeros(n, dtype=np.int64), ks, buf[0].copy()


def _v_dfx_step(buf: np.ndarray, ptr: Any, k: Any, inp: Any) -> tuple[Any, np.ndarray]:
    if isinstance(k, int):
        buf[ptr] = inp
        ptr = (ptr + 1) % k
        return ptr, buf[ptr].copy()
    cols = np.arange(buf.shape[1])
    buf[ptr, cols] = inp
    ptr = (ptr + 1) % k
    return ptr, buf[ptr, cols]


# --------------------------------------------------------------------------- lookups/series
def make_lookup(xs: Sequence[float], ys: Sequence[float], vector: bool) -> Callable:
    """Build the callable for a named lookup: linear, holding end values outside the range.

    Parameters
    ----------
    xs, ys : sequence of float
        Table points, ``xs`` strictly increasing.
    vector : bool
        Return a numpy implementation (arrays of runs) instead of the scalar one.

    Returns
    -------
    callable
        ``f(x)`` evaluating the table.
    """
    if vector:
        xa = np.asarray(xs, dtype=float)
        ya = np.asarray(ys, dtype=float)
        return lambda x: np.interp(x, xa, ya)
    xl = [float(v) for v in xs]
    yl = [float(v) for v in ys]
    sl = _slopes(xl, yl)
    return lambda x: interp_scalar(x, xl, yl, sl)


def _interp_rows(t: float, xs: np.ndarray, values: np.ndarray, slopes: np.ndarray) -> np.ndarray:
    """``np.interp(t, xs, values[r])`` for every run ``r`` at once (shared time points)."""
    if t > xs[-1]:
        return values[:, -1]
    if t < xs[0]:
        return values[:, 0]
    j = int(np.searchsorted(xs, t, side="right")) - 1
    if j >= len(xs) - 1 or xs[j] == t:
        return values[:, j]
    return slopes[:, j] * (t - xs[j]) + values[:, j]


def make_series(times: np.ndarray, values: np.ndarray, vector: bool) -> Callable:
    """Build ``f(time)`` for a time-series override, interpolating like PySD's Series params.

    Parameters
    ----------
    times : numpy.ndarray
        Increasing time points, shape ``(n_points,)``.
    values : numpy.ndarray
        Shape ``(n_points,)`` (shared by all runs) or ``(n_runs, n_points)``.
    vector : bool
        Numpy implementation (True) or scalar fast path (False, shared values only).

    Returns
    -------
    callable
    """
    if values.ndim == 1:
        return make_lookup(times, values, vector)
    slopes = np.diff(values, axis=1) / np.diff(times)
    return lambda t: _interp_rows(t, times, values, slopes)


SCALAR_FUNCTIONS: dict[str, Any] = {
    "_fn_min": _s_min,
    "_fn_max": _s_max,
    "_fn_abs": abs,
    "_fn_exp": math.exp,
    "_fn_ln": math.log,
    "_fn_log": _s_log,
    "_fn_sqrt": math.sqrt,
    "_fn_sin": math.sin,
    "_fn_cos": math.cos,
    "_fn_tan": math.tan,
    "_fn_arcsin": math.asin,
    "_fn_arccos": math.acos,
    "_fn_arctan": math.atan,
    "_fn_sinh": math.sinh,
    "_fn_cosh": math.cosh,
    "_fn_tanh": math.tanh,
    "_fn_integer": math.trunc,
    "_fn_power": math.pow,
    "_fn_modulo": _s_modulo,
    "_fn_quantum": _s_quantum,
    "_fn_xidz": _s_xidz,
    "_fn_zidz": _s_zidz,
    "_fn_pulse": _s_pulse,
    "_fn_and": _s_and,
    "_fn_or": _s_or,
    "_fn_not": _s_not,
    "_fn_dfx_init": _s_dfx_init,
    "_fn_dfx_step": _s_dfx_step,
}

VECTOR_FUNCTIONS: dict[str, Any] = {
    "_fn_min": np.minimum,
    "_fn_max": np.maximum,
    "_fn_abs": np.abs,
    "_fn_exp": np.exp,
    "_fn_ln": np.log,
    "_fn_log": _v_log,
    "_fn_sqrt": np.sqrt,
    "_fn_sin": np.sin,
    "_fn_cos": np.cos,
    "_fn_tan": np.tan,
    "_fn_arcsin": np.arcsin,
    "_fn_arccos": np.arccos,
    "_fn_arctan": np.arctan,
    "_fn_sinh": np.sinh,
    "_fn_cosh": np.cosh,
    "_fn_tanh": np.tanh,
    "_fn_integer": _v_trunc,
    "_fn_power": np.power,
    "_fn_modulo": _v_modulo,
    "_fn_quantum": _v_quantum,
    "_fn_xidz": _v_xidz,
    "_fn_zidz": _v_zidz,
    "_fn_pulse": _v_pulse,
    "_fn_and": np.logical_and,
    "_fn_or": np.logical_or,
    "_fn_not": np.logical_not,
    "_fn_where": np.where,
    "_fn_rows": rows,
    "_fn_small": small_denominators,
    "_fn_full": full,
    "_fn_div_small": divide_unless_small,
    "_fn_groups": groups,
    "_fn_block_sizes": block_sizes,
    "_fn_steps": step_column,
    "_fn_dfx_init": _v_dfx_init,
    "_fn_dfx_step": _v_dfx_step,
}

# Helpers shared by both modes.
for _table in (SCALAR_FUNCTIONS, VECTOR_FUNCTIONS):
    _table.update({
        "_fn_ctl": check_control,
        "_fn_capacity": capacity,
        "_fn_grow": grow,
        "_fn_alloc": alloc,
        "_fn_delay_order": delay_order,
        "_fn_smooth_order": smooth_order,
        "_fn_smooth_init": smooth_init,
        "_fn_smooth_step": smooth_step,
        "_fn_delayn_init": delayn_init,
        "_fn_delayn_step": delayn_step,
        "__nan": math.nan,
        "__inf": math.inf,
        "__pi": math.pi,
    })
