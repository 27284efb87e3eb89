"""Code generation: engine IR + run plan -> compiled Python/numpy simulation function.

Lives here: the expression emitter (one dialect for numpy arrays of runs, one for plain
Python floats), the emitters for each stateful piece, and the assembly of one
straight-line function that initialises the model and then loops over time steps,
recording outputs at save times and integrating states with Euler steps exactly as PySD
does (record, then ``state + derivative * dt`` for all states at once, then advance time).
Must not: parse models, resolve user-facing names, hold parameter values, or run
simulations (the returned function is executed by :mod:`.model`).
"""

from __future__ import annotations

import math
import re
from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import functions as fn
from .errors import EngineError
from .ir import (
    CONSTANT,
    CONTROL_NAMES,
    FIXED,
    SERIES,
    TIME_FUNCTIONS,
    ActiveInitial,
    Call,
    InlineLookup,
    LookupCall,
    ModelIR,
    Num,
    Op,
    Ref,
    StatePiece,
    init_key,
    refs,
)

__all__ = ["Plan", "Program", "emit_value", "generate"]

SCALAR, VECTOR = "scalar", "vector"

_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})

_CONTROL_LABELS = {"initial_time": "INITIAL TIME", "final_time": "FINAL TIME",
                   "time_step": "TIME STEP", "saveper": "SAVEPER"}


@dataclass(frozen=True)
class Plan:
    """What to compile.

    Attributes
    ----------
    mode : {"scalar", "vector"}
        ``vector``: values are numpy arrays over runs (or broadcasting scalars);
        ``scalar``: one run with plain Python floats (fast path, raises on arithmetic
        errors so the caller can fall back to ``vector``).
    record : tuple of str
        Node names to record (``"time"`` allowed).
    replaced : tuple of (str, str)
        Sorted ``(node, "series" | "fixed")`` pairs: nodes following a time-series
        override, and control variables given by keyword for this run.
    fold : bool
        Vector mode only: take out of the time loop what does not depend on the states
        (see :class:`_Hoister`). The results are the same as without folding (the same
        operations on the same values, done once or on whole blocks of time steps).
    """

    mode: str
    record: tuple[str, ...]
    replaced: tuple[tuple[str, str], ...] = ()
    fold: bool = True


@dataclass
class Program:
    """A compiled simulation.

    Attributes
    ----------
    function : callable
        ``function(P, n) -> (out, n_saved, times, dts, invariant)`` where ``P`` maps the
        keys in ``constants`` to values and ``"__ov_<node>"`` to override callables.
        ``out`` is an array ``(n_dynamic, capacity, n)`` (vector mode) or a flat
        ``array('d')`` of ``n_saved * n_dynamic`` values (scalar mode).
    source : str
        The generated source, for inspection.
    constants : tuple of str
        Node names read from ``P``.
    dynamic_record, invariant_record : tuple of str
        Recorded nodes that change per step (rows of ``out``) or are fixed for the run.
    """

    function: Callable[..., tuple]
    source: str
    constants: tuple[str, ...]
    dynamic_record: tuple[str, ...]
    invariant_record: tuple[str, ...]
    globals: dict[str, Any] = field(repr=False, default_factory=dict)


