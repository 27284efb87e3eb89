"""Hand-made scoreboards for the tests of the headline's numbers and of its wording."""

from __future__ import annotations

import math

import pandas as pd

NAN = math.nan


def scoreboard(rows: list[tuple]) -> pd.DataFrame:
    """A scoreboard: (id, year, status, probability, p_curve_min, p_curve_max, in_scope)."""
    return pd.DataFrame([{
        "target_id": tid, "label_zh": f"目标{tid}", "label_en": f"target {tid}", "year": year,
        "status": status, "probability": p, "p_curve_min": lo, "p_curve_max": hi,
        "in_scope": scope, "indicator": f"ind_{tid[0]}",
    } for tid, year, status, p, lo, hi, scope in rows])


CURVES = pd.DataFrame({
    "target_id": ["D1"] * 3, "driver": ["Base"] * 3, "label_zh": ["基数"] * 3,
    "label_en": ["Base"] * 3, "unit": ["100m_yuan/year"] * 3, "value": [500.0, 1000.0, 1500.0],
    "probability": [0.1, 0.4, 0.9], "runs": [50] * 3})

BOARD = scoreboard([
    ("A1", 2025, "assessable", 0.95, NAN, NAN, True),
    ("A2", 2025, "assessable", 0.30, NAN, NAN, True),
    ("A3", 2025, "already_met", 1.0, NAN, NAN, True),
    ("A4", 2025, "lower_bound", 0.10, NAN, NAN, True),
    ("A5", 2025, "set_by_lever", NAN, NAN, NAN, True),
    ("O1", 2025, "outside_scope", NAN, NAN, NAN, False),
    ("D1", 2030, "assumption_driven", NAN, 0.1, 0.9, True),
])
