"""Intermediate representation: PySD ``AbstractModel`` -> engine nodes, states and graphs.

Lives here: the engine's own expression tree (``Num``, ``Ref``, ``Op``, ``Call``, ...),
model nodes (constants, auxiliaries, stocks, lookups, control variables and hidden
argument nodes), the stateful pieces lifted out of expressions (INTEG, SMOOTH, DELAY,
DELAY N, DELAY FIXED, TREND, INITIAL), the mapping between Vensim names and PySD's
python-safe names, and the dependency graphs with their topological orders for the
initialisation pass and the per-step pass.
Must not: generate or execute code, hold parameter values of a run, or read files other
than through :mod:`.parse`.
"""

from __future__ import annotations

import difflib
import heapq
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from pysd.builders.python.namespace import NamespaceManager
from pysd.translators.structures import abstract_expressions as ae
from pysd.translators.structures import abstract_model as am

from .errors import EngineError, UnsupportedConstructError

__all__ = [
    "ActiveInitial",
    "Call",
    "CONTROL_NAMES",
    "Expr",
    "InlineLookup",
    "LookupCall",
    "LookupTable",
    "ModelIR",
    "Node",
    "Num",
    "Op",
    "Ref",
    "StatePiece",
    "build_ir",
    "refs",
]

#: Safe names of the control variables, in PySD's order.
CONTROL_NAMES = ("initial_time", "final_time", "time_step", "saveper")

#: How a node can be replaced for one run: by a time series or by a given value.
SERIES, FIXED = "series", "fixed"
_NONE: Mapping[str, str] = {}

# Node kinds visible in the public metadata.
CONSTANT, AUXILIARY, STOCK, STATEFUL, LOOKUP, CONTROL, HIDDEN = (
    "constant", "auxiliary", "stock", "stateful", "lookup", "control", "hidden",
)


# --------------------------------------------------------------------------- expressions
@dataclass(frozen=True)
class Num:
    """Numeric literal."""

    value: float | int


@dataclass(frozen=True)
class Ref:
    """Reference to a node: a model variable, ``time``, a state output or a hidden node."""

    name: str


@dataclass(frozen=True)
class Op:
    """Operator applied to one (``neg``, ``not``) or two operands."""

    op: str
    args: tuple


@dataclass(frozen=True)
class Call:
    """Call to a supported builtin, by PySD's function key (e.g. ``if_then_else``)."""

    func: str
    args: tuple


@dataclass(frozen=True)
class LookupCall:
    """Call of a named lookup table."""

    table: str
    arg: Any


@dataclass(frozen=True)
class InlineLookup:
    """WITH LOOKUP: interpolate ``arg`` over inline points (PySD uses ``np.interp``)."""

    arg: Any
    xs: tuple
    ys: tuple


@dataclass(frozen=True)
class ActiveInitial:
    """ACTIVE INITIAL: ``init`` during initialisation, ``expr`` afterwards."""

    expr: Any
    init: Any


Expr = Num | Ref | Op | Call | LookupCall | InlineLookup | ActiveInitial

#: Builtins and their accepted argument counts. Names are PySD's function keys.
SUPPORTED_FUNCTIONS: dict[str, tuple[int, ...]] = {
    "abs": (1,), "min": (2,), "max": (2,), "exp": (1,), "ln": (1,), "log": (2,),
    "sqrt": (1,), "sin": (1,), "cos": (1,), "tan": (1,), "arcsin": (1,), "arccos": (1,),
    "arctan": (1,), "sinh": (1,), "cosh": (1,), "tanh": (1,), "integer": (1,),
    "modulo": (2,), "quantum": (2,), "xidz": (3,), "zidz": (2,), "if_then_else": (3,),
    "step": (2,), "ramp": (2, 3), "pulse": (2,), "pulse_train": (4,), "pi": (0,),
    "power": (2,), "active_initial": (2,),
}
#: Builtins that read the clock (``time`` and ``time_step``) implicitly.
TIME_FUNCTIONS = frozenset({"step", "ramp", "pulse", "pulse_train"})

