"""The app's display objects without Streamlit: scoreboard with statuses, year summary,
fund shares, chart specification."""

from __future__ import annotations

import pandas as pd
import pytest

from suzhou_sim.app.text import tr
from suzhou_sim.app.views import (
    Outcome,
    fund_shares,
    named_data,
    scoreboard_frame,
    scoreboard_html,
    table_html,
    trajectory_chart,
    year_summary,
)
from suzhou_sim.paths import SCENARIOS_DIR
from suzhou_sim.studies.scenario_runs import run_scenario
from tests.posterior_fixture import write_fixture_posterior


@pytest.fixture(scope="module")
def outcome(tmp_path_factory) -> Outcome:
    posterior = write_fixture_posterior(tmp_path_factory.mktemp("calibration"))
    result = run_scenario(SCENARIOS_DIR / "baseline.yaml", draws=30, seed=1, posterior=posterior)
    return Outcome(result, result, None, True)


def test_scoreboard_shows_the_status_of_every_target_and_counts_them_per_year(outcome):
    frame = scoreboard_frame(outcome, "zh")
    page = scoreboard_html(frame, "zh")
    assert '<th class="wide">状态</th>' in page
    inside = frame[frame["in_scope"]]
    for r in inside.itertuples():
        assert f'data-status="{r.status}"' in page
    summary = year_summary(frame, "zh")
    assert summary["目标数"].sum() == len(inside)
    labels = [tr(f"status_{s}", "zh") for s in inside["status"].unique()]
    assert summary[labels].to_numpy().sum() == len(inside)


def test_year_summary_counts_bands_per_target_year(outcome):
    frame = scoreboard_frame(outcome, "en")
    summary = year_summary(frame, "en")
    inside = frame[frame["in_scope"]]
    assert summary["Year"].tolist() == sorted(inside["year"].unique())
    bands = summary[["≥80%", "50%–80%", "20%–50%", "<20%"]].sum(axis=1)
    with_band = inside[inside["band"] != ""].groupby("year").size()  # one probability each
    assert bands.tolist() == with_band.reindex(summary["Year"], fill_value=0).tolist()


@pytest.mark.parametrize("weights, fund, expected", [
    ({"a": 0.2, "b": 0.15, "c": 0.15, "d": 0.1, "e": 0.4}, 200,
     {"a": (0.2, 40), "e": (0.4, 80)}),
    ({"a": 1.0, "b": 1.0}, 42, {"a": (0.5, 21), "b": (0.5, 21)}),
    ({"a": 0.0, "b": 0.0}, 200, {"a": (0, 0), "b": (0, 0)}),  # the model's ZIDZ: no spending
])
def test_fund_shares(weights, fund, expected):
    shares = fund_shares(weights, fund)
    for key, (share, amount) in expected.items():
        assert shares[key] == pytest.approx((share, amount))


def test_chart_axis_starts_at_the_data_and_tooltips_are_plain_numbers(outcome):
    spec = trajectory_chart(outcome, "high_tech_enterprises", "zh")
    domain = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    history = [r["year"] for layer in spec["layer"][2:] for r in layer["data"]["values"]
               if "value" in r]
    series = [r["year"] for r in spec["layer"][0]["data"]["values"]]
    assert domain[0] == min(history + series) - 0.5  # where the data start
    assert domain[1] == 2035.5
    tips = [t for layer in spec["layer"] for t in layer["encoding"].get("tooltip", [])]
    assert all(t.get("format") != ",.4~g" for t in tips)
    assert any(t.get("format") == ",.4~r" for t in tips)
    assert spec["layer"][1]["mark"]["point"]  # tooltips on the median lines


def test_named_data_moves_each_layers_values_to_one_named_dataset(outcome):
    spec = trajectory_chart(outcome, "high_tech_enterprises", "zh")
    before = repr(spec)
    named = named_data(spec)
    assert repr(spec) == before  # the chart given is not changed
    inline = [layer["data"]["values"] for layer in spec["layer"] if "data" in layer]
    moved = [named["datasets"][layer["data"]["name"]] for layer in named["layer"]
             if "data" in layer]
    assert moved == inline  # the same rows, layer by layer
    shared = {id(v) for v in inline}  # the targets' rows serve several layers: one dataset
    assert len(named["datasets"]) == len(shared)
    assert [{k: v for k, v in layer.items() if k != "data"} for layer in named["layer"]] == \
        [{k: v for k, v in layer.items() if k != "data"} for layer in spec["layer"]]
    # another lever step changes the numbers only: the rest of the chart reads the same
    other = Outcome(outcome.result, None, None, True)
    assert ({k: v for k, v in named.items() if k != "datasets"}
            == {k: v for k, v in named_data(trajectory_chart(
                other, "high_tech_enterprises", "zh")).items() if k != "datasets"})


