"""Fit tables of a calibration: per observation row and per series, from the runs handed in.

Lives here: :func:`fit_tables` (fitted value, bands, errors, bounds respected, conflicts
between rows, coverage) and the band it uses. Calibration computes them; the report
(``reporting.fit_report``) and the provenance checks read them. Must not: run the model,
write files or hold wording.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .stats import band_coverage, mape, r_squared, theil_components

__all__ = ["BAND", "FitTables", "fit_tables"]

#: Percentiles of the bands shown and scored (the 80% band).
BAND = (10, 90)


@dataclass
class FitTables:
    """Row-level and series-level fit tables."""

    rows: pd.DataFrame
    series: pd.DataFrame
    coverage: float
    bounds_respected: bool


def _conflict(rows: pd.DataFrame, row: pd.Series) -> str:
    """Say which two-sided figure of the same indicator-year a one-sided row contradicts."""
    if row["bound"] not in ("lower", "upper"):
        return ""
    same = rows[(rows["indicator"] == row["indicator"]) & (rows["year"] == row["year"])
                & rows["bound"].isin(["exact", "approx"])]
    bad = same[same["value"] > row["value"]] if row["bound"] == "upper" else \
        same[same["value"] < row["value"]]
    return "; ".join(f"{row['bound']} {row['value']:g} contradicts {r['bound']} {r['value']:g}"
                     for _, r in bad.iterrows())


def fit_tables(
    rows: pd.DataFrame,
    map_values: np.ndarray,
    ensemble_values: np.ndarray,
    predictive_values: np.ndarray,
) -> FitTables:
    """Per-row and per-series fit statistics.

    Parameters
    ----------
    rows : pandas.DataFrame
        Payoff rows (indicator, year, value, bound, quality, sigma, ...).
    map_values : numpy.ndarray
        MAP-run value at each row, shape ``(n_rows,)``.
    ensemble_values : numpy.ndarray
        Posterior-ensemble values at each row, shape ``(n_runs, n_rows)``.
    predictive_values : numpy.ndarray
        Ensemble values with observation error added, same shape.
    """
    out = rows.copy()
    out["fitted"] = map_values
    out["band_low"], out["band_high"] = np.percentile(ensemble_values, BAND, axis=0)
    out["pred_low"], out["pred_high"] = np.percentile(predictive_values, BAND, axis=0)
    out["ape_pct"] = np.abs(out["fitted"] - out["value"]) / np.abs(out["value"]) * 100
    two_sided = out["bound"].isin(["exact", "approx"])
    out.loc[~two_sided, "ape_pct"] = np.nan
    ok = np.where(
        out["bound"] == "lower", out["fitted"] >= out["value"],
        np.where(out["bound"] == "upper", out["fitted"] <= out["value"], True),
    )
    out["bound_respected"] = ok
    out["conflict"] = [_conflict(out, r) for _, r in out.iterrows()]
    out["in_band"] = (out["value"] >= out["pred_low"]) & (out["value"] <= out["pred_high"])

    series = []
    for ind, grp in out.groupby("indicator", sort=False):
        two = grp[grp["bound"].isin(["exact", "approx"])]
        goal_pts = grp[(grp["bound"] == "exact") & (grp["quality"] == "reported")]
        um, us, uc = theil_components(two["value"], two["fitted"])
        series.append({
            "indicator": ind,
            "points": len(grp),
            "two_sided": len(two),
            "mape_pct": mape(two["value"], two["fitted"]),
            "mape_exact_reported_pct": mape(goal_pts["value"], goal_pts["fitted"]),
            "r2": r_squared(two["value"], two["fitted"]),
            "theil_um": um, "theil_us": us, "theil_uc": uc,
            "bounds_respected": bool(grp["bound_respected"].all()),
            "band_coverage": band_coverage(two["value"], two["pred_low"], two["pred_high"]),
        })
    two_all = out[two_sided]
    coverage = band_coverage(two_all["value"], two_all["pred_low"], two_all["pred_high"])
    return FitTables(out, pd.DataFrame(series), coverage, bool(out["bound_respected"].all()))
