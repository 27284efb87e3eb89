"""The ``data`` subcommands: ``data check FILE`` and ``data add FILE``, the data-update workflow.

Lives here: their arguments and the wording of what a file of new statistics changes (new
indicator-years, revisions of preliminary figures, further figures and how the calibration
weighs them, data vintages, calibrations that become stale). The checks and the write are
:mod:`suzhou_sim.catalogues.data_update` (the same validation as every load of the observed
history). Bad files exit 2 with one line (:func:`suzhou_sim.cli.common.handle`).
Must not: check rows itself or write the data file other than through ``data_update``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..paths import OBSERVED_FILE
from .common import handle

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``data check`` and ``data add`` to the CLI."""
    p = subparsers.add_parser(
        "data", help="check or add a file of new statistics (the data-update workflow)",
        description="Check a file of new rows in the format of data/observed_history.csv "
                    "against the observed history, or add them to it.")
    sub = p.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    for name, helptext in (
            ("check", "validate FILE and print what its rows would change (writes nothing)"),
            ("add", "check FILE, then append its new rows to the observed history "
                    "(the previous file is kept under previous/)")):
        q = sub.add_parser(name, help=helptext, description=helptext)
        q.add_argument("file", type=Path, help="CSV of new rows (the columns of "
                                               "data/observed_history.csv)")
        q.add_argument("--data", type=Path, default=OBSERVED_FILE,
                       help="the observed-history CSV (default data/observed_history.csv)")
        handle(q, _check if name == "check" else _add)


def _weight(bound: str, quality: str) -> str:
    from ..calibration.fit import observation_sigma

    if quality == "unverified":
        return "left out of the fit unless --include-unverified"
    kind = {"lower": "a lower bound", "upper": "an upper bound"}.get(bound, "a point")
    return f"{kind} with a {observation_sigma(bound, quality):.0%} error"


def _describe(plan) -> list[str]:  # noqa: ANN001 - an UpdatePlan
    lines = [f"{plan.new_file}: {len(plan.added)} new row(s) for {plan.target}"
             + (f"; {len(plan.already_present)} already there (skipped)"
                if len(plan.already_present) else "")]
    labels = {"new": "new indicator-year", "revision": "revises a preliminary figure",
              "additional": "a further figure of an indicator-year"}
    for rec in plan.added.itertuples(index=False):
        what = labels[rec.change]
        if rec.change == "revision":
            before = ", ".join(f"{v:g}" for v in plan.revised[(rec.region, rec.indicator,
                                                                rec.year)])
            what += f" ({before} -> {rec.value:g})"
        lines.append(f"  row {rec.row}: {rec.region} {rec.indicator} {rec.year} = "
                     f"{rec.value:g} {rec.unit} ({rec.bound}, {rec.quality}): {what}")
    for conflict in plan.conflicts:
        weights = "; ".join(f"{v:g}: {_weight(b, q)}" for v, b, q in zip(
            conflict.values, conflict.bounds, conflict.qualities, strict=True))
        lines.append(f"  conflict: {conflict.describe()}")
        lines.append(f"    all kept; the calibration weighs each by its bound and quality: "
                     f"{weights}")
    lines += [f"  unit: {note}" for note in plan.unit_notes]
    lines += [f"  warning: unit of a row already in the history: {note}"
              for note in plan.history_unit_notes]
    for region, (before, after) in plan.vintages.items():
        was = f"data through {before.year}" if before else "no published figure"
        prelim = f" (preliminary: {', '.join(after.preliminary)})" if after.preliminary else ""
        lines.append(f"  {region}: {was} -> data through {after.year}{prelim}")
    if plan.regions:
        lines.append(f"  the calibration of {', '.join(plan.regions)} will be stale until "
                     + "; ".join(f"`suzhou-sim calibrate --region {r}`" for r in plan.regions))
    return lines


def _check(args: argparse.Namespace) -> int:
    from ..catalogues.data_update import plan_update

    for line in _describe(plan_update(args.file, args.data)):
        print(line)
    return 0


def _add(args: argparse.Namespace) -> int:
    from ..catalogues.data_update import apply_update

    plan, previous = apply_update(args.file, args.data)
    for line in _describe(plan):
        print(line)
    if previous is None:
        print(f"nothing to add: {args.data} is unchanged")
    else:
        print(f"added {len(plan.added)} row(s) to {args.data}; the previous file is kept as "
              f"{previous}")
    return 0
