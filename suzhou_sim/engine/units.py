"""Dimensional-consistency check of a Vensim model (validation battery, Sterman ch. 21).

Infers the units of every equation from the declared units of what it references and compares
them with the declared units; checks that each stock's net flow carries the stock's units per
year. Works on PySD's abstract model; it runs nothing and changes nothing.

Conventions: numbers are dimensionless; ``percent`` counts as dimensionless; comparisons give a
dimensionless result without constraining their operands (``x >= 1000`` is a threshold test).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pysd.builders.python.namespace import NamespaceManager
from pysd.translators.structures import abstract_expressions as ae
from pysd.translators.vensim.vensim_file import VensimFile

__all__ = ["UnitIssue", "parse_units", "check_units"]

DIMENSIONLESS = {"dmnl", "percent", "1", ""}
Units = tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class UnitIssue:
    """A units problem in one variable."""

    variable: str
    message: str


def parse_units(text: str) -> Units:
    """Parse a Vensim units string into sorted (unit, exponent) pairs.

    ``100m_yuan/(year*year)`` → ``(("100m_yuan", 1), ("year", -2))``; ``Dmnl`` → ``()``.
    """
    tokens = re.findall(r"[A-Za-z0-9_.]+|[*/()^-]", text.strip())
    pos = 0

    def expr() -> Counter:
        nonlocal pos
        acc = term()
        while pos < len(tokens) and tokens[pos] in "*/":
            op = tokens[pos]
            pos += 1
            rhs = term()
            for k, v in rhs.items():
                acc[k] += v if op == "*" else -v
        return acc

    def term() -> Counter:
        nonlocal pos
        tok = tokens[pos]
        pos += 1
        if tok == "(":
            inner = expr()
            pos += 1  # ")"
            base = inner
        else:
            base = Counter() if tok.lower() in DIMENSIONLESS else Counter({tok: 1})
        if pos < len(tokens) and tokens[pos] == "^":
            pos += 1
            sign = -1 if tokens[pos] == "-" else 1
            pos += 1 if sign == -1 else 0
            power = int(tokens[pos]) * sign
            pos += 1
            base = Counter({k: v * power for k, v in base.items()})
        return base

    if not tokens:
        return ()
    result = expr()
    return tuple(sorted((k, v) for k, v in result.items() if v))


def _fmt(u: Units) -> str:
    if not u:
        return "Dmnl"
    num = "*".join(k if v == 1 else f"{k}^{v}" for k, v in u if v > 0) or "1"
    den = "*".join(k if v == -1 else f"{k}^{-v}" for k, v in u if v < 0)
    return f"{num}/({den})" if "*" in den else (f"{num}/{den}" if den else num)


def _mul(a: Units, b: Units, sign: int = 1) -> Units:
    c = Counter(dict(a))
    for k, v in b:
        c[k] += sign * v
    return tuple(sorted((k, v) for k, v in c.items() if v))


class _Checker:
    def __init__(self, declared: dict[str, Units], lookups: set[str]):
        self.declared = declared
        self.lookups = lookups
        self.issues: list[str] = []

    def same(self, parts: list[Units], what: str) -> Units:
        first = parts[0]
        for p in parts[1:]:
            if p != first:
                self.issues.append(f"{what}: {_fmt(first)} vs {_fmt(p)}")
        return first

    def infer(self, node) -> Units:  # noqa: C901 - one branch per construct is clearest
        if isinstance(node, (int, float)):
            return ()
        if isinstance(node, ae.ReferenceStructure):
            return self.declared.get(node.reference, ())
        if isinstance(node, ae.InitialStructure):
            return self.infer(node.initial)
        if isinstance(node, ae.LogicStructure):
            for arg in node.arguments:
                self.infer(arg)
            return ()
        if isinstance(node, ae.ArithmeticStructure):
            return self.arithmetic(node)
        if isinstance(node, (ae.SmoothStructure, ae.DelayStructure, ae.DelayFixedStructure)):
            units = self.infer(node.input)
            self.same([units, self.infer(node.initial)], "initial value of a delay/smooth")
            return units
        if isinstance(node, ae.CallStructure):
            return self.call(node)
        self.issues.append(f"construct {type(node).__name__} not checked")
        return ()

    def arithmetic(self, node: ae.ArithmeticStructure) -> Units:
        ops, args = list(node.operators), list(node.arguments)
        if ops == ["negative"]:
            return self.infer(args[0])
        if ops == ["^"]:
            base = self.infer(args[0])
            expo = args[1]
            if isinstance(expo, (int, float)) and float(expo).is_integer():
                return tuple((k, v * int(expo)) for k, v in base)
            if self.infer(expo):
                self.issues.append("exponent must be dimensionless")
            if base:
                self.issues.append(f"non-integer power of a dimensioned base {_fmt(base)}")
            return ()
        acc = self.infer(args[0])
        for op, arg in zip(ops, args[1:], strict=True):
            u = self.infer(arg)
            if op in "+-":
                acc = self.same([acc, u], f"terms of '{op}'")
            elif op == "*":
                acc = _mul(acc, u)
            elif op == "/":
                acc = _mul(acc, u, -1)
            else:
                self.issues.append(f"operator {op!r} not checked")
        return acc

    def call(self, node: ae.CallStructure) -> Units:
        name = node.function.reference
        args = list(node.arguments)
        if name in self.lookups:
            self.infer(args[0])
            return self.declared.get(name, ())
        units = [self.infer(a) for a in args]
        if name == "if_then_else":
            return self.same(units[1:], "branches of IF THEN ELSE")
        if name in ("min", "max"):
            return self.same(units, f"arguments of {name.upper()}")
        if name in ("abs", "integer"):
            return units[0]
        if name in ("zidz", "xidz"):
            return _mul(units[0], units[1], -1)
        if name in ("exp", "ln", "log", "sin", "cos", "tan"):
            if units[0]:
                self.issues.append(f"{name.upper()} of a dimensioned argument {_fmt(units[0])}")
            return ()
        if name in ("step", "ramp", "pulse", "pulse_train"):
            return units[0]
        self.issues.append(f"function {name!r} not checked")
        return units[0] if units else ()


def check_units(mdl_path: Path) -> list[UnitIssue]:
    """Check every equation of a Vensim model for dimensional consistency.

    Returns
    -------
    list of UnitIssue
        Empty when the model is consistent: every variable declares units, every equation's
        inferred units equal its declared units, and every stock's net flow has the stock's
        units per year.
    """
    vf = VensimFile(Path(mdl_path))
    vf.parse()
    elements = [e for s in vf.get_abstract_model().sections for e in s.elements]
    ns = NamespaceManager()
    for e in elements:
        ns.add_to_namespace(e.name)
    safe = {e.name: ns.namespace[e.name] for e in elements}
    declared: dict[str, Units] = {"time": (("year", 1),)}
    issues: list[UnitIssue] = []
    for e in elements:
        if not (e.units or "").strip():
            issues.append(UnitIssue(e.name, "no units declared"))
        declared[safe[e.name]] = parse_units(e.units or "")
    lookups = {safe[e.name] for e in elements
               if any(isinstance(c.ast, ae.LookupsStructure) for c in e.components)}
    per_year = (("year", -1),)
    for e in elements:
        for comp in e.components:
            ast = comp.ast
            if isinstance(ast, ae.LookupsStructure) or comp.type == "Lookup":
                continue
            checker = _Checker(declared, lookups)
            own = declared[safe[e.name]]
            if isinstance(ast, ae.IntegStructure):
                flow = checker.infer(ast.flow)
                if flow != _mul(own, per_year):
                    need = _fmt(_mul(own, per_year))
                    message = f"net flow has {_fmt(flow)}, stock needs {need}"
                    issues.append(UnitIssue(e.name, message))
                init = checker.infer(ast.initial)
                if init != own and not isinstance(ast.initial, (int, float)):
                    issues.append(UnitIssue(e.name, f"initial value has {_fmt(init)}"))
            elif isinstance(ast, (int, float)):
                continue
            else:
                got = checker.infer(ast)
                if got != own:
                    message = f"equation gives {_fmt(got)}, declared {_fmt(own)}"
                    issues.append(UnitIssue(e.name, message))
            issues.extend(UnitIssue(e.name, m) for m in checker.issues)
    return issues
