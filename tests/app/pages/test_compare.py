"""The comparison page (``app/pages/compare.py``)."""

from __future__ import annotations


def test_compare_table_shows_a_dash_not_none_for_a_range_targets_difference():
    import pandas as pd

    from suzhou_sim.app.pages import compare
    from suzhou_sim.reporting.labels import fmt_points

    frame = pd.DataFrame({"p": [0.5, "12%–88%"], "Δ": [0.1, None]})
    styled = compare._styled(frame, ["p"], ["Δ"], "zh")
    # the data itself, not only the Styler's display: st.dataframe shows a missing cell as
    # a grey "None"
    assert styled.data["Δ"].tolist() == [fmt_points(0.1, "zh"), "–"]
    assert "None" not in styled.to_html()
