"""Build stage of the IR: PySD ``AbstractModel`` -> :class:`~.ir.ModelIR`.

Lives here: the walk over PySD's abstract elements and expressions that makes the engine's
nodes, lifted states and lookups (:func:`build_ir`), and the constructs it refuses.
Must not: hold the IR's classes (:mod:`.ir`), generate code or read files. It is the only
module of the IR that imports PySD's structures, so that a stored IR loads without them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from pysd.builders.python.namespace import NamespaceManager
from pysd.translators.structures import abstract_expressions as ae
from pysd.translators.structures import abstract_model as am

from .errors import EngineError, UnsupportedConstructError
from .ir import (
    AUXILIARY,
    CONSTANT,
    CONTROL,
    HIDDEN,
    LOOKUP,
    STATEFUL,
    STOCK,
    SUPPORTED_FUNCTIONS,
    ActiveInitial,
    Call,
    InlineLookup,
    LookupCall,
    LookupTable,
    ModelIR,
    Node,
    Num,
    Op,
    Ref,
    StatePiece,
    refs,
)

__all__ = ["build_ir"]

_ARITHMETIC = {"+": "+", "-": "-", "*": "*", "/": "/", "^": "^"}
_COMPARISON = {"=": "==", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_LOGIC = {":AND:": "and", ":OR:": "or"}

# Constructs rejected with their Vensim names (or the key of the text naming them).
_UNSUPPORTED_STRUCTURES: dict[type, str] = {
    ae.GameStructure: "GAME",
    ae.AllocateAvailableStructure: "ALLOCATE AVAILABLE",
    ae.AllocateByPriorityStructure: "ALLOCATE BY PRIORITY",
    ae.GetLookupsStructure: "GET XLS/DIRECT LOOKUPS",
    ae.GetDataStructure: "GET XLS/DIRECT DATA",
    ae.GetConstantsStructure: "GET XLS/DIRECT CONSTANTS",
    ae.DataStructure: "engine.construct.data",
    ae.ForecastStructure: "FORECAST",
    ae.SampleIfTrueStructure: "SAMPLE IF TRUE",
}


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
            raise EngineError(code="engine.missing_controls", model=self.path.name, names=names)
        if "saveper" not in self.nodes:
            # Vensim's default: save every time step.
            self.nodes["saveper"] = Node("saveper", CONTROL, Ref("time_step"), "SAVEPER")
        return ModelIR(self.path, self.nodes, self.states, self.lookups,
                       dict(self.ns.cleanspace))

    # ------------------------------------------------------------------ elements
    def _check_element(self, element: am.AbstractElement) -> None:
        name = element.name
        if len(element.components) != 1:
            raise UnsupportedConstructError(name, "engine.construct.subscripts_several")
        comp = element.components[0]
        if comp.subscripts and (comp.subscripts[0] or comp.subscripts[1]):
            raise UnsupportedConstructError(name, "engine.construct.subscripts")
        if isinstance(comp, am.AbstractData):
            raise UnsupportedConstructError(name, "engine.construct.data")

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
            raise UnsupportedConstructError(name, "engine.construct.interpolation",
                                            kind=ast.type)
        xs = tuple(float(v) for v in ast.x)
        ys = tuple(float(v) for v in ast.y)
        if len(xs) != len(set(xs)):
            raise EngineError(code="engine.lookup_repeated_x", name=name)
        if list(xs) != sorted(xs):  # pragma: no cover - PySD's parser sorts points
            order = np.argsort(xs, kind="stable")
            xs, ys = tuple(np.asarray(xs)[order]), tuple(np.asarray(ys)[order])
        return LookupTable(xs, ys)

    # ------------------------------------------------------------------ expressions
    def _unsupported(self, construct: str, **values: Any) -> UnsupportedConstructError:
        return UnsupportedConstructError(self.current.name, construct, **values)

    def _expr(self, ast: Any) -> Any:
        if isinstance(ast, bool):
            return Num(int(ast))
        if isinstance(ast, int | float) and not isinstance(ast, bool):
            return Num(ast)
        if isinstance(ast, np.ndarray):
            raise self._unsupported("engine.construct.constant_array")
        if isinstance(ast, str):
            raise self._unsupported("engine.construct.string", text=ast)
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
            raise self._unsupported("engine.construct.inner_lookup")
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
        raise self._unsupported("engine.construct.other", name=type(ast).__name__)

    def _reference(self, ast: ae.ReferenceStructure) -> Ref:
        if ast.subscripts is not None and getattr(ast.subscripts, "subscripts", None):
            raise self._unsupported("engine.construct.subscripts")
        safe = self.ns.cleanspace.get(ast.reference)
        if safe is None:
            raise EngineError(code="engine.unknown_reference", variable=self.current.name,
                              name=ast.reference)
        if self.kinds.get(safe) == LOOKUP:
            raise EngineError(code="engine.lookup_no_argument", variable=self.current.name,
                              name=ast.reference)
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
                raise self._unsupported("engine.construct.operator", name=op)
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
                raise EngineError(code="engine.call_not_lookup", variable=self.current.name,
                                  name=func)
            if len(ast.arguments) != 1:
                raise EngineError(code="engine.lookup_arguments", variable=self.current.name,
                                  name=func)
            return LookupCall(safe, self._expr(ast.arguments[0]))
        vensim_name = func.upper().replace("_", " ")
        if func == "a_function_of":
            raise self._unsupported("engine.construct.incomplete")
        if func not in SUPPORTED_FUNCTIONS:
            raise self._unsupported("engine.construct.function", name=vensim_name)
        if len(ast.arguments) not in SUPPORTED_FUNCTIONS[func]:
            raise EngineError(code="engine.function_arguments", variable=self.current.name,
                              name=vensim_name, n=len(ast.arguments))
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
                raise EngineError(code="engine.smooth_order_literal", variable=self.current.name)
        elif value < 1:
            raise EngineError(code="engine.delay_order_literal", variable=self.current.name)
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
        raise UnsupportedConstructError(user or macro, "engine.construct.macro",
                                        name=macro.upper())
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

