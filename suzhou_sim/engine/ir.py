"""Intermediate representation: PySD ``AbstractModel`` -> engine nodes, states and graphs.

Lives here: the engine's own expression tree (``Num``, ``Ref``, ``Op``, ``Call``, ...),
model nodes (constants, auxiliaries, stocks, lookups, control variables and hidden
argument nodes), the stateful pieces lifted out of expressions (INTEG, SMOOTH, DELAY,
DELAY N, DELAY FIXED, TREND, INITIAL), the mapping between Vensim names and PySD's
python-safe names, and the dependency graphs with their topological orders for the
initialisation pass and the per-step pass.
Must not: generate or execute code, hold parameter values of a run, or read files other
than through :mod:`.parse`. Building it from PySD's abstract model is
:func:`.build.build_ir`, so this module and a stored IR load without PySD.
"""

from __future__ import annotations

import difflib
import heapq
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ..wording.problems import Phrase
from .errors import EngineError

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
    #: PySD's clean name -> safe name of every element (``NamespaceManager.cleanspace``),
    #: a plain dict so that a stored IR needs no PySD to load (:mod:`.ir_cache`).
    _cleanspace: Mapping[str, str] = field(repr=False)

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
            What the name is, for the error message: ``"variable"`` or ``"parameter"``.

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
        safe = self._cleanspace.get(clean)
        if safe is not None and safe in self.nodes:
            return safe
        candidates = list(o2s) + list(self.safe_to_original)
        close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.5)
        if not close:
            lowered = {c.lower(): c for c in candidates}
            close = [lowered[c] for c in difflib.get_close_matches(
                name.lower(), list(lowered), n=3, cutoff=0.5)]
        kind = Phrase(f"engine.what.{what}")  # "variable" or "parameter"
        if close:
            raise EngineError(code="engine.unknown_name_close", what=kind, name=name,
                              model=self.path.name, close=", ".join(repr(c) for c in close))
        raise EngineError(code="engine.unknown_name", what=kind, name=name,
                          model=self.path.name)

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
        """Human-readable name of a graph key (Vensim names where possible), in English."""
        named = self.name_of(key)
        return named if isinstance(named, str) else named.text("en")

    def name_of(self, key: str) -> Phrase | str:
        """The name of a graph key in a text: its Vensim name, or a phrase of the wording
        room (``initial value of X``, ``SMOOTH in 'X'``) rendered in the reader's language."""
        if key.endswith(".init"):
            return Phrase("engine.initial_value_of", {"name": self.name_of(key[:-5])})
        if key in self.states:
            state = self.states[key]
            return Phrase("engine.state_in", {"kind": state.kind.upper().replace("_", " "),
                                              "owner": state.owner})
        node = self.nodes.get(key)
        return key if node is None else node.original

    def cycle_error(self, cycle: list[str], phase: str) -> EngineError:
        """Build the error for a circular dependency."""
        chain: Phrase | str = self.name_of(cycle[-1])
        for key in reversed(cycle[:-1]):  # a -> (b -> (c)): each link a text of its own
            chain = Phrase("engine.chain_link", {"first": self.name_of(key), "rest": chain})
        code = "engine.cycle_init" if phase == "init" else "engine.cycle_step"
        return EngineError(code=code, model=self.path.name, chain=chain)