def _legends(spec: dict) -> dict[str, dict]:
    """Encodings with a legend in a layered chart, by the field they show."""
    return {enc["field"]: enc for layer in spec["layer"]
            for enc in layer["encoding"].values()
            if isinstance(enc, dict) and enc.get("legend") and "field" in enc}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_history_markers_and_target_stars_have_legend_entries_and_tooltips(outcome, lang):
    spec = trajectory_chart(outcome, "high_tech_enterprises", lang)  # history and a target
    legends = _legends(spec)
    history, star = legends["kind"], legends["marker"]
    assert history["legend"]["title"] == tr("chart_history", lang)
    assert history["scale"]["domain"] == [tr(k, lang) for k in
                                          ("chart_hist_lower", "chart_hist_upper",
                                           "chart_hist_exact")]
    assert history["scale"]["range"] == ["triangle-up", "triangle-down", "circle"]
    assert star["scale"]["domain"] == [tr("chart_target_legend", lang)]
    assert star["scale"]["range"][0].startswith("M")  # the star's outline
    labels = [*history["scale"]["domain"], history["legend"]["title"], *star["scale"]["domain"]]
    cjk = [any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in labels]
    assert all(cjk) if lang == "zh" else not any(cjk), labels
    # the lines and the band keep theirs; every legend sits below the plot
    assert {"run", "band"} <= set(legends)
    assert all(enc["legend"]["orient"] == "bottom" for enc in legends.values())
    # tooltips on the history points and on the stars, in the chosen language
    tips = {layer["encoding"]["shape"]["field"]: [t["title"] for t in layer["encoding"]["tooltip"]]
            for layer in spec["layer"] if "shape" in layer["encoding"]}
    assert tr("chart_history", lang) in tips["kind"]
    assert tr("chart_target", lang) in tips["marker"] and tr("probability", lang) in tips["marker"]
    # stacked legend rows get room of their own: a chart without history points (a
    # cumulative measure) has no history legend and is shorter by its rows
    cumulative = next(n for n, s in outcome.result.specs.items() if s.measure == "cumulative")
    plain = trajectory_chart(outcome, cumulative, lang)
    assert "kind" not in _legends(plain) and plain["height"] < spec["height"]


def test_table_html_escapes_cells_and_right_aligns_numbers():
    frame = pd.DataFrame({"目标 <b>": ["A & B", "<script>"], "数量": [3.0, 12.5]})
    page = table_html(frame, "t1")
    # in a box that scrolls sideways on a phone rather than clipping the table
    assert page.startswith('<div class="sb-scroll"><table class="sb" id="t1">')
    assert page.endswith("</table></div>")
    assert "<script>" not in page and "&lt;script&gt;" in page and "A &amp; B" in page
    assert "目标 &lt;b&gt;" in page
    assert '<td class="num">3</td>' in page and '<td class="num">12.5</td>' in page
    assert page.count("<tr>") == 3  # the header and two rows


@pytest.mark.parametrize(("lang", "words"), [("zh", "80% 概率可达到的水平:"),
                                             ("en", "level reachable with 80%: ")])
def test_scoreboard_shows_the_level_reachable_with_80_percent(outcome, lang, words):
    import re

    from suzhou_sim.app.text import fmt_quantity
    from suzhou_sim.catalogues.targets import load_targets

    frame = scoreboard_frame(outcome, lang)
    page = scoreboard_html(frame, lang)
    board = outcome.result.targets.set_index("target_id")
    shown = dict(re.findall(r'data-target="([^"]+)"[^>]*data-reach80="([^"]+)"', page))
    forecasts = board[board["in_scope"] & board["reach_80"].notna()
                      & ~board["status"].isin(["met", "missed"])]
    assert set(shown) == set(forecasts.index) and shown
    for tid, value in shown.items():
        level = board.loc[tid, "reach_80"]
        assert float(value) == pytest.approx(level, rel=1e-5)
        text = fmt_quantity(level, load_targets()[tid].unit, lang)
        assert words in page and text in frame.set_index("target_id").loc[tid, "reach"]
    # no reach level for a target judged by its published figure
    judged = board.index[board["status"].isin(["met", "missed"])]
    assert all(frame.set_index("target_id").loc[tid, "reach"] == "" for tid in judged)


def test_range_statuses_have_no_colour_of_one_probability(outcome):
    frame = scoreboard_frame(outcome, "zh")
    ranged = frame[frame["status"].isin(["assumption_driven", "prior_driven"])]
    assert (ranged["band"] == "").all()
