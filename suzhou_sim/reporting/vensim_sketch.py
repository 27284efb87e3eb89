"""The Vensim sketch (diagram) of the ``.mdl``, generated from its equations.

One view per sector of ``model/README.md`` ("Sectors and stocks", plus ``Accounting`` for
the ``Cumulative …`` counters and ``Other inputs`` for what no sector reaches; the control
settings INITIAL TIME, FINAL TIME, TIME STEP and SAVEPER are not drawn, as in Vensim): stocks as
boxes, flows as valves on pipes (into their stock, from a cloud or from the stock they
drain), auxiliaries and constants as variables, and every causal link as an arrow. A
variable is drawn once, in its sector's view; a link from another sector's variable is
drawn from a shadow (grey) copy of it. Within a view the nodes are placed in layers by
their links (the layered layout of :mod:`.structure_diagram`), left to right.

:func:`sketch_text` builds the sketch section; :func:`with_sketch` puts it into a model's
text in place of the old one, leaving every byte before ``\\\\\\---/// Sketch information``
(the equations) and after the sketch's end marker (Vensim's settings) as it was. The CLI
(``suzhou-sim sketch``, ``make sketch``) writes it; a test checks that the committed model
carries the sketch of its own equations. Must not: change an equation, or hold a second
description of the structure (everything comes from the ``.mdl`` and the README).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .structure_diagram import (
    ACCOUNTING_PREFIX,
    MODEL_README,
    Structure,
    layers,
    read_sectors,
    read_structure,
)

__all__ = ["SKETCH_START", "SKETCH_END", "CONTROLS", "ACCOUNTING_VIEW", "OTHER_VIEW", "View",
           "assign_sectors", "sketch_views", "sketch_text", "with_sketch", "view_variables"]

SKETCH_START = "\\\\\\---/// Sketch information - do not modify anything except names"
SKETCH_END = "///---\\\\\\"
_HEADER = ("V300  Do not put anything below this section - it will be ignored",)
_FONT = "$192-192-192,0,Times New Roman|12||0-0-0|0-0-0|0-0-255|-1--1--1|-1--1--1|96,96,100,0"
#: Vensim's control group: model settings, never drawn in a view (PySD ignores them there).
CONTROLS = ("INITIAL TIME", "FINAL TIME", "TIME STEP", "SAVEPER")
ACCOUNTING_VIEW = "Accounting"
OTHER_VIEW = "Other inputs"
# Layout in sketch pixels: column and row spacing, margins.
_DX, _DY, _X0, _Y0 = 230, 64, 120, 60


def assign_sectors(structure: Structure, readme: Path = MODEL_README) -> dict[str, str]:
    """Sector (view) of every variable of ``structure``.

    Stocks take their README sector (``Cumulative …`` counters: :data:`ACCOUNTING_VIEW`); a
    flow the sector of the (non-counter) stock it fills or drains; any other variable, in
    rounds (so that it joins the nearest sector), the sector most of its placed users are
    in, else most of what it uses, else the accounting view if only counters use it; the rest (model
    settings) :data:`OTHER_VIEW`.
    """
    home: dict[str, str] = {}
    for sector, stocks in read_sectors(readme, structure).items():
        for s in stocks:
            home.setdefault(s, sector)
    for s in structure.stocks:
        if s not in home and s.startswith(ACCOUNTING_PREFIX):
            home[s] = ACCOUNTING_VIEW
    for s in structure.stocks:  # a counter's flow is drawn where it belongs, not with it
        for f in structure.inflows.get(s, ()) + structure.outflows.get(s, ()):
            sector = home.get(s, ACCOUNTING_VIEW)
            if structure.kinds.get(f) == "flow" and sector != ACCOUNTING_VIEW:
                home.setdefault(f, sector)
    users: dict[str, list[str]] = {n: [] for n in structure.kinds}
    for n in structure.kinds:
        for d in _links(structure, n):
            if d in users:
                users[d].append(n)
    names = list(structure.kinds)
    # in rounds, so that a variable joins the sector nearest to it; the accounting view only
    # takes what nothing else claims
    for counters in (False, True):
        while True:
            known = dict(home)
            for n in names:
                if n not in home:
                    ballot = (_votes(known, users[n], False)
                              or _votes(known, sorted(_links(structure, n)), False)
                              or (_votes(known, users[n], True) if counters else []))
                    if ballot:
                        home[n] = max(dict.fromkeys(ballot), key=ballot.count)
            if len(home) == len(known):
                break
    return {n: home.get(n, OTHER_VIEW) for n in names}


def _votes(known: dict[str, str], others: Iterable[str], accounting: bool) -> list[str]:
    """Sectors of the placed ``others``: the accounting view's, or every other one's."""
    return [known[m] for m in others if m in known and (known[m] == ACCOUNTING_VIEW) == accounting]


@dataclass
class View:
    """One view: its name and sketch lines (objects numbered from 1)."""

    name: str
    lines: list[str] = field(default_factory=list)
    primaries: list[str] = field(default_factory=list)


def _shape(kind: str) -> tuple[int, int, int]:
    """Half width, half height and Vensim shape code of a variable's box."""
    return (40, 20, 3) if kind == "stock" else (46, 14, 8)