# --------------------------------------------------------------------------- expressions
class _Emitter:
    """Turns expression trees into Python source for one dialect."""

    _FUNC1 = {"abs", "exp", "ln", "sqrt", "sin", "cos", "tan", "arcsin", "arccos", "arctan",
              "sinh", "cosh", "tanh", "integer"}
    _FUNCN = {"min", "max", "log", "modulo", "quantum", "xidz", "zidz", "power"}

    def __init__(self, ir: ModelIR, mode: str, globs: dict[str, Any]) -> None:
        self.ir = ir
        self.vector = mode == VECTOR
        self.globs = globs
        self.phase = "init"
        self._inline: dict[tuple, str] = {}
        self.hoister: _Hoister | None = None
        self._floats: dict[str, str] = {}

    # Values are (code, is_bool). In vector mode booleans are numpy bool arrays, whose
    # arithmetic differs from Python's (True + True is True), so they are converted to
    # floats before arithmetic; Python bools already behave like PySD's.
    def num(self, expr: Any) -> str:
        hoisted = self._hoisted(expr, numeric=True)
        if hoisted is not None:
            return hoisted[0]
        code, is_bool = self.emit(expr)
        if is_bool and self.vector:
            one = self._float(1.0) if self.hoister is not None else "1.0"
            return f"({code} * {one})"
        return code

    def _float(self, value: float | int) -> str:
        """A literal of the folded loop as a numpy float: numpy's operators take the fast
        path for ``array * float64`` but convert a Python number on every call."""
        key = repr(float(value))
        name = self._floats.get(key)
        if name is None:
            import numpy as np

            name = f"__f{len(self._floats)}"
            self._floats[key] = name
            self.globs[name] = np.float64(value)
        return name

    def value(self, expr: Any) -> str:
        """Code for a node's value (vector mode stores numbers, never booleans)."""
        return self.num(expr)

    def _hoisted(self, expr: Any, numeric: bool) -> tuple[str, bool] | None:
        if self.hoister is None or isinstance(expr, Num | Ref):
            return None
        return self.hoister.hoist(self, expr, numeric)

    def emit(self, expr: Any) -> tuple[str, bool]:
        hoisted = self._hoisted(expr, numeric=False)
        if hoisted is not None:
            return hoisted
        if isinstance(expr, Num):
            if self.hoister is not None and math.isfinite(expr.value):
                return self._float(expr.value), False
            return _literal(expr.value), False
        if isinstance(expr, Ref):
            return expr.name, False
        if isinstance(expr, Op):
            return self._op(expr)
        if isinstance(expr, Call):
            return self._call(expr)
        if isinstance(expr, LookupCall):
            return f"_lk_{expr.table}({self.num(expr.arg)})", False
        if isinstance(expr, InlineLookup):
            key = (expr.xs, expr.ys)
            if key not in self._inline:
                name = f"_il_{len(self._inline)}"
                self._inline[key] = name
                self.globs[name] = fn.make_lookup(expr.xs, expr.ys, self.vector)
            return f"{self._inline[key]}({self.num(expr.arg)})", False
        if isinstance(expr, ActiveInitial):
            return self.emit(expr.init if self.phase == "init" else expr.expr)
        raise TypeError(f"cannot emit {expr!r}")  # pragma: no cover - IR is closed

    def _op(self, expr: Op) -> tuple[str, bool]:
        op, args = expr.op, expr.args
        if op == "neg":
            return f"(-{self.num(args[0])})", False
        if op == "not":
            return f"_fn_not({self.emit(args[0])[0]})", True
        if op in ("and", "or"):
            return f"_fn_{op}({self.emit(args[0])[0]}, {self.emit(args[1])[0]})", True
        if op in ("==", "!=", "<", "<=", ">", ">="):
            return f"({self.emit(args[0])[0]} {op} {self.emit(args[1])[0]})", True
        left, right = self.num(args[0]), self.num(args[1])
        if op == "^":
            sign = ""
            if isinstance(args[0], Num) and args[0].value < 0:
                # The parser folds "-2" into the literal and PySD writes "-2**2", which
                # Python (and Vensim) read as -(2**2).
                sign, left = "-", _literal(-args[0].value)
            # math.pow raises instead of returning a complex number for a negative base.
            power = f"({left} ** {right})" if self.vector else f"_fn_power({left}, {right})"
            return (f"({sign}{power})" if sign else power), False
        return f"({left} {op} {right})", False

    def _call(self, expr: Call) -> tuple[str, bool]:
        func, args = expr.func, expr.args
        if func == "if_then_else":
            cond = self.emit(args[0])[0]
            (a, a_bool), (b, b_bool) = self.emit(args[1]), self.emit(args[2])
            if self.vector:
                return f"_fn_where({cond}, {a}, {b})", a_bool and b_bool
            # Lazy like PySD: only the chosen branch is evaluated.
            return f"({a} if {cond} else {b})", a_bool and b_bool
        if func == "pi":
            return "__pi", False
        a = [self.num(x) for x in args]
        if func in ("zidz", "xidz") and self.hoister is not None \
                and self.hoister.is_constant(args[1]):
            # A denominator fixed for the run: which runs divide by (nearly) zero is known
            # before the loop, usually none (then the division alone gives the same values).
            small = self.hoister.constant(f"_fn_small({a[1]})")
            fill = _literal(0) if func == "zidz" else a[2]
            return f"_fn_div_small({a[0]}, {a[1]}, {fill}, {small})", False
        if func in ("min", "max") and self.hoister is not None:
            # a bound fixed for the run as a whole array of runs, made once (see fn.full)
            a = [self.hoister.constant(f"_fn_full(__n, {code})")
                 if self.hoister.is_constant(x) else code for x, code in zip(args, a, strict=True)]
        if func in self._FUNC1 or func in self._FUNCN:
            return f"_fn_{func}({', '.join(a)})", False
        if func == "step":
            # PySD: value * (time() + time_step()/2 > tstep)
            return f"({a[0]} * ((time + (time_step / 2)) > {a[1]}))", False
        if func == "ramp":
            # PySD: (t + SMALL_VENSIM > start) * slope * (final - start)
            final = "time" if len(a) == 2 else f"_fn_min({a[2]}, time)"
            return (f"(((time + {fn.SMALL_VENSIM!r}) > {a[1]}) * {a[0]} * ({final} - {a[1]}))",
                    False)
        if func == "pulse":
            return f"_fn_pulse(time, time_step, {a[0]}, width={a[1]})", False
        if func == "pulse_train":
            # Vensim PULSE TRAIN(start, width, interval, end); PySD's parser reorders the
            # arguments to (start, interval, width, end).
            return (f"_fn_pulse(time, time_step, {a[0]}, repeat_time={a[1]}, width={a[2]}, "
                    f"end={a[3]})"), False
        raise TypeError(f"unknown builtin {func}")  # pragma: no cover - IR checks names


