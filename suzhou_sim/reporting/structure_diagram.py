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
from .diagram_labels import frame_label, node_label, sector_label
from .office import CJK_FONT

__all__ = [
    "MODEL_README", "Loop", "Structure", "read_structure", "read_loops", "read_sectors",
    "structure_dot", "FONT_SIZES", "ACCOUNTING", "ACCOUNTING_PREFIX", "wrap_label",
    "layers",
]

MODEL_README = MODEL_DIR / "README.md"
ACCOUNTING_PREFIX = "Cumulative "  # counters kept for reporting and mass balance
LOOP_COLOURS = {"R1": "#d62728", "R2": "#1f77b4", "B1": "#2ca02c", "B2": "#9467bd",
                "B3": "#ff7f0e", "B4": "#17becf"}
_FALLBACK_COLOUR = "#8c564b"
#: Font sizes in points: variable names, accounting counters, loop codes on arrows, frames.
FONT_SIZES = {"node": 14, "counter": 12, "edge": 13, "sector": 16}
#: The office reports' CJK font, then Chinese fonts a viewer's browser may have instead.
_CJK_FALLBACKS = (CJK_FONT, "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
                  "sans-serif")


def _font(lang: str) -> str:
    """DOT ``fontname`` (quoted): Helvetica in English; in Chinese the CJK font of the
    office reports (:data:`~suzhou_sim.reporting.office.CJK_FONT`, ``fonts-noto-cjk``), then
    fonts a browser may have instead (the diagram is drawn in the viewer's browser)."""
    return _quote(", ".join(_CJK_FALLBACKS) if lang == "zh" else "Helvetica")


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
    initials : dict[str, frozenset[str]]
        Stock -> names its initial value references.
    """

    kinds: dict[str, str]
    deps: dict[str, frozenset[str]]
    inflows: dict[str, tuple[str, ...]]
    outflows: dict[str, tuple[str, ...]]
    initials: dict[str, frozenset[str]] = dataclasses.field(default_factory=dict)

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
    initials: dict[str, frozenset[str]] = {}
    for element in section.elements:
        ast = element.components[0].ast
        if isinstance(ast, ae.IntegStructure):
            plus, minus = _signed_terms(ast.flow)
            kinds[element.name] = "stock"
            deps[element.name] = names(_references(ast.flow))
            inflows[element.name] = tuple(sorted(names(r for t in plus for r in _references(t))))
            outflows[element.name] = tuple(sorted(names(r for t in minus for r in _references(t))))
            initials[element.name] = names(_references(ast.initial))
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
    return Structure(kinds, deps, inflows, outflows, initials)


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


_CJK = "\u3000-\u9fff\uff00-\uffef"  # CJK punctuation, ideographs, full-width forms
_TOKENS = re.compile(rf"\s+|[{_CJK}]|[^\s{_CJK}]+")


def _is_cjk(char: str) -> bool:
    return "\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef"


def _width(text: str) -> int:
    """Display width in Latin characters: a Chinese character counts two."""
    return sum(2 if _is_cjk(c) else 1 for c in text)


def _lines(label: str, width: int) -> list[str]:
    """Greedy line breaking at ``width`` Latin characters (see :func:`wrap_label`)."""
    lines: list[str] = []
    spaced = False
    for token in _TOKENS.findall(label):
        if token.isspace():
            spaced = True
            continue
        piece = (" " if spaced else "") + token
        if lines and _width(lines[-1] + piece) <= width:
            lines[-1] += piece
        else:
            lines.append(token)
        spaced = False
    return lines


def wrap_label(label: str, width: int = 16) -> str:
    """Quoted DOT label broken into lines (``\\n``) of at most about ``width`` Latin
    characters, between words and between any two Chinese characters (which count two
    each); the lines are made about equally long (``科技型中小`` / ``企业储备``, not
    ``科技型中小企业储`` / ``备``)."""
    lines = _lines(label, width)
    if len(lines) > 1:
        shortest = -(-_width("".join(lines)) // len(lines))
        lines = next(trial for w in range(shortest, width + 1)
                     if len(trial := _lines(label, w)) <= len(lines))
    return "\\n".join(_quote(line) for line in lines).replace('"\\n"', "\\n")


ACCOUNTING = "Accounting"  # the focus that draws the accounting counters alone


def layers(nodes: list[str], edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Nodes by rank as a top-to-bottom layout would place them: longest path from a
    source, after dropping the arrows that close a cycle (depth-first back edges)."""
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b in edges:
        if a in succ and b in succ and a != b:
            succ[a].append(b)
    colour: dict[str, int] = {}  # 1 on the DFS stack, 2 done
    forward: dict[str, list[str]] = {n: [] for n in nodes}
    for root in nodes:
        if root in colour:
            continue
        colour[root] = 1
        stack = [(root, iter(succ[root]))]
        while stack:
            here, children = stack[-1]
            child = next(children, None)
            if child is None:
                colour[here] = 2
                stack.pop()
            elif colour.get(child) != 1:  # not a back edge
                forward[here].append(child)
                if child not in colour:
                    colour[child] = 1
                    stack.append((child, iter(succ[child])))
    rank = dict.fromkeys(nodes, 0)
    for _ in nodes:  # relax to the longest path (a DAG: settles within len(nodes) passes)
        changed = False
        for a in nodes:
            for b in forward[a]:
                if rank[b] < rank[a] + 1:
                    rank[b], changed = rank[a] + 1, True
        if not changed:
            break
    out: list[list[str]] = [[] for _ in range(max(rank.values(), default=-1) + 1)]
    for n in nodes:
        out[rank[n]].append(n)
    return out