def _build_view(name: str, members: list[str], structure: Structure,
                sector_of: dict[str, str]) -> View:
    view = View(name, primaries=list(members))
    inside = set(members)
    shadows = sorted({d for m in members for d in _links(structure, m)
                      if d not in inside and d in structure.kinds})
    edges = [(d, m) for m in members for d in _links(structure, m) if d in inside]
    ranks = layers(members, edges)
    pos: dict[str, tuple[int, int]] = {}
    offset = 1 if shadows else 0
    for col, layer in enumerate(ranks):
        for row, n in enumerate(layer):
            pos[n] = (_X0 + (col + offset) * _DX, _Y0 + row * _DY)
    for row, n in enumerate(shadows):
        pos[n] = (_X0, _Y0 + row * _DY)
    ids: dict[str, int] = {}
    lines: list[str] = []

    def new_id() -> int:
        return len(lines) + 1

    def variable(n: str, shadow: bool) -> None:
        x, y = pos[n]
        w, h, shape = _shape(structure.kinds[n])
        ids[n] = new_id()
        if shadow:
            lines.append(f"10,{ids[n]},{n},{x},{y},{w},{h},{shape},2,0,3,-1,0,0,0,"
                         "128-128-128,0-0-0,|12||128-128-128")
        else:
            lines.append(f"10,{ids[n]},{n},{x},{y},{w},{h},{shape},3,0,0,0,0,0,0")

    def arrow(a: int, b: int, xy: tuple[int, int]) -> None:
        lines.append(f"1,{new_id()},{a},{b},0,0,0,0,0,64,0,-1--1--1,,1|({xy[0]},{xy[1]})|")

    # drawn as a valve: a flow that fills or drains a stock of this view
    flows = [n for n in members if structure.kinds[n] == "flow"
             and any(n in _stock_flows(structure, s) for s in members
                     if structure.kinds[s] == "stock")]
    for n in members:
        if n not in flows:
            variable(n, False)
    for n in shadows:
        variable(n, True)
    for f in flows:  # valve, its variable, and the pipes to and from stocks or clouds
        x, y = pos[f]
        into = [s for s in structure.stocks if f in structure.inflows.get(s, ()) and s in inside]
        out = [s for s in structure.stocks if f in structure.outflows.get(s, ()) and s in inside]
        valve = new_id()
        lines.append(f"11,{valve},0,{x},{y},6,8,34,3,0,0,1,0,0,0")
        ids[f] = new_id()
        lines.append(f"10,{ids[f]},{f},{x},{y + 16},46,11,40,3,0,0,-1,0,0,0")
        for end, code in ((into, 4), (out, 100)):
            targets = [ids[s] for s in end]
            if not targets:
                cloud = new_id()
                cx = x + (60 if code == 4 else -60)
                lines.append(f"12,{cloud},48,{cx},{y},10,8,0,3,0,0,-1,0,0,0")
                targets = [cloud]
            for t in targets:
                lines.append(f"1,{new_id()},{valve},{t},{code},0,0,22,0,0,0,-1--1--1,,1|"
                             f"({x},{y})|")
    for m in members:
        for d in sorted(_links(structure, m)):
            if d in ids and d != m and not (structure.kinds[m] == "stock" and d in flows
                                            and d in _stock_flows(structure, m)):
                (xa, ya), (xb, yb) = pos[d], pos[m]
                arrow(ids[d], ids[m], ((xa + xb) // 2, (ya + yb) // 2))
    view.lines = lines
    return view


def _links(structure: Structure, name: str) -> frozenset[str]:
    """What ``name``'s equation references: its rate terms and, for a stock, its initial."""
    return structure.deps.get(name, frozenset()) | structure.initials.get(name, frozenset())


def _stock_flows(structure: Structure, stock: str) -> set[str]:
    return set(structure.inflows.get(stock, ())) | set(structure.outflows.get(stock, ()))


def sketch_views(structure: Structure, readme: Path = MODEL_README) -> list[View]:
    """The views of the sketch, in the README's sector order (then accounting, other)."""
    sector_of = assign_sectors(structure, readme)
    order = list(read_sectors(readme, structure)) + [ACCOUNTING_VIEW, OTHER_VIEW]
    views = []
    for name in order:
        members = [n for n in structure.kinds if sector_of[n] == name and n not in CONTROLS]
        if members:
            views.append(_build_view(name, members, structure, sector_of))
    return views


def sketch_text(structure: Structure | None = None, readme: Path = MODEL_README) -> str:
    """The whole sketch section: from :data:`SKETCH_START` to :data:`SKETCH_END` included."""
    structure = read_structure() if structure is None else structure
    out: list[str] = []
    for view in sketch_views(structure, readme):
        out += [SKETCH_START, *_HEADER, f"*{view.name}", _FONT, *view.lines]
    out.append(SKETCH_END)
    return "\n".join(out) + "\n"


def with_sketch(model_text: str, sketch: str) -> str:
    """``model_text`` with its sketch section replaced by ``sketch``.

    Everything before the first :data:`SKETCH_START` (the equations) and after the first
    :data:`SKETCH_END` that follows it (Vensim's settings) is kept byte for byte.

    Raises
    ------
    ValueError
        The text has no sketch section to replace.
    """
    start = model_text.find(SKETCH_START)
    end = model_text.find(SKETCH_END, start)
    if start < 0 or end < 0:
        raise ValueError("no sketch section (\\\\\\---/// Sketch information ... ///---\\\\\\)")
    tail = model_text[end + len(SKETCH_END):]
    return model_text[:start] + sketch.removesuffix("\n") + tail


def view_variables(sketch: str) -> dict[str, list[str]]:
    """View name -> variables drawn as primaries (not shadows) in it, read from a sketch
    (or from a whole model's text: only its sketch section is read)."""
    out: dict[str, list[str]] = {}
    current = None
    start = sketch.find(SKETCH_START)
    end = sketch.find(SKETCH_END, max(start, 0))
    section = sketch[max(start, 0):end if end >= 0 else None]
    for line in section.splitlines():
        if line.startswith("*"):
            current = line[1:]
            out[current] = []
        elif line.startswith("10,") and current is not None:
            fields = line.split(",")
            if int(fields[8]) % 2 == 1:  # an even "arrows in" field marks a shadow
                out[current].append(fields[2])
    return out
