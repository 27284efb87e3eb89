"""Work done ahead while the server is idle: the prefetcher's queue, the shared stores it
fills, and the app's guess of the next lever steps (served without a run, same numbers)."""

from __future__ import annotations

import threading
import time

import pytest
from streamlit.testing.v1 import AppTest

from suzhou_sim.app import prefetch
from suzhou_sim.app.compute import Store
from suzhou_sim.app.prefetch import Prefetcher
from suzhou_sim.catalogues.scenarios import load_levers
from tests.app.apptest import (
    APP,
    fund_probabilities,
    html_table,
    lever,
    needs_suzhou,
    scoreboard,
)

# --- the queue ------------------------------------------------------------------------------


def test_jobs_wait_for_the_foreground_and_the_newest_owner_goes_first():
    runner, ran = Prefetcher(idle_s=0.0, enabled=True), []
    with runner.foreground():
        runner.submit("a", [lambda: ran.append("a1"), lambda: ran.append("a2")])
        runner.submit("b", [lambda: ran.append("b1")])
        time.sleep(0.2)
        assert ran == []  # nothing starts while a session computes or draws
    assert runner.wait_idle(10)
    assert ran == ["b1", "a1", "a2"]


def test_a_new_guess_replaces_the_owners_queued_jobs():
    runner, ran = Prefetcher(idle_s=0.0, enabled=True), []
    with runner.foreground():
        runner.submit("a", [lambda: ran.append("old")])
        runner.submit("a", [lambda: ran.append("new")])
    assert runner.wait_idle(10) and ran == ["new"]


def test_a_failing_job_costs_nothing_and_the_next_one_runs():
    runner, ran = Prefetcher(idle_s=0.0, enabled=True), []

    def broken() -> None:
        raise RuntimeError("a guess that fails")
    runner.submit("a", [broken, lambda: ran.append("next")])
    assert runner.wait_idle(10) and ran == ["next"] and runner.done == 2


def test_switched_off_by_the_environment(monkeypatch):
    monkeypatch.setenv(prefetch.ENV_VAR, "0")
    runner, ran = Prefetcher(idle_s=0.0), []
    runner.submit("a", [lambda: ran.append("x")])
    assert runner.wait_idle(1) and ran == [] and runner.done == 0
    monkeypatch.setenv(prefetch.ENV_VAR, "1")
    runner.submit("a", [lambda: ran.append("x")])
    assert runner.wait_idle(10) and ran == ["x"]


def test_a_job_starts_only_after_the_quiet_time():
    runner, started = Prefetcher(idle_s=0.3, enabled=True), []
    with runner.foreground():
        runner.submit("a", [lambda: started.append(time.monotonic())])
    quiet = time.monotonic()
    assert runner.wait_idle(10)
    assert started[0] - quiet >= 0.25


# --- the shared store -----------------------------------------------------------------------


def test_store_makes_a_value_once_while_another_thread_waits_for_it():
    store, made, gate = Store(4), [], threading.Event()

    def make() -> int:
        made.append(1)
        gate.wait(5)
        return 42
    first = threading.Thread(target=lambda: store.get_or_make("k", make))
    first.start()
    time.sleep(0.1)  # the first thread is making "k"
    got = []
    second = threading.Thread(target=lambda: got.append(store.get_or_make("k", make)))
    second.start()
    time.sleep(0.1)
    assert got == []  # waiting, not making it again
    gate.set()
    first.join(5)
    second.join(5)
    assert got == [42] and made == [1]


def test_store_forgets_the_oldest_and_a_failed_make_is_retried():
    store = Store(2)
    for key in "abc":
        store.put(key, key.upper())
    assert store.get("a") is None and store.get("c") == "C"

    def broken() -> str:
        raise ValueError("no")
    with pytest.raises(ValueError):
        store.get_or_make("d", broken)
    assert store.get_or_make("d", lambda: "D") == "D"


# --- the app's guess ------------------------------------------------------------------------


def _requested_runs(monkeypatch) -> list[str]:
    """Names of the threads that ran an ensemble for a scoreboard or an attribution, the
    prefetcher's left out (what a planner waited for)."""
    from suzhou_sim.studies import effects, scenario_runs

    calls: list[str] = []
    for module in (scenario_runs, effects):
        def counted(*args, _real=module.run_ensemble, **kwargs):
            name = threading.current_thread().name
            if name != prefetch.THREAD_NAME:
                calls.append(name)
            return _real(*args, **kwargs)
        monkeypatch.setattr(module, "run_ensemble", counted)
    return calls


def _steps(at: AppTest, slider, values: tuple[float, ...], calls: list[str]) -> None:
    """Step ``slider`` through ``values`` as a browser does (each step reruns only the
    fragments it changes, the page is not redrawn in between); none may wait for a run."""
    for value in values:
        slider.set_value(value).run()
        assert not at.exception, at.exception
        assert not at.radio  # a fragment-only step, as in the browser
        assert calls == [], f"{value} was computed on request, not prefetched"
        assert prefetch.prefetcher().wait_idle(60)


@needs_suzhou
def test_the_next_notches_of_the_moved_lever_are_ready_before_they_are_asked_for(monkeypatch):
    monkeypatch.setenv(prefetch.ENV_VAR, "1")
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    slider = lever(at, "special_fund", "14th")
    slider.set_value(240).run()  # a jump: computed on request, then 250 and 230 guessed
    assert not at.exception, at.exception
    assert prefetch.prefetcher().wait_idle(60)
    calls = _requested_runs(monkeypatch)
    # back one notch (never computed before), on back, then forward again
    _steps(at, slider, (230, 220, 230, 240, 250), calls)
    assert scoreboard(at)[0] == fund_probabilities(at, 250)  # as a run made on request


@needs_suzhou
def test_with_two_edited_levers_the_attribution_is_ready_too(monkeypatch):
    """Two edits: the attribution under the scoreboard needs runs of its own (each edit
    alone); the guess makes them too."""
    monkeypatch.setenv(prefetch.ENV_VAR, "1")
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    lever(at, "talent_weight", "14th").set_value(0.45).run()
    slider = lever(at, "special_fund", "14th")
    slider.set_value(210).run()
    assert not at.exception, at.exception
    assert prefetch.prefetcher().wait_idle(60)
    calls = _requested_runs(monkeypatch)
    _steps(at, slider, (220,), calls)
    header, *rows = html_table(at, "attribution")
    assert rows and any(load_levers()["talent_weight"].label("zh") in " ".join(r)
                        for r in rows)
