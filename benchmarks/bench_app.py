"""Server time of the app's recompute after a slider change (goal: under 0.5 s at 1,000 draws).

Uses the app's compute room (``suzhou_sim.app.compute``) and times what one slider
change costs on the server, 20 times with a new value each time:

1. ``recompute``: the settings become a scenario, the app's cached runner simulates it
   (the baseline comes from the cache, as in the app), then the scoreboard HTML and the
   Vega-Lite specs of the four default charts are built and serialised.
2. For comparison, a whole script rerun through Streamlit's ``AppTest`` (widget tree,
   sidebar, serialisation; no browser).

Uses the stored calibration of Suzhou (``model/calibration/suzhou``). Prints the median
and the slowest time in milliseconds.

Usage: python benchmarks/bench_app.py [--changes N] [--draws N]
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # this checkout's package (the app and its compute room)
GOAL_MS = 500.0
LEVER, PERIOD = "special_fund", "15th"


def _quiet() -> None:
    # st.cache_* outside `streamlit run` logs a warning per call ("no runtime")
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")


def bench_recompute(changes: int, draws: int) -> list[float]:
    """Milliseconds of the app's recompute for ``changes`` successive slider values."""
    from suzhou_sim.app import state as S
    from suzhou_sim.app.compute import calibration_stamp, run_cached
    from suzhou_sim.app.pages.charts import DEFAULT_CHARTS
    from suzhou_sim.app.views import (
        chart_indicators,
        recompute,
        scoreboard_frame,
        scoreboard_html,
        trajectory_chart,
    )

    state: dict = {}
    S.init_state(state)
    state[S.K_DRAWS] = draws
    region = state[S.K_REGION]
    stamp = calibration_stamp(region)
    run = run_cached(stamp)
    baseline = S.region_baseline(region)[1]

    def once() -> float:
        start = time.perf_counter()
        current = S.scenario_from_state(state)
        outcome = recompute(current, S.base_scenario(state), baseline, draws,
                            int(state[S.K_SEED]), run)
        scoreboard_html(scoreboard_frame(outcome, "zh"), "zh")
        for name in chart_indicators(outcome.result)[: DEFAULT_CHARTS]:
            json.dumps(trajectory_chart(outcome, name, "zh"))
        return (time.perf_counter() - start) * 1000

    once()  # warm: compiles the model, loads the posterior, caches the baseline
    times = []
    for i in range(changes):
        S.set_lever(state, LEVER, PERIOD, 210 + 10 * i)
        times.append(once())
    return times


def bench_rerun(changes: int) -> list[float]:
    """Milliseconds of whole script reruns (AppTest) after a slider change."""
    from streamlit.testing.v1 import AppTest

    from suzhou_sim.app.sidebar import K_LEVER_TAB

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.run()
    at.session_state[K_LEVER_TAB] = "十五五"  # only the open period is drawn
    at.run()
    times = []
    for i in range(changes):
        if not at.radio:  # a lever step redraws only its fragments: draw the page (untimed)
            at.run()
        slider = at.slider(key=f"lever.{LEVER}.{PERIOD}")
        start = time.perf_counter()
        slider.set_value(210 + 10 * i).run()
        times.append((time.perf_counter() - start) * 1000)
        if at.exception:
            raise RuntimeError(at.exception[0].value)
    return times


def _report(what: str, times: list[float]) -> bool:
    median = statistics.median(times)
    ok = median < GOAL_MS
    print(f"{what}: median {median:6.0f} ms, slowest {max(times):6.0f} ms over "
          f"{len(times)} changes  (goal < {GOAL_MS:.0f} ms)  {'ok' if ok else 'SLOW'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20, help="slider changes to time")
    parser.add_argument("--draws", type=int, default=1000, help="ensemble size")
    args = parser.parse_args()
    _quiet()
    print(f"slider: {LEVER} {PERIOD}, {args.draws} draws, stored calibration of suzhou")
    ok = _report("recompute (model run + scoreboard + 4 charts)",
                 bench_recompute(args.changes, args.draws))
    _report("whole script rerun via AppTest (for comparison)", bench_rerun(args.changes))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