def _rank_direction(labels: dict[str, str], edges: Iterable[tuple[str, str]]) -> str:
    """``TB`` or ``LR``, whichever gives the narrower drawing of these nodes (estimated
    from the rank layers and the labels' widths): a shallow, broad sector reads better
    from left to right."""
    ranks = layers(list(labels), edges)

    def size(name: str) -> tuple[int, int]:  # (width, lines) of the wrapped label
        lines = wrap_label(labels[name]).split("\\n")
        return max(_width(x) for x in lines), len(lines)

    rank = {n: i for i, layer in enumerate(ranks) for n in layer}
    passing = [0] * len(ranks)  # arrows crossing a layer without stopping: room for each
    for a, b in edges:
        if a in rank and b in rank:
            for i in range(min(rank[a], rank[b]) + 1, max(rank[a], rank[b])):
                passing[i] += 1
    tall = max((sum(size(n)[0] + 3 for n in layer) + 3 * passing[i]
                for i, layer in enumerate(ranks)), default=0)
    wide = sum(max((size(n)[0] + 3 for n in layer), default=0) + 6 for layer in ranks)
    return "LR" if wide < tall else "TB"


def structure_dot(structure: Structure, loops: list[Loop],
                  sectors: dict[str, list[str]] | None = None, lang: str = "en",
                  focus: str | None = None) -> str:
    """Graphviz DOT text of the stock-and-flow diagram, whole or one sector of it.

    Parameters
    ----------
    structure : Structure
        From :func:`read_structure`.
    loops : list of Loop
        From :func:`read_loops`; their variables are drawn and their edges coloured.
    sectors : dict, optional
        From :func:`read_sectors`; each sector's stocks and their flows are framed together.
    lang : {"en", "zh"}
        Language of the labels (:mod:`suzhou_sim.reporting.diagram_labels`); Chinese is set
        in the CJK font of the office reports. Nodes are named by their model variable in
        both languages.
    focus : str, optional
        A sector of ``sectors``: only its frame (its stocks, their flows and the loop
        variables joined to no other sector) and the variables with an arrow to or from
        it (dashed, outside the frame), few enough to read at a page's width.
        :data:`ACCOUNTING`: the accounting counters alone. None: everything but the
        counters (which record flows and feed nothing).

    Returns
    -------
    str
        A ``digraph``: stocks as boxes, flows (shaded) and the other loop variables as
        ellipses, flow arrows thick, dependency arrows thin, loop edges coloured and labelled
        with the loop codes.
    """
    stocks = structure.stocks
    core = [s for s in stocks if not s.startswith(ACCOUNTING_PREFIX)]
    counters = [s for s in stocks if s.startswith(ACCOUNTING_PREFIX)]
    flows = [f for s in core for f in structure.inflows[s] + structure.outflows[s]]
    loop_vars = [v for loop in loops for v in loop.variables]
    others = list(dict.fromkeys(v for v in flows + loop_vars if v not in stocks))
    shown = set(core) | set(others)

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

    groups: list[tuple[str, list[str]]] = []  # sector -> its stocks and their flows
    placed: set[str] = set()
    for sector, members in (sectors or {}).items():
        group = [m for m in members if m in core]
        group += [f for m in group for f in structure.inflows[m] + structure.outflows[m]
                  if f in shown and f not in group and f not in placed]
        group = [g for g in dict.fromkeys(group) if g not in placed]
        if group:
            placed.update(group)
            groups.append((sector, group))
    if focus is None:
        drawn = shown
    elif focus == ACCOUNTING:
        drawn, groups = set(), []
    else:
        if focus not in dict(groups):
            raise KeyError(f"no sector {focus!r}; sectors: {', '.join(dict(groups))}")
        # a loop variable no sector frames belongs with the sector all its framed
        # neighbours are in (Exit proceeds with the fund capital)
        sector_of = {n: sector for sector, group in groups for n in group}
        ties: dict[str, set[str]] = {}
        for a, b in edges:
            for one, other in ((a, b), (b, a)):
                if one not in sector_of and other in sector_of:
                    ties.setdefault(one, set()).add(sector_of[other])
        homeless = [n for n in others if ties.get(n) == {focus}]
        groups = [(focus, dict(groups)[focus] + homeless)]
        framed = groups[0][1]
        drawn = set(framed) | {b if a in framed else a for a, b in edges
                               if (a in framed) != (b in framed)}
    font = _font(lang)
    # in the order they are written (the sector's own first), as the layout sees them
    order = [n for _, group in groups for n in group]
    order += [n for n in core + others if n in drawn and n not in order]
    own = set(groups[0][1]) if focus not in (None, ACCOUNTING) else drawn
    # a focus draws the arrows of its own sector only
    arrows = {(a, b): flow for (a, b), flow in edges.items()
              if a in drawn and b in drawn and (a in own or b in own)}
    direction = "TB" if focus in (None, ACCOUNTING) else _rank_direction(
        {n: node_label(n, lang) for n in order}, arrows)

    def node(name: str, indent: str = "  ") -> str:
        # a focus's neighbours from other sectors: the same shapes, dashed and greyed
        guest = focus not in (None, ACCOUNTING) and name not in groups[0][1]
        dashed = ",dashed" if guest else ""
        if name in counters:
            style = ('shape=box, style=filled, fillcolor="#f0f0f0", color="#bdbdbd",'
                     f' fontsize={FONT_SIZES["counter"]}')
        elif name in structure.inflows:
            style = (f'shape=box, style="filled,rounded{dashed}", fillcolor="#deebf7",'
                     f' color="{"#9ecae1" if guest else "#3182bd"}"')
        else:
            fill = "#fff2cc" if structure.kinds.get(name) == "flow" else "#ffffff"
            style = (f'shape=ellipse, style="filled{dashed}", fillcolor="{fill}",'
                     f' color="{"#bdbdbd" if guest else "#7f7f7f"}"')
        if guest:
            style += ', fontcolor="#595959"'
        return f'{indent}{_quote(name)} [label={wrap_label(node_label(name, lang))}, {style}];'

    lines = [
        "digraph model {",
        f'  graph [rankdir={direction}, splines=true, nodesep=0.2, ranksep=0.35, fontname={font},'
        f' fontsize={FONT_SIZES["sector"]}, newrank=true];',
        f'  node [fontname={font}, fontsize={FONT_SIZES["node"]}, margin="0.06,0.03"];',
        f'  edge [fontname={font}, fontsize={FONT_SIZES["edge"]}, color="#a8a8a8",'
        ' arrowsize=0.6];',
    ]
    framed_names: set[str] = set()
    for i, (sector, group) in enumerate(groups):
        framed_names.update(group)
        lines.append(f"  subgraph cluster_{i} {{")
        lines.append(f'    label={_quote(sector_label(sector, lang))}; style="rounded,dashed";'
                     ' color="#c6dbef"; fontcolor="#3182bd";')
        lines += [node(g, "    ") for g in group]
        lines.append("  }")
    lines += [node(n) for n in core + others if n in drawn and n not in framed_names]
    if focus == ACCOUNTING:
        lines.append("  subgraph cluster_accounting {")
        lines.append(f'    label={_quote(frame_label("accounting", lang))}; style=dashed;'
                     ' color="#bdbdbd"; fontcolor="#7f7f7f";')
        lines += [node(c, "    ") for c in counters]
        # invisible edges stack the counters in three columns instead of one long row
        lines += [f"    {_quote(a)} -> {_quote(b)} [style=invis];"
                  for a, b in zip(counters, counters[3:], strict=False)]
        lines.append("  }")

    for (a, b), flow in arrows.items():
        codes = on_loop.get((a, b))
        attrs = ["penwidth=2.2", 'color="#4d4d4d"'] if flow else []
        if codes:
            colour = LOOP_COLOURS.get(codes[0], _FALLBACK_COLOUR)
            attrs = [f'color="{colour}"', f'fontcolor="{colour}"', f'label="{",".join(codes)}"',
                     f"penwidth={2.6 if flow else 1.6}"]
        lines.append(f"  {_quote(a)} -> {_quote(b)} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines)
