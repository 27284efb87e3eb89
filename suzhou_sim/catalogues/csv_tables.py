"""Reading a CSV catalogue of the project (``data/policy_targets.csv`` and the like) safely.

Lives here: :func:`read_csv_table`: bounded UTF-8 reading (:mod:`suzhou_sim.fileio.text`),
the columns a reader needs and the cells that must be numbers, every problem one
:class:`~suzhou_sim.errors.InputError` line naming the file, the row and the column.
Must not: know what a catalogue means (its own module checks that).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..fileio.text import read_text
from ..wording.problems import Names, Phrase, Term

__all__ = ["read_csv_table"]


def read_csv_table(path: str | Path, what: str, required: Sequence[str],
                   numeric: Sequence[str] = ()) -> pd.DataFrame:
    """The table in ``path`` as text cells (empty cells ``""``), checked.

    Parameters
    ----------
    path : str or Path
    what : str
        What the file is, for messages (``policy-target CSV``).
    required : sequence of str
        Columns that must be present.
    numeric : sequence of str
        Columns whose non-empty cells must be finite numbers.

    Raises
    ------
    InputError
        Unreadable, not UTF-8, not CSV, no data rows, a missing column, a cell that is not a
        number; one line naming the file.
    """
    path = Path(path)
    text = read_text(path, what)
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(code="err.csv_unreadable", file=path, what=Term(what),
                         reason=reason) from None
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise InputError(code="err.csv_lacks_columns", file=path, what=Term(what),
                         names=Names(missing))
    if table.empty:
        raise InputError(code="err.csv_no_rows", file=path, what=Term(what))
    for column in numeric:
        for i, cell in enumerate(table[column], start=2):
            try:
                ok = cell == "" or math.isfinite(float(cell))
            except ValueError:
                ok = False
            if not ok:
                raise InputError(code="err.obs_at", file=path, row=i, column=column,
                                 reason=Phrase("err.not_finite_number", {"value": cell}))
    return table
