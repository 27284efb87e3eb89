"""Priors derived from published evidence: the derivation files of ``data/evidence/``.

A calibration prior that rests on figures (peer cities' HTE counts and GDP, Suzhou's own
statistics) has a derivation file beside the evidence table, e.g.
``data/evidence/eligible_firm_base.yaml`` for ``Eligible firms per GDP``. Each figure there
names its source: a row of ``data/evidence/effect_sizes.csv`` (channel and quantity), a row
of ``data/observed_history.csv`` (indicator and year) or a constant of the ``.mdl``. This
module checks every figure against its source and recomputes the prior's centre and log sd,
so ``model/calibration/parameters.yaml`` can be compared with what the evidence gives.

It reads and computes; it fits nothing and words nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..catalogues.evidence import EVIDENCE_DIR, load_effect_sizes
from ..catalogues.observations import load_observations
from ..catalogues.regions import DEFAULT_REGION
from ..ensemble.compiled import compiled_model
from ..errors import InputError
from ..fileio.safe_yaml import load_yaml
from ..paths import MODEL_FILE
from ..wording.problems import Names, Phrase

__all__ = ["EvidencePrior", "ELIGIBLE_BASE_FILE", "eligible_base_prior", "check_figure",
           "quote_numbers"]

ELIGIBLE_BASE_FILE = EVIDENCE_DIR / "eligible_firm_base.yaml"
#: Relative tolerance of a figure against its source (sources round, e.g. 1.3万).
_REL_TOL = 1e-6
#: The files a figure of an evidence derivation may come from (its ``source.file``).
_SOURCE_FILES = ("data/evidence/effect_sizes.csv", "data/observed_history.csv",
                 "model/innovation_cluster.mdl")


#: A number in a quote (``1880.49``, ``25,000``), with an optional 万 (1e4) or 亿 (1e8) after it.
_NUMBER = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万|亿)?")  # zh-ok: units in quotes
_MULTIPLIERS = {"万": 1e4, "亿": 1e8}  # zh-ok: the Chinese units of the quotes


def quote_numbers(quote: str) -> list[float]:
    """Every number a quote can be read as: each figure as written and, after 万 or 亿, also
    times 1e4 or 1e8 (``1.3万`` -> 1.3 and 13000; ``1880.49亿元`` -> 1880.49 and 1.88e11)."""
    out = []
    for digits, unit in _NUMBER.findall(quote):
        number = float(digits.replace(",", ""))
        out.append(number)
        if unit:
            out.append(number * _MULTIPLIERS[unit])
    return out


@dataclass(frozen=True)
class EvidencePrior:
    """A lognormal prior derived from evidence.

    Attributes
    ----------
    parameter : str
        The calibrated constant.
    centre : float
        Prior median, in the constant's units.
    sd : float
        Prior sd in natural-log units.
    file : Path
        The derivation file.
    figures : dict
        Figure name -> value, each checked against its source.
    """

    parameter: str
    centre: float
    sd: float
    file: Path
    figures: dict[str, float]


def check_figure(name: str, entry: dict, path: Path) -> float:
    """The value of figure ``name`` after checking it against the source it names.

    Raises
    ------
    InputError
        When the source is unknown, missing, or gives another number, or the figure's
        ``quote`` holds no number equal to its value (file and figure named).
    """
    try:
        value, source = float(entry["value"]), dict(entry["source"])
        file = str(source["file"])
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(code="err.prior_needs_value", file=path, field=f"figures.{name}",
                         detail=str(exc)) from None
    if file == "data/evidence/effect_sizes.csv":
        rows = load_effect_sizes()
        row = rows[(rows["channel"] == source.get("channel"))
                   & (rows["quantity"] == source.get("quantity"))]
        if row.empty:
            raise InputError(code="err.prior_no_evidence_row", file=path,
                             field=f"figures.{name}", channel=source.get("channel"),
                             quantity=source.get("quantity"))
        quote = str(entry.get("quote", ""))
        if quote:
            numbers = quote_numbers(quote)
            if not np.any(np.isclose(numbers, value, rtol=_REL_TOL)):
                read = (", ".join(f"{n:g}" for n in numbers) if len(numbers)
                        else Phrase("err.prior_no_number"))
                raise InputError(code="err.prior_quote", file=path,
                                 field=f"figures.{name}.quote", quote=quote, read=read,
                                 value=value)
            found = quote in str(row.iloc[0]["quote"])
        else:
            found = np.isclose(float(row.iloc[0]["estimate"]), value, rtol=_REL_TOL)
        if not found:
            raise InputError(code="err.prior_not_evidence", file=path, field=f"figures.{name}",
                             value=value, quantity=source.get("quantity"))
    elif file == "data/observed_history.csv":
        # Suzhou's figures: the region without a parent, whose priors these are
        obs = load_observations(region=DEFAULT_REGION)
        own = obs[(obs["indicator"] == source.get("indicator"))
                  & (obs["year"] == source.get("year"))]
        if not np.any(np.isclose(own["value"].to_numpy(float), value, rtol=_REL_TOL)):
            raise InputError(code="err.prior_no_obs_row", file=path, field=f"figures.{name}",
                             indicator=source.get("indicator"), year=source.get("year"),
                             value=value, data_file=file)
    elif file == "model/innovation_cluster.mdl":
        constants = compiled_model(MODEL_FILE).constants
        const = source.get("constant")
        if const not in constants or not np.isclose(float(constants[const]), value,
                                                     rtol=_REL_TOL):
            raise InputError(code="err.prior_mdl_constant", file=path, field=f"figures.{name}",
                             name=const, value=value)
    else:
        raise InputError(code="err.prior_source_file", file=path, field=f"figures.{name}",
                         value=file, allowed=Names(_SOURCE_FILES))
    return value


def eligible_base_prior(path: Path = ELIGIBLE_BASE_FILE) -> EvidencePrior:
    """The prior of ``Eligible firms per GDP`` from the peer frontier (see the file).

    ``centre = (Shenzhen HTEs / Shenzhen GDP) x (Suzhou registered tech SMEs / HTEs + 1 -
    HTE registering share)``, Shenzhen's GDP being its R&D over its R&D share (2022); the
    log sd puts the 95th percentile at the frontier raised by ``spread.frontier_rise``.
    """
    spec = load_yaml(path, "evidence derivation")
    try:
        figures = {k: check_figure(k, v, path) for k, v in dict(spec["figures"]).items()}
        spread = dict(spec["spread"])
        rise, z = float(spread["frontier_rise"]), float(spread["quantile_z"])
        gdp = figures["shenzhen_rd_2022"] / (figures["shenzhen_rd_share_2022"] / 100.0)
        frontier = figures["shenzhen_hte_2022"] / gdp
        per_hte = (figures["suzhou_tech_smes_2023"] / figures["suzhou_hte_2023"]
                   + 1.0 - figures["hte_registering_share"])
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(code="err.prior_incomplete", file=path, detail=str(exc)) from None
    return EvidencePrior(str(spec.get("parameter", "Eligible firms per GDP")),
                         float(frontier * per_hte), float(np.log(rise) / z), path, figures)
