"""The evidence the product uses: published effect sizes and the cost benchmarks drawn from them.

Reads ``data/evidence/effect_sizes.csv`` (one published estimate per row, each with its
citation, URL and quote, and ``used_for``: what in the model rests on the row; see
``data/evidence/README.md``; it is the one evidence table of the product) and
``data/evidence/cost_benchmarks.yaml`` (evidence ranges for the cost per additional unit
through a spending channel, each naming the rows it rests on) and
``data/evidence/high_tech_share_bound.yaml`` (the bound on the high-tech output share and the
observed figures it is derived from). Every row must carry its source; a row without one is
refused with the file and row named.

This module only reads and checks; it does not run the model or word reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from ..errors import InputError
from ..paths import DATA_DIR
from ..wording.problems import Names, Term

__all__ = [
    "EVIDENCE_DIR",
    "EFFECT_SIZES_FILE",
    "BENCHMARKS_FILE",
    "BENCHMARK_STEPS",
    "EVIDENCE_COLUMNS",
    "SHARE_BOUND_FILE",
    "CostBenchmark",
    "ShareBound",
    "load_effect_sizes",
    "load_cost_benchmarks",
    "load_share_bound",
]

EVIDENCE_DIR = DATA_DIR / "evidence"
EFFECT_SIZES_FILE = EVIDENCE_DIR / "effect_sizes.csv"
BENCHMARKS_FILE = EVIDENCE_DIR / "cost_benchmarks.yaml"
SHARE_BOUND_FILE = EVIDENCE_DIR / "high_tech_share_bound.yaml"
#: The columns of the evidence collection, then ``used_for``: which assumption
#: (``model/assumptions.yaml``, field ``evidence``), calibration prior, ``.mdl`` constant or
#: row of the plausibility table (``model/README.md``) rests on the row; blank for a row
#: nothing uses yet.
EVIDENCE_COLUMNS = ("channel", "quantity", "estimate", "low", "high", "unit", "context",
                    "method", "citation", "url", "quote", "used_for")
#: Columns that make a row traceable: without them a number has no source.
SOURCE_COLUMNS = ("citation", "url", "quote")
_FIRST_DATA_LINE = 2  # line 1 is the header


@lru_cache(maxsize=4)
def load_effect_sizes(path: Path = EFFECT_SIZES_FILE) -> pd.DataFrame:
    """Read the published effect sizes.

    Parameters
    ----------
    path : Path
        The CSV (default ``data/evidence/effect_sizes.csv``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`EVIDENCE_COLUMNS` as text (``estimate`` may be a sign or shape such
        as ``inverted-U``; ``low``/``high`` and ``used_for`` may be blank), plus ``line``,
        the row's line in the file.

    Raises
    ------
    InputError
        Missing file or column, or a row without its channel, quantity or source (citation,
        URL, quote); the message names the file and the line.
    """
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(code="err.data_cannot_read_the", file=path,
                         what=Term("evidence table"), reason=str(exc)) from None
    missing = [c for c in EVIDENCE_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(code="err.data_missing_columns_expected", file=path,
                         names=Names(missing), allowed=Names(EVIDENCE_COLUMNS))
    table = table[list(EVIDENCE_COLUMNS)].apply(lambda col: col.str.strip())
    table["line"] = range(_FIRST_DATA_LINE, _FIRST_DATA_LINE + len(table))
    for row in table.itertuples(index=False):
        empty = [c for c in ("channel", "quantity", *SOURCE_COLUMNS) if not getattr(row, c)]
        if empty:
            raise InputError(code="err.evidence_row_missing", file=path, line=row.line,
                             channel=row.channel or "?", names=Names(empty))
    duplicated = table[table.duplicated(["channel", "quantity"], keep="first")]
    if not duplicated.empty:
        first = duplicated.iloc[0]
        raise InputError(code="err.evidence_row_repeat", file=path, line=first.line)
    return table


@dataclass(frozen=True)
class CostBenchmark:
    """An evidence range for the cost per additional unit through one spending channel.

    Attributes
    ----------
    key : str
    channel : str
        The ``fund_split`` lever the money goes to.
    indicator : str
        Registry indicator counted per unit.
    period : str
        Plan period of the extra money.
    year : int
        Year the effect is read.
    measure : str
        How the indicator is read (``level`` by default; as in the indicator registry).
    central, low, high : float
        Cost per additional unit in 10k yuan.
    unit, label_en, label_zh, judgement : str
    rows : tuple of dict
        The evidence rows (with their citations) the range rests on.
    money_share : str or None
        Model constant: share of the channel's money the evidence prices.
    model_parameter : str or None
        Model constant holding the model's own direct cost.
    parameter_factor : float
        Converts ``model_parameter`` to 10k yuan.
    step : {"channel", "fund"}
        ``channel``: the money goes into ``channel`` alone; ``fund``: to the special fund
        as a whole (``channel`` is then the fund's lever), split by the scenario's weights.
    via : str or None
        Registry indicator the money buys first (its measured effect is reported too).
    mechanism_en, mechanism_zh : str
        How the model turns the money into the indicator (blank when not given).
    """

    key: str
    channel: str
    indicator: str
    period: str
    year: int
    measure: str
    central: float
    low: float
    high: float
    unit: str
    label_en: str
    label_zh: str
    judgement: str
    rows: tuple[dict, ...]
    money_share: str | None = None
    model_parameter: str | None = None
    parameter_factor: float = 1.0
    step: str = "channel"
    via: str | None = None
    mechanism_en: str = ""
    mechanism_zh: str = ""

    def label(self, lang: str = "zh") -> str:
        """Display label in ``lang`` (``zh`` or ``en``)."""
        return self.label_zh if lang == "zh" else self.label_en

    def mechanism(self, lang: str = "zh") -> str:
        """How the model turns the money into the indicator, in ``lang``."""
        return self.mechanism_zh if lang == "zh" else self.mechanism_en


_BENCHMARK_FIELDS = ("channel", "indicator", "period", "year", "central", "low", "high", "unit",
                     "label_en", "label_zh", "rests_on", "judgement")
#: How the extra money is given: into one channel alone, or to the fund as a whole.
BENCHMARK_STEPS = ("channel", "fund")


def _join_cjk(text: str) -> str:
    """Folded YAML text with the line breaks between Chinese characters removed."""
    return re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", " ".join(text.split()))


@lru_cache(maxsize=4)
def load_cost_benchmarks(
    path: Path = BENCHMARKS_FILE, evidence: Path = EFFECT_SIZES_FILE
) -> dict[str, CostBenchmark]:
    """Read the cost benchmarks and resolve the evidence rows each rests on.

    Raises
    ------
    InputError
        Missing file or field, ``low <= central <= high`` violated, or a ``rests_on`` entry
        naming no row of the evidence table (the message names the file and the entry).
    """
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(code="err.data_cannot_read_the", file=path,
                         what=Term("cost benchmarks"), reason=str(exc)) from None
    entries = raw.get("benchmarks") if isinstance(raw, dict) else None
    if not isinstance(entries, dict):
        raise InputError(code="err.catalogue_not_mapping", file=path, section="benchmarks")
    rows = load_effect_sizes(evidence).set_index(["channel", "quantity"])
    out = {}
    for key, entry in entries.items():
        where = f"benchmarks.{key}"
        missing = [f for f in _BENCHMARK_FIELDS if f not in (entry or {})]
        if missing:
            raise InputError(code="err.data_missing_fields", file=path, field=where,
                             names=Names(missing))
        if not float(entry["low"]) <= float(entry["central"]) <= float(entry["high"]):
            raise InputError(code="err.evidence_low_central_high", file=path, field=where)
        step = str(entry.get("step", "channel"))
        if step not in BENCHMARK_STEPS:
            raise InputError(code="err.data_not_allowed", file=path, field=f"{where}.step",
                             value=step, allowed=Names(BENCHMARK_STEPS))
        cited = []
        for i, ref in enumerate(entry["rests_on"]):
            ident = (str(ref.get("channel", "")), str(ref.get("quantity", "")))
            if ident not in rows.index:
                raise InputError(code="err.evidence_no_row", file=path,
                                 field=f"{where}.rests_on[{i}]", table=evidence,
                                 channel=ident[0], quantity=ident[1][:60])
            cited.append({"channel": ident[0], "quantity": ident[1],
                          **rows.loc[ident].to_dict()})
        out[key] = CostBenchmark(
            key=key, channel=entry["channel"], indicator=entry["indicator"],
            period=str(entry["period"]), year=int(entry["year"]),
            measure=str(entry.get("measure", "level")),
            central=float(entry["central"]), low=float(entry["low"]),
            high=float(entry["high"]), unit=entry["unit"], label_en=entry["label_en"],
            label_zh=entry["label_zh"], judgement=" ".join(str(entry["judgement"]).split()),
            rows=tuple(cited), money_share=entry.get("money_share"),
            model_parameter=entry.get("model_parameter"),
            parameter_factor=float(entry.get("parameter_factor", 1.0)), step=step,
            via=entry.get("via"),
            mechanism_en=" ".join(str(entry.get("mechanism_en", "")).split()),
            mechanism_zh=_join_cjk(str(entry.get("mechanism_zh", ""))))
    return out


@dataclass(frozen=True)
class ShareBound:
    """The bound on the high-tech output share and the observed figures it comes from.

    Attributes
    ----------
    constant : str
        The ``.mdl`` constant holding the bound.
    bound : float
        The bound, percent.
    pace : float
        Points a year between the first and the last row.
    carried : float
        The last row's value carried at ``pace`` to ``to_year`` (before rounding up).
    to_year : int
    rows : tuple of dict
        The observed figures (region, indicator, year, value, source_url, quote_zh).
    judgement : str
    """

    constant: str
    bound: float
    pace: float
    carried: float
    to_year: int
    rows: tuple[dict, ...]
    judgement: str


_BOUND_FIELDS = ("constant", "rows", "to_year", "round_to", "bound", "judgement")
_BOUND_ROW_FIELDS = ("region", "indicator", "year", "value", "source_url", "quote_zh")


@lru_cache(maxsize=4)
def load_share_bound(path: Path = SHARE_BOUND_FILE) -> ShareBound:
    """Read the high-tech share bound and check that it follows from its rows.

    The bound is the last row's value carried at the pace between the first and the last
    row (points a year) to ``to_year``, rounded up to a multiple of ``round_to``.

    Raises
    ------
    InputError
        Missing file or field, a row without its source, fewer than two rows, or a
        ``bound`` that does not follow from the rows (the message names file and field).
    """
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(code="err.data_cannot_read_the", file=path,
                         what=Term("share bound"), reason=str(exc)) from None
    missing = [f for f in _BOUND_FIELDS if not isinstance(raw, dict) or f not in raw]
    if missing:
        raise InputError(code="err.data_missing_fields", file=path, names=Names(missing))
    rows = raw["rows"]
    if not isinstance(rows, list) or len(rows) < 2:
        raise InputError(code="err.bound_two_rows", file=path, field="rows")
    for i, row in enumerate(rows):
        empty = [f for f in _BOUND_ROW_FIELDS if not str((row or {}).get(f, "")).strip()]
        if empty:
            raise InputError(code="err.bound_row_missing", file=path, field=f"rows[{i}]",
                             names=Names(empty))
    rows = sorted(rows, key=lambda r: int(r["year"]))
    first, last = rows[0], rows[-1]
    if int(last["year"]) <= int(first["year"]):
        raise InputError(code="err.bound_two_years", file=path, field="rows")
    pace = (float(last["value"]) - float(first["value"])) / (int(last["year"])
                                                             - int(first["year"]))
    carried = float(last["value"]) + pace * (int(raw["to_year"]) - int(last["year"]))
    step = float(raw["round_to"])
    expected = -(-carried // step) * step
    if float(raw["bound"]) != expected:
        raise InputError(code="err.bound_not_derived", file=path, field="bound",
                         value=raw["bound"], expected=expected, carried=f"{carried:.1f}",
                         step=step)
    return ShareBound(constant=str(raw["constant"]), bound=float(raw["bound"]), pace=pace,
                      carried=carried, to_year=int(raw["to_year"]),
                      rows=tuple(dict(r) for r in rows),
                      judgement=" ".join(str(raw["judgement"]).split()))