def _literal(value: float | int) -> str:
    if isinstance(value, int) or math.isfinite(value):
        text = repr(value)
        return f"({text})" if value < 0 else text
    if math.isnan(value):
        return "__nan"
    return "__inf" if value > 0 else "(-__inf)"


# --------------------------------------------------------------------------- folding
class _Hoister:
    """Takes the parts of per-step expressions that do not read a state out of the loop.

    A sub-expression whose references are all fixed for the run (constants, values set at
    initialisation) is computed once before the loop (``__c<i>``); one that also reads the
    clock or exogenous variables (functions of time and constants only) is computed with
    them for a whole block of time steps at once (``__x<i>``, rows of a table indexed by
    step). Equal sub-expressions share one name. Only numpy's element-wise operations are
    involved, so every value is the one the loop would compute.
    """

    def __init__(self, exogenous: set[str], dynamic: set[str]) -> None:
        self.exogenous = exogenous
        self.dynamic = dynamic
        self.const_lines: list[str] = []
        self.exo_lines: list[str] = []
        self.exo_names: list[str] = []
        self.exo_exprs: list[Any] = []
        self._done: dict[tuple[Any, bool], tuple[str, bool] | None] = {}

    def hoist(self, em: _Emitter, expr: Any, numeric: bool) -> tuple[str, bool] | None:
        """Name (and whether boolean) of a hoisted expression, None if it reads a state."""
        key = (expr, numeric)
        if key in self._done:
            return self._done[key]
        level = self._level(expr)
        if level is None:
            self._done[key] = None
            return None
        em.hoister = None
        try:
            code, is_bool = (em.num(expr), False) if numeric else em.emit(expr)
        finally:
            em.hoister = self
        if level == "const":
            name = self.constant(code)
        else:
            name = f"__x{len(self.exo_lines)}"
            self.exo_lines.append(f"{name} = {code}")
            self.exo_names.append(name)
            self.exo_exprs.append(expr)
        self._done[key] = (name, is_bool)
        return name, is_bool

    def is_constant(self, expr: Any) -> bool:
        """Whether ``expr`` is fixed for the whole run."""
        return self._level(expr) == "const"

    def constant(self, code: str) -> str:
        """Name of a value computed once before the loop by ``code``."""
        line = next((x for x in self.const_lines if x.split(" = ", 1)[1] == code), None)
        if line is not None:
            return line.split(" = ", 1)[0]
        name = f"__c{len(self.const_lines)}"
        self.const_lines.append(f"{name} = {code}")
        return name

    def time_atoms(self, expr: Any, out: list[Any]) -> None:
        """Append to ``out`` the clock readings in ``expr``: comparisons of the time with
        constants, time functions of constants, or else the time itself. An exogenous value
        is a function of its clock readings and of constants, so steps where all readings
        are equal give it equal values."""
        names = set(refs(expr, "step"))
        if "time" not in names:
            return
        reading = isinstance(expr, Ref) or (
            not names & self.dynamic
            and ((isinstance(expr, Op) and expr.op in _COMPARISONS)
                 or (isinstance(expr, Call) and expr.func in TIME_FUNCTIONS)))
        if reading:
            if expr not in out:
                out.append(expr)
            return
        if isinstance(expr, Call) and expr.func in TIME_FUNCTIONS and Ref("time") not in out:
            out.append(Ref("time"))  # reads the clock with a dynamic argument
        for child in _children(expr):
            self.time_atoms(child, out)

    def _level(self, expr: Any) -> str | None:
        level = "const"
        for ref in refs(expr, "step"):
            if ref == "time" or ref in self.exogenous:
                level = "exo"
            elif ref in self.dynamic:
                return None
        return level