_ARITHMETIC = {"+": "+", "-": "-", "*": "*", "/": "/", "^": "^"}
_COMPARISON = {"=": "==", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_LOGIC = {":AND:": "and", ":OR:": "or"}

# Constructs rejected with their Vensim names.
_UNSUPPORTED_STRUCTURES: dict[type, str] = {
    ae.GameStructure: "GAME",
    ae.AllocateAvailableStructure: "ALLOCATE AVAILABLE",
    ae.AllocateByPriorityStructure: "ALLOCATE BY PRIORITY",
    ae.GetLookupsStructure: "GET XLS/DIRECT LOOKUPS",
    ae.GetDataStructure: "GET XLS/DIRECT DATA",
    ae.GetConstantsStructure: "GET XLS/DIRECT CONSTANTS",
    ae.DataStructure: "a DATA variable",
    ae.ForecastStructure: "FORECAST",
    ae.SampleIfTrueStructure: "SAMPLE IF TRUE",
}


def refs(expr: Any, phase: str = "step") -> Iterator[str]:
    """Yield the node names an expression reads.

    Parameters
    ----------
    expr : Expr
        Expression tree.
    phase : {"step", "init"}
        ACTIVE INITIAL reads its initial argument during initialisation only.

    Yields
    ------
    str
        Referenced node names (may repeat).
    """
    if isinstance(expr, Ref):
        yield expr.name
    elif isinstance(expr, Op | Call):
        if isinstance(expr, Call) and expr.func in TIME_FUNCTIONS:
            yield "time"
            yield "time_step"
        for arg in expr.args:
            yield from refs(arg, phase)
    elif isinstance(expr, LookupCall | InlineLookup):
        yield from refs(expr.arg, phase)
    elif isinstance(expr, ActiveInitial):
        yield from refs(expr.init if phase == "init" else expr.expr, phase)


# --------------------------------------------------------------------------- model structure
@dataclass
class LookupTable:
    """A named lookup: strictly increasing ``xs`` with their ``ys``."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]


@dataclass
class Node:
    """A named value of the model computed by an expression.

    Attributes
    ----------
    name : str
        Python-safe identifier (PySD's) used in generated code.
    kind : str
        ``constant``, ``auxiliary``, ``stock``, ``stateful``, ``lookup``, ``control`` or
        ``hidden`` (a stateful argument lifted out of an expression).
    expr : Expr or None
        Defining expression (None for lookups).
    original : str
        Vensim name (for hidden nodes, a description).
    units, doc : str
        Metadata from the model file.
    limits : tuple
        ``(min, max)`` from the model file, ``None`` when absent.
    """

    name: str
    kind: str
    expr: Any
    original: str
    units: str = ""
    doc: str = ""
    limits: tuple = (None, None)


@dataclass
class StatePiece:
    """A stateful object lifted out of an expression.

    Attributes
    ----------
    id : str
        Unique identifier; the node name under which its output is read.
    kind : str
        ``integ``, ``smooth``, ``delay``, ``delay_n``, ``delay_fixed``, ``trend`` or
        ``initial``.
    owner : str
        Vensim name of the variable whose equation holds it.
    args : dict
        Argument name -> ``Num`` or ``Ref`` (complex arguments become hidden nodes).
    order : int or None
        Literal order for SMOOTH/DELAY families when known before the run.
    non_negative : bool
        INTEG that is clipped at zero.
    """

    id: str
    kind: str
    owner: str
    args: dict[str, Any]
    order: int | None = None
    non_negative: bool = False

    #: Arguments needed to initialise the state, per kind (mirrors PySD's dependencies).
    INIT_ARGS = {
        "integ": ("initial",), "smooth": ("initial", "order"),
        "delay": ("initial", "delay_time", "order"), "delay_n": ("initial", "delay_time", "order"),
        "delay_fixed": ("initial", "delay_time"),
        "trend": ("initial_trend", "input", "average_time"), "initial": ("initial",),
    }
    #: Arguments read by each Euler update.
    STEP_ARGS = {
        "integ": ("flow",), "smooth": ("input", "smooth_time"),
        "delay": ("input", "delay_time"), "delay_n": ("input", "delay_time"),
        "delay_fixed": ("input",), "trend": ("input", "average_time"), "initial": (),
    }
    #: Arguments read (besides the state) when the output is evaluated.
    OUT_ARGS = {
        "integ": (), "smooth": (), "delay": ("delay_time",), "delay_n": (),
        "delay_fixed": (), "trend": ("input", "average_time"), "initial": (),
    }

    @property
    def dynamic(self) -> bool:
        """Whether the state changes during the run (INITIAL is frozen after init)."""
        return self.kind != "initial"

    def arg_refs(self, which: str) -> set[str]:
        """Node names read by the ``init``, ``step`` or ``out`` argument group."""
        table = {"init": self.INIT_ARGS, "step": self.STEP_ARGS, "out": self.OUT_ARGS}[which]
        return {self.args[a].name for a in table[self.kind]
                if isinstance(self.args.get(a), Ref)}


def init_key(state_id: str) -> str:
    """Graph key of the initialisation of a state (a dot keeps it out of identifiers)."""
    return state_id + ".init"


@dataclass
class ModelIR:
    """The engine's representation of one model.

    Attributes
    ----------
    path : pathlib.Path
        Model file.
    nodes : dict
        Safe name -> :class:`Node`, in model order (control variables included).
    states : dict
        State id -> :class:`StatePiece`.
    lookups : dict
        Safe name -> :class:`LookupTable`.
    """

    path: Path
    nodes: dict[str, Node]
    states: dict[str, StatePiece]
    lookups: dict[str, LookupTable]
    _namespace: NamespaceManager = field(repr=False)

    # ------------------------------------------------------------------ names
    @property
    def original_to_safe(self) -> dict[str, str]:
        """Vensim name -> safe name for every visible variable (lookups included)."""
        return {n.original: n.name for n in self.nodes.values() if n.kind != HIDDEN}

    @property
    def safe_to_original(self) -> dict[str, str]:
        """Safe name -> Vensim name for every visible variable (lookups included)."""
        return {n.name: n.original for n in self.nodes.values() if n.kind != HIDDEN}

    @cached_property
    def _name_lookup(self) -> dict[str, str]:
        # original_to_safe built once: resolve runs for every parameter of every run, and
        # the nodes do not change once the IR is built
        return self.original_to_safe

    def resolve(self, name: str, what: str = "variable") -> str:
        """Map a Vensim name or safe name (case/space insensitive) to the safe name.

        Parameters
        ----------
        name : str
            Vensim name (``"Room Temperature"``), safe name (``"room_temperature"``) or
            ``"Time"``.
        what : str
            Word used in the error message.

        Returns
        -------
        str
            The safe name.

        Raises
        ------
        EngineError
            Unknown name; the message suggests close names.
        """
        if name in ("Time", "time"):
            return "time"
        o2s = self._name_lookup
        if name in o2s:
            return o2s[name]
        node = self.nodes.get(name)
        if node is not None and node.kind != HIDDEN:
            return name
        clean = " ".join(name.split()).lower().replace(" ", "_")
        safe = self._namespace.cleanspace.get(clean)
        if safe is not None and safe in self.nodes:
            return safe
        candidates = list(o2s) + list(self.safe_to_original)
        close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.5)
        if not close:
            lowered = {c.lower(): c for c in candidates}
            close = [lowered[c] for c in difflib.get_close_matches(
                name.lower(), list(lowered), n=3, cutoff=0.5)]
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise EngineError(f"unknown {what} '{name}' in {self.path.name}{hint}")

    # ------------------------------------------------------------------ graphs
    def deps(self, key: str, phase: str, replaced: Mapping[str, str] = _NONE) -> set[str]:
        """Direct dependencies of a graph key in the ``init`` or ``step`` pass.

        Parameters
        ----------
        key : str
            A node name, a state id (its output) or ``init_key(state_id)``.
        phase : {"init", "step"}
            Which pass the dependencies are for.
        replaced : mapping, optional
            Node name -> ``"series"`` (follows a time series, so reads ``time`` only) or
            ``"fixed"`` (a value given for the run, no dependencies).

        Returns
        -------
        set of str
        """
        if key == "time":
            return set()
        how = replaced.get(key)
        if how is not None:
            return {"time"} if how == SERIES else set()
        if key.endswith(".init"):
            state = self.states[key[:-5]]
            out = state.arg_refs("init")
            if state.kind in ("delay", "delay_n", "delay_fixed"):
                out.add("time_step")  # the order (pipe length) depends on TIME STEP
            return out
        if key in self.states:
            state = self.states[key]
            out = state.arg_refs("out")
            if phase == "init":
                out.add(init_key(key))
            return out
        node = self.nodes[key]
        if node.expr is None:
            return set()
        return set(refs(node.expr, phase))

    def dynamic_keys(self, replaced: Mapping[str, str] = _NONE) -> set[str]:
        """Keys whose value changes during a run (read ``time`` or a dynamic state).

        Raises
        ------
        EngineError
            If the per-step equations are circular (simultaneous equations).
        """
        dynamic = {"time"}
        keys = list(self.nodes) + list(self.states)
        for key in self.topo_order(keys, "step", replaced):
            if key in replaced:
                if replaced[key] == SERIES:
                    dynamic.add(key)
            elif key in self.states and self.states[key].dynamic:
                dynamic.add(key)
            elif self.deps(key, "step", replaced) & dynamic:
                dynamic.add(key)
        dynamic.discard("time")
        return dynamic

    def exogenous_keys(self, replaced: Mapping[str, str] = _NONE) -> set[str]:
        """Dynamic keys that read the clock but no state: functions of time and constants.

        Their values over a block of time steps can be computed before the steps, with
        arrays shaped ``(n_steps, n_runs)`` instead of one ``(n_runs,)`` array per step.
        Keys following a time series override, and everything they feed, are left out.

        Raises
        ------
        EngineError
            If the per-step equations are circular (simultaneous equations).
        """
        dynamic = self.dynamic_keys(replaced)
        endogenous: set[str] = set()
        for key in self.topo_order(dynamic, "step", replaced):
            if key in replaced or key in self.states or self.deps(key, "step", replaced) \
                    & endogenous:
                endogenous.add(key)
        return dynamic - endogenous

    def closure(self, roots: Iterable[str], phase: str,
                replaced: Mapping[str, str] = _NONE,
                extra: Callable[[str], Iterable[str]] | None = None) -> set[str]:
        """All keys reachable from ``roots`` through ``deps`` (plus ``extra(key)`` edges)."""
        seen: set[str] = set()
        stack = list(roots)
        while stack:
            key = stack.pop()
            if key in seen:
                continue
            seen.add(key)
            stack.extend(self.deps(key, phase, replaced))
            if extra is not None:
                stack.extend(extra(key))
        return seen

    def topo_order(self, keys: Iterable[str], phase: str,
                   replaced: Mapping[str, str] = _NONE) -> list[str]:
        """Order ``keys`` so that every key comes after its dependencies.

        Ties keep model order, so generated code is deterministic.

        Raises
        ------
        EngineError
            On a circular dependency, naming the variables in the loop.
        """
        keyset = set(keys) - {"time"}
        rank = {k: i for i, k in enumerate(self._key_order())}
        deps = {k: self.deps(k, phase, replaced) & keyset for k in keyset}
        users: dict[str, list[str]] = {k: [] for k in keyset}
        for k, ds in deps.items():
            for d in ds:
                users[d].append(k)
        missing = {k: len(ds) for k, ds in deps.items()}
        ready = [k for k, m in missing.items() if m == 0]
        order: list[str] = []
        heap = [(rank[k], k) for k in ready]
        heapq.heapify(heap)
        while heap:
            _, k = heapq.heappop(heap)
            order.append(k)
            for u in users[k]:
                missing[u] -= 1
                if missing[u] == 0:
                    heapq.heappush(heap, (rank[u], u))
        if len(order) != len(keyset):
            left = {k for k in keyset if missing[k] > 0}
            raise self.cycle_error(self._find_cycle(left, deps), phase)
        return order

    def _key_order(self) -> list[str]:
        keys: list[str] = []
        for name in self.nodes:
            keys.append(name)
        for sid in self.states:
            keys.extend((init_key(sid), sid))
        return keys

    @staticmethod
    def _find_cycle(left: set[str], deps: dict[str, set[str]]) -> list[str]:
        start = min(left)
        path = [start]
        seen = {start: 0}
        while True:
            nxt = min(d for d in deps[path[-1]] if d in left)
            if nxt in seen:
                return path[seen[nxt]:] + [nxt]
            seen[nxt] = len(path)
            path.append(nxt)

    def describe(self, key: str) -> str:
        """Human-readable name of a graph key (Vensim names where possible)."""
        if key.endswith(".init"):
            return f"initial value of {self.describe(key[:-5])}"
        if key in self.states:
            state = self.states[key]
            return f"{state.kind.upper().replace('_', ' ')} in '{state.owner}'"
        node = self.nodes.get(key)
        return key if node is None else node.original

    def cycle_error(self, cycle: list[str], phase: str) -> EngineError:
        """Build the error for a circular dependency."""
        what = "initialisation" if phase == "init" else "simultaneous equations"
        chain = " -> ".join(self.describe(k) for k in cycle)
        return EngineError(f"circular dependency ({what}) in {self.path.name}: {chain}")


# --------------------------------------------------------------------------- builder
class _Builder:
    """Turns one PySD abstract section into nodes and states."""

    def __init__(self, path: Path, section: am.AbstractSection) -> None:
        self.path = path
        self.section = section
        self.ns = NamespaceManager()
        self.nodes: dict[str, Node] = {}
        self.states: dict[str, StatePiece] = {}
        self.lookups: dict[str, LookupTable] = {}
        self.kinds: dict[str, str] = {}
        self.current: am.AbstractElement | None = None
        self.current_safe = ""

    def build(self) -> ModelIR:
        elements = list(self.section.elements)
        # Register every name first (PySD's order), so safe names match PySD's exactly.
        for element in elements:
            self.ns.add_to_namespace(element.name)
        for element in elements:
            self._check_element(element)
            safe = self.ns.namespace[element.name]
            comp = element.components[0]
            if isinstance(comp.ast, ae.LookupsStructure):
                self.kinds[safe] = LOOKUP
        for element in elements:
            self._build_element(element)
        missing = [n for n in ("initial_time", "final_time", "time_step") if n not in self.nodes]
        if missing:
            names = ", ".join(m.upper().replace("_", " ") for m in missing)
            raise EngineError(f"{self.path.name} does not define {names}")
        if "saveper" not in self.nodes:
            # Vensim's default: save every time step.
            self.nodes["saveper"] = Node("saveper", CONTROL, Ref("time_step"), "SAVEPER")
        return ModelIR(self.path, self.nodes, self.states, self.lookups, self.ns)

    # ------------------------------------------------------------------ elements
    def _check_element(self, element: am.AbstractElement) -> None:
        name = element.name
        if len(element.components) != 1:
            raise UnsupportedConstructError(name, "subscripts (several definitions)")
        comp = element.components[0]
        if comp.subscripts and (comp.subscripts[0] or comp.subscripts[1]):
            raise UnsupportedConstructError(name, "subscripts")
        if isinstance(comp, am.AbstractData):
            raise UnsupportedConstructError(name, "a DATA variable")

    def _build_element(self, element: am.AbstractElement) -> None:
        self.current = element
        safe = self.ns.namespace[element.name]
        self.current_safe = safe
        comp = element.components[0]
        ast = comp.ast
        meta = {"units": element.units or "", "doc": element.documentation or "",
                "limits": tuple(element.limits) if element.limits else (None, None)}
        if isinstance(ast, ae.LookupsStructure):
            self.lookups[safe] = self._table(ast)
            self.nodes[safe] = Node(safe, LOOKUP, None, element.name, **meta)
            return
        expr = self._expr(ast)
        if isinstance(element, am.AbstractControlElement):
            kind = CONTROL
        elif isinstance(ast, ae.IntegStructure):
            kind = STOCK
        elif isinstance(expr, Ref) and expr.name in self.states and expr.name.startswith("_"):
            kind = STATEFUL
        elif not any(True for _ in refs(expr)):
            kind = CONSTANT
        else:
            kind = AUXILIARY
        if safe in self.nodes:  # pragma: no cover - PySD's namespace guarantees uniqueness
            raise EngineError(f"duplicate variable '{element.name}'")
        self.nodes[safe] = Node(safe, kind, expr, element.name, **meta)

    def _table(self, ast: ae.LookupsStructure) -> LookupTable:
        name = self.current.name
        if ast.type != "interpolate":
            raise UnsupportedConstructError(name, f"lookup interpolation '{ast.type}'")
        xs = tuple(float(v) for v in ast.x)
        ys = tuple(float(v) for v in ast.y)
        if len(xs) != len(set(xs)):
            raise EngineError(f"lookup '{name}' has repeated x values")
        if list(xs) != sorted(xs):  # pragma: no cover - PySD's parser sorts points
            order = np.argsort(xs, kind="stable")
            xs, ys = tuple(np.asarray(xs)[order]), tuple(np.asarray(ys)[order])
        return LookupTable(xs, ys)

    # ------------------------------------------------------------------ expressions
    def _unsupported(self, construct: str) -> UnsupportedConstructError:
        return UnsupportedConstructError(self.current.name, construct)

    def _expr(self, ast: Any) -> Any:
        if isinstance(ast, bool):
            return Num(int(ast))
        if isinstance(ast, int | float) and not isinstance(ast, bool):
            return Num(ast)
        if isinstance(ast, np.ndarray):
            raise self._unsupported("an array of constants (subscripts)")
        if isinstance(ast, str):
            raise self._unsupported(f"the string argument '{ast}'")
        for cls, label in _UNSUPPORTED_STRUCTURES.items():
            if isinstance(ast, cls):
                raise self._unsupported(label)
        if isinstance(ast, ae.ReferenceStructure):
            return self._reference(ast)
        if isinstance(ast, ae.ArithmeticStructure | ae.LogicStructure):
            return self._operation(ast)
        if isinstance(ast, ae.CallStructure):
            return self._call(ast)
        if isinstance(ast, ae.InlineLookupsStructure):
            table = self._table(ast.lookups)
            return InlineLookup(self._expr(ast.argument), table.xs, table.ys)
        if isinstance(ast, ae.LookupsStructure):
            raise self._unsupported("a lookup table inside an expression")
        if isinstance(ast, ae.IntegStructure):
            return self._state("integ", {"flow": ast.flow, "initial": ast.initial},
                               non_negative=bool(ast.non_negative))
        if isinstance(ast, ae.SmoothStructure | ae.SmoothNStructure):
            return self._state("smooth", {"input": ast.input, "smooth_time": ast.smooth_time,
                                          "initial": ast.initial, "order": ast.order})
        if isinstance(ast, ae.DelayStructure | ae.DelayNStructure):
            kind = "delay" if isinstance(ast, ae.DelayStructure) else "delay_n"
            return self._state(kind, {"input": ast.input, "delay_time": ast.delay_time,
                                      "initial": ast.initial, "order": ast.order})
        if isinstance(ast, ae.DelayFixedStructure):
            return self._state("delay_fixed", {"input": ast.input, "delay_time": ast.delay_time,
                                               "initial": ast.initial})
        if isinstance(ast, ae.TrendStructure):
            return self._state("trend", {"input": ast.input, "average_time": ast.average_time,
                                         "initial_trend": ast.initial_trend})
        if isinstance(ast, ae.InitialStructure):
            return self._state("initial", {"initial": ast.initial})
        raise self._unsupported(f"the construct {type(ast).__name__}")

    def _reference(self, ast: ae.ReferenceStructure) -> Ref:
        if ast.subscripts is not None and getattr(ast.subscripts, "subscripts", None):
            raise self._unsupported("subscripts")
        safe = self.ns.cleanspace.get(ast.reference)
        if safe is None:
            raise EngineError(
                f"variable '{self.current.name}' refers to unknown name '{ast.reference}'"
            )
        if self.kinds.get(safe) == LOOKUP:
            raise EngineError(
                f"variable '{self.current.name}' uses lookup '{ast.reference}' without an argument"
            )
        return Ref(safe)

    def _operation(self, ast: ae.ArithmeticStructure | ae.LogicStructure) -> Any:
        ops = list(ast.operators)
        args = [self._expr(a) for a in ast.arguments]
        if ops == ["negative"]:
            return Op("neg", (args[0],))
        if ops == [":NOT:"]:
            return Op("not", (args[0],))
        names = []
        for op in ops:
            key = op.upper()
            if key in _LOGIC:
                names.append(_LOGIC[key])
            elif op in _COMPARISON:
                names.append(_COMPARISON[op])
            elif op in _ARITHMETIC:
                names.append(_ARITHMETIC[op])
            else:  # pragma: no cover - the grammar has no other operators
                raise self._unsupported(f"the operator '{op}'")
        # PySD writes chains as text: Python's precedence makes "+-*/" and comparisons
        # left-associative and "**" right-associative; ":AND:"/":OR:" become nested calls
        # built from the right. Fold the same way to get identical arithmetic.
        if names[0] in ("^", "and", "or"):
            result = args[-1]
            for op, left in zip(reversed(names), reversed(args[:-1]), strict=True):
                result = Op(op, (left, result))
            return result
        result = args[0]
        for op, right in zip(names, args[1:], strict=True):
            result = Op(op, (result, right))
        return result

    def _call(self, ast: ae.CallStructure) -> Any:
        func = ast.function.reference
        safe = self.ns.cleanspace.get(func)
        if safe is not None:
            if self.kinds.get(safe) != LOOKUP:
                raise EngineError(
                    f"variable '{self.current.name}' calls '{func}', which is not a lookup"
                )
            if len(ast.arguments) != 1:
                raise EngineError(
                    f"variable '{self.current.name}': lookup '{func}' takes one argument"
                )
            return LookupCall(safe, self._expr(ast.arguments[0]))
        vensim_name = func.upper().replace("_", " ")
        if func == "a_function_of":
            raise self._unsupported("an incomplete equation (A FUNCTION OF)")
        if func not in SUPPORTED_FUNCTIONS:
            raise self._unsupported(f"the function {vensim_name}")
        if len(ast.arguments) not in SUPPORTED_FUNCTIONS[func]:
            raise EngineError(
                f"variable '{self.current.name}': {vensim_name} called with "
                f"{len(ast.arguments)} arguments"
            )
        args = tuple(self._expr(a) for a in ast.arguments)
        if func == "active_initial":
            return ActiveInitial(args[0], args[1])
        return Call(func, args)

    def _state(self, kind: str, raw_args: dict[str, Any], non_negative: bool = False) -> Ref:
        prefix = {"integ": "_integ", "smooth": "_smooth", "delay": "_delay",
                  "delay_n": "_delayn", "delay_fixed": "_delayfixed", "trend": "_trend",
                  "initial": "_initial"}[kind]
        sid = self.ns.make_python_identifier(self.current_safe, prefix=prefix)
        args: dict[str, Any] = {}
        order = None
        for arg_name, raw in raw_args.items():
            expr = self._expr(raw)
            if arg_name == "order" and isinstance(expr, Num):
                order = self._literal_order(kind, expr.value)
            args[arg_name] = self._lift(sid, arg_name, expr)
        self.states[sid] = StatePiece(sid, kind, self.current.name, args, order, non_negative)
        return Ref(sid)

    def _literal_order(self, kind: str, value: float) -> int:
        if kind == "smooth":
            if value != int(value) or value < 1:
                raise EngineError(
                    f"variable '{self.current.name}': smooth order must be a positive integer"
                )
        elif value < 1:
            raise EngineError(f"variable '{self.current.name}': delay order must be >= 1")
        return int(value)

    def _lift(self, sid: str, arg_name: str, expr: Any) -> Any:
        """Keep literals and plain references; give other arguments a hidden node."""
        if isinstance(expr, Num | Ref):
            return expr
        name = f"{sid}__{arg_name}"
        self.nodes[name] = Node(name, HIDDEN, expr,
                                f"{arg_name.replace('_', ' ')} of {self.current.name}")
        return Ref(name)


def build_ir(abstract: am.AbstractModel) -> ModelIR:
    """Build the engine IR from PySD's abstract model.

    Parameters
    ----------
    abstract : AbstractModel
        Output of :func:`suzhou_sim.engine.parse.parse_vensim`.

    Returns
    -------
    ModelIR

    Raises
    ------
    UnsupportedConstructError
        For macros, subscripts, data, external files and the other unsupported constructs.
    EngineError
        For malformed models (unknown references, bad lookups, missing control variables).
    """
    path = Path(abstract.original_path)
    main = abstract.sections[0]
    if len(abstract.sections) > 1:
        macro = str(abstract.sections[1].name)
        user = _first_caller(main, macro.lower().replace(" ", "_"))
        raise UnsupportedConstructError(user or macro, f"the MACRO {macro.upper()}")
    return _Builder(path, main).build()


def _first_caller(section: am.AbstractSection, function: str) -> str | None:
    """Name of the first element whose equation calls ``function`` (PySD clean name)."""

    def calls(node: Any) -> bool:
        if isinstance(node, ae.CallStructure) and node.function.reference == function:
            return True
        if isinstance(node, tuple | list):
            return any(calls(x) for x in node)
        if isinstance(node, ae.AbstractSyntax):
            return any(calls(getattr(node, f)) for f in node.__dataclass_fields__)
        return False

    for element in section.elements:
        if any(calls(c.ast) for c in element.components):
            return element.name
    return None

