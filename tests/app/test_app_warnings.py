"""The app shows the input warnings: a stale calibration and a fund split of all zeros."""

from __future__ import annotations

import os
from pathlib import Path

from streamlit.testing.v1 import AppTest

from suzhou_sim.app import compute
from suzhou_sim.app import state as S
from suzhou_sim.app.text import period_label
from suzhou_sim.calibration.provenance import Staleness
from suzhou_sim.catalogues.scenarios import load_levers
from suzhou_sim.paths import REPO_ROOT

APP = REPO_ROOT / "app.py"


def _run() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def _warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


def test_no_warning_with_the_shipped_calibration_and_baseline():
    assert not any("校准" in w or "权重" in w for w in _warnings(_run()))


def test_stale_calibration_is_shown(monkeypatch):
    stale = Staleness("suzhou", Path("model/calibration/suzhou"), recorded=True,
                      changed=("model",))
    # the app asks through compute.calibration_staleness (its store starts empty)
    monkeypatch.setattr(compute, "calibration_status", lambda region, *a, **k: stale)
    shown = _warnings(_run())
    assert any("校准已过时" in w and "模型方程" in w for w in shown), shown


def test_all_split_weights_zero_is_shown():
    at = _run()
    split = [k for k, lever in load_levers().items() if lever.theme == "fund_split"]
    at.session_state["lever_tab"] = period_label("15th", "zh", short=True)  # open its sliders
    at.run()
    for key in split:
        at.slider(key=S.lever_widget_key(key, "15th")).set_value(0.0)
    at.run()
    shown = _warnings(at)
    # one warning for the condition, naming the period (no second one beside the sliders)
    assert [w for w in shown if "权重" in w] == [
        "“十五五”时期专项资金的五项分配权重均为0:专项资金不会投向任何方向"
        "(模型中相当于不投入专项资金)。"], shown


def test_staleness_is_checked_again_when_an_input_file_changes(monkeypatch, tmp_path):
    calls = []

    def status(region, *a, **k):
        calls.append(region)
        return Staleness(region, tmp_path, recorded=True)
    model = tmp_path / "model.mdl"
    model.write_text("x", encoding="utf-8")
    monkeypatch.setattr(compute, "calibration_status", status)
    monkeypatch.setattr(compute, "status_files", lambda region: (model,))
    for _ in range(3):
        compute.calibration_staleness("suzhou", 1)
    assert calls == ["suzhou"]  # kept while nothing changed
    stamp = model.stat().st_mtime_ns
    os.utime(model, ns=(stamp + 10**9, stamp + 10**9))
    compute.calibration_staleness("suzhou", 1)
    compute.calibration_staleness("suzhou", 2)  # a new calibration
    assert calls == ["suzhou"] * 3


def test_an_engine_error_of_a_run_is_shown_in_chinese(monkeypatch):
    from suzhou_sim.app import live
    from suzhou_sim.engine import EngineError

    def refuse(*args, **kwargs):
        raise EngineError(code="engine.control_positive", name="TIME STEP", value=0.0)
    monkeypatch.setattr(live, "settings_outcome", refuse)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    shown = [e.value for e in at.error]
    assert any("TIME STEP 必须为正数,而给出的是 0.0" in e for e in shown), shown
