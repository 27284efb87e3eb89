"""The ``list`` subcommand: the targets, levers, assumptions and regions a user may name.

Lives here: its arguments and printing; the tables and their wording come from
:mod:`suzhou_sim.reporting.catalogue_text`. Must not: run the model.
"""

from __future__ import annotations

import argparse

from .common import handle

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``list`` to the CLI."""
    from ..catalogues.regions import region_names
    from ..reporting.catalogue_text import CATALOGUES

    p = subparsers.add_parser(
        "list", help="the target ids, lever keys, assumption keys and regions you can name",
        description="Print the names the other commands accept, with their labels, in Chinese "
                    "(default) or English: targets (year, status, driving assumptions), "
                    "levers (unit, range, pricing), assumptions (range) or regions (data "
                    "vintage).")
    p.add_argument("what", choices=list(CATALOGUES), help="what to list")
    p.add_argument("--lang", choices=("zh", "en"), default="zh",
                   help="language of the labels: zh (default) or en")
    p.add_argument("--region", choices=region_names(), default=None,
                   help="only this region's targets (default: every region)")
    handle(p, _run)


def _run(args: argparse.Namespace) -> int:
    from ..reporting.catalogue_text import CATALOGUES, catalogue_table
    from ..reporting.labels import in_language

    table = catalogue_table(args.what, args.lang, args.region)
    print(in_language(CATALOGUES[args.what], args.lang))
    print(table.to_string(index=False))
    return 0