def _children(expr: Any) -> tuple:
    """Sub-expressions evaluated in the step pass."""
    if isinstance(expr, Op | Call):
        return expr.args
    if isinstance(expr, LookupCall | InlineLookup):
        return (expr.arg,)
    if isinstance(expr, ActiveInitial):
        return (expr.expr,)
    return ()


# --------------------------------------------------------------------------- states
class _StateEmitter:
    """Init, output and update code for the stateful pieces."""

    def __init__(self, em: _Emitter) -> None:
        self.em = em

    @staticmethod
    def arg(state: StatePiece, name: str) -> str:
        value = state.args[name]
        return _literal(value.value) if isinstance(value, Num) else value.name

    @staticmethod
    def _unrolled(state: StatePiece) -> bool:
        return state.kind in ("smooth", "delay") and state.order is not None

    def init(self, state: StatePiece) -> list[str]:
        s, a = f"__s_{state.id}", lambda n: self.arg(state, n)
        owner = repr(state.owner)
        if state.kind in ("integ", "initial"):
            return [f"{s} = {a('initial')}"]
        if state.kind == "trend":
            return [f"{s} = {a('input')} / (1 + {a('initial_trend')} * {a('average_time')})"]
        if state.kind == "delay_fixed":
            return [f"__b_{state.id}, __p_{state.id}, __k_{state.id}, {s} = "
                    f"_fn_dfx_init({a('initial')}, {a('delay_time')}, time_step, __n)"]
        if state.kind == "smooth":
            if self._unrolled(state):
                stages = " = ".join(f"{s}_{i}" for i in range(state.order))
                return [f"{stages} = {a('initial')}"]
            return [f"__k_{state.id} = _fn_smooth_order({a('order')}, {owner})",
                    f"{s} = _fn_smooth_init({a('initial')}, __k_{state.id})"]
        if state.kind == "delay":
            stages = " = ".join(f"{s}_{i}" for i in range(state.order))
            return [f"__k_{state.id} = _fn_delay_order({state.order}, time_step, "
                    f"{a('delay_time')}, {owner})",
                    f"{stages} = {a('initial')} * {a('delay_time')}"]
        # delay_n
        return [f"__k_{state.id} = _fn_delay_order({a('order')}, time_step, "
                f"{a('delay_time')}, {owner})",
                f"{s}, __tm_{state.id} = _fn_delayn_init({a('initial')}, {a('delay_time')}, "
                f"__k_{state.id})"]

    def output(self, state: StatePiece) -> str:
        s, a = f"__s_{state.id}", lambda n: self.arg(state, n)
        if state.kind in ("integ", "initial", "delay_fixed"):
            return s
        if state.kind == "trend":
            return f"_fn_zidz({a('input')} - {s}, {a('average_time')} * _fn_abs({s}))"
        if state.kind == "smooth":
            return f"{s}_{state.order - 1}" if self._unrolled(state) else f"{s}[-1]"
        if state.kind == "delay":
            if state.order == 1:
                return f"{s}_0 / {a('delay_time')}"
            stages = ", ".join(f"{s}_{i}" for i in range(state.order))
            # The effective order may have been lowered at initialisation (PySD does so
            # when order * TIME STEP exceeds the delay time).
            return f"({stages})[__k_{state.id} - 1] / {a('delay_time')}"
        return f"{s}[-1] / __tm_{state.id}[0]"  # delay_n

    def update(self, state: StatePiece) -> list[str]:
        s, a = f"__s_{state.id}", lambda n: self.arg(state, n)
        if state.kind == "integ":
            new = f"{s} + {a('flow')} * __dt"
            return [f"{s} = _fn_max({new}, 0)" if state.non_negative else f"{s} = {new}"]
        if state.kind == "trend":
            return [f"{s} = {s} + ({a('input')} - {s}) / {a('average_time')} * __dt"]
        if state.kind == "delay_fixed":
            i = state.id
            return [f"__p_{i}, {s} = _fn_dfx_step(__b_{i}, __p_{i}, __k_{i}, {a('input')})"]
        if state.kind == "smooth":
            if not self._unrolled(state):
                return [f"{s} = _fn_smooth_step({s}, {a('input')}, {a('smooth_time')}, "
                        f"__k_{state.id}, __dt)"]
            k, lines = state.order, []
            # Last stage first, so each stage still sees the previous stage's old value.
            for i in reversed(range(k)):
                target = a("input") if i == 0 else f"{s}_{i - 1}"
                lines.append(f"{s}_{i} = {s}_{i} + ({target} - {s}_{i}) * {k} / "
                             f"{a('smooth_time')} * __dt")
            return lines
        if state.kind == "delay":
            k, d, lines = f"__k_{state.id}", a("delay_time"), []
            for i in range(state.order):
                lines.append(f"__q{i} = {s}_{i} / {d}")
            for i in range(state.order):
                inflow = a("input") if i == 0 else f"__q{i - 1}"
                lines.append(f"{s}_{i} = {s}_{i} + ({inflow} - __q{i}) * {k} * __dt")
            return lines
        if state.kind == "delay_n":
            return [f"{s}, __tm_{state.id} = _fn_delayn_step({s}, __tm_{state.id}, "
                    f"{a('input')}, {a('delay_time')}, __k_{state.id}, __dt)"]
        return []  # initial: frozen after initialisation


