"""The charts page (``app/pages/charts.py``) through AppTest: changed assumptions show the
modified baseline beside the scenario and the baseline, with history or target stars."""

from __future__ import annotations

import json

from suzhou_sim.app import state as S
from suzhou_sim.app.text import tr
from tests.app.apptest import (
    assumption,
    needs_suzhou,
    open_page,
    scoreboard,
)


@needs_suzhou
def test_changed_assumptions_show_the_modified_baseline(app):
    assumption(app, S.assumption_range_key("external_shock")).set_value((0.7, 1.1)).run()
    assert not app.exception, app.exception
    _, page = scoreboard(app)
    assert tr("sb_delta_policy", "zh") in page  # the policy-effect column
    open_page(app, "charts")
    assert not app.exception, app.exception
    charts = [json.loads(el.proto.spec) for el in app.get("vega_lite_chart")]
    assert charts, "no trajectory chart"
    runs = charts[0]["layer"][1]["encoding"]["color"]["scale"]["domain"]
    assert runs == [tr(k, "zh") for k in ("chart_scenario", "chart_baseline", "chart_modified")]
    # every chart carries history points or target stars as well as the band and medians
    assert all(len(c["layer"]) > 2 for c in charts)
