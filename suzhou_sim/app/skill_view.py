"""The skill section of the app's model page: the stored backtest's skill table.

One self-contained function, :func:`skill_section`, that ``app.pages.about`` calls.
It reads the stored ``model/calibration/<region>/backtest/`` through
``reporting.backtest_report`` (wording included) and draws with Streamlit; it computes and
runs nothing.
"""

from __future__ import annotations

import pandas as pd

from ..errors import InputError
from ..reporting.backtest_report import (
    load_backtest_meta,
    load_skill_table,
    regenerate_command,
    skill_display,
    skill_text,
)
from ..studies.backtest import KEY_SERIES
from ..studies.predictive import load_error_model

__all__ = ["skill_section", "skill_rows"]


def skill_rows(region: str) -> pd.DataFrame | None:
    """Skill rows shown: the key series that were scored and the all-indicator rows."""
    skill = load_skill_table(region)
    if skill is None:
        return None
    return skill[skill["indicator"].isin([*KEY_SERIES, "ALL"])].reset_index(drop=True)


def skill_section(region: str, lang: str = "zh") -> None:
    """Draw the skill table of ``region`` (or the command that produces it)."""
    import streamlit as st

    st.subheader(skill_text("title", lang))
    rows = skill_rows(region)
    if rows is None:
        st.info(skill_text("missing", lang, command=regenerate_command(region)))
        return
    origins = ", ".join(str(o) for o in load_backtest_meta(region).get("origins", []))
    st.caption(skill_text("caption", lang, origins=origins,
                          path=f"model/calibration/{region}/backtest/report.md"))
    st.dataframe(skill_display(rows, lang).round(3), hide_index=True)
    try:
        errors = load_error_model(region)
    except InputError:
        return  # the table stands on its own; scenario runs report the missing file
    tau = errors.sigma("pooled", [1, 7, 12])
    st.caption(skill_text("error_size", lang, tau1=tau[0], tau7=tau[1], tau12=tau[2]) + " · "
               + skill_text(f"error_law_{errors.law}", lang, df=errors.df or 0))
