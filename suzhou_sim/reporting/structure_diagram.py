"""The model's stock-and-flow structure as a Graphviz diagram, drawn from the ``.mdl`` itself.

The ``.mdl`` is parsed with PySD's Vensim translator (through :func:`.engine.parse.parse_vensim`,
which writes no file); each element's equation is walked for the variables it references.
Stocks (``INTEG``) become boxes, their rate terms thick flow arrows, and the variables named
on the feedback loops of ``model/README.md`` (R1, R2, B1-B4) ellipses; thin arrows are
dependencies between drawn nodes, followed through variables that are not drawn. Edges on a
loop are coloured. The result is DOT text, which ``st.graphviz_chart`` renders in the
browser (no system Graphviz needed).

Must not: run the model, or hold a second description of the structure (everything comes
from the ``.mdl`` and the README's loops table).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pysd.builders.python.namespace import NamespaceManager
from pysd.translators.structures import abstract_expressions as ae

from ..engine.parse import parse_vensim
from ..paths import MODEL_DIR, MODEL_FILE

__all__ = [
    "MODEL_README", "Loop", "Structure", "read_structure", "read_loops", "read_sectors",
    "structure_dot",
]

MODEL_README = MODEL_DIR / "README.md"
ACCOUNTING_PREFIX = "Cumulative "  # counters kept for reporting and mass balance
LOOP_COLOURS = {"R1": "#d62728", "R2": "#1f77b4", "B1": "#2ca02c", "B2": "#9467bd",
                "B3": "#ff7f0e", "B4": "#17becf"}
_FALLBACK_COLOUR = "#8c564b"


@dataclass(frozen=True)
class Loop:
    """A feedback loop of the README's table.

    Attributes
    ----------
    code : str
        ``R1``, ``R2``, ``B1``, ...
    title : str
        The README's name of the loop (``innovation–talent``).
    path : str
        The README's path text (Markdown, variable names in backticks).
    variables : tuple[str, ...]
        The model variables named on the path, each once, in order (names the model lacks
        left out).
    sequence : tuple[str, ...]
        The same names as written along the path, repeats included (a loop ends where it
        starts).
    """

    code: str
    title: str
    path: str
    variables: tuple[str, ...]
    sequence: tuple[str, ...]


@dataclass(frozen=True)
class Structure:
    """Elements of the model and what references what.

    Attributes
    ----------
    kinds : dict[str, str]
        Variable name -> ``stock``, ``flow``, ``auxiliary``, ``constant`` or ``lookup``.
    deps : dict[str, frozenset[str]]
        Variable name -> names its equation references (for a stock: its rate terms only,
        not the initial value).
    inflows, outflows : dict[str, tuple[str, ...]]
        Stock -> the variables added to / subtracted from its rate.
    """

    kinds: dict[str, str]
    deps: dict[str, frozenset[str]]
    inflows: dict[str, tuple[str, ...]]
    outflows: dict[str, tuple[str, ...]]

    @property
    def stocks(self) -> list[str]:
        """Stock names in model order."""
        return [n for n, k in self.kinds.items() if k == "stock"]


def _references(node: object) -> set[str]:
    """Python-safe names referenced anywhere in a PySD abstract-syntax tree."""
    out: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, ae.ReferenceStructure):
            out.add(item.reference)
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item))
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return out


def _signed_terms(expr: object) -> tuple[list[object], list[object]]:
    """Terms added and subtracted in a rate ``a + b - c`` (anything else: one added term)."""
    if isinstance(expr, ae.ArithmeticStructure) and set(expr.operators) <= {"+", "-"}:
        plus, minus = [expr.arguments[0]], []
        for op, arg in zip(expr.operators, expr.arguments[1:], strict=True):
            (plus if op == "+" else minus).append(arg)
        return plus, minus
    return [expr], []


@lru_cache(maxsize=4)
def _read_structure(path: str, _mtime: int) -> Structure:
    section = parse_vensim(Path(path)).sections[0]
    namespace = NamespaceManager()
    for element in section.elements:
        namespace.add_to_namespace(element.name)
    original = {safe: name for name, safe in namespace.namespace.items()}

    def names(safe_names: Iterable[str]) -> frozenset[str]:
        return frozenset(original[s] for s in safe_names if s in original)

    kinds: dict[str, str] = {}
    deps: dict[str, frozenset[str]] = {}
    inflows: dict[str, tuple[str, ...]] = {}
    outflows: dict[str, tuple[str, ...]] = {}
    for element in section.elements:
        ast = element.components[0].ast
        if isinstance(ast, ae.IntegStructure):
            plus, minus = _signed_terms(ast.flow)
            kinds[element.name] = "stock"
            deps[element.name] = names(_references(ast.flow))
            inflows[element.name] = tuple(sorted(names(r for t in plus for r in _references(t))))
            outflows[element.name] = tuple(sorted(names(r for t in minus for r in _references(t))))
        elif isinstance(ast, ae.LookupsStructure):
            kinds[element.name], deps[element.name] = "lookup", frozenset()
        else:
            refs = names(_references(ast))
            kinds[element.name] = "auxiliary" if refs else "constant"
            deps[element.name] = refs
    for stock in inflows:
        for flow in inflows[stock] + outflows[stock]:
            if kinds.get(flow) == "auxiliary":
                kinds[flow] = "flow"
    return Structure(kinds, deps, inflows, outflows)


def read_structure(mdl: Path = MODEL_FILE) -> Structure:
    """Stocks, flows and dependencies of a Vensim model (re-read when the file changes)."""
    return _read_structure(str(mdl), Path(mdl).stat().st_mtime_ns)


def read_loops(readme: Path = MODEL_README, structure: Structure | None = None) -> list[Loop]:
    """The feedback loops of the README's "Feedback loops" table.

    Rows look like ``| **R1 innovation–talent** | `A` → `B` → ... |``; variable names are the
    backticked words that are variables of ``structure`` (all backticked words without it).
    """
    text = Path(readme).read_text(encoding="utf-8")
    loops = []
    for match in re.finditer(r"^\|\s*\*\*([RB]\d)\s+([^*]+)\*\*\s*\|(.+)\|\s*$", text, re.M):
        code, title, path = match.group(1), match.group(2).strip(), match.group(3).strip()
        named = re.findall(r"`([^`]+)`", path)
        if structure is not None:
            named = [n for n in named if n in structure.kinds]
        loops.append(Loop(code, title, path, tuple(dict.fromkeys(named)), tuple(named)))
    return loops


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _sources(name: str, shown: set[str], deps: dict[str, frozenset[str]]) -> set[str]:
    """Drawn nodes that ``name`` depends on, looking through nodes that are not drawn."""
    found: set[str] = set()
    seen: set[str] = set()
    stack = list(deps.get(name, ()))
    while stack:
        dep = stack.pop()
        if dep in seen or dep == name:
            continue
        seen.add(dep)
        if dep in shown:
            found.add(dep)
        else:
            stack.extend(deps.get(dep, ()))
    return found


def _path(graph: dict[str, set[str]], a: str, b: str, limit: int = 4) -> list[str] | None:
    """Shortest path a -> ... -> b in ``graph`` with at most ``limit`` edges (BFS)."""
    frontier, parent = [a], {a: a}
    for _ in range(limit):
        nxt = []
        for node in frontier:
            for succ in sorted(graph.get(node, ())):
                if succ not in parent:
                    parent[succ] = node
                    nxt.append(succ)
        if b in parent:
            path = [b]
            while path[-1] != a:
                path.append(parent[path[-1]])
            return path[::-1]
        frontier = nxt
    return None


def _loop_codes(
    edges: Iterable[tuple[str, str]], loops: list[Loop]
) -> dict[tuple[str, str], list[str]]:
    """Drawn edges on each loop: the shortest drawn path between consecutive loop variables.

    The README names the variables along a loop in order (``A → B → C``); a pair is joined
    through drawn intermediate nodes when there is no direct edge, and looked up in the other
    direction when the README states it backwards (``recognitions drain the pool``).
    """
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
    codes: dict[tuple[str, str], list[str]] = {}
    for loop in loops:
        for a, b in zip(loop.sequence, loop.sequence[1:], strict=False):
            path = _path(graph, a, b) or _path(graph, b, a)
            for edge in zip(path or [], (path or [])[1:], strict=False):
                if loop.code not in codes.setdefault(edge, []):
                    codes[edge].append(loop.code)
    return codes


def read_sectors(readme: Path = MODEL_README, structure: Structure | None = None
                 ) -> dict[str, list[str]]:
    """Sectors of the README's "Sectors and stocks" table -> their stocks.

    With ``structure``, only its stocks are kept, and a stock the table does not list joins
    the sector of the listed stock its name starts with (``Knowledge stock 2023`` goes with
    ``Knowledge stock``).
    """
    text = Path(readme).read_text(encoding="utf-8")
    table = re.search(r"^## Sectors and stocks\s*\n(.*?)(?=^#)", text, re.M | re.S)
    sectors: dict[str, list[str]] = {}
    for line in (table.group(1) if table else "").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 2 or cells[0] in ("sector", "") or set(cells[0]) <= {"-"}:
            continue
        names = re.findall(r"`([^`]+)`", cells[1])
        if structure is not None:
            names = [n for n in names if structure.kinds.get(n) == "stock"]
        if names:
            sectors[cells[0]] = names
    if structure is not None:
        listed = {n for names in sectors.values() for n in names}
        for stock in structure.stocks:
            home = next((sec for sec, names in sectors.items() for n in names
                         if stock not in listed and stock.startswith(n + " ")), None)
            if home is not None:
                sectors[home].append(stock)
    return sectors


def _wrap(name: str, width: int = 18) -> str:
    """Node label broken into lines of about ``width`` characters (DOT ``\\n``)."""
    lines: list[str] = []
    for word in name.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\\n".join(lines)


def structure_dot(structure: Structure, loops: list[Loop],
                  sectors: dict[str, list[str]] | None = None) -> str:
    """Graphviz DOT text of the stock-and-flow diagram.

    Parameters
    ----------
    structure : Structure
        From :func:`read_structure`.
    loops : list of Loop
        From :func:`read_loops`; their variables are drawn and their edges coloured.
    sectors : dict, optional
        From :func:`read_sectors`; each sector's stocks and their flows are framed together.

    Returns
    -------
    str
        A ``digraph``: stocks as boxes, flows (shaded) and the other loop variables as
        ellipses, flow arrows thick, dependency arrows thin, loop edges coloured and labelled
        with the loop codes; accounting counters in a dashed frame of their own (they record
        flows and feed nothing, so their arrows are left out).
    """
    stocks = structure.stocks
    core = [s for s in stocks if not s.startswith(ACCOUNTING_PREFIX)]
    counters = [s for s in stocks if s.startswith(ACCOUNTING_PREFIX)]
    flows = [f for s in core for f in structure.inflows[s] + structure.outflows[s]]
    loop_vars = [v for loop in loops for v in loop.variables]
    others = list(dict.fromkeys(v for v in flows + loop_vars if v not in stocks))
    shown = set(core) | set(others)

    def node(name: str, indent: str = "  ") -> str:
        if name in structure.inflows:
            style = 'shape=box, style="filled,rounded", fillcolor="#deebf7", color="#3182bd"'
            if name in counters:
                style = 'shape=box, style=filled, fillcolor="#f0f0f0", color="#bdbdbd", fontsize=8'
        else:
            fill = "#fff2cc" if structure.kinds.get(name) == "flow" else "#ffffff"
            style = f'shape=ellipse, style=filled, fillcolor="{fill}", color="#7f7f7f"'
        return f'{indent}{_quote(name)} [label="{_wrap(name)}", {style}];'

    lines = [
        "digraph model {",
        '  graph [rankdir=TB, splines=true, nodesep=0.2, ranksep=0.35, fontname="Helvetica",'
        ' fontsize=11, newrank=true];',
        '  node [fontname="Helvetica", fontsize=10, margin="0.06,0.03"];',
        '  edge [fontname="Helvetica", fontsize=9, color="#a8a8a8", arrowsize=0.6];',
    ]
    placed: set[str] = set()
    for i, (sector, members) in enumerate((sectors or {}).items()):
        group = [m for m in members if m in core]
        group += [f for m in group for f in structure.inflows[m] + structure.outflows[m]
                  if f in shown and f not in group and f not in placed]
        group = [g for g in dict.fromkeys(group) if g not in placed]
        if not group:
            continue
        placed.update(group)
        lines.append(f"  subgraph cluster_{i} {{")
        lines.append(f'    label={_quote(sector)}; style="rounded,dashed"; color="#c6dbef";'
                     ' fontcolor="#3182bd";')
        lines += [node(g, "    ") for g in group]
        lines.append("  }")
    lines += [node(n) for n in core + others if n not in placed]
    if counters:
        lines.append("  subgraph cluster_accounting {")
        lines.append('    label="Accounting counters"; style=dashed; color="#bdbdbd";'
                     ' fontcolor="#7f7f7f";')
        lines += [node(c, "    ") for c in counters]
        # invisible edges stack the counters in three columns instead of one long row
        lines += [f"    {_quote(a)} -> {_quote(b)} [style=invis];"
                  for a, b in zip(counters, counters[3:], strict=False)]
        lines.append("  }")

    edges: dict[tuple[str, str], bool] = {}  # (from, to) -> is a flow arrow
    for s in core:
        for f in structure.inflows[s]:
            if f in shown:
                edges[(f, s)] = True
        for f in structure.outflows[s]:
            if f in shown:
                edges[(s, f)] = True
    for v in others:
        for src in sorted(_sources(v, shown, structure.deps)):
            if (src, v) not in edges and (v, src) not in edges:
                edges[(src, v)] = False
    on_loop = _loop_codes(edges, loops)
    for (a, b), flow in edges.items():
        codes = on_loop.get((a, b))
        attrs = ["penwidth=2.2", 'color="#4d4d4d"'] if flow else []
        if codes:
            colour = LOOP_COLOURS.get(codes[0], _FALLBACK_COLOUR)
            attrs = [f'color="{colour}"', f'fontcolor="{colour}"', f'label="{",".join(codes)}"',
                     f"penwidth={2.6 if flow else 1.6}"]
        lines.append(f"  {_quote(a)} -> {_quote(b)} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines)
