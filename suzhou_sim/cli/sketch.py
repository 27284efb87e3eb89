"""The ``sketch`` subcommand: rewrite the Vensim diagram of the ``.mdl`` from its equations.

Lives here: its arguments, the up-to-date check (``--check``) and the atomic rewrite of the
model file, which changes only the sketch section (the equations and Vensim's settings stay
byte for byte). The sketch itself comes from :mod:`suzhou_sim.reporting.vensim_sketch`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import handle

__all__ = ["register", "EXIT_OUTDATED"]

#: Exit code of ``sketch --check`` when the committed sketch is not the generator's.
EXIT_OUTDATED = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``sketch`` to the CLI."""
    from ..paths import MODEL_FILE

    p = subparsers.add_parser(
        "sketch", help="rewrite the Vensim diagram (sketch) of the model from its equations",
        description="Regenerate the sketch section of the .mdl (one view per sector: stocks, "
                    "flows, variables and causal links) from its equations and the sectors "
                    "of model/README.md. Only the sketch changes; the equations stay byte "
                    "for byte. --check only says whether the file is up to date (exit 1 "
                    "when not).")
    p.add_argument("model", type=Path, nargs="?", default=MODEL_FILE,
                   help="Vensim model (default: model/innovation_cluster.mdl)")
    p.add_argument("--check", action="store_true",
                   help="do not write; exit 1 when the sketch is not the generated one")
    handle(p, _run)


def _run(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..fileio.atomic import atomic_write_bytes
    from ..reporting.structure_diagram import read_structure
    from ..reporting.vensim_sketch import sketch_text, with_sketch

    path = Path(args.model)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(code="err.not_utf8", file=path) from None
    try:
        new = with_sketch(text, sketch_text(read_structure(path)))
    except ValueError as exc:
        raise InputError(code="err.cli_sketch", file=path, message=str(exc)) from None
    if args.check:
        if new != text:
            print(f"{path}: the sketch is out of date; run `suzhou-sim sketch {path}`")
            return EXIT_OUTDATED
        print(f"{path}: the sketch is up to date")
        return 0
    if new != text:
        atomic_write_bytes(path, new.encode("utf-8"))
        print(f"{path}: sketch rewritten")
    else:
        print(f"{path}: the sketch is up to date")
    return 0
