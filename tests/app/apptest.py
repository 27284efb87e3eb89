"""Helpers of the app's tests: the app file, reading back what AppTest drew, opening pages and
sliders (the ``app`` fixture is in ``tests/app/conftest.py``)."""

from __future__ import annotations

import html
import re

import pytest
from streamlit.testing.v1 import AppTest

from suzhou_sim.app import state as S
from suzhou_sim.app.text import period_label
from suzhou_sim.calibration.posterior import load_posterior
from suzhou_sim.catalogues.scenarios import (
    PERIODS,
    load_assumptions,
    load_levers,
)
from suzhou_sim.paths import REPO_ROOT, calibration_dir
from suzhou_sim.studies.scenario_runs import run_scenario

APP = REPO_ROOT / "app.py"


def calibrated(region: str) -> bool:
    folder = calibration_dir(region)
    return (folder / "point.yaml").is_file() and (folder / "posterior.csv").is_file()


needs_suzhou = pytest.mark.skipif(
    not calibrated("suzhou"),
    reason="no stored calibration of suzhou (run `suzhou-sim calibrate --region suzhou`)",
)


def scoreboard(at: AppTest) -> tuple[dict[str, float], str]:
    """Probabilities by target id read back from the rendered scoreboard, and its HTML (the
    table of targets in scope, then the one outside scope, drawn below the attribution)."""
    page = next(h.value for h in at.html if 'id="scoreboard"' in h.value)
    page += "".join(h.value for h in at.html if 'id="out-of-scope"' in h.value)
    probs = {m[1]: float(m[2])
             for m in re.finditer(r'data-target="([^"]+)" data-p="([0-9.]+)"', page)}
    return probs, page


def lever(at: AppTest, key: str, period: str):
    """The slider of lever ``key`` in ``period``, its plan-period tab opened first (only the
    open tab's sliders are drawn)."""
    label = period_label(period, at.session_state[S.K_LANG], short=True)
    if at.session_state["lever_tab"] != label:
        at.session_state["lever_tab"] = label
        at.run()
    return on_page(at).slider(key=S.lever_widget_key(key, period))


def html_table(at: AppTest, table_id: str) -> list[list[str]]:
    """The cells (header row first, text unescaped) of the HTML table ``table_id`` the app
    drew with ``st.html``."""
    page = next(h.value for h in at.html if f'id="{table_id}"' in h.value)
    table = page[page.index(f'id="{table_id}"'):]
    table = table[:table.index("</table>")]
    return [[html.unescape(re.sub(r"<[^>]+>", "", c))
             for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)]


def fund_probabilities(at: AppTest, fund_14th: float) -> dict[str, float]:
    """The scoreboard's probabilities that ``run_scenario`` gives, on the session's draws
    and seed, for Suzhou's baseline with the 14th-plan special fund at ``fund_14th``."""
    state = at.session_state
    scenario = S.region_baseline("suzhou")[1].with_lever("special_fund", "14th", fund_14th)
    res = run_scenario(scenario, draws=int(state[S.K_DRAWS]), seed=int(state[S.K_SEED]),
                       posterior=load_posterior("suzhou"))
    return {t: round(float(p), 4) for t, p, scope in zip(
        res.targets["target_id"], res.targets["probability"], res.targets["in_scope"],
        strict=True) if scope and p == p}


def on_page(at: AppTest) -> AppTest:
    """``at`` with the whole page drawn: after a lever step only the results and the share
    captions were redrawn (the fragments it reruns), so the tree holds nothing else; a run
    without a change draws everything, as the browser shows it."""
    if not at.radio:  # the region switch: drawn by every full run
        at.run()
    return at


def open_page(at: AppTest, view: str) -> AppTest:
    """``at`` on the page ``view`` (``suzhou_sim/app/pages/<view>.py``), as a click on it in
    the navigation opens it."""
    return at.switch_page(f"suzhou_sim/app/pages/{view}.py").run()


def assumption(at: AppTest, widget_key: str):
    """An assumption slider, its expander opened first (drawn only while open)."""
    if not at.session_state["assumptions_open"]:
        at.session_state["assumptions_open"] = True
        at.run()
    return at.slider(key=widget_key)


def widget_values(at: AppTest) -> dict[str, object]:
    """Region, pick and every lever and assumption widget value."""
    keys = [S.K_REGION, S.K_PICK, S.K_DRAWS, S.K_SEED]
    keys += [S.lever_widget_key(k, p) for k in load_levers() for p in PERIODS]
    keys += [f(k) for k in load_assumptions()
             for f in (S.assumption_range_key, S.assumption_default_key)]
    return {k: at.session_state[k] for k in keys}
