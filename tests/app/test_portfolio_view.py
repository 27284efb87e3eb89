"""The portfolio view's tables, chart spec, missed targets and loading a plan into the sliders."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from suzhou_sim.app import state as S
from suzhou_sim.app.portfolio_view import (
    current_point,
    front_spec,
    knee_plan,
    load_plan,
    missed_targets,
    plan_frame,
    target_periods,
)
from suzhou_sim.catalogues.scenarios import load_scenario
from suzhou_sim.catalogues.timeline import PERIOD_YEARS
from suzhou_sim.paths import SCENARIOS_DIR
from suzhou_sim.studies.optimise import PortfolioResult, plan_decisions, search_plans


def _result() -> PortfolioResult:
    """A search over the special fund in two periods whose cheapest plan is 300 + 0."""
    decisions = plan_decisions(["special_fund"], ["14th", "15th"])

    def evaluate(values: np.ndarray) -> np.ndarray:  # reached once the 14th fund is >= 300
        return (values[:, :1] >= 300).astype(float)

    search = search_plans(decisions, evaluate, ["SZ-HTE-2025"], 0.8, seed=0, generations=15)
    scenario = load_scenario(SCENARIOS_DIR / "baseline.yaml")
    return PortfolioResult(scenario=scenario, plan=scenario, search=search,
                           targets=[], spending=["special_fund"], draws=10, seed=1,
                           fresh_seed=2, search_probabilities={"SZ-HTE-2025": 1.0},
                           fresh_probabilities={"SZ-HTE-2025": 1.0},
                           spend=float(search.chosen()["spend"]))


def test_plan_table_front_and_loading_the_plan():
    result = _result()
    assert result.search.chosen()["special_fund.14th"] == 300
    first, last = PERIOD_YEARS["14th"]
    assert result.spend == 300 * (last - first + 1)  # 300 a year over the 14th plan's years
    table = plan_frame(result, "zh")
    assert list(table.columns) == ["杠杆", "时期", "取值"]
    assert list(table["取值"]) == ["300", "0"]
    spec = front_spec(result, "en", current=(400.0, 0.8))
    assert sum(r["chosen"] for r in spec["data"]["values"]) == 1
    assert sum(r["knee"] for r in spec["data"]["values"]) == 1
    assert spec["layer"][0]["encoding"]["x"]["title"].startswith("Total special-fund spending")
    (mark,) = [layer for layer in spec["layer"] if "data" in layer]  # the current plan
    assert mark["data"]["values"][0]["spend"] == 400.0
    state: dict = {}
    load_plan(state, result)
    assert state[S.lever_widget_key("special_fund", "14th")] == 300
    assert state[S.lever_widget_key("special_fund", "15th")] == 0


def test_missed_targets_are_in_scope_targets_below_the_probability():
    targets = pd.DataFrame({"target_id": ["A", "B", "C", "D"],
                            "in_scope": [True, True, False, True],
                            "probability": [0.9, 0.5, np.nan, 0.79]})
    assert missed_targets(SimpleNamespace(targets=targets), 0.8) == ["B", "D"]


def test_the_app_finds_a_plan_and_loads_it_into_the_sliders():
    from streamlit.testing.v1 import AppTest

    from suzhou_sim.app.text import period_label
    from suzhou_sim.paths import REPO_ROOT
    from tests.app.apptest import open_page

    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=300)
    at.run()
    at.slider(key=S.K_DRAWS).set_value(S.DRAWS_MIN).run()
    open_page(at, "portfolio")
    assert not at.exception, at.exception
    # only levers with a price are offered: the search would refuse an unpriced one
    from suzhou_sim.catalogues.scenarios import load_levers
    levers = load_levers()
    offered = set(at.multiselect(key="pf.levers").options)
    assert offered == {levers[k].label("zh") for k in levers if levers[k].pricing != "unpriced"}
    assert levers["attraction_projects"].label("zh") not in offered
    at.multiselect(key="pf.targets").set_value(["SZ-FUTURE-2030"])
    at.multiselect(key="pf.periods").set_value(["15th"]).run()
    at.button(key="pf.run").click().run()
    assert not at.exception, at.exception
    # the answer (a calibration older than the data adds a warning of its own)
    message = next(m.value for m in [*at.success, *at.warning] if "方案" in m.value)
    assert "亿元" in message  # the app is Chinese by default
    plan = at.session_state["pf.result"][1].search.chosen()
    at.button(key="pf.load").click().run()
    assert at.radio, "loading the plan redrew only the results, not the sidebar's sliders"
    # the sidebar draws only the open plan period's sliders: open the 15th plan's tab
    at.session_state["lever_tab"] = period_label("15th", "zh", short=True)
    at.run()
    assert at.slider(key=S.lever_widget_key("special_fund", "15th")).value == \
        plan["special_fund.15th"]


def _front(spend: list[float], shortfall: list[float]) -> PortfolioResult:
    plans = pd.DataFrame({"spend": spend, "shortfall": shortfall, "on_front": True,
                          "reached": [0] * len(spend)})
    search = SimpleNamespace(front=plans.sort_values("spend"), chosen=lambda: plans.iloc[-1],
                             decisions=plan_decisions(["special_fund"], ["14th", "15th"]),
                             probability=0.8, target_ids=["A", "B"])
    return SimpleNamespace(search=search)


def test_the_knee_is_where_more_money_stops_buying_shortfall():
    # shortfall falls fast to 300 and barely after: the knee is the plan at 300
    result = _front([0, 100, 300, 1000, 2000], [2.0, 1.0, 0.2, 0.15, 0.1])
    assert float(knee_plan(result)["spend"]) == 300
    few = _front([0, 100], [1.0, 0.5])
    assert float(knee_plan(few)["spend"]) == 100  # too few plans: the chosen one


@pytest.mark.parametrize("years, periods", [
    ([2025], ["14th"]), ([2025, 2030], ["14th", "15th"]), ([2035], ["14th", "15th", "16th"]),
    ([], ["14th", "15th", "16th"]),
])
def test_later_periods_are_left_alone_for_earlier_targets(years, periods):
    assert target_periods(years) == periods


def test_the_current_plan_on_the_fronts_axes():
    result = _front([0, 100], [1.0, 0.5])
    scenario = load_scenario(SCENARIOS_DIR / "baseline.yaml")  # 200 a year in each period
    spend, short = current_point(result, scenario, {"A": 0.9, "B": 0.5})
    years = sum(PERIOD_YEARS[p][1] - PERIOD_YEARS[p][0] + 1 for p in ("14th", "15th"))
    assert spend == 200 * years and short == pytest.approx(0.3)