# --------------------------------------------------------------------------- assembly
class _Assembler:
    def __init__(self, ir: ModelIR, plan: Plan) -> None:
        self.ir = ir
        self.plan = plan
        self.vector = plan.mode == VECTOR
        self.replaced: Mapping[str, str] = dict(plan.replaced)
        self.globs: dict[str, Any] = dict(
            fn.VECTOR_FUNCTIONS if self.vector else fn.SCALAR_FUNCTIONS)
        self.globs["__array"] = array
        self.em = _Emitter(ir, plan.mode, self.globs)
        self.st = _StateEmitter(self.em)
        self.constants: list[str] = []

    # ------------------------------------------------------------------ one key
    def key_lines(self, key: str) -> list[str]:
        ir = self.ir
        if key.endswith(".init"):
            return self.st.init(ir.states[key[:-5]])
        if key in ir.states:
            return [f"{key} = {self.st.output(ir.states[key])}"]
        how = self.replaced.get(key)
        node = ir.nodes[key]
        if how == SERIES:
            return [f"{key} = __ov_{key}(time)"]
        if how == FIXED or node.kind == CONSTANT:
            if key not in self.constants:
                self.constants.append(key)
            return [f"{key} = __P[{key!r}]"]
        comment = f"  # {node.original}" if node.original != key else ""
        return [f"{key} = {self.em.value(node.expr)}{comment}"]

    # ------------------------------------------------------------------ whole program
    def build(self) -> Program:
        ir, replaced = self.ir, self.replaced
        dynamic = ir.dynamic_keys(replaced)
        for name in self.plan.record:
            if name != "time" and name not in ir.nodes:
                raise EngineError(f"cannot record unknown node '{name}'")

        # Keys evaluated every step: what the outputs, the clock and the stepped states read.
        def with_state_args(key: str) -> set[str]:
            state = ir.states.get(key)
            return state.arg_refs("step") if state is not None and state.dynamic else set()

        roots = {r for r in self.plan.record if r != "time"} | set(CONTROL_NAMES[1:])
        step_keys = ir.closure(roots, "step", replaced, with_state_args)
        stepped = [sid for sid in ir.states if sid in step_keys and ir.states[sid].dynamic]
        step_order = ir.topo_order(step_keys & dynamic, "step", replaced)

        # INITIAL TIME is evaluated before the clock starts (PySD reads Time as 0 then).
        t0_keys = ir.closure({"initial_time"}, "init", replaced)
        if any(k in ir.states or k.endswith(".init") for k in t0_keys):
            raise EngineError(code="engine.initial_time_dynamic")
        t0_order = ir.topo_order(t0_keys, "init", replaced)

        init_roots = ((step_keys - dynamic) | {init_key(sid) for sid in stepped}
                      | set(CONTROL_NAMES))
        init_keys = ir.closure(init_roots, "init", replaced)
        init_order = [k for k in ir.topo_order(init_keys, "init", replaced)
                      if k not in t0_keys or k in dynamic]

        dyn_record = tuple(r for r in self.plan.record if r == "time" or r in dynamic)
        inv_record = tuple(r for r in self.plan.record if r not in dyn_record)
        dynamic_controls = [c for c in CONTROL_NAMES[1:] if c in dynamic]

        body: list[str] = []
        emit = body.extend
        emit([f"time = {'__f64(0.0)' if self.vector else '0.0'}"])
        self.em.phase = "init"
        for key in t0_order:
            emit(self.key_lines(key))
        emit(["__t0 = _fn_ctl(initial_time, 'INITIAL TIME')",
              f"time = {'__f64(__t0)' if self.vector else '__t0'}"])
        for key in init_order:
            emit(self.key_lines(key))
        emit(self._control_lines(CONTROL_NAMES[1:]))
        emit(["__cap = _fn_capacity(__t0, __fin, __sp)", "__j = 0", "__k = 0",
              "__times = []", "__dts = []"])
        n_dyn = len(dyn_record)
        if self.vector:
            emit([f"__o = __alloc({n_dyn}, __cap, __n)"])
        else:
            emit(["__o = __array('d')", "__ext = __o.extend"])

        fold = self.vector and self.plan.fold and "time_step" not in dynamic_controls
        exogenous = ir.exogenous_keys(replaced) & set(step_order) if fold else set()
        hoister = _Hoister(exogenous, dynamic) if fold else None
        loop: list[str] = []
        self.em.phase = "step"
        self.em.hoister = hoister
        for key in step_order:
            if key not in exogenous:
                loop.extend(self.key_lines(key))
        loop.extend(self._control_lines(dynamic_controls))
        loop.extend(["__td = time - __t0", "__pr = __dt * 1e-05",
                     "if __td % __sp < __pr or -__td % __sp < __pr:"])
        record = ["__times.append(time)", "__dts.append(__dt)"]
        if self.vector:
            record[:0] = ["if __j == __cap:", "    __o = _fn_grow(__o)",
                          "    __cap = __o.shape[1]"]
            record.extend(f"__o[{i}, __j] = {name}" for i, name in enumerate(dyn_record))
        elif n_dyn:
            record.append(f"__ext(({', '.join(dyn_record)},))")
        record.append("__j += 1")
        loop.extend("    " + line for line in record)
        loop.append("if not time + __pr < __fin:")
        loop.append("    break")
        for sid in stepped:
            loop.extend(self.st.update(ir.states[sid]))
        if "time_step" in dynamic_controls:
            loop.append("time = time + __dt")
        else:
            # Count steps instead of summing dt: a sum drifts (dt = 0.0001 loses save times).
            loop.extend(["__k += 1", f"time = {'__f64' if self.vector else ''}(__t0 + __k * __dt)"])
        self.em.hoister = None
        if hoister is not None:
            pre, loop = self._folded(hoister, [k for k in step_order if k in exogenous], loop)
            body.extend(hoister.const_lines)
            body.extend(pre)

        inv = ", ".join(f"{name!r}: {name}" for name in inv_record)
        lines = ["def __simulate(__P, __n):"]
        lines.extend("    " + line for line in self._binds() + body)
        lines.append("    while True:")
        lines.extend("        " + line for line in loop)
        lines.append(f"    return __o, __j, __times, __dts, {{{inv}}}")
        source = "\n".join(lines) + "\n"
        if self.vector:
            import numpy as np

            self.globs["__f64"] = np.float64
        self._add_lookups(source)
        namespace = dict(self.globs)
        try:
            code = compile(source, f"<engine {ir.path.name} {self.plan.mode}>", "exec")
        except SyntaxError as exc:  # pragma: no cover - would be an engine bug
            raise EngineError(f"internal error compiling {ir.path.name}: {exc}\n{source}") from exc
        exec(code, namespace)
        return Program(namespace["__simulate"], source, tuple(self.constants),
                       dyn_record, inv_record, namespace)

    def _folded(self, hoister: _Hoister, exo_order: list[str],
                loop: list[str]) -> tuple[list[str], list[str]]:
        """The block function ``__pre`` and the loop reading its tables row by row.

        ``__pre(k0)`` takes the times of a window of ``__m`` steps from step ``k0`` as a
        column ``(m, 1)`` (the times the loop itself computes, ``__t0 + k * __dt``), groups
        consecutive steps with equal clock readings, and returns where its block ends, the
        row of each step of the block, and one table per exogenous value the loop reads
        with one row per group (``(rows, n_runs)``, or ``(rows,)`` for values shared by all
        runs). The loop calls it again when it reaches the end of the block.
        """
        self.em.phase = "step"
        lines: list[str] = []
        for key in exo_order:
            lines.extend(self.key_lines(key))
        lines.extend(hoister.exo_lines)
        used = set(_IDENTIFIER.findall("\n".join(loop)))
        tables = [k for k in exo_order + hoister.exo_names if k in used]
        if not tables:
            return [], loop
        # Steps whose clock readings (comparisons with the policy start, lookups of time, ...)
        # are all equal share one row: the tables hold the distinct rows only.
        atoms: list[Any] = []
        for expr in [self.ir.nodes[k].expr for k in exo_order] + hoister.exo_exprs:
            hoister.time_atoms(expr, atoms)
        atom_codes = [self.em.emit(a)[0] for a in atoms]
        returned = ", ".join(f"_fn_rows({k}, len(__rep))" for k in tables)
        pre = ["__m, __most = _fn_block_sizes(__n, __t0, __fin, __dt)",
               "__ar = _fn_steps(__m)", "__kend = 0", "def __pre(__k0):",
               "    time = __t0 + (__k0 + __ar) * __dt",
               f"    __rep, __map = _fn_groups(({''.join(c + ', ' for c in atom_codes)}), "
               "__m, __most)",
               "    time = time[__rep]"]
        pre.extend("    " + line for line in lines)
        pre.append(f"    return __k0 + len(__map), __map, ({returned},)")
        head = ["if __k >= __kend:", "    __kb = __k",
                f"    __kend, __map, ({', '.join('__X_' + k for k in tables)},) = "
                "__pre(__k)",
                "__r = __map[__k - __kb]"]
        head.extend(f"{k} = __X_{k}[__r]" for k in tables)
        return pre, head + loop

    def _binds(self) -> list[str]:
        binds = [f"__ov_{name} = __P['__ov_{name}']"
                 for name, how in self.plan.replaced if how == SERIES]
        if self.vector:
            binds.append("__alloc = __P.get('__alloc', _fn_alloc)")
        return binds

    @staticmethod
    def _control_lines(names: list[str] | tuple[str, ...]) -> list[str]:
        target = {"time_step": "__dt", "final_time": "__fin", "saveper": "__sp"}
        return [f"{target[c]} = _fn_ctl({c}, {_CONTROL_LABELS[c]!r}, "
                f"{c != 'final_time'})" for c in names]

    def _add_lookups(self, source: str) -> None:
        for name, table in self.ir.lookups.items():
            if f"_lk_{name}(" in source:
                self.globs[f"_lk_{name}"] = fn.make_lookup(table.xs, table.ys, self.vector)


def generate(ir: ModelIR, plan: Plan) -> Program:
    """Generate and compile the simulation function for a model and a run plan.

    Parameters
    ----------
    ir : ModelIR
        The model.
    plan : Plan
        Dialect, recorded nodes and replaced nodes.

    Returns
    -------
    Program

    Raises
    ------
    EngineError
        On circular dependencies or an invalid plan.
    """
    return _Assembler(ir, plan).build()


def emit_value(expr: Any, mode: str, namespace: dict[str, Any]) -> str:
    """Source of an expression without references (used to evaluate constant defaults).

    Parameters
    ----------
    expr : Expr
        Expression whose only leaves are literals.
    mode : {"scalar", "vector"}
        Dialect.
    namespace : dict
        Globals the code will run in; inline lookups are added to it.

    Returns
    -------
    str
    """
    return _Emitter(None, mode, namespace).value(expr)  # type: ignore[arg-type]
